/**
 * The analyses of issue 14 as the API states them (zod): requests, results, and the resource an
 * analysis is (status, progress, member solves). Every analysis is computed by a pure function in
 * src/analysis/ from its request and the portfolios of its member solves; what each computes is
 * written down in models/analyses.md.
 */
import { z } from 'zod';
import { IdSchema, StageSchema } from '../data/schema.js';

const Uuid = z.uuid({ error: 'an id is a UUID' });
const ScenarioId = z.string().regex(/^[0-9a-f]{64}$/, 'a scenario id is 64 lower-case hex digits (a SHA-256)');

/** Solver options for every member solve (the same fields as a solve's options, without the baseline switch: members skip it). */
export const MemberOptionsSchema = z
  .object({
    backend: z.enum(['highs', 'javascript-lp-solver']).optional(),
    timeLimitSeconds: z.number().positive().max(3600).optional().describe('Wall-clock limit for each member solve, seconds.'),
    algorithm: z.enum(['auto', 'simplex', 'ipm']).optional(),
  })
  .strict()
  .describe("Overrides for the scenario's solver options in every member solve.");
export type MemberOptions = z.infer<typeof MemberOptionsSchema>;

// ---------------------------------------------------------------------------------------------
// Frontier
// ---------------------------------------------------------------------------------------------

export const FrontierRequestSchema = z
  .object({
    scenarioId: ScenarioId.describe('The stored scenario whose targets are swept.'),
    targets: z
      .array(IdSchema)
      .min(1)
      .optional()
      .describe("Ids of the targets whose limit (maxUntrustedShare) is set to each value of the sweep; default: all of the scenario's targets."),
    from: z.number().describe('Loosest limit of the sweep, a share in [0, 1].'),
    to: z.number().describe('Tightest limit of the sweep, a share in [0, 1] (below `from`).'),
    points: z.number().int().min(2).describe('Number of limits, evenly spaced from `from` to `to` inclusive.'),
    options: MemberOptionsSchema.optional(),
  })
  .strict();
export type FrontierRequest = z.infer<typeof FrontierRequestSchema>;

const BuildChangeSchema = z.object({
  plant: z.string(),
  country: z.string(),
  stage: z.string(),
  capacityTpa: z.number().describe('Change of total capacity built at the plant against the previous (looser) point, t/yr.'),
});

const BindingTargetSchema = z.object({ target: z.string(), years: z.array(z.number().int()) });

export const FrontierPointSchema = z.object({
  limit: z.number().describe('The swept targets’ largest untrusted share at this point.'),
  label: z.string(),
  status: z.string().describe('The member solve’s outcome: a solve status (optimal, infeasible, …), or failed / cancelled.'),
  totalCostUsd: z.number().nullable(),
  costPerPointUsd: z
    .number()
    .nullable()
    .describe('(cost here − cost at the previous, looser point) / (limit difference in percentage points): USD per point of independence on this step.'),
  bindingTargets: z.array(BindingTargetSchema).describe('Swept targets whose untrusted share is at the limit (within 1e-6), with the years.'),
  shortfallT: z.number().describe('Untrusted tonnes above the limits of the swept targets (soft targets: priced, not met).'),
  bindingLimits: z
    .array(z.string())
    .describe('Other limits that bind in this solve (capacity, maximum size, feed, budgets), from its report, largest marginal value first (at most 8).'),
  newlyBinding: z
    .array(z.string())
    .describe('Limits that bind here but not at the previous (looser) point, largest marginal value first (at most 8): what the step runs into.'),
  buildsEntering: z.array(BuildChangeSchema).describe('Plants whose total new capacity grew against the previous point.'),
  buildsLeaving: z.array(BuildChangeSchema).describe('Plants whose total new capacity shrank against the previous point.'),
  portfolioId: z.string().nullable(),
  jobId: z.string().nullable(),
});
export type FrontierPoint = z.infer<typeof FrontierPointSchema>;

export const FrontierResultSchema = z.object({
  targets: z.array(z.string()).describe('The swept targets.'),
  method: z
    .enum(['in_place', 'rebuild'])
    .describe(
      "`in_place`: each point is a member solve on the job queue; a worker formulates the scenario once and makes each point's model by changing only the swept target rows' coefficients, then re-solves the kept HiGHS model from the previous point's basis (models/analyses.md says why not parametric ranging). `rebuild`: a result stored before that (each point formulated again).",
    ),
  points: z.array(FrontierPointSchema).describe('From the loosest limit to the tightest.'),
  monotone: z.boolean().describe('True when the cost never falls as the limit tightens (within 1e-6 relative), as it must for exact optima.'),
  knees: z
    .array(
      z.object({
        limit: z.number().describe('The point where the slope jumps.'),
        slopeBeforeUsdPerPoint: z.number(),
        slopeAfterUsdPerPoint: z.number(),
        bindingBefore: z.array(z.string()),
        bindingAfter: z.array(z.string()),
        buildsEntering: z.array(BuildChangeSchema),
      }),
    )
    .describe('Points after which a point of independence costs at least twice as much as before it.'),
});
export type FrontierResult = z.infer<typeof FrontierResultSchema>;

