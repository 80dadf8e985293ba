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

const PartialRecord = z.record(z.string(), z.unknown());

export const OverridesSchema = z
  .object({
    /** Field changes per plant id, e.g. { "us_greenfield_magnet": { "expansion": { "capexUsdPerTpa": 90000 } } }. */
    plants: z.record(IdSchema, PartialRecord).default({}),
    sources: z.record(IdSchema, PartialRecord).default({}),
    demand: z.record(IdSchema, PartialRecord).default({}),
    /** Field changes per product id of the rival supplier's price record. */
    prices: z.record(IdSchema, PartialRecord).default({}),
    funders: z.record(IdSchema, PartialRecord).default({}),
    /** Field changes per lane rule id, e.g. { "my_concentrate_import_cutoff": { "toYear": 2030 } } or { "active": false }. */
    laneRules: z.record(IdSchema, PartialRecord).default({}),
    /** Field changes per contract id, e.g. { "lynas_jare_offtake": { "active": false } }. */
    contracts: z.record(IdSchema, PartialRecord).default({}),
    excludePlants: z.array(IdSchema).default([]),
    excludeSources: z.array(IdSchema).default([]),
    /** Lanes that carry nothing: from → to, for all products unless listed. */
    closedLanes: z
      .array(
        z
          .object({
            from: IdSchema,
            to: IdSchema,
            products: z.array(IdSchema).optional(),
            fromYear: YearSchema.optional().describe('First year the lane is closed (default: always).'),
            toYear: YearSchema.optional().describe('Last year the lane is closed (default: to the end of the horizon).'),
          })
          .strict(),
      )
      .default([]),
    /** Export controls by the rival supplier: no sales of these products from `fromYear` (through `toYear`). */
    exportControls: z
      .array(
        z
          .object({ products: z.array(IdSchema).min(1), fromYear: YearSchema, toYear: YearSchema.optional() })
          .strict(),
      )
      .default([]),
    /** Ids of dataset export controls to apply (in addition to those active by default). */
    applyExportControls: z.array(IdSchema).default([]),
    /** Plants (by id, or every plant of a country) that produce nothing from `fromYear` through `toYear` (stress tests). */
    outages: z
      .array(
        z
          .object({ plants: z.array(IdSchema).optional(), countries: z.array(IdSchema).optional(), fromYear: YearSchema, toYear: YearSchema })
          .strict(),
      )
      .optional(),
    /** The rival's price of some products set (`usdPerT`) or scaled (`factor`) from `fromYear` through `toYear` (a price war, or a squeeze). */
    priceChanges: z
      .array(
        z
          .object({ products: z.array(IdSchema).min(1), fromYear: YearSchema, toYear: YearSchema, usdPerT: z.number().min(0).optional(), factor: z.number().min(0).optional() })
          .strict(),
      )
      .optional(),
    /** Demand scaled by `factor` from `fromYear` through `toYear`, for some countries and products (default all). */
    demandChanges: z
      .array(
        z
          .object({ countries: z.array(IdSchema).optional(), products: z.array(IdSchema).optional(), fromYear: YearSchema, toYear: YearSchema, factor: z.number().min(0) })
          .strict(),
      )
      .optional(),
  })
  .strict();

export const FixedBuildSchema = z
  .object({ plant: IdSchema, buildYear: YearSchema, capacityTpa: z.number().min(0) })
  .strict();

/** A linear quantity of a solution that near-optimal alternatives minimise or maximise. */
export const QuantitySchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('new_capacity'),
      countries: z.array(IdSchema).optional().describe('Plants in these countries (default: all).'),
      stages: z.array(StageSchema).optional().describe('Plants of these stages (default: all).'),
    })
    .strict()
    .describe('New capacity built over the horizon, t/yr (Σ build).'),
  z
    .object({ kind: z.literal('public_spending'), funders: z.array(IdSchema).optional().describe('These funders (default: all).') })
    .strict()
    .describe('Public money paid towards builds, USD (Σ fund, undiscounted).'),
]);
export type Quantity = z.infer<typeof QuantitySchema>;

export const NearOptimalSchema = z
  .object({
    maxTotalCostUsd: z.number().describe('The total discounted cost may not exceed this (the optimum × (1 + slack)).'),
    sense: z.enum(['min', 'max']),
    terms: z.array(z.object({ weight: z.number(), quantity: QuantitySchema }).strict()).min(1),
  })
  .strict()
  .describe('Near-optimal alternative: instead of the cost, minimise or maximise Σ weight × quantity with the cost capped.');

export const TargetSchema = z
  .object({
    id: IdSchema.optional(),
    bloc: z.array(IdSchema).min(1).describe('Countries whose consumption is pooled.'),
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
    eligibleCountries: z.array(IdSchema).optional(),
    eligibleStages: z.array(StageSchema).optional(),
    maxShareOfCapex: z.number().min(0).max(1).optional().describe('Co-financing: largest share of one build-year capex this funder may pay.'),
  })
  .strict();
export type Budget = z.infer<typeof BudgetSchema>;

export const ScenarioSchema = z
  .object({
    name: z.string().min(1).max(200),
    description: z.string().max(5000).optional(),
    datasetId: IdSchema.default('quad-2026'),
    horizon: z
      .object({ startYear: YearSchema, endYear: YearSchema })
      .strict()
      .refine((h) => h.endYear >= h.startYear, { message: 'endYear must not be before startYear', path: ['endYear'] })
      .refine((h) => h.endYear - h.startYear <= 40, { message: 'a horizon is at most 41 years', path: ['endYear'] }),
    discountRate: z.number().min(0).max(0.5).optional(),
    trustedCountries: z.array(IdSchema).optional().describe('Countries whose content counts as trusted (default: the dataset defaults).'),
    overrides: OverridesSchema.default({
      plants: {}, sources: {}, demand: {}, prices: {}, funders: {}, laneRules: {}, contracts: {}, excludePlants: [], excludeSources: [], closedLanes: [], exportControls: [], applyExportControls: [],
    }),
    targets: z.array(TargetSchema).default([]),
    budgets: z.array(BudgetSchema).default([]),
    capexPublicShare: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Share of every new build capex that must be paid by the scenario funders (0: budgets never bind).'),
    solver: SolverOptionsSchema.default({ backend: 'highs', timeLimitSeconds: 60, lumpyBuilds: false, mipRelGap: 1e-6, algorithm: 'auto' }),
    fixedBuilds: z
      .array(FixedBuildSchema)
      .optional()
      .describe('Stress tests: the builds are exactly these (plant, construction start, t/yr) and nothing else; operations are re-optimised.'),
    enforceTargets: z.boolean().optional().describe('false: the targets are reported (trajectories) but not enforced (stress tests of a fixed portfolio).'),
    nearOptimal: NearOptimalSchema.optional(),
  })
  .strict();

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.infer<typeof ScenarioSchema>;

/** Re-exported so a single import gives both the step-series shape and the scenario. */
export { StepSeriesSchema };
