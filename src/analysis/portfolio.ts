/**
 * Turns a solved model back into a portfolio a planner reads. Everything is read from column
 * names (`build[plant,buildYear]`, `ship[product,origin,from,to,year]`, …) parsed back into data
 * ids by `parseName` (model/families.ts), so the solver's column order never leaks out. Columns of
 * years without an origin split (origin `all`) are read as their trusted and untrusted parts by
 * proportional tracing (origin-tracing.ts); each dependency point says which method gave its share.
 */
import type { LinearModel, ModelStats } from '../model/builder.js';
import type { ParsedName } from '../model/families.js';
import { shareMethod, tracedColumns, tracedOrigin } from './origin-tracing.js';
import { COST_CATEGORIES, costBreakdownKey, type CostBreakdownKey, type CostCategory } from '../model/cost-categories.js';
import type { Instance, Origin } from '../model/instance.js';
import { stepValue } from '../model/instance.js';
import { constructionSpendShare } from '../model/concepts/objective.js';
import { feedYields } from '../model/feed-yield.js';
import type { Portfolio } from '../schemas/portfolio.js';
import { hasSolution, type SolveResult } from '../solver/types.js';
import { verifySolution } from './evaluate.js';
import { contractUse } from './contracts.js';
import { recyclingSection, stockpileSection } from './instruments.js';
import type { FloorsReport } from '../schemas/portfolio.js';

const EPS = 1e-6;

/** The `to` of a sale to the rest of the world (world-market.ts): not a country. */
export const WORLD_MARKET = 'WORLD';

/** A non-zero column: its parsed name (narrow on `family` to read the index fields) and value. */
type Parsed = ParsedName & { readonly value: number };

/** Columns above EPS, pooled ones split by origin (origin-tracing.ts). */
function nonZero(instance: Instance, model: LinearModel, values: Float64Array): Parsed[] {
  return tracedColumns(instance, model, values).filter((c) => Math.abs(c.value) > EPS);
}

/**
 * Tonnes consumed by origin, keyed `product|origin|country|year` (markets and plant inputs).
 * Unserved final demand is counted as untrusted, as in the dependency rows: a gap is not independence.
 */
export function consumptionByOrigin(instance: Instance, model: LinearModel, values: Float64Array): Map<string, number> {
  const use = new Map<string, number>();
  const add = (key: string, v: number) => use.set(key, (use.get(key) ?? 0) + v);
  const plantCountry = new Map(instance.plants.map((p) => [p.id, p.country]));
  for (const p of nonZero(instance, model, values)) {
    const value = p.value;
    if (p.family === 'deliver') {
      const { country, product, origin, year } = p.index;
      add(`${product}|${origin}|${country}|${year}`, value);
    } else if (p.family === 'unserved') {
      const { country, product, year } = p.index;
      add(`${product}|untrusted|${country}|${year}`, value);
    } else if (p.family === 'make') {
      const { plant, process: processId, origin, year } = p.index;
      const process = instance.processes.get(processId);
      for (const [input, perTonne] of Object.entries(process?.inputsTPerT ?? {})) {
        add(`${input}|${origin}|${plantCountry.get(plant)}|${year}`, perTonne * value);
      }
    }
  }
  return use;
}

/** A bloc's consumption of a product in a year (both origins, unserved included), from `consumptionByOrigin`. */
export function blocConsumptionT(use: ReadonlyMap<string, number>, bloc: readonly string[], product: string, year: number): number {
  return bloc.reduce((sum, c) => sum + (use.get(`${product}|trusted|${c}|${year}`) ?? 0) + (use.get(`${product}|untrusted|${c}|${year}`) ?? 0), 0);
}