// ---------------------------------------------------------------------------------------------
// Stress test
// ---------------------------------------------------------------------------------------------

export const DisruptionSchema = z
  .object({
    id: IdSchema,
    name: z.string().min(1).max(200),
    description: z.string().max(2000).optional(),
    facts: z.array(z.string()).optional().describe('Ids of the facts (shared/facts) the disruption is drawn from.'),
    kind: z
      .enum(['export_control', 'outage', 'lane_closed', 'price', 'demand'])
      .describe(
        'export_control: the rival sells none of `products`; outage: `plants` (or every plant of `countries`) produce nothing; ' +
          'lane_closed: `lane` carries nothing; price: the rival’s price of `products` set to `usdPerT` or scaled by `factor`; demand: demand of `countries`/`products` scaled by `factor`.',
      ),
    fromYear: z.number().int().describe('First year of the disruption (inside the horizon).'),
    years: z.number().int().min(1).describe('How many years it lasts (its last year inside the horizon).'),
    products: z.array(IdSchema).optional(),
    plants: z.array(IdSchema).optional(),
    countries: z.array(IdSchema).optional(),
    lane: z
      .object({ from: IdSchema, to: IdSchema, products: z.array(IdSchema).optional() })
      .strict()
      .optional(),
    usdPerT: z.number().min(0).optional(),
    factor: z.number().min(0).optional(),
  })
  .strict();
export type Disruption = z.infer<typeof DisruptionSchema>;

export const StressTestRequestSchema = z
  .object({
    portfolioId: Uuid.describe('The solved portfolio whose builds are fixed.'),
    compareWith: Uuid.optional().describe('A second portfolio run against the same disruptions, side by side.'),
    disruptions: z
      .array(IdSchema)
      .optional()
      .describe("Ids from the dataset's disruption library (GET /disruptions); default: the whole library unless `custom` is given."),
    custom: z.array(DisruptionSchema).optional().describe('Disruptions of your own, run after the library ones.'),
    members: z.array(IdSchema).min(1).optional().describe("Countries scored (default: the countries of the scenario's target blocs)."),
    options: MemberOptionsSchema.optional(),
  })
  .strict();
export type StressTestRequest = z.infer<typeof StressTestRequestSchema>;

const MemberResilienceSchema = z.object({
  country: z.string(),
  timeToSurviveYears: z
    .number()
    .nullable()
    .describe('Years from the disruption’s start until the first year with demand unserved beyond the undisrupted run; null: never within the horizon.'),
  timeToRecoverYears: z.number().describe('Years from the disruption’s start until demand is met again in every later year (0: never short).'),
  recovered: z.boolean().describe('False when demand is still short in the horizon’s last year.'),
  unservedT: z.number().describe('Demand unserved beyond the undisrupted run over the horizon, t.'),
  atRisk: z.boolean().describe('Time-to-survive shorter than the disruption’s duration (Simchi-Levi: TTS < TTR).'),
});

export const DisruptionOutcomeSchema = z.object({
  disruption: z.string(),
  name: z.string(),
  fromYear: z.number().int(),
  toYear: z.number().int(),
  durationYears: z.number().int().describe('The disruption’s years inside the horizon: the time-to-recover of the disrupted node.'),
  status: z.string(),
  totalCostUsd: z.number().nullable(),
  extraCostUsd: z
    .number()
    .nullable()
    .describe('Against the same fixed portfolio without the disruption (discounted USD 2026; includes the unserved-demand penalty).'),
  unservedT: z.number().describe('Demand unserved beyond the undisrupted run, t.'),
  unserved: z.array(z.object({ country: z.string(), year: z.number().int(), tonnes: z.number() })).describe('By market and year, beyond the undisrupted run.'),
  dependency: z.array(
    z.object({
      target: z.string(),
      points: z.array(
        z.object({ year: z.number().int(), limit: z.number().nullable(), share: z.number().nullable(), undisruptedShare: z.number().nullable() }),
      ),
    }),
  ),
  members: z.array(MemberResilienceSchema),
  score: z.number().nullable().describe('Mean over the members of min(1, time-to-survive / duration), a member never short counting 1.'),
  riskExposureIndex: z.number().nullable().describe('Extra cost over the largest extra cost in the library (1: the worst disruption).'),
  portfolioId: z.string().nullable(),
  jobId: z.string().nullable(),
});
export type DisruptionOutcome = z.infer<typeof DisruptionOutcomeSchema>;

