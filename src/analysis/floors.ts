/**
 * Price floors sized per plant (issue 15): reads a solved plan's plant economics, solves the
 * second-stage floors model (src/model/concepts/price-floors.ts) with per-tonne support, without it
 * (capex grants only), and without the existing contracts' payments (to price the contracts the
 * same way), and states per plant: does it need a floor, at what level, in which years, and what
 * the public pays in present value against the capex-only alternative.
 * Pure apart from the solver function it is handed.
 */
import type { LinearModel } from '../model/builder.js';
import { parseName } from '../model/families.js';
import type { Instance } from '../model/instance.js';
import { feedStageOf, referenceProductOf, stageOrderOf } from '../data/chain.js';
import { capitalRecoveryFactor, floorModel, type PlantEconomics } from '../model/concepts/price-floors.js';
import { discountedSpendFactor } from '../model/concepts/objective.js';
import { plantOutputs } from './plant-output.js';
import { contractUse } from './contracts.js';
import type { SolveResult } from '../solver/types.js';
import type { FloorsReport } from '../schemas/portfolio.js';

const EPS = 1e-6;

/**
 * The product a plant's floor is on: for separation its light product (NdPr oxide, as the MP–DoD
 * and Lynas–JARE floors), for metal the metal made from that oxide (NdPr metal), for magnets null
 * (all output). Other outputs (heavy oxides and metals) are co-products whose revenue counts.
 */
function floorProduct(instance: Instance, stage: string, outputs: Iterable<string>): string | null {
  const made = new Set(outputs);
  const chain = instance.dataset.meta.chain;
  const oxide = referenceProductOf(chain, instance.products.values()) || undefined;
  if (stage === feedStageOf(chain)) return oxide ?? null;
  // The stage right after the feed stage: the product made from the reference product there (NdPr metal).
  const next = stageOrderOf(chain)[stageOrderOf(chain).indexOf(feedStageOf(chain)) + 1];
  if (stage === next && oxide) {
    const metal = [...instance.processes.values()].find((r) => r.stage === next && r.inputsTPerT[oxide] !== undefined)?.output;
    if (metal && made.has(metal)) return metal;
  }
  return null;
}

