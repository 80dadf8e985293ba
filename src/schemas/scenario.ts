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
      .array(
        z
          .object({
            from: IdSchema,
            to: IdSchema,
            products: idList('products').optional(),
            fromYear: YearSchema.optional().describe('First year the lane is closed (default: always).'),
            toYear: YearSchema.optional().describe('Last year the lane is closed (default: to the end of the horizon).'),
          })
          .strict(),
      )
      .max(LIMITS.closedLanes)
      .default([]),
    /** Export controls by the rival supplier: no sales of these products from `fromYear` (through `toYear`). */
    exportControls: z
      .array(z.object({ products: idList('products').min(1), fromYear: YearSchema, toYear: YearSchema.optional() }).strict())
      .max(LIMITS.exportControls)
      .default([]),
    /** Ids of dataset export controls to apply (in addition to those active by default). */
    applyExportControls: idList('export controls').default([]),
    /** Plants (by id, or every plant of a country) that produce nothing from `fromYear` through `toYear` (stress tests). */
    outages: z
      .array(z.object({ plants: z.array(IdSchema).optional(), countries: z.array(IdSchema).optional(), fromYear: YearSchema, toYear: YearSchema }).strict())
      .optional(),
    /** The rival's price of some products set (`usdPerT`) or scaled (`factor`) from `fromYear` through `toYear` (a price war, or a squeeze). */
    priceChanges: z
      .array(
        z
          .object({
            products: z.array(IdSchema).min(1),
            fromYear: YearSchema,
            toYear: YearSchema,
            usdPerT: z.number().min(0).optional(),
            factor: z.number().min(0).optional(),
          })
          .strict(),
      )
      .optional(),
    /** Demand scaled by `factor` from `fromYear` through `toYear`, for some countries and products (default all). */
    demandChanges: z
      .array(
        z
          .object({
            countries: z.array(IdSchema).optional(),
            products: z.array(IdSchema).optional(),
            fromYear: YearSchema,
            toYear: YearSchema,
            factor: z.number().min(0),
          })
          .strict(),
      )
      .optional(),
  })
  .strict();

export const FixedBuildSchema = z.object({ plant: IdSchema, buildYear: YearSchema, capacityTpa: z.number().min(0) }).strict();

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
    bloc: idList('countries').min(1).describe('Countries whose consumption is pooled.'),
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
    eligibleCountries: idList('countries').optional(),
    eligibleStages: z.array(StageSchema).max(20).optional(),
    maxShareOfCapex: z.number().min(0).max(1).optional().describe('Co-financing: largest share of one build-year capex this funder may pay.'),
  })
  .strict();
export type Budget = z.infer<typeof BudgetSchema>;

/** A strategic stockpile turned on: a dataset holder keeps stock of one product, up to a capacity. */
export const StockpileSettingSchema = z
  .object({
    holder: IdSchema.describe("A stockpile holder of the dataset (stockpiles.json), e.g. 'us_project_vault' or 'quad_pooled_reserve'."),
    product: IdSchema,
    maxStockT: z.number().min(0).describe('Largest stock the holder may keep of the product, t.'),
    holdCostUsdPerTYear: z.number().min(0).optional().describe("Cost of holding one tonne a year, USD (default: the holder's share of the world price)."),
    envelopeUsd: z.number().min(0).optional().describe("Funding envelope for purchases into stock, USD at world prices (default: the holder's)."),
  })
  .strict();

export const RecyclingPathSchema = z
  .object({
    country: IdSchema,
    product: IdSchema.describe('Scrap magnet grade (a product some recycling route takes).'),
    kind: z.enum(['end_of_life', 'swarf']),
    tonnesPerYear: StepSeriesSchema.describe(
      'Scrap available, t of magnet per year (step series); replaces the dataset stream of the same country, product and kind.',
    ),
    collectionCostUsdPerT: z.number().min(0).optional(),
  })
  .strict();

export const RecyclingSettingsSchema = z
  .object({
    enabled: z.boolean().default(false).describe("Recycling plants and scrap streams of the dataset take part (off: today's calibrated world)."),
    paths: z.array(RecyclingPathSchema).default([]).describe('Scrap growth paths that replace or add to the dataset streams.'),
    excludePlants: z.array(IdSchema).default([]),
  })
  .strict();

export const FloorCapSchema = z
  .object({
    plant: IdSchema,
    maxFloorUsdPerT: z.number().describe('Highest floor (support level) this plant may get, USD/t; 0 <= cap <= floors.maxFloorUsdPerT.'),
  })
  .strict();

export const FloorSettingsSchema = z
  .object({
    enabled: z.boolean().default(false).describe('Size per-plant price floors and capex grants for the plan (a second-stage model on the solved plan).'),
    maxFloorUsdPerT: z.number().default(500_000).describe('Bound on any floor level (rival price + support per t), USD/t; 0 <= bound <= 10,000,000.'),
    funders: z.array(IdSchema).optional().describe('Funders whose envelopes pay grants and support (default: every dataset funder).'),
    caps: z.array(FloorCapSchema).default([]),
    grants: z.boolean().default(true).describe('Allow capex grants beside per-tonne support.'),
  })
  .strict();

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
      plants: {},
      sources: {},
      demand: {},
      prices: {},
      funders: {},
      laneRules: {},
      contracts: {},
      excludePlants: [],
      excludeSources: [],
      closedLanes: [],
      exportControls: [],
      applyExportControls: [],
    }),
    targets: z.array(TargetSchema).max(LIMITS.targets).default([]),
    budgets: z.array(BudgetSchema).max(LIMITS.budgets).default([]),
    constraints: z.array(CustomConstraintSchema).max(100).default([]).describe('Custom linear constraints written as expressions (issue 16).'),
    capexPublicShare: z
      .number()
      .min(0)
      .max(1)
      .default(0)
      .describe('Share of every new build capex that must be paid by the scenario funders (0: budgets never bind).'),
    // Instruments (issue 15): absent means off, and an absent field leaves the scenario's identity
    // (the hash of its canonical JSON) what it was before the instruments existed.
    stockpiles: z.array(StockpileSettingSchema).optional().describe('Strategic stockpiles turned on (absent or empty: none).'),
    recycling: RecyclingSettingsSchema.optional().describe('Recycling of end-of-life magnets and swarf (absent: off).'),
    floors: FloorSettingsSchema.optional().describe('Per-plant price floors and capex grants sized on the plan (absent: off).'),
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
