/**
 * The scenario: the JSON a planner writes (or POSTs). It names a reference dataset, changes
 * what it wants changed, and states the targets, budgets and solver options. Validated here
 * once; ids that the dataset does not know are reported by `resolveScenario` with their paths.
 */
import { z } from 'zod';
import { IdSchema, StageSchema, StepSeriesSchema, YearSchema } from '../data/schema.js';

export const BackendSchema = z.enum(['highs', 'javascript-lp-solver']);
export type Backend = z.infer<typeof BackendSchema>;

export const AlgorithmSchema = z.enum(['auto', 'simplex', 'ipm']);

export const SolverOptionsSchema = z
  .object({
    backend: BackendSchema.default('highs').describe('Solver backend. HiGHS is the default; javascript-lp-solver is pure JS and small-only.'),
    timeLimitSeconds: z.number().positive().max(3600).default(60).describe('Wall-clock limit for one solve, seconds.'),
    lumpyBuilds: z.boolean().default(false).describe('Builds are zero or at least the plant minimum efficient size (MIP).'),
    mipRelGap: z.number().min(0).max(0.1).default(1e-6).describe('Relative MIP gap at which a lumpy solve counts as optimal.'),
    algorithm: AlgorithmSchema.default('auto').describe('HiGHS LP algorithm: auto picks interior point above 10,000 rows.'),
  })
  .strict();
export type SolverOptions = z.infer<typeof SolverOptionsSchema>;

/**
 * Bounds on list sizes. The body limit (1 MiB) bounds everything, but a list far longer than any
 * dataset has records (150,000 countries in a bloc) is a mistake, not a scenario: reject it early.
 */
export const LIMITS = {
  /** Ids in a list of countries, products, plants or sources. */
  ids: 500,
  /** Records changed per kind in `overrides`. */
  overriddenRecords: 1000,
  targets: 200,
  budgets: 100,
  closedLanes: 1000,
  exportControls: 100,
} as const;

/** True when the string has no lone surrogate (it can be encoded as UTF-8 and read back the same). */
export const isWellFormed = (text: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(text);
const WELL_FORMED = 'must be well-formed Unicode (it contains a lone surrogate, e.g. "\\ud800")';

/** Free text a planner writes (names, descriptions): well-formed Unicode of bounded length. */
export const TextSchema = (max: number) => z.string().max(max).refine(isWellFormed, WELL_FORMED);

const idList = (what: string) => z.array(IdSchema).max(LIMITS.ids, `at most ${LIMITS.ids} ${what}`);

const PartialRecord = z.record(z.string(), z.unknown());

/** Changes per record id: at most `LIMITS.overriddenRecords` records. */
const overridesOf = (description: string) =>
  z
    .record(IdSchema, PartialRecord)
    .refine((records) => Object.keys(records).length <= LIMITS.overriddenRecords, `at most ${LIMITS.overriddenRecords} records`)
    .meta({ maxProperties: LIMITS.overriddenRecords })
    .describe(description);


export const OverridesSchema = z
  .object({
    plants: overridesOf('Field changes per plant id, e.g. { "us_greenfield_magnet": { "expansion": { "capexUsdPerTpa": 90000 } } }.').default({}),
    sources: overridesOf('Field changes per feedstock source id.').default({}),
    demand: overridesOf('Field changes per demand record id.').default({}),
    prices: overridesOf("Field changes per product id of the rival supplier's price record.").default({}),
    funders: overridesOf('Field changes per funder id.').default({}),
    laneRules: overridesOf('Field changes per lane rule id, e.g. { "my_concentrate_import_cutoff": { "toYear": 2030 } } or { "active": false }.').default({}),
    contracts: overridesOf('Field changes per contract id, e.g. { "lynas_jare_offtake": { "active": false } }.').default({}),
    excludePlants: idList('plants').default([]),
    excludeSources: idList('sources').default([]),
    /** Lanes that carry nothing: from → to, for all products unless listed. */
    closedLanes: z
      .array(z.object({ from: IdSchema, to: IdSchema, products: idList('products').optional() }).strict())
      .max(LIMITS.closedLanes)
      .default([]),
    /** Export controls by the rival supplier: no sales of these products from `fromYear` (through `toYear`). */
    exportControls: z
      .array(
        z
          .object({ products: idList('products').min(1), fromYear: YearSchema, toYear: YearSchema.optional() })
          .strict(),
      )
      .max(LIMITS.exportControls)
      .default([]),
    /** Ids of dataset export controls to apply (in addition to those active by default). */
    applyExportControls: idList('export controls').default([]),
  })
  .strict();

export const TargetSchema = z
  .object({
    id: IdSchema.optional(),
    bloc: idList('countries').min(1).describe('Countries whose consumption is pooled.'),
    product: IdSchema,
    year: YearSchema.describe('First year the limit applies.'),
    untilYear: YearSchema.optional().describe('Last year the limit applies (default: end of horizon).'),
    maxUntrustedShare: z.number().min(0).max(1).describe('Largest share of the bloc consumption with untrusted content.'),
    hard: z.boolean().default(false).describe('Hard targets make the scenario infeasible when unmet; soft ones price the shortfall.'),
    penaltyUsdPerT: z.number().positive().optional().describe('Price per tonne of untrusted content above the limit (soft targets).'),
  })
  .strict();
export type Target = z.infer<typeof TargetSchema>;

export const BudgetSchema = z
  .object({
    funder: IdSchema,
    totalUsd: z.number().min(0).optional(),
    perYearUsd: z.number().min(0).optional(),
    eligibleCountries: idList('countries').optional(),
    eligibleStages: z.array(StageSchema).max(3).optional(),
    maxShareOfCapex: z.number().min(0).max(1).optional().describe('Co-financing: largest share of one build-year capex this funder may pay.'),
  })
  .strict();
export type Budget = z.infer<typeof BudgetSchema>;

export const ScenarioSchema = z
  .object({
    name: TextSchema(200).min(1),
    description: TextSchema(5000).optional(),
    datasetId: IdSchema.default('quad-2026'),
    horizon: z
      .object({ startYear: YearSchema, endYear: YearSchema })
      .strict()
      .refine((h) => h.endYear >= h.startYear, { message: 'endYear must not be before startYear', path: ['endYear'] })
      .refine((h) => h.endYear - h.startYear <= 40, { message: 'a horizon is at most 41 years', path: ['endYear'] }),
    discountRate: z.number().min(0).max(0.5).optional(),
    trustedCountries: idList('countries').optional().describe('Countries whose content counts as trusted (default: the dataset defaults).'),
    overrides: OverridesSchema.default({
      plants: {}, sources: {}, demand: {}, prices: {}, funders: {}, laneRules: {}, contracts: {}, excludePlants: [], excludeSources: [], closedLanes: [], exportControls: [], applyExportControls: [],
    }),
    targets: z.array(TargetSchema).max(LIMITS.targets).default([]),
    budgets: z.array(BudgetSchema).max(LIMITS.budgets).default([]),
    capexPublicShare: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Share of every new build capex that must be paid by the scenario funders (0: budgets never bind).'),
    solver: SolverOptionsSchema.default({ backend: 'highs', timeLimitSeconds: 60, lumpyBuilds: false, mipRelGap: 1e-6, algorithm: 'auto' }),
  })
  .strict();

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;

/** Re-exported so a single import gives both the step-series shape and the scenario. */
export { StepSeriesSchema };
