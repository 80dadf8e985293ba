/**
 * A tiny dataset built in code for hand-solved cases: one trusted country (AA), a second trusted
 * country (BB) and the rival (CN); one product per stage (ox → met → mag); one source, one plant
 * per stage. Figures are round numbers chosen so optima can be computed by hand.
 */
import { loadDataset, parseDataset } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/schema.js';

/** quad-2026's chain vocabulary (`meta.chain`) without `referenceProduct`, for datasets with other product ids. */
function rareEarthChain() {
  const { referenceProduct: _referenceProduct, ...chain } = loadDataset('quad-2026').meta.chain;
  return chain;
}
import { mergeDeep } from '../../src/model/instance.js';

const cite = { source: [{ title: 'test fixture' }], estimate: false };

export function tinyDatasetRaw(): Record<string, unknown> {
  return {
    meta: {
      id: 'tiny',
      title: 'tiny',
      description: 'hand-solved fixtures',
      currency: 'USD',
      rivalSupplierCountry: 'CN',
      // The rare-earth chain's vocabulary as quad-2026 declares it, without its reference product
      // (a quad-2026 product id the fixtures do not have).
      chain: rareEarthChain(),
      defaults: { discountRate: 0, unservedPenaltyUsdPerT: 1e6, shortfallPenaltyUsdPerT: 1e5, domesticTransportUsdPerT: 0 },
      source: cite.source,
    },
    countries: [
      { id: 'AA', name: 'Alpha', group: 'quad', defaultTrusted: true, ...cite },
      { id: 'BB', name: 'Beta', group: 'partner', defaultTrusted: true, ...cite },
      { id: 'CN', name: 'Rival', group: 'rival', defaultTrusted: false, ...cite },
    ],
    products: [
      { id: 'ox', name: 'oxide', stage: 'separation', heavy: false, final: false, ...cite },
      { id: 'met', name: 'metal', stage: 'metal', heavy: false, final: false, ...cite },
      { id: 'mag', name: 'magnet', stage: 'magnet', heavy: false, final: true, ...cite },
    ],
    processes: [
      { id: 'met_from_ox', stage: 'metal', output: 'met', inputsTPerT: { ox: 1.2 }, ...cite },
      { id: 'mag_from_met', stage: 'magnet', output: 'mag', inputsTPerT: { met: 0.5 }, ...cite },
    ],
    sources: [
      { id: 'mine', name: 'mine', country: 'AA', status: 'operating', supplyTreoTpa: { '2026': 1000 }, assay: { ox: 0.2 }, costUsdPerTTreo: 100, ...cite },
    ],
    plants: [
      {
        id: 'sep',
        name: 'sep',
        stage: 'separation',
        country: 'AA',
        status: 'operating',
        existingCapacityTpa: { '2026': 1000 },
        fixedOpexUsdPerTpaYear: 0,
        variableOpexUsdPerT: 50,
        recoveryRate: 0.9,
        heavyCircuit: false,
        ...cite,
      },
      {
        id: 'metal',
        name: 'metal',
        stage: 'metal',
        country: 'AA',
        status: 'operating',
        existingCapacityTpa: { '2026': 1000 },
        fixedOpexUsdPerTpaYear: 0,
        variableOpexUsdPerT: 200,
        processes: ['met_from_ox'],
        ...cite,
      },
      {
        id: 'magnet',
        name: 'magnet',
        stage: 'magnet',
        country: 'AA',
        status: 'operating',
        existingCapacityTpa: { '2026': 1000 },
        fixedOpexUsdPerTpaYear: 0,
        variableOpexUsdPerT: 1000,
        processes: ['mag_from_met'],
        ...cite,
      },
    ],
    demand: [{ id: 'aa_mag', country: 'AA', baseYear: 2026, baseTonnes: 10, growthRatePerYear: 0, gradeMix: { mag: 1 }, ...cite }],
    prices: [
      { product: 'ox', priceUsdPerT: { '2020': 1e5 }, ...cite },
      { product: 'met', priceUsdPerT: { '2020': 1e5 }, ...cite },
      { product: 'mag', priceUsdPerT: { '2020': 1e5 }, ...cite },
    ],
    transport: [
      { from: 'AA', to: 'BB', usdPerT: 10, ...cite },
      { from: 'BB', to: 'AA', usdPerT: 10, ...cite },
      { from: 'AA', to: 'CN', usdPerT: 10, ...cite },
      { from: 'CN', to: 'AA', usdPerT: 10, ...cite },
      { from: 'BB', to: 'CN', usdPerT: 10, ...cite },
      { from: 'CN', to: 'BB', usdPerT: 10, ...cite },
    ],
    funders: [
      {
        id: 'fund_a',
        name: 'Fund A',
        country: 'AA',
        totalUsd: 500,
        eligibleCountries: ['AA'],
        eligibleStages: ['separation', 'metal', 'magnet'],
        maxShareOfCapex: 1,
        ...cite,
      },
    ],
    exportControls: [],
  };
}

