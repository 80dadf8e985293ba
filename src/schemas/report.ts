/**
 * The solver report: what a planner needs to defend a portfolio. Marginal values (from the row
 * duals, with their unit, sign and the range over which they hold), reduced costs of unbuilt
 * candidates in capex terms, binding limits recomputed from the solution, the infeasibility or
 * shortfall diagnosis in scenario JSON paths, and dependency metrics. Money is present-value USD
 * (discounted to the horizon's first year at the scenario's rate) unless a field says otherwise.
 */
import { z } from 'zod';
import { DependencySummaryRowSchema } from './dependency-metrics.js';

export const TargetPointCostSchema = z.object({
  target: z.string(),
  path: z.string().describe('The scenario field, `targets[i].maxUntrustedShare`.'),
  limit: z.number().describe('The stated limit (share).'),
  fromYear: z.number().int().nullable(),
  untilYear: z.number().int().nullable(),
  tightenUsd: z
    .number()
    .nullable()
    .describe(
      'Present-value USD the plan costs more with the limit one whole percentage point lower in every year it applies (a re-solve; costs without the origin tie-break); null when that is infeasible or the limit is 0.',
    ),
  tightenedStatus: z.string().nullable().describe('Status of that re-solve (null: not run).'),
  loosenUsd: z.number().nullable().describe('Present-value USD saved with the limit one whole point higher in every year (a re-solve); null at a limit of 1.'),
  loosenedStatus: z.string().nullable(),
});

export const DualRangeSchema = z
  .object({
    /** The row's limit can move within [fromLimit, toLimit] with this marginal value unchanged (HiGHS ranging). */
    fromLimit: z.number().nullable(),
    toLimit: z.number().nullable(),
    /**
     * False when the limit sits at an end of that range: the left and right rates differ there, and
     * this value is one of several valid marginal values (the LP is degenerate at this point).
     */
    unique: z.boolean(),
  })
  .describe('Range over which the marginal value holds; null ends are unbounded.');

const MarginalBase = z.object({
  constraint: z.string().describe('Row name, e.g. `source_supply[mtweld,2030]`.'),
  description: z.string(),
  path: z.string().nullable().describe('Scenario JSON path that sets this limit.'),
  year: z.number().int().nullable(),
  limit: z.number(),
  activity: z.number(),
  /** d(total discounted cost)/d(limit), as the solver reports it. */
  dual: z.number(),
  range: DualRangeSchema.nullable(),
});

export const MarginalValuesSchema = z.object({
  feedstock: z.array(
    MarginalBase.extend({
      source: z.string(),
      valueUsdPerT: z
        .number()
        .describe("Cost saved by one more unit of feed (the dataset's meta.chain.feedUnit: t TREO in quad-2026) of this source in this year (≥ 0)."),
    }),
  ),
  budgets: z.array(
    MarginalBase.extend({
      funder: z.string(),
      valueUsdPerUsd: z
        .number()
        .describe(
          'Present-value USD of cost saved per extra nominal USD in this envelope (≥ 0): envelopes are written, and spent, in nominal USD of their years.',
        ),
      valuePvUsdPerPvUsd: z
        .number()
        .nullable()
        .describe(
          'The same per present-value USD of envelope (a yearly envelope: valueUsdPerUsd / discount factor of its year); null for a total over several years.',
        ),
      envelopeUnit: z.literal('nominal USD').describe('Unit of `limit` and `activity`.'),
    }),
  ),
  targets: z.array(
    MarginalBase.extend({
      target: z.string(),
      consumptionT: z.number(),
      costUsdPerT: z.number().describe('Extra cost per tonne less untrusted content allowed (≥ 0).'),
      costUsdPerPoint: z
        .number()
        .describe(
          'Extra cost of tightening the limit by one percentage point in this year, first order (≥ 0); see the report `targetPoints` for a whole point over all years.',
        ),
    }),
  ),
  plantSize: z.array(
    MarginalBase.extend({ plant: z.string(), valueUsdPerTpa: z.number().describe('Cost saved by one more t/yr of allowed expansion (≥ 0).') }),
  ),
  plantCapacity: z.array(
    MarginalBase.extend({ plant: z.string(), valueUsdPerTpa: z.number().describe('Cost saved by one more t/yr of existing capacity in this year (≥ 0).') }),
  ),
  customConstraints: z
    .array(
      MarginalBase.extend({
        id: z.string().describe('The custom constraint id (scenario `constraints[i].id`).'),
        expression: z.string(),
        sense: z.enum(['>=', '<=', '==']),
        unit: z.string().describe('Unit of the row: t/yr, t or USD.'),
        costUsdPerUnit: z
          .number()
          .describe('Extra discounted cost per unit the condition is tightened (≥ 0 for ≥ and ≤ rows; for == rows, per unit the right-hand side grows).'),
        statement: z.string().describe('"this condition costs USD X per unit" in words.'),
      }),
    )
    .optional()
    .describe('Every row of every custom constraint (issue 16), priced or not; absent in reports made before custom constraints existed.'),
});