/** Per-plant revenue, cash cost, capex and contract payments of the allied plants in a solved plan. */
export function plantEconomics(
  instance: Instance,
  model: LinearModel,
  values: Float64Array,
  options: { readonly withContracts: boolean } = { withContracts: true },
): PlantEconomics[] {
  const plants = new Map(instance.plants.map((p) => [p.id, p]));
  const output = plantOutputs(instance, model, values);
  const cash = new Map<string, number>(); // plant|year
  const builds = new Map<string, Array<[number, number]>>(); // plant → [buildYear, t/yr]
  const add = (key: string, v: number) => cash.set(key, (cash.get(key) ?? 0) + v);
  model.colNames.forEach((name, j) => {
    const value = values[j] ?? 0;
    if (value <= 1e-9) return;
    const parsed = parseName(name);
    if (parsed.family === 'feed' || parsed.family === 'make') {
      const { plant: plantId, year } = parsed.index;
      const d = instance.discountFactor(year);
      const parts = model.colCostParts.get(j) ?? [];
      const perUnit = parts.filter(([category]) => category !== 'originTieBreak').reduce((sum, [, amount]) => sum + amount, 0) / d;
      add(`${plantId}|${year}`, perUnit * value);
      if (parsed.family === 'make') {
        const process = instance.processes.get(parsed.index.process);
        for (const [input, perT] of Object.entries(process?.inputsTPerT ?? {}))
          add(`${plantId}|${year}`, perT * (instance.worldPriceUsdPerT(input, year) ?? 0) * value);
      }
    } else if (parsed.family === 'build') {
      const { plant: plantId, buildYear } = parsed.index;
      const list = builds.get(plantId) ?? [];
      list.push([buildYear, value]);
      builds.set(plantId, list);
    }
  });
  const contracts = new Map<string, number>();
  if (options.withContracts) {
    for (const row of contractUse(instance, model, values)) {
      const key = `${row.plant}|${row.year}`;
      contracts.set(key, (contracts.get(key) ?? 0) + row.floorPaymentUsd + row.supportPaymentUsd);
    }
  }
  const byPlant = new Map<string, Map<number, Map<string, number>>>();
  for (const [key, tonnes] of output) {
    const [plantId, product, year] = key.split('|') as [string, string, string];
    let years = byPlant.get(plantId);
    if (!years) byPlant.set(plantId, (years = new Map()));
    let products = years.get(Number(year));
    if (!products) years.set(Number(year), (products = new Map()));
    products.set(product, (products.get(product) ?? 0) + tonnes);
  }
  const economics: PlantEconomics[] = [];
  for (const plantId of [...new Set([...byPlant.keys(), ...builds.keys()])].sort()) {
    const plant = plants.get(plantId);
    if (!plant || !instance.trusted.has(plant.country)) continue;
    const years = byPlant.get(plantId) ?? new Map<number, Map<string, number>>();
    const product = floorProduct(
      instance,
      plant.stage,
      [...years.values()].flatMap((m) => [...m.keys()]),
    );
    const e = plant.expansion;
    const crf = e ? capitalRecoveryFactor(instance.discountRate, e.lifetimeYears) : 0;
    const planBuilds = builds.get(plantId) ?? [];
    const capexPvUsd = e ? planBuilds.reduce((sum, [b, x]) => sum + e.capexUsdPerTpa * x * discountedSpendFactor(instance, e.leadTimeYears, b), 0) : 0;
    const rows: Array<PlantEconomics['years'][number]> = [];
    for (const year of instance.years) {
      const outputs = years.get(year) ?? new Map<string, number>();
      let online = 0;
      for (const [b, x] of planBuilds) if (e && year >= b + e.leadTimeYears && year < b + e.leadTimeYears + e.lifetimeYears) online += x;
      const outputT = product ? (outputs.get(product) ?? 0) : [...outputs.values()].reduce((s, v) => s + v, 0);
      if (outputT <= EPS && online <= EPS) continue;
      let revenueUsd = 0;
      for (const [k, t] of outputs) revenueUsd += t * (instance.worldPriceUsdPerT(k, year) ?? 0);
      rows.push({
        year,
        outputT,
        revenueUsd,
        cashCostUsd: cash.get(`${plantId}|${year}`) ?? 0,
        capexAnnuityUsd: e ? e.capexUsdPerTpa * online * crf : 0,
        fixedOpexUsd: plant.fixedOpexUsdPerTpaYear * online,
        contractUsd: contracts.get(`${plantId}|${year}`) ?? 0,
      });
    }
    if (rows.length) economics.push({ plant: plantId, country: plant.country, stage: plant.stage, product, years: rows, capexPvUsd });
  }
  return economics;
}

type Solve = (model: LinearModel) => Promise<SolveResult>;

interface Solved {
  support: Map<string, number>; // plant|year → USD
  grant: Map<string, number>; // plant → USD PV
  unviable: Map<string, number>; // plant → USD PV
  publicPv: number;
  status: string;
}

async function solveFloors(instance: Instance, economics: PlantEconomics[], support: boolean, solve: Solve): Promise<Solved> {
  const solved: Solved = { support: new Map(), grant: new Map(), unviable: new Map(), publicPv: 0, status: 'optimal' };
  if (!economics.length) return solved;
  const model = floorModel(instance, economics, { support });
  if (!model.colNames.length) return solved;
  const result = await solve(model);
  solved.status = result.status;
  if (result.status !== 'optimal' || !result.columnValues) return solved;
  const add = (map: Map<string, number>, key: string, v: number) => map.set(key, (map.get(key) ?? 0) + v);
  model.colNames.forEach((name, j) => {
    const value = result.columnValues![j] ?? 0;
    if (value <= 1e-9) return;
    const parsed = parseName(name);
    if (parsed.family === 'floor_support') {
      const { plant, year } = parsed.index;
      add(solved.support, `${plant}|${year}`, value);
      solved.publicPv += value * instance.discountFactor(year);
    } else if (parsed.family === 'floor_grant') {
      add(solved.grant, parsed.index.plant, value);
      solved.publicPv += value;
    } else if (parsed.family === 'floor_unviable') {
      const { plant, year } = parsed.index;
      add(solved.unviable, plant, value * instance.discountFactor(year));
    }
  });
  return solved;
}