export const PortfolioResilienceSchema = z.object({
  portfolioId: z.string(),
  scenarioId: z.string(),
  referenceCostUsd: z.number().nullable().describe('The fixed portfolio re-solved without a disruption.'),
  referencePortfolioId: z.string().nullable(),
  overallScore: z.number().nullable().describe('Mean of the disruptions’ scores.'),
  worstDisruption: z.string().nullable(),
  disruptions: z.array(DisruptionOutcomeSchema),
});

export const StressTestResultSchema = z.object({
  members: z.array(z.string()).describe('The countries scored.'),
  portfolios: z.array(PortfolioResilienceSchema),
  sideBySide: z
    .array(
      z.object({
        disruption: z.string(),
        scores: z.array(z.number().nullable()),
        extraCostUsd: z.array(z.number().nullable()),
        unservedT: z.array(z.number()),
      }),
    )
    .nullable()
    .describe('With `compareWith`: per disruption, the two portfolios’ values in request order.'),
});
export type StressTestResult = z.infer<typeof StressTestResultSchema>;

// ---------------------------------------------------------------------------------------------
// Near-optimal alternatives
// ---------------------------------------------------------------------------------------------

export const AlternativeQuantitySchema = z.discriminatedUnion('kind', [
  z
    .object({
      id: IdSchema.optional(),
      kind: z.literal('capacity_share'),
      countries: z.array(IdSchema).min(1).describe('The country or bloc.'),
      stage: StageSchema,
    })
    .strict()
    .describe("The countries' share of the new capacity of a stage (t/yr built there / t/yr built anywhere)."),
  z
    .object({ id: IdSchema.optional(), kind: z.literal('new_capacity'), countries: z.array(IdSchema).optional(), stages: z.array(StageSchema).optional() })
    .strict()
    .describe('New capacity built, t/yr (builds in a stage, or in some countries).'),
  z
    .object({ id: IdSchema.optional(), kind: z.literal('public_spending'), funders: z.array(IdSchema).optional() })
    .strict()
    .describe('Public money paid towards builds by some funders (default all), USD undiscounted.'),
]);
export type AlternativeQuantity = z.infer<typeof AlternativeQuantitySchema>;

export const AlternativesRequestSchema = z
  .object({
    scenarioId: ScenarioId,
    slacks: z.array(z.number()).min(1).max(10).describe('Cost slacks ε: plans within (1 + ε) × the least cost, e.g. [0.02, 0.05, 0.1].'),
    quantities: z.array(AlternativeQuantitySchema).min(1).max(20),
    senses: z
      .array(z.enum(['min', 'max']))
      .min(1)
      .optional()
      .describe('Default both.'),
    maxIterations: z.number().int().min(1).max(20).optional().describe('Most solves per extreme of a share (Dinkelbach iterations, default 6).'),
    options: MemberOptionsSchema.optional(),
  })
  .strict();
export type AlternativesRequest = z.infer<typeof AlternativesRequestSchema>;

const ExtremeSchema = z.object({
  value: z.number().nullable().describe('The quantity at this extreme (a share in [0, 1], t/yr or USD); null when undefined (no capacity built in the stage).'),
  numerator: z.number().nullable().describe('Shares: the countries’ new capacity of the stage at this extreme, t/yr (null for a linear quantity).'),
  denominator: z.number().nullable().describe('Shares: all new capacity of the stage at this extreme, t/yr.'),
  totalCostUsd: z.number().nullable(),
  status: z.string(),
  iterations: z.number().int().describe('Member solves it took (1 for a linear quantity).'),
  converged: z.boolean().describe('Shares: the last Dinkelbach step improved the share by less than 1e-6.'),
  portfolioId: z.string().nullable(),
  jobId: z.string().nullable(),
});

export const AlternativesResultSchema = z.object({
  optimum: z.object({
    totalCostUsd: z.number().nullable(),
    portfolioId: z.string().nullable(),
    values: z.array(z.object({ quantity: z.string(), value: z.number().nullable() })),
  }),
  ranges: z.array(
    z.object({
      quantity: z.string(),
      slack: z.number(),
      maxTotalCostUsd: z.number().nullable(),
      optimumValue: z.number().nullable(),
      min: ExtremeSchema.nullable(),
      max: ExtremeSchema.nullable(),
    }),
  ),
});
export type AlternativesResult = z.infer<typeof AlternativesResultSchema>;

// ---------------------------------------------------------------------------------------------
// Comparisons that explain
// ---------------------------------------------------------------------------------------------