export const ReducedCostSchema = z.object({
  plant: z.string(),
  name: z.string(),
  country: z.string(),
  stage: z.string(),
  /** Build year at which the plant is closest to being chosen. */
  buildYear: z.number().int(),
  column: z.string(),
  reducedCostUsdPerTpa: z.number().describe('Discounted cost per t/yr by which this build misses being worth it.'),
  capexUsdPerTpa: z.number(),
  /** Capex cut at which the plant enters (null: it would not enter even at zero capex). */
  capexCutPct: z.number().nullable(),
  capexCutUsdPerTpa: z.number().nullable(),
  statement: z.string(),
});

export const BindingLimitSchema = z.object({
  constraint: z.string(),
  family: z.string(),
  description: z.string(),
  path: z.string().nullable(),
  unit: z.string(),
  activity: z.number(),
  limit: z.number(),
  slack: z.number(),
  dual: z.number().nullable(),
});

export const RemedyLeverSchema = z.enum([
  'target_year',
  'target_share',
  'target_hard',
  'budget',
  'lead_time',
  'earliest_start',
  'max_size',
  'capex',
  'lane',
  'export_control',
  'excluded_plant',
  'custom_constraint',
  'combination',
]);

const ScenarioChangeSchema = z.object({
  path: z.string().describe('Scenario JSON path, e.g. `overrides.plants.lynas_seadrift.expansion.leadTimeYears`.'),
  to: z
    .union([z.number(), z.boolean(), z.string()])
    .nullable()
    .describe("The new value (null with `remove`; a custom constraint's rewritten expression is a string)."),
  remove: z.boolean().describe('True: delete the list entry at `path` (an excluded plant, a closed lane, an export control).'),
});

export const RemedySchema = z.object({
  path: z.string().describe('Scenario JSON path to change (the first, for a combination).'),
  change: z.string().describe('The change in words, e.g. `needs ≥ 2031` or `+410 M USD nominal`.'),
  from: z.number().nullable(),
  to: z.number().nullable(),
  lever: RemedyLeverSchema.describe('What the remedy changes; `combination`: two or three project or policy changes together.'),
  changes: z
    .array(ScenarioChangeSchema.extend({ from: z.number().nullable(), change: z.string() }))
    .describe('Every edit of the remedy (one, or two or three for a combination); `src/analysis/scenario-edits.ts` applies them.'),
  undercuts: z
    .array(z.object({ changes: z.array(ScenarioChangeSchema) }))
    .describe(
      'Each part eased by one step (or left out), verified infeasible by a solve: the remedy is minimal. Empty when the one step less is the scenario as stated.',
    ),
  /** Total cost of the plan once this change is made, the failing targets met (present-value USD). */
  resultingCostUsd: z.number().nullable(),
  explanation: z.string(),
});

export const TargetReachSchema = z.object({
  target: z.string(),
  path: z.string(),
  year: z.number().int(),
  /** Earliest first year from which the target can be met in every year it applies (null: never in the horizon). */
  earliestYear: z.number().int().nullable(),
  explanation: z.string(),
});