export function costBreakdown(model: LinearModel, values: Float64Array): Record<CostCategory, number> {
  const totals = Object.fromEntries(COST_CATEGORIES.map((c) => [c, 0])) as Record<CostCategory, number>;
  const arrays = model.costPartArrays;
  if (arrays) {
    const sums = new Float64Array(COST_CATEGORIES.length);
    for (let k = 0; k < arrays.column.length; k++) {
      const value = values[arrays.column[k]!] ?? 0;
      if (value !== 0) sums[arrays.category[k]!]! += arrays.amount[k]! * value;
    }
    COST_CATEGORIES.forEach((c, i) => (totals[c] = sums[i]!));
    return totals;
  }
  for (const [column, parts] of model.colCostParts) {
    const value = values[column] ?? 0;
    if (value === 0) continue;
    for (const [category, amount] of parts) totals[category] += amount * value;
  }
  return totals;
}

export interface PortfolioInput {
  instance: Instance;
  model: LinearModel;
  result: SolveResult;
  buildMs: number;
  baseline?: { model: LinearModel; result: SolveResult };
  /** Price floors sized on this plan (planner.ts solves the second-stage model when the scenario asks). */
  floors?: FloorsReport;
}

export function buildPortfolio({ instance, model, result, buildMs, baseline, floors }: PortfolioInput): Portfolio {
  const stats: ModelStats = result.stats;
  const values = hasSolution(result) ? result.columnValues : undefined;
  const plants = new Map(instance.plants.map((p) => [p.id, p]));
  const parsed = values ? nonZero(instance, model, values) : [];

  const funding = new Map<string, number>(); // funder|plant|year → USD
  for (const p of parsed) if (p.family === 'fund') funding.set(`${p.index.funder}|${p.index.plant}|${p.index.year}`, p.value);
  const buildColumns = parsed.filter((p): p is Extract<Parsed, { family: 'build' }> => p.family === 'build');

  const builds = buildColumns
    .map(({ index, value }) => {
      const { plant: plantId, buildYear } = index;
      const plant = plants.get(plantId)!;
      const e = plant.expansion!;
      const capexUsd = value * e.capexUsdPerTpa;
      const byFunder = new Map<string, number>();
      for (const funder of instance.funders) {
        // Attribute the funder's payments in each construction year pro rata to this build's spend.
        for (let y = buildYear; y < buildYear + Math.max(1, e.leadTimeYears); y++) {
          const paid = funding.get(`${funder.id}|${plantId}|${y}`) ?? 0;
          if (!paid) continue;
          const spendAll = buildColumns
            .filter((q) => q.index.plant === plantId)
            .reduce((sum, q) => sum + q.value * e.capexUsdPerTpa * constructionSpendShare(e.leadTimeYears, q.index.buildYear, y), 0);
          const mine = capexUsd * constructionSpendShare(e.leadTimeYears, buildYear, y);
          if (spendAll > 0) byFunder.set(funder.id, (byFunder.get(funder.id) ?? 0) + (paid * mine) / spendAll);
        }
      }
      const fundingList = [...byFunder].map(([funder, usd]) => ({ funder, usd })).filter((f) => f.usd > EPS);
      const publicUsd = fundingList.reduce((s, f) => s + f.usd, 0);
      return {
        plant: plantId,
        name: plant.name,
        country: plant.country,
        stage: plant.stage,
        status: plant.status,
        capacityTpa: value,
        buildYear,
        onlineYear: buildYear + e.leadTimeYears,
        capexUsd,
        funding: fundingList,
        privateUsd: Math.max(0, capexUsd - publicUsd),
      };
    })
    .sort((a, b) => a.buildYear - b.buildYear || a.plant.localeCompare(b.plant));

  const production = new Map<string, { throughputT: number; trustedOutputT: number; untrustedOutputT: number }>();
  const addProduction = (plantId: string, year: number, throughput: number, origin: Origin | undefined, output: number) => {
    const key = `${plantId}|${year}`;
    const entry = production.get(key) ?? { throughputT: 0, trustedOutputT: 0, untrustedOutputT: 0 };
    entry.throughputT += throughput;
    if (origin === 'trusted') entry.trustedOutputT += output;
    else if (origin === 'untrusted') entry.untrustedOutputT += output;
    production.set(key, entry);
  };
  const flows: Portfolio['flows'] = [];
  let unservedT = 0;
  const unserved: Portfolio['unserved'] = [];
  for (const p of parsed) {
    const value = p.value;
    if (p.family === 'feed') {
      const { source: sourceId, plant: plantId, year } = p.index;
      const source = instance.sources.find((s) => s.id === sourceId)!;
      const plant = plants.get(plantId)!;
      const origin: Origin = instance.trusted.has(source.country) && instance.trusted.has(plant.country) ? 'trusted' : 'untrusted';
      const recovered = feedYields(instance, source, plant, year).reduce((sum, [, rate]) => sum + rate, 0);
      addProduction(plantId, year, value, origin, value * recovered);
      flows.push({
        kind: 'feed',
        product: 'concentrate',
        origin: instance.trusted.has(source.country) ? 'trusted' : 'untrusted',
        from: source.country,
        to: plant.country,
        year,
        tonnes: value,
        source: sourceId,
        plant: plantId,
      });
    } else if (p.family === 'make') {
      const { plant: plantId, origin, year } = p.index;
      addProduction(plantId, year, value, tracedOrigin(origin), value);
    } else if (p.family === 'ship') {
      const { product, origin, from, to, year } = p.index;
      flows.push({ kind: 'ship', product, origin: tracedOrigin(origin), from, to, year, tonnes: value });
    } else if (p.family === 'buy') {
      const { product, country: to, year } = p.index;
      flows.push({ kind: 'buy', product, origin: 'untrusted', from: instance.rival, to, year, tonnes: value });
    } else if (p.family === 'sell') {
      const { product, origin, country: from, year } = p.index;
      flows.push({ kind: 'sell', product, origin: tracedOrigin(origin), from, to: WORLD_MARKET, year, tonnes: value });
    } else if (p.family === 'unserved') {
      unservedT += value;
      const { country, product, year } = p.index;
      if (value > 1e-9) unserved.push({ country, product, year, tonnes: value });
    }
  }
  const builtOnline = (plantId: string, year: number) => {
    const plant = plants.get(plantId)!;
    const e = plant.expansion;
    if (!e) return 0;
    return builds.filter((b) => b.plant === plantId && year >= b.onlineYear && year < b.onlineYear + e.lifetimeYears).reduce((s, b) => s + b.capacityTpa, 0);
  };
  const productionList = [...production].map(([key, entry]) => {
    const [plantId, year] = key.split('|') as [string, string];
    const plant = plants.get(plantId)!;
    const y = Number(year);
    const retired = plant.retirementYear !== undefined && y > plant.retirementYear;
    return {
      plant: plantId,
      country: plant.country,
      stage: plant.stage,
      year: y,
      ...entry,
      capacityTpa: (retired ? 0 : stepValue(plant.existingCapacityTpa, y)) + builtOnline(plantId, y),
    };
  });
  productionList.sort((a, b) => a.plant.localeCompare(b.plant) || a.year - b.year);

  const use = values ? consumptionByOrigin(instance, model, values) : undefined;
  const baselineValues = baseline && hasSolution(baseline.result) ? baseline.result.columnValues : undefined;
  const baselineUse = baseline && baselineValues ? consumptionByOrigin(instance, baseline.model, baselineValues) : undefined;
  const shortfalls = new Map<string, number>();
  for (const p of parsed) if (p.family === 'shortfall') shortfalls.set(`${p.index.target}|${p.index.year}`, p.value);
  const share = (map: Map<string, number> | undefined, bloc: readonly string[], product: string, year: number) => {
    if (!map) return { share: null, total: 0, untrusted: 0 };
    let total = 0;
    let untrusted = 0;
    for (const c of bloc) {
      for (const o of ['trusted', 'untrusted'] as const) {
        const v = map.get(`${product}|${o}|${c}|${year}`) ?? 0;
        total += v;
        if (o === 'untrusted') untrusted += v;
      }
    }
    return { share: total > EPS ? untrusted / total : null, total, untrusted };
  };
  const dependency = instance.targets.map((target) => ({
    target: target.id,
    bloc: [...target.bloc],
    product: target.product,
    hard: target.hard,
    maxUntrustedShare: target.maxUntrustedShare,
    fromYear: target.years[0] ?? instance.endYear,
    points: instance.years.map((year) => {
      const applies = target.years.includes(year);
      const now = share(use, target.bloc, target.product, year);
      const before = share(baselineUse, target.bloc, target.product, year);
      const shortfallT = shortfalls.get(`${target.id}|${year}`) ?? 0;
      const limit = applies ? target.maxUntrustedShare : null;
      return {
        year,
        limit,
        baselineShare: before.share,
        baselineShareMethod: baseline && baselineValues ? shareMethod(baseline.model, year) : null,
        portfolioShare: now.share,
        shareMethod: shareMethod(model, year),
        consumptionT: now.total,
        untrustedT: now.untrusted,
        met: applies && values ? shortfallT <= 1e-6 * Math.max(1, now.total) : null,
        shortfallT,
      };
    }),
  }));

  const budgets: Portfolio['budgets'] = [];
  for (const funder of instance.funders) {
    for (const year of instance.years) {
      let used = 0;
      for (const [key, usd] of funding) if (key.startsWith(`${funder.id}|`) && key.endsWith(`|${year}`)) used += usd;
      budgets.push({ funder: funder.id, year, usedUsd: used, perYearUsd: funder.perYearUsd ?? null });
    }
  }

  const breakdown = values ? costBreakdown(model, values) : undefined;
  const verification = values ? verifySolution(model, values) : undefined;
  return {
    scenarioName: instance.scenario.name,
    datasetId: instance.dataset.meta.id,
    horizon: { startYear: instance.startYear, endYear: instance.endYear },
    status: result.status,
    ...(result.message ? { message: result.message } : {}),
    totalCostUsd: values ? (model.costVector ? dot(model.costVector, values) : (result.objective ?? null)) : null,
    feasible: values !== undefined,
    provenOptimal: result.status === 'optimal',
    bestBoundUsd: result.bound ?? (result.status === 'optimal' && values ? (result.objective ?? null) : null),
    relativeGap: result.gap ?? (result.status === 'optimal' && values ? 0 : null),
    costBreakdown: breakdown ? (Object.fromEntries(COST_CATEGORIES.map((c) => [costBreakdownKey(c), breakdown[c]])) as Record<CostBreakdownKey, number>) : null,
    builds,
    production: productionList,
    flows: flows.sort(
      (a, b) =>
        a.year - b.year || a.kind.localeCompare(b.kind) || a.product.localeCompare(b.product) || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
    ),
    unservedT,
    unserved: unserved.sort((a, b) => a.year - b.year || a.country.localeCompare(b.country) || a.product.localeCompare(b.product)),
    dependency,
    budgets,
    contracts: values ? contractUse(instance, model, values) : [],
    floors: floors ?? null,
    stockpiles: values && use ? stockpileSection(instance, model, values, use) : null,
    recycling: values ? recyclingSection(instance, model, values) : null,
    model: { ...stats, buildMs },
    solver: { ...result.solver },
    verification: verification ? { maxRelativeViolation: verification.maxRelativeViolation, worst: verification.worst } : null,
    baseline: {
      status: baseline?.result.status ?? 'not_run',
      totalCostUsd: baseline && hasSolution(baseline.result) ? baseline.result.objective : null,
    },
  };
}

/** Σ a_j b_j: the cost of a solution when the objective was something else (near-optimal alternatives). */
function dot(a: Float64Array, b: Float64Array | readonly number[]): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j]! * (b[j] ?? 0);
  return sum;
}
