/**
 * Synthetic instances for benchmarks: a dataset in the reference dataset's shape (data/reference/
 * quad-2026: a rival supplier that sells every product and a big concentrate market, trusted and
 * untrusted countries, mines, separation → metal → magnet plants that exist or can be built,
 * magnet demand in a bloc, prices, a full transport matrix, funders, export controls) and a
 * scenario on it (dependency targets on the bloc, budgets with a public share of capex).
 *
 * `generateInstance(size, seed)` is deterministic: the same size and seed give the same JSON, on
 * any machine (a seeded mulberry32 stream, no Math.random, no clock). Sizes grow in plants, years,
 * countries, sources and lanes together (see SIZES). Every record cites
 * "synthetic, bench/generator.ts seed N" and is flagged `estimate: true`; the dataset is validated
 * with the same `parseDataset` the reference dataset goes through, so a generator bug fails loudly.
 *
 * Concentrate travels only to the nearest countries (the scenario closes the other concentrate
 * lanes); refined products may go anywhere at a cost that grows with distance on a synthetic map.
 */
import { loadDataset, parseDataset } from '../src/data/load.js';
import type { Dataset } from '../src/data/schema.js';

/** The generated datasets' stages (the reference dataset's chain). */
type Stage = 'separation' | 'metal' | 'magnet';

/** quad-2026's chain vocabulary (`meta.chain`) without `referenceProduct`, for datasets with other product ids. */
function rareEarthChain() {
  const { referenceProduct: _referenceProduct, ...chain } = loadDataset('quad-2026').meta.chain;
  return chain;
}
import type { ScenarioInput } from '../src/schemas/scenario.js';

export type Size = 'S' | 'M' | 'L' | 'XL';
export const SIZE_NAMES: readonly Size[] = ['S', 'M', 'L', 'XL'];

export interface SizeSpec {
  readonly plants: number;
  readonly years: number;
  /** Countries other than the rival supplier. */
  readonly countries: number;
  /** Of which in the target bloc (they carry magnet demand). */
  readonly blocCountries: number;
  /** Of which untrusted by default (besides the rival). */
  readonly untrustedCountries: number;
  /** Mines outside the rival country (the rival's concentrate market comes on top). */
  readonly sources: number;
  /** Countries each mine's concentrate may be shipped to (besides its own). */
  readonly concentrateLanes: number;
  readonly funders: number;
}

export const SIZES: Readonly<Record<Size, SizeSpec>> = {
  S: { plants: 10, years: 5, countries: 4, blocCountries: 2, untrustedCountries: 0, sources: 3, concentrateLanes: 2, funders: 1 },
  M: { plants: 60, years: 10, countries: 8, blocCountries: 4, untrustedCountries: 1, sources: 8, concentrateLanes: 3, funders: 3 },
  L: { plants: 200, years: 20, countries: 14, blocCountries: 6, untrustedCountries: 2, sources: 16, concentrateLanes: 4, funders: 5 },
  XL: { plants: 600, years: 25, countries: 20, blocCountries: 8, untrustedCountries: 3, sources: 30, concentrateLanes: 5, funders: 8 },
};

export const START_YEAR = 2026;
const RIVAL = 'CN';

export interface GeneratedInstance {
  readonly size: Size;
  readonly seed: number;
  readonly dataset: Dataset;
  /** Scenario JSON as a planner would POST it (validate with `parseScenario`). */
  readonly scenario: ScenarioInput;
}

/** mulberry32: a tiny 32-bit seeded generator, good enough to shape test instances. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Random {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  uniform(low: number, high: number): number {
    return low + (high - low) * this.next();
  }
  int(low: number, high: number): number {
    return Math.floor(this.uniform(low, high + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }
  /** Rounds to `digits` significant figures so the JSON stays readable. */
  round(value: number, digits = 3): number {
    if (value === 0) return 0;
    const scale = 10 ** (digits - Math.ceil(Math.log10(Math.abs(value))));
    return Math.round(value * scale) / scale;
  }
}