export const DiagnosisSchema = z.object({
  reason: z.enum(['infeasible', 'shortfall']),
  summary: z.string(),
  /** Each remedy alone closes the gap (a combination: its parts together); ranked by the cost of the plan it leads to, cheapest first. */
  remedies: z.array(RemedySchema),
  targets: z.array(TargetReachSchema),
  /** Earliest year new capacity of each stage can produce, from start years and lead times. */
  earliestOnline: z.array(z.object({ stage: z.string(), year: z.number().int().nullable(), plant: z.string().nullable(), explanation: z.string() })),
  solves: z.number().int().describe('Extra solves the diagnosis ran.'),
  maxSolves: z.number().int().optional().describe('Its bound: the most solves it may run (a count, not a time, so the answer does not depend on the machine).'),
  complete: z.boolean().describe('False when the diagnosis stopped at its bound of solves (or a solve ended at its time limit) before every step ran.'),
});

/** Which sections of a report need extra solves, and so may come after the rest (issue 13). */
export const REPORT_EXTRA_SECTIONS = ['reducedCosts', 'diagnosis', 'targetPoints'] as const;

export const ReportExtrasStateSchema = z
  .object({
    status: z
      .enum(['pending', 'complete', 'failed', 'skipped'])
      .describe(
        '`pending`: the sections that need extra solves (`reducedCosts`, `diagnosis`, `targetPoints`) are being computed after the portfolio was answered; until then they are empty (`[]`, `null`). ' +
          '`complete`: they are filled in. `failed`: computing them failed or overran (see `message`); the rest of the report stands. `skipped`: an analysis member, which runs no extra solves.',
      ),
    message: z.string().optional().describe('Why the extra sections failed.'),
  })
  .describe(
    'State of the sections that need extra solves: the service stores the report without them as soon as the portfolio is ready and fills them in afterwards. ' +
      '`GET /portfolios/{id}/report?wait=N` waits for them. Absent in reports computed in one go (the CLI) and in reports stored before the split, which are complete.',
  );

export const ReportSchema = z.object({
  status: z.string(),
  totalCostUsd: z.number().nullable(),
  provenOptimal: z
    .boolean()
    .optional()
    .describe('False when the plan was found at a time, node or gap limit (status `time_limit`): its cost is not proven least.'),
  memberReport: z
    .boolean()
    .optional()
    .describe(
      'True for a member solve of an analysis: duals, ranging and binding limits from the solve itself, no extra solves (no reduced-cost probes, diagnosis or whole-point target costs).',
    ),
  currency: z.string(),
  /** Where the duals come from. */
  duals: z.object({
    source: z.enum(['lp', 'fixed-integer-lp', 'highs-resolve', 'unavailable']),
    note: z.string(),
    /** Primal and dual objectives (strong duality check). */
    primalObjective: z.number().nullable(),
    dualObjective: z.number().nullable(),
  }),
  marginalValues: MarginalValuesSchema.nullable(),
  targetPoints: z
    .array(TargetPointCostSchema)
    .default([])
    .describe(
      'Per target: the cost of one whole percentage point over all its years, tightened and loosened, from re-solves (beside the per-year duals of `marginalValues.targets`); present-value USD.',
    ),
  reducedCosts: z.array(ReducedCostSchema),
  binding: z.array(BindingLimitSchema),
  diagnosis: DiagnosisSchema.nullable(),
  dependencyMetrics: z
    .object({ baseline: z.array(DependencySummaryRowSchema).nullable(), portfolio: z.array(DependencySummaryRowSchema).nullable() })
    .describe('Per bloc, product and year: origin-traced untrusted share, USGS net import reliance, HHI of supplying countries (models/metrics.md).'),
  extras: ReportExtrasStateSchema.optional(),
});

export type Report = z.infer<typeof ReportSchema>;
export type ReportExtrasState = z.infer<typeof ReportExtrasStateSchema>;
export type MarginalValues = z.infer<typeof MarginalValuesSchema>;
export type Diagnosis = z.infer<typeof DiagnosisSchema>;
export type Remedy = z.infer<typeof RemedySchema>;
export type ReducedCost = z.infer<typeof ReducedCostSchema>;
export type TargetPointCost = z.infer<typeof TargetPointCostSchema>;
export type BindingLimit = z.infer<typeof BindingLimitSchema>;