export async function sizeFloors(instance: Instance, model: LinearModel, values: Float64Array, solve: Solve): Promise<FloorsReport> {
  const economics = plantEconomics(instance, model, values);
  const withFloors = await solveFloors(instance, economics, true, solve);
  const capexOnly = await solveFloors(instance, economics, false, solve);
  const contractPlants = new Set(instance.contracts.map((c) => c.plant.id));
  const bare = await solveFloors(
    instance,
    plantEconomics(instance, model, values, { withContracts: false }).filter((p) => contractPlants.has(p.plant)),
    true,
    solve,
  );
  const plants: FloorsReport['plants'] = economics.map((p) => {
    const supportYears = p.years.filter((y) => (withFloors.support.get(`${p.plant}|${y.year}`) ?? 0) > EPS);
    const levels = supportYears.map((y) => {
      const s = withFloors.support.get(`${p.plant}|${y.year}`)! / y.outputT;
      return { year: y.year, supportUsdPerT: s, floorUsdPerT: y.revenueUsd / y.outputT + s };
    });
    const supportPvUsd = p.years.reduce((sum, y) => sum + (withFloors.support.get(`${p.plant}|${y.year}`) ?? 0) * instance.discountFactor(y.year), 0);
    const contractPvUsd = p.years.reduce((sum, y) => sum + y.contractUsd * instance.discountFactor(y.year), 0);
    const output = p.years.reduce((s, y) => s + y.outputT, 0);
    const cost = p.years.reduce((s, y) => s + y.cashCostUsd + y.capexAnnuityUsd + y.fixedOpexUsd, 0);
    const bareSupport = contractPlants.has(p.plant)
      ? [...bare.support].filter(([k]) => k.startsWith(`${p.plant}|`)).reduce((s, [k, v]) => s + v * instance.discountFactor(Number(k.split('|')[1])), 0) +
        (bare.grant.get(p.plant) ?? 0)
      : null;
    return {
      plant: p.plant,
      country: p.country,
      stage: p.stage,
      product: p.product,
      unitCostUsdPerT: output > EPS ? cost / output : null,
      needsFloor: levels.length > 0,
      floorYears: levels.map((l) => l.year),
      fromYear: levels[0]?.year ?? null,
      toYear: levels[levels.length - 1]?.year ?? null,
      levels,
      maxFloorUsdPerT: levels.length ? Math.max(...levels.map((l) => l.floorUsdPerT)) : null,
      supportPvUsd,
      grantPvUsd: withFloors.grant.get(p.plant) ?? 0,
      unviablePvUsd: withFloors.unviable.get(p.plant) ?? 0,
      capexOnly: {
        grantPvUsd: capexOnly.grant.get(p.plant) ?? 0,
        unviablePvUsd: capexOnly.unviable.get(p.plant) ?? 0,
        viable: (capexOnly.unviable.get(p.plant) ?? 0) <= 1e-3,
      },
      contractPvUsd,
      neededWithoutContractsPvUsd: bareSupport,
    };
  });
  const unviable = (s: Solved) =>
    [...s.unviable]
      .filter(([, v]) => v > 1e-3)
      .map(([k]) => k)
      .sort();
  return {
    status: withFloors.status === 'optimal' && capexOnly.status === 'optimal' ? 'optimal' : 'error',
    publicCostPvUsd: withFloors.publicPv,
    unviablePlants: unviable(withFloors),
    capexOnly: { publicCostPvUsd: capexOnly.publicPv, unviablePlants: unviable(capexOnly) },
    contractsPvUsd: plants.reduce((s, p) => s + p.contractPvUsd, 0),
    plants: plants.filter(
      (p) => p.needsFloor || p.grantPvUsd > EPS || p.unviablePvUsd > 1e-3 || p.capexOnly.grantPvUsd > EPS || !p.capexOnly.viable || p.contractPvUsd > EPS,
    ),
  };
}