/** The products and recipes of the reference dataset (NdPr, Dy, Tb oxide → metal → two magnet grades). */
const PRODUCTS: ReadonlyArray<{ id: string; stage: Stage; heavy: boolean; final: boolean; priceUsdPerT: number }> = [
  { id: 'ndpr_oxide', stage: 'separation', heavy: false, final: false, priceUsdPerT: 60_000 },
  { id: 'dy_oxide', stage: 'separation', heavy: true, final: false, priceUsdPerT: 226_000 },
  { id: 'tb_oxide', stage: 'separation', heavy: true, final: false, priceUsdPerT: 991_000 },
  { id: 'ndpr_metal', stage: 'metal', heavy: false, final: false, priceUsdPerT: 74_400 },
  { id: 'dy_metal', stage: 'metal', heavy: false, final: false, priceUsdPerT: 280_000 },
  { id: 'tb_metal', stage: 'metal', heavy: false, final: false, priceUsdPerT: 1_229_000 },
  { id: 'ndfeb_magnet_std', stage: 'magnet', heavy: false, final: true, priceUsdPerT: 50_000 },
  { id: 'ndfeb_magnet_ht', stage: 'magnet', heavy: false, final: true, priceUsdPerT: 65_000 },
];

const PROCESSES: ReadonlyArray<{ id: string; stage: 'metal' | 'magnet'; output: string; inputsTPerT: Record<string, number> }> = [
  { id: 'ndpr_metal_from_oxide', stage: 'metal', output: 'ndpr_metal', inputsTPerT: { ndpr_oxide: 1.19 } },
  { id: 'dy_metal_from_oxide', stage: 'metal', output: 'dy_metal', inputsTPerT: { dy_oxide: 1.17 } },
  { id: 'tb_metal_from_oxide', stage: 'metal', output: 'tb_metal', inputsTPerT: { tb_oxide: 1.19 } },
  { id: 'magnet_std', stage: 'magnet', output: 'ndfeb_magnet_std', inputsTPerT: { ndpr_metal: 0.3529, dy_metal: 0.0071 } },
  { id: 'magnet_ht', stage: 'magnet', output: 'ndfeb_magnet_ht', inputsTPerT: { ndpr_metal: 0.3294, dy_metal: 0.0294, tb_metal: 0.0059 } },
];

/** Ranges per stage, read off the reference dataset's plants (capacities in the stage's unit). */
const STAGE_RANGES: Readonly<
  Record<
    Stage,
    {
      share: number;
      existing: [number, number];
      capex: [number, number];
      maxSize: [number, number];
      lead: [number, number];
      life: number;
      variableOpex: [number, number];
    }
  >
> = {
  separation: { share: 0.3, existing: [1_500, 20_000], capex: [7_000, 55_000], maxSize: [2_000, 20_000], lead: [2, 5], life: 30, variableOpex: [7_000, 8_000] },
  metal: { share: 0.25, existing: [300, 2_500], capex: [20_000, 30_000], maxSize: [500, 5_000], lead: [1, 2], life: 25, variableOpex: [7_000, 9_000] },
  magnet: { share: 0.45, existing: [500, 5_000], capex: [85_000, 130_000], maxSize: [1_000, 10_000], lead: [2, 3], life: 25, variableOpex: [14_000, 16_000] },
};

