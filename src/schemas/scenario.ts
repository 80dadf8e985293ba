/**
 * The scenario: the JSON a planner writes (or POSTs). It names a reference dataset, changes
 * what it wants changed, and states the targets, budgets and solver options. Validated here
 * once; ids that the dataset does not know are reported by `resolveScenario` with their paths.
 */
import { z } from 'zod';
import { IdSchema, StageSchema, StepSeriesSchema, YearSchema } from '../data/schema.js';
import { ExpressionError, parseQuantity, type ModelUnit } from '../model/expressions.js';

/**
 * A number in `unit`, or a string with a unit converted to it with mathjs units (issue 16):
 * `"USD 250/kg"` for USD/t, `"3 GUSD"` for USD, `"2.5 kt/yr"` for t/yr. The parsed scenario holds
 * the number. Used for the fields listed in models/expressions.md ("Numbers with units").
 * Written as a check and an overwrite rather than a transform, so the JSON schema of the scenario
 * keeps its defaults and examples (zod drops both from the input form of transforming schemas).
 */
function withUnit<T extends z.ZodNumber>(unit: ModelUnit, number: T, example: string): T {
  const text = z
    .string()
    .max(100)
    .superRefine((value, ctx) => {
      try {
        const converted = number.safeParse(parseQuantity(value, unit));
        if (!converted.success) for (const issue of converted.error.issues) ctx.addIssue({ code: 'custom', message: `${value}: ${issue.message}` });
      } catch (error) {
        if (!(error instanceof ExpressionError)) throw error;
        ctx.addIssue({ code: 'custom', message: `${error.problem}; expected ${error.expected} (e.g. "${example}")` });
      }
    })
    .meta({ description: `a number with a unit, converted to ${unit}`, examples: [example] });
  const either = z.union([text, number]).overwrite((value) => {
    if (typeof value !== 'string') return value;
    try {
      return parseQuantity(value, unit) as never;
    } catch {
      return value; // already reported by the check above
    }
  });
  // The output is always a number (the overwrite converts); the type says so.
  return either as unknown as T;
}

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
      .array(z.object({ from: IdSchema, to: IdSchema, products: z.array(IdSchema).optional() }).strict())
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
  })
  .strict();

export const TargetSchema = z
  .object({
    id: IdSchema.optional(),
    bloc: z.array(IdSchema).min(1).describe('Countries whose consumption is pooled.'),
    product: IdSchema,
    year: YearSchema.describe('First year the limit applies.'),
    untilYear: YearSchema.optional().describe('Last year the limit applies (default: end of horizon).'),
    maxUntrustedShare: z.number().min(0).max(1).describe('Largest share of the bloc consumption with untrusted content.'),
    hard: z.boolean().default(false).describe('Hard targets make the scenario infeasible when unmet; soft ones price the shortfall.'),
    penaltyUsdPerT: withUnit('USD/t', z.number().positive(), 'USD 250/kg')
      .optional()
      .describe('Price per tonne of untrusted content above the limit (soft targets): USD/t, or a string with a unit such as "USD 250/kg".'),
  })
  .strict();
export type Target = z.infer<typeof TargetSchema>;

export const CustomConstraintSchema = z
  .object({
    id: IdSchema.describe('Names the rows: custom[id] or custom[id,year].'),
    description: z.string().max(2000).optional().describe('The condition in words, for reports.'),
    expression: z
      .string()
      .describe(
        'A linear comparison over model quantities (grammar in models/expressions.md), e.g. capacity("IN", "magnet", 2030) >= 0.25 * capacity(bloc("QUAD"), "magnet", 2030). ' +
          'Checked against the dataset when the scenario is stored: a bad expression is a 422 naming constraints[i].expression and the character position.',
      ),
  })
  .strict();
export type CustomConstraint = z.infer<typeof CustomConstraintSchema>;

export const BudgetSchema = z
  .object({
    funder: IdSchema,
    totalUsd: withUnit('USD', z.number().min(0), '3 GUSD').optional().describe('USD, or a string with a unit such as "3 GUSD" or "500 MUSD".'),
    perYearUsd: withUnit('USD', z.number().min(0), '500 MUSD').optional().describe('USD per year, or a string with a unit such as "500 MUSD".'),
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
    constraints: z.array(CustomConstraintSchema).max(100).default([]).describe('Custom linear constraints written as expressions (issue 16).'),
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