/** The tiny dataset with record-level patches: `{ plants: { magnet: { … } } }` merges by id. */
export function tinyDataset(
  patch: {
    plants?: Record<string, Record<string, unknown>>;
    sources?: Record<string, Record<string, unknown>>;
    products?: Record<string, Record<string, unknown>>;
    prices?: Record<string, Record<string, unknown>>;
    add?: Partial<
      Record<
        | 'plants'
        | 'sources'
        | 'prices'
        | 'demand'
        | 'products'
        | 'feedTypes'
        | 'laneRules'
        | 'contracts'
        | 'calibration'
        | 'stockpiles'
        | 'scrapStreams'
        | 'recyclingRoutes'
        | 'recyclingPlants',
        Record<string, unknown>[]
      >
    >;
    remove?: Partial<Record<'plants' | 'sources' | 'prices', string[]>>;
    meta?: Record<string, unknown>;
  } = {},
): Dataset {
  const raw = tinyDatasetRaw() as Record<string, Array<Record<string, unknown>>> & { meta: Record<string, unknown> };
  for (const kind of ['plants', 'sources', 'products', 'prices'] as const) {
    const key = (r: Record<string, unknown>) => (r.id ?? r.product) as string;
    raw[kind] = raw[kind]!.map((r) => (patch[kind]?.[key(r)] ? mergeDeep(r, patch[kind]![key(r)]!) : r));
  }
  for (const [kind, records] of Object.entries(patch.add ?? {})) raw[kind] = [...(raw[kind] ?? []), ...records];
  for (const [kind, ids] of Object.entries(patch.remove ?? {})) {
    raw[kind] = raw[kind]!.filter((r) => !ids.includes((r.id ?? r.product) as string));
  }
  if (patch.meta) raw.meta = mergeDeep(raw.meta, patch.meta);
  return parseDataset(raw);
}

export const tinyScenario = (extra: Record<string, unknown> = {}) => ({
  name: 'tiny',
  datasetId: 'tiny',
  horizon: { startYear: 2026, endYear: 2026 },
  ...extra,
});

/**
 * The tiny dataset with a magnet expansion and a stockpile holder, and a scenario over `endYear`
 * that exercises builds, a budget, a target, custom constraints and a stockpile (lumpy builds on
 * request): one fixture that touches most families.
 */
export function featureFixture(lumpyBuilds: boolean, endYear: number): { dataset: Dataset; scenario: Record<string, unknown> } {
  const dataset = tinyDataset({
    plants: { magnet: { expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 10, leadTimeYears: 1, earliestStartYear: 2026, lifetimeYears: 5 } } },
    add: {
      stockpiles: [{ id: 'aa_reserve', name: 'AA reserve', members: ['AA'], envelopeUsd: 1e9, holdCostShareOfValuePerYear: 0.01, fromYear: 2026, ...cite }],
    },
  });
  const scenario = tinyScenario({
    horizon: { startYear: 2026, endYear },
    capexPublicShare: 0.5,
    budgets: [{ funder: 'fund_a', totalUsd: 500, perYearUsd: 400 }],
    targets: [{ id: 'half', bloc: ['AA'], product: 'mag', year: 2027, maxUntrustedShare: 0.5, penaltyUsdPerT: 1000 }],
    stockpiles: [{ holder: 'aa_reserve', product: 'mag', maxStockT: 100 }],
    constraints: [
      { id: 'once', expression: 'builds("AA", "magnet", 2026) <= 50' },
      { id: 'yearly', expression: 'purchases("AA", "mag") <= 1000' },
    ],
    solver: { lumpyBuilds },
  });
  return { dataset, scenario };
}

/**
 * The tiny dataset with recycling: no metal capacity in AA (metal is bought from CN); end-of-life
 * magnets in AA (4 t in 2026) go back to alloy on the short loop at the recycler `rec`: 0.3 t metal
 * per t scrap, 100 collection + 200 processing per t scrap. `expansion` lets new builds add to it.
 */
export function recyclingDataset(existingTpa = 100, expansion?: Record<string, unknown>): Dataset {
  return tinyDataset({
    plants: { metal: { existingCapacityTpa: { '2026': 0 } } },
    add: {
      scrapStreams: [{ id: 'aa_eol', country: 'AA', kind: 'end_of_life', product: 'mag', tonnesPerYear: { '2026': 4 }, collectionCostUsdPerT: 100, ...cite }],
      recyclingRoutes: [
        { id: 'short', name: 'short loop', kind: 'short_loop', inputProducts: ['mag'], yieldsTPerT: { met: 0.3 }, processingCostUsdPerT: 200, ...cite },
      ],
      recyclingPlants: [
        {
          id: 'rec',
          name: 'recycler',
          country: 'AA',
          status: 'operating',
          routes: ['short'],
          existingCapacityTpa: { '2026': existingTpa },
          fixedOpexUsdPerTpaYear: 0,
          ...(expansion ? { expansion } : {}),
          ...cite,
        },
      ],
    },
  });
}