export function generateInstance(size: Size, seed: number): GeneratedInstance {
  const spec = SIZES[size];
  if (!spec) throw new Error(`unknown size '${String(size)}' (expected one of ${SIZE_NAMES.join(', ')})`);
  if (!Number.isInteger(seed) || seed < 0) throw new Error('seed must be a non-negative integer');
  const rng = new Random(seed * 7919 + SIZE_NAMES.indexOf(size));
  const cite = { source: [{ title: `synthetic, bench/generator.ts seed ${seed}` }], estimate: true, estimateNote: `generated for size ${size}` };
  const endYear = START_YEAR + spec.years - 1;

  // Countries on a 100 × 100 map; transport cost grows with distance (so it is roughly metric).
  interface Place {
    id: string;
    group: 'quad' | 'partner' | 'rival' | 'other';
    trusted: boolean;
    x: number;
    y: number;
  }
  const places: Place[] = [];
  for (let i = 0; i < spec.countries; i++) {
    const bloc = i < spec.blocCountries;
    const untrusted = i >= spec.countries - spec.untrustedCountries;
    places.push({
      id: bloc ? `Q${i + 1}` : untrusted ? `X${i + 1}` : `P${i + 1}`,
      group: bloc ? 'quad' : untrusted ? 'other' : 'partner',
      trusted: !untrusted,
      x: rng.uniform(0, 100),
      y: rng.uniform(0, 100),
    });
  }
  places.push({ id: RIVAL, group: 'rival', trusted: false, x: rng.uniform(30, 70), y: rng.uniform(30, 70) });
  const distance = (a: Place, b: Place) => Math.hypot(a.x - b.x, a.y - b.y);
  const others = places.filter((p) => p.id !== RIVAL);

  const countries = places.map((p) => ({ id: p.id, name: `Synthetic country ${p.id}`, group: p.group, defaultTrusted: p.trusted, ...cite }));
  const transport = places.flatMap((a) =>
    places.filter((b) => b !== a).map((b) => ({ from: a.id, to: b.id, usdPerT: Math.round(100 + 4 * distance(a, b)), ...cite })),
  );

  // Mines: one per `sources` outside the rival country, plus the rival's concentrate market.
  const sources: Array<Record<string, unknown>> = [];
  for (let i = 0; i < spec.sources; i++) {
    const country = rng.pick(others);
    const firstYear = rng.chance(0.6) ? START_YEAR - 1 : rng.int(START_YEAR + 1, Math.max(START_YEAR + 1, endYear - 1));
    const supply = rng.round(rng.uniform(1_500, 40_000));
    const heavyRich = rng.chance(0.3);
    sources.push({
      id: `mine_${String(i + 1).padStart(3, '0')}`,
      name: `Synthetic mine ${i + 1}`,
      country: country.id,
      status: firstYear < START_YEAR ? ('operating' as const) : ('planned' as const),
      supplyTreoTpa: { [String(firstYear)]: supply },
      ...(rng.chance(0.2) ? { committedTreoTpa: { [String(firstYear)]: rng.round(supply * rng.uniform(0.2, 0.8)), [String(START_YEAR + 1)]: 0 } } : {}),
      assay: {
        ndpr_oxide: rng.round(rng.uniform(0.1, 0.28)),
        dy_oxide: rng.round(heavyRich ? rng.uniform(0.01, 0.04) : rng.uniform(0.001, 0.006)),
        tb_oxide: rng.round(heavyRich ? rng.uniform(0.003, 0.006) : rng.uniform(0.0002, 0.001)),
      },
      costUsdPerTTreo: Math.round(rng.uniform(3_000, 10_000)),
      ...cite,
    });
  }
  sources.push({
    id: 'rival_concentrate_market',
    name: 'Synthetic rival concentrate market',
    country: RIVAL,
    status: 'operating' as const,
    supplyTreoTpa: { [String(START_YEAR - 1)]: rng.round(20_000 * Math.sqrt(spec.plants)) },
    assay: { ndpr_oxide: 0.2, dy_oxide: 0.001, tb_oxide: 0.0002 },
    costUsdPerTTreo: 7_500,
    ...cite,
  });

  // Plants: stages in the reference's proportions; about a third exist today, the rest can be built.
  const plants: Array<Record<string, unknown>> = [];
  const stages: Stage[] = [];
  for (let i = 0; i < spec.plants; i++) {
    // The first three plants cover every stage, so even S has a whole chain.
    const r = rng.uniform(0, 1);
    stages.push(i < 3 ? (['separation', 'metal', 'magnet'] as const)[i]! : r < STAGE_RANGES.separation.share ? 'separation' : r < 0.55 ? 'metal' : 'magnet');
  }
  let magnetExisting = 0;
  let magnetExpansion = 0;
  stages.forEach((stage, i) => {
    const ranges = STAGE_RANGES[stage];
    const country = i < 3 ? others[i % spec.blocCountries]! : rng.pick(others);
    const existing = rng.chance(0.35);
    const expandable = !existing || rng.chance(0.5);
    const capex = Math.round(rng.uniform(...ranges.capex));
    const maxSize = rng.round(rng.uniform(...ranges.maxSize));
    const existingTpa = existing ? rng.round(rng.uniform(...ranges.existing)) : 0;
    const processes =
      stage === 'metal'
        ? ['ndpr_metal_from_oxide', ...(rng.chance(0.6) ? ['dy_metal_from_oxide'] : []), ...(rng.chance(0.5) ? ['tb_metal_from_oxide'] : [])]
        : ['magnet_std', ...(rng.chance(0.7) ? ['magnet_ht'] : [])];
    if (stage === 'magnet') {
      magnetExisting += existingTpa;
      if (expandable) magnetExpansion += maxSize;
    }
    plants.push({
      id: `${stage.slice(0, 3)}_${country.id.toLowerCase()}_${String(i + 1).padStart(3, '0')}`,
      name: `Synthetic ${stage} plant ${i + 1} in ${country.id}`,
      stage,
      country: country.id,
      status: existing ? ('operating' as const) : rng.pick(['planned', 'candidate', 'candidate', 'uncertain'] as const),
      ...(existing ? { existingCapacityTpa: { [String(START_YEAR - 1)]: existingTpa } } : {}),
      ...(existing && rng.chance(0.15) ? { retirementYear: rng.int(START_YEAR + 1, endYear + 5) } : {}),
      ...(expandable
        ? {
            expansion: {
              capexUsdPerTpa: capex,
              maxSizeTpa: maxSize,
              minSizeTpa: rng.round(maxSize * rng.uniform(0.1, 0.5)),
              leadTimeYears: rng.int(...ranges.lead),
              earliestStartYear: START_YEAR + rng.int(0, 1),
              lifetimeYears: ranges.life,
            },
          }
        : {}),
      fixedOpexUsdPerTpaYear: Math.round(capex * rng.uniform(0.03, 0.05)),
      variableOpexUsdPerT: Math.round(rng.uniform(...ranges.variableOpex)),
      ...(stage === 'separation' ? { recoveryRate: rng.round(rng.uniform(0.85, 0.92)), heavyCircuit: rng.chance(0.5) } : { processes }),
      ...cite,
    });
  });

  // Demand in the bloc: today's magnet capacity plus part of what could be built, growing 5-10 %/yr.
  const blocPlaces = others.slice(0, spec.blocCountries);
  const totalDemand = 0.6 * magnetExisting + 0.25 * magnetExpansion + 500;
  const weights = blocPlaces.map(() => rng.uniform(0.2, 1));
  const weightSum = weights.reduce((a, b) => a + b, 0);
  const demand = blocPlaces.map((place, i) => {
    const std = rng.round(rng.uniform(0.55, 0.75));
    return {
      id: `${place.id.toLowerCase()}_magnets`,
      country: place.id,
      baseYear: START_YEAR - 1,
      baseTonnes: rng.round((totalDemand * weights[i]!) / weightSum),
      growthRatePerYear: rng.round(rng.uniform(0.05, 0.1)),
      gradeMix: { ndfeb_magnet_std: std, ndfeb_magnet_ht: rng.round(1 - std) },
      ...cite,
    };
  });

  const prices = PRODUCTS.map((p) => ({
    product: p.id,
    priceUsdPerT: {
      [String(START_YEAR - 1)]: rng.round(p.priceUsdPerT * rng.uniform(0.9, 1.1)),
      [String(START_YEAR + Math.ceil(spec.years / 2))]: rng.round(p.priceUsdPerT * rng.uniform(1.0, 1.3)),
    },
    ...cite,
  }));

  const trustedIds = others.filter((p) => p.trusted).map((p) => p.id);
  const funders: Array<{ id: string } & Record<string, unknown>> = [];
  for (let i = 0; i < spec.funders; i++) {
    const home = blocPlaces[i % blocPlaces.length]!;
    const eligible = [home.id, ...trustedIds.filter((id) => id !== home.id && rng.chance(0.4))];
    funders.push({
      id: `fund_${i + 1}`,
      name: `Synthetic funder ${i + 1}`,
      country: home.id,
      totalUsd: rng.round(rng.uniform(0.5e9, 2.5e9)),
      ...(rng.chance(0.5) ? { perYearUsd: rng.round(rng.uniform(0.2e9, 1e9)) } : {}),
      eligibleCountries: eligible,
      eligibleStages: ['separation', 'metal', 'magnet'] as Stage[],
      maxShareOfCapex: rng.round(rng.uniform(0.4, 0.8)),
      ...cite,
    });
  }

  const exportControls = [
    {
      id: 'heavy_licensing',
      country: RIVAL,
      products: ['dy_oxide', 'tb_oxide', 'dy_metal', 'tb_metal'],
      fromYear: START_YEAR,
      description: 'Synthetic: no rival sales of heavy oxides and metals.',
      activeByDefault: false,
      ...cite,
    },
    {
      id: 'magnet_ban',
      country: RIVAL,
      products: ['ndfeb_magnet_std', 'ndfeb_magnet_ht'],
      fromYear: START_YEAR + 2,
      description: 'Synthetic: no rival magnet sales.',
      activeByDefault: false,
      ...cite,
    },
  ];

  const dataset = parseDataset({
    meta: {
      id: `synthetic-${size.toLowerCase()}-${seed}`,
      title: `Synthetic ${size} instance, seed ${seed}`,
      description: `Generated by bench/generator.ts: ${spec.plants} plants, ${spec.countries + 1} countries, ${spec.sources + 1} sources, in the shape of quad-2026.`,
      currency: 'USD (2026)',
      rivalSupplierCountry: RIVAL,
      // The chain's vocabulary is quad-2026's own (the synthetic instances have its shape), without its
      // reference product, which names a quad-2026 product id.
      chain: rareEarthChain(),
      defaults: { discountRate: 0.07, unservedPenaltyUsdPerT: 1_000_000, shortfallPenaltyUsdPerT: 250_000, domesticTransportUsdPerT: 50 },
      source: cite.source,
    },
    countries,
    products: PRODUCTS.map((p) => ({ id: p.id, name: p.id, stage: p.stage, heavy: p.heavy, final: p.final, ...cite })),
    processes: PROCESSES.map((p) => ({ ...p, ...cite })),
    sources,
    plants,
    demand,
    prices,
    transport,
    funders,
    exportControls,
  });

  // Concentrate goes to the mine's own country and its nearest `concentrateLanes` countries.
  const closedLanes: Array<{ from: string; to: string; products: string[] }> = [];
  for (const from of places) {
    const near = new Set(
      places
        .filter((p) => p !== from)
        .sort((a, b) => distance(from, a) - distance(from, b))
        .slice(0, spec.concentrateLanes)
        .map((p) => p.id),
    );
    for (const to of places) if (to !== from && !near.has(to.id)) closedLanes.push({ from: from.id, to: to.id, products: ['concentrate'] });
  }

  const targetYear = START_YEAR + Math.min(2, spec.years - 1);
  const bloc = blocPlaces.map((p) => p.id);
  const scenario: ScenarioInput = {
    name: `Synthetic ${size} (seed ${seed}): bloc magnets ≤ 50 % untrusted from ${targetYear}`,
    description: `Benchmark scenario generated by bench/generator.ts (size ${size}, seed ${seed}).`,
    datasetId: dataset.meta.id,
    horizon: { startYear: START_YEAR, endYear },
    targets: [
      { id: 'bloc_std', bloc, product: 'ndfeb_magnet_std', year: targetYear, maxUntrustedShare: 0.5 },
      { id: 'bloc_ht', bloc, product: 'ndfeb_magnet_ht', year: targetYear, maxUntrustedShare: 0.5 },
      { id: 'bloc_ndpr_metal', bloc, product: 'ndpr_metal', year: targetYear, maxUntrustedShare: 0.7 },
    ],
    budgets: funders.map((f) => ({ funder: f.id })),
    capexPublicShare: 0.3,
    overrides: { closedLanes },
  };
  return { size, seed, dataset, scenario };
}