export const InputChangeSchema = z.object({
  path: z.string().describe('JSON path in the scenario, e.g. `targets[0].maxUntrustedShare`.'),
  before: z.unknown().describe('Value in the first scenario (null: absent).'),
  after: z.unknown().describe('Value in the second scenario (null: absent).'),
});
export type InputChange = z.infer<typeof InputChangeSchema>;

export const ExplainResultSchema = z.object({
  method: z.enum(['shapley', 'one_at_a_time']),
  storedDifferenceUsd: z.number().nullable().describe('Second stored portfolio’s cost − first’s.'),
  solves: z.number().int(),
  members: z
    .array(z.object({ changes: z.array(z.number().int()), totalCostUsd: z.number().nullable(), portfolioId: z.string().nullable() }))
    .describe('Each subset of changes solved (1-based change numbers).'),
  beforeCostUsd: z.number().nullable().describe('The first scenario re-solved (no change applied).'),
  afterCostUsd: z.number().nullable().describe('The first scenario with every change applied, re-solved.'),
  totalDifferenceUsd: z.number().nullable().describe('afterCostUsd − beforeCostUsd: what the parts add up to.'),
  parts: z.array(z.object({ change: z.number().int(), path: z.string(), usd: z.number(), byCategory: z.record(z.string(), z.number()) })),
  residualUsd: z.number().nullable().describe('Σ parts − total: zero up to round-off by construction.'),
  note: z.string().nullable(),
});
export type ExplainResult = z.infer<typeof ExplainResultSchema>;

export const ExplainedComparisonResultSchema = z.object({
  inputDifference: z.array(InputChangeSchema),
  costDifference: z.array(
    z.object({ category: z.string(), beforeUsd: z.number().nullable(), afterUsd: z.number().nullable(), deltaUsd: z.number().nullable() }),
  ),
  decisionDifference: z.array(z.unknown()).describe('The builds that differ (as `buildDifferences` of a comparison).'),
  attribution: ExplainResultSchema,
});
export type ExplainedComparisonResult = z.infer<typeof ExplainedComparisonResultSchema>;

export const ExplainRequestSchema = z
  .object({
    portfolioIds: z.array(Uuid).length(2, 'an explained comparison has two portfolios').describe('Before and after.'),
    attribution: z.enum(['auto', 'shapley', 'one_at_a_time']).describe('`auto`: Shapley values up to 4 changes, one at a time beyond.'),
    options: MemberOptionsSchema.optional(),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// The resource
// ---------------------------------------------------------------------------------------------

export const AnalysisKindSchema = z.enum(['frontier', 'stress_test', 'alternatives', 'comparison']);
export const AnalysisStatusSchema = z.enum(['running', 'done', 'failed', 'cancelled']);

export const AnalysisMemberSchema = z.object({
  label: z.string(),
  jobId: Uuid,
  scenarioId: z.string(),
  status: z.enum(['queued', 'running', 'done', 'failed', 'cancelled']),
  portfolioId: z.string().nullable(),
  links: z.object({ job: z.string(), scenario: z.string(), portfolio: z.string().nullable() }),
});

const analysisResource = <R extends z.ZodType, Q extends z.ZodType>(kind: z.infer<typeof AnalysisKindSchema>, request: Q, result: R) =>
  z.object({
    id: Uuid,
    kind: z.literal(kind),
    status: AnalysisStatusSchema,
    scenarioId: z.string().describe('The scenario the analysis is about.'),
    request,
    progress: z.object({
      solvesPlanned: z.number().int().describe('Member solves the analysis may need at most.'),
      solvesSubmitted: z.number().int(),
      solvesFinished: z.number().int(),
      fraction: z.number().min(0).max(1),
    }),
    members: z.array(AnalysisMemberSchema).describe('Every member solve: a job on the queue with its stored scenario and, once done, its portfolio.'),
    result: result.nullable().describe('Null until the analysis is done.'),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
    links: z.object({
      self: z.string(),
      markdown: z.string(),
      groups: z.array(z.string()).describe('The group jobs of the member solves (DELETE on the analysis cancels them).'),
    }),
  });

export const FrontierSchema = analysisResource('frontier', FrontierRequestSchema, FrontierResultSchema);
export type Frontier = z.infer<typeof FrontierSchema>;

export const StressTestSchema = analysisResource('stress_test', StressTestRequestSchema, StressTestResultSchema);

export const AlternativesSchema = analysisResource('alternatives', AlternativesRequestSchema, AlternativesResultSchema);

export const ExplainedComparisonSchema = analysisResource('comparison', ExplainRequestSchema, ExplainedComparisonResultSchema);

export const AnalysisParamsSchema = z.object({ id: Uuid }).strict();
export const AnalysisQuerySchema = z
  .object({ format: z.enum(['json', 'markdown']).default('json').describe('`markdown` renders the analysis for a brief.') })
  .strict();
