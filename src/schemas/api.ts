/**
 * The REST API's request and response contracts (zod). Fastify validates every body, query and
 * path parameter with these, serialises every response through them, and @fastify/swagger turns
 * them into the OpenAPI document, so the documentation cannot drift from what the service does.
 * The scenario and portfolio shapes come from the engine's own schemas and are reused as they are.
 */
import { z } from 'zod';
import { DatasetSchema, IdSchema } from '../data/schema.js';
import {
  AlgorithmSchema,
  BackendSchema,
  BudgetSchema,
  OverridesSchema,
  ScenarioSchema,
  SolverOptionsSchema,
  TargetSchema,
} from './scenario.js';
import {
  BudgetUseSchema,
  BuildSchema,
  CostBreakdownSchema,
  DependencyTrajectorySchema,
  FlowSchema,
  ModelStatsSchema,
  PortfolioSchema,
  ProductionSchema,
  SolveStatusSchema,
  SolverInfoSchema,
} from './portfolio.js';

/**
 * Registers a schema as a named OpenAPI component. Registration is skipped when the schema (or the
 * id) is already registered, so the engine may name its own schemas later without a clash at import.
 */
function component<T extends z.ZodType>(schema: T, id: string, description?: string): T {
  if (z.globalRegistry.get(schema)?.id) return schema;
  try {
    z.globalRegistry.add(schema, { id, ...(description ? { description } : {}) });
  } catch {
    // Another schema already owns this id; the document then inlines this one, which is still correct.
  }
  return schema;
}

/**
 * A copy of `schema` carrying one example and a description. The copy is not a named component, so
 * each route gets its own example while nested named components are still referenced.
 */
export function documented<T extends z.ZodType>(schema: T, example: unknown, description: string): T {
  // A copy made by `.meta()` keeps a link to its parent, and zod renders a copy of a named component
  // as `$ref` plus siblings, which @fastify/swagger drops. `.extend({})` builds an unlinked object
  // schema with the same shape and strictness, so the example stays next to the schema it belongs to.
  const base = schema instanceof z.ZodObject ? (schema.extend({}) as unknown as T) : schema;
  return base.meta({ description, examples: [example] }) as T;
}

// Engine schemas reused by the API, named so the document references them instead of repeating them.
component(ScenarioSchema, 'Scenario', 'A planning scenario: dataset, horizon, overrides, targets, budgets and solver options.');
component(SolverOptionsSchema, 'SolverOptions');
component(OverridesSchema, 'Overrides');
component(TargetSchema, 'Target');
component(BudgetSchema, 'Budget');
component(PortfolioSchema, 'Portfolio', 'The least-cost plant portfolio for one scenario.');
component(CostBreakdownSchema, 'CostBreakdown');
component(BuildSchema, 'Build');
component(FlowSchema, 'Flow');
component(ProductionSchema, 'Production');
component(DependencyTrajectorySchema, 'DependencyTrajectory');
component(BudgetUseSchema, 'BudgetUse');
component(ModelStatsSchema, 'ModelStats');
component(SolverInfoSchema, 'SolverInfo');
component(DatasetSchema, 'Dataset', 'A reference dataset with the sources of every record.');

// ---------------------------------------------------------------------------------------------
// Problems (RFC 9457)
// ---------------------------------------------------------------------------------------------

export const FieldErrorSchema = component(
  z.object({
    path: z.string().describe('Where the problem is, e.g. `horizon.endYear` or `targets[0].product`; `(root)` for the whole value.'),
    in: z.enum(['body', 'query', 'params', 'headers']).optional().describe('Which part of the request the path points into.'),
    message: z.string(),
  }),
  'FieldError',
);

export const ProblemSchema = component(
  z.object({
    type: z.string().describe('URI reference naming the kind of problem.'),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().describe('The request path this problem occurred on.'),
    requestId: z.string().optional().describe('The request id, also sent as `x-request-id` and written to the logs.'),
    errors: z.array(FieldErrorSchema).optional().describe('Every failing field (validation problems only).'),
  }),
  'Problem',
  'An error response (`application/problem+json`, RFC 9457).',
);
export type Problem = z.infer<typeof ProblemSchema>;

// ---------------------------------------------------------------------------------------------
// Identifiers, paging
// ---------------------------------------------------------------------------------------------

/** Scenario ids are the SHA-256 of the canonical scenario JSON, so they are 64 lower-case hex digits. */
export const ScenarioIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a scenario id is 64 lower-case hex digits (a SHA-256)');
export const JobIdSchema = z.uuid({ error: 'a job id is a UUID' });
export const PortfolioIdSchema = z.uuid({ error: 'a portfolio id is a UUID' });

export const ScenarioParamsSchema = z.object({ id: ScenarioIdSchema }).strict();
export const JobParamsSchema = z.object({ id: JobIdSchema }).strict();
export const PortfolioParamsSchema = z.object({ id: PortfolioIdSchema }).strict();
export const DatasetParamsSchema = z.object({ id: IdSchema }).strict();

export const MAX_PAGE_SIZE = 100;

const pagingFields = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20).describe('Items per page.'),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional().describe('Items to skip (newest first). Do not combine with `cursor`.'),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a cursor returned by this API')
    .optional()
    .describe('`nextCursor` from the previous page.'),
};

const noOffsetWithCursor = (q: { offset?: number | undefined; cursor?: string | undefined }) => !(q.offset !== undefined && q.cursor !== undefined);
const offsetCursorMessage = { message: 'use either offset or cursor, not both', path: ['cursor'] };

export const PageQuerySchema = z.object(pagingFields).strict().refine(noOffsetWithCursor, offsetCursorMessage);
export type PageQuery = z.infer<typeof PageQuerySchema>;

export const PortfolioListQuerySchema = z
  .object({ ...pagingFields, scenarioId: ScenarioIdSchema.optional().describe('Only portfolios of this scenario.') })
  .strict()
  .refine(noOffsetWithCursor, offsetCursorMessage);

function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().describe('Items across all pages.'),
    limit: z.number().int(),
    offset: z.number().int().nullable().describe('Offset of this page, or null when the page was asked for by cursor.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  });
}

const Timestamp = z.string().describe('ISO 8601 UTC timestamp.');

// ---------------------------------------------------------------------------------------------
// System
// ---------------------------------------------------------------------------------------------

export const HealthSchema = component(
  z.object({
    status: z.enum(['ok', 'degraded']),
    uptimeSeconds: z.number(),
    database: z.object({
      kind: z.enum(['sqlite', 'postgres']).describe('The store: embedded SQLite, or PostgreSQL shared by every instance (`DATABASE_URL`).'),
      ok: z.boolean(),
      latencyMs: z.number(),
      error: z.string().optional(),
    }),
    solver: z
      .object({
        enabled: z.boolean(),
        workers: z.number().int().describe('Workers the pool is sized to.'),
        ready: z.number().int().describe('Workers warmed up and able to take a solve.'),
        busy: z.number().int(),
        queued: z.number().int(),
        maxQueue: z.number().int(),
      })
      .describe("This process's own solver threads (embedded mode); disabled on an API instance of a shared deployment."),
    queue: z
      .object({
        mode: z.enum(['embedded', 'distributed']).describe('`embedded`: solves run on this process; `distributed`: on `npm run worker` processes via the PostgreSQL queue.'),
        depth: z.number().int().describe('Solve jobs waiting for a worker.'),
        running: z.number().int(),
        deadLetter: z.number().int().describe('Jobs given up on after their retries, kept in the dead-letter queue.'),
        workers: z
          .array(
            z.object({
              id: z.string(),
              host: z.string(),
              pid: z.number().int(),
              slots: z.number().int().describe('Solves it runs at once.'),
              busy: z.number().int(),
              startedAt: Timestamp,
              lastSeenSecondsAgo: z.number().describe('Since its last heartbeat.'),
            }),
          )
          .describe('Live workers: those with a heartbeat within the worker timeout.'),
        error: z.string().optional(),
      })
      .describe('The job queue every instance shares.'),
  }),
  'Health',
);

export const VersionSchema = component(
  z.object({
    name: z.string(),
    version: z.string(),
    node: z.string(),
    solvers: z.object({ highs: z.string().nullable().describe('Null until a worker has loaded HiGHS (in a shared deployment: until a live worker has).'), 'javascript-lp-solver': z.string() }),
    datasets: z.array(z.string()),
  }),
  'Version',
);

// ---------------------------------------------------------------------------------------------
// Datasets
// ---------------------------------------------------------------------------------------------

export const DatasetSummarySchema = component(
  z.object({
    id: z.string(),
    title: z.string(),
    description: z.string(),
    currency: z.string(),
    counts: z.record(z.string(), z.number().int()).describe('Records per collection.'),
    links: z.object({ self: z.string() }),
  }),
  'DatasetSummary',
);
export const DatasetListSchema = z.object({ items: z.array(DatasetSummarySchema) });

// ---------------------------------------------------------------------------------------------
// Scenarios
// ---------------------------------------------------------------------------------------------

export const ScenarioSummarySchema = component(
  z.object({
    id: ScenarioIdSchema,
    name: z.string(),
    datasetId: z.string(),
    createdAt: Timestamp,
    links: z.object({ self: z.string(), solve: z.string(), portfolios: z.string() }),
  }),
  'ScenarioSummary',
);

export const ScenarioRecordSchema = component(
  ScenarioSummarySchema.extend({ scenario: ScenarioSchema.describe('The scenario as stored: validated, with every default filled in.') }),
  'ScenarioRecord',
);
export type ScenarioRecord = z.infer<typeof ScenarioRecordSchema>;
export const ScenarioPageSchema = page(ScenarioSummarySchema);

// ---------------------------------------------------------------------------------------------
// Solving, jobs
// ---------------------------------------------------------------------------------------------

export const SolveOptionsSchema = component(
  z
    .object({
      backend: BackendSchema.optional(),
      timeLimitSeconds: z.number().positive().max(3600).optional().describe('Wall-clock limit for each solve (portfolio and baseline), seconds.'),
      mipRelGap: z.number().min(0).max(0.1).optional(),
      algorithm: AlgorithmSchema.optional(),
      lumpyBuilds: z.boolean().optional(),
      skipBaseline: z.boolean().optional().describe('Skip the no-new-builds baseline solve (faster; baseline shares come back null).'),
    })
    .strict()
    .describe("Overrides for the scenario's solver options; anything left out keeps the scenario's value."),
  'SolveOptions',
);
export type SolveOptions = z.infer<typeof SolveOptionsSchema>;

export const SolveQuerySchema = z
  .object({
    wait: z.coerce
      .number()
      .min(0)
      .max(600)
      .default(0)
      .describe('Seconds to wait for the portfolio before answering 202 with the job (capped by the server, 60 s by default).'),
  })
  .strict();

export const InlineSolveBodySchema = component(
  z.object({ scenario: ScenarioSchema, options: SolveOptionsSchema.optional() }).strict(),
  'InlineSolve',
);

export const JobStatusSchema = z.enum(['queued', 'running', 'done', 'failed', 'cancelled']);
export type JobStatus = z.infer<typeof JobStatusSchema>;
export const JobPhaseSchema = z.enum(['queued', 'formulating', 'solving', 'baseline', 'reporting', 'finished']);
export type JobPhase = z.infer<typeof JobPhaseSchema>;

export const JobErrorCodeSchema = z.enum([
  'invalid_scenario',
  'solve_error',
  'worker_crashed',
  'time_limit',
  'interrupted',
  'worker_lost',
  'unavailable',
  'cancelled',
  'shutdown',
]);
export type JobErrorCode = z.infer<typeof JobErrorCodeSchema>;

export const JobErrorSchema = z.object({
  code: JobErrorCodeSchema,
  message: z.string(),
});
export type JobError = z.infer<typeof JobErrorSchema>;

export const EffectiveSolverOptionsSchema = z.object({
  backend: BackendSchema,
  timeLimitSeconds: z.number(),
  mipRelGap: z.number(),
  algorithm: AlgorithmSchema,
  lumpyBuilds: z.boolean(),
  skipBaseline: z.boolean(),
});
export type EffectiveSolverOptions = z.infer<typeof EffectiveSolverOptionsSchema>;

export const JobSchema = component(
  z.object({
    id: JobIdSchema,
    scenarioId: ScenarioIdSchema,
    kind: z.enum(['solve', 'group']).describe('`group`: a parent job (an analysis) that finishes when its member solves have.'),
    parentId: JobIdSchema.nullable().describe('The group this solve is a member of.'),
    status: JobStatusSchema,
    attempts: z.number().int().min(0).describe('Times a worker started this job; more than one after a worker was lost and the job retried.'),
    progress: z.object({
      phase: JobPhaseSchema,
      fraction: z.number().min(0).max(1).describe('Rough share of the work done, from the phase.'),
    }),
    options: EffectiveSolverOptionsSchema.describe('The solver options this job runs with.'),
    error: JobErrorSchema.nullable().describe('Why the job failed or was cancelled.'),
    portfolioId: PortfolioIdSchema.nullable(),
    createdAt: Timestamp,
    startedAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    links: z.object({ self: z.string(), scenario: z.string(), portfolio: z.string().nullable() }),
  }),
  'Job',
);
export type Job = z.infer<typeof JobSchema>;

// ---------------------------------------------------------------------------------------------
// Portfolios
// ---------------------------------------------------------------------------------------------

export const PortfolioRecordSchema = component(
  PortfolioSchema.extend({
    id: PortfolioIdSchema,
    scenarioId: ScenarioIdSchema,
    jobId: JobIdSchema.nullable(),
    createdAt: Timestamp,
    links: z.object({ self: z.string(), scenario: z.string(), export: z.string() }),
  }),
  'PortfolioRecord',
);
export type PortfolioRecord = z.infer<typeof PortfolioRecordSchema>;

export const PortfolioSummarySchema = component(
  z.object({
    id: PortfolioIdSchema,
    scenarioId: ScenarioIdSchema,
    jobId: JobIdSchema.nullable(),
    scenarioName: z.string(),
    datasetId: z.string(),
    status: SolveStatusSchema,
    totalCostUsd: z.number().nullable(),
    createdAt: Timestamp,
    links: z.object({ self: z.string() }),
  }),
  'PortfolioSummary',
);
export const PortfolioPageSchema = page(PortfolioSummarySchema);

export const ExportQuerySchema = z
  .object({
    format: z.enum(['csv']).describe('Export format; CSV is the only one so far.'),
    table: z
      .enum(['all', 'builds', 'flows'])
      .default('all')
      .describe('`builds`, `flows`, or `all`: both in one file, told apart by the `record` column.'),
  })
  .strict();

// ---------------------------------------------------------------------------------------------
// Comparisons
// ---------------------------------------------------------------------------------------------

export const ComparisonRequestSchema = component(
  z
    .object({
      portfolioIds: z
        .array(PortfolioIdSchema)
        .min(2, 'compare at least two portfolios')
        .max(20, 'compare at most 20 portfolios')
        .refine((ids) => new Set(ids).size === ids.length, 'portfolio ids must be distinct')
        .describe('Portfolios to compare; deltas are against the first.'),
      attribution: z
        .enum(['auto', 'shapley', 'one_at_a_time'])
        .optional()
        .describe(
          'Explain the cost difference of two portfolios by re-solving with subsets of their input changes (202: an analysis at /comparisons/{id}); `auto`: Shapley values up to 4 changes, one at a time beyond.',
        ),
      options: z
        .object({ backend: BackendSchema.optional(), timeLimitSeconds: z.number().positive().max(3600).optional(), algorithm: AlgorithmSchema.optional() })
        .strict()
        .optional()
        .describe('Solver options of the attribution solves.'),
    })
    .strict(),
  'ComparisonRequest',
);

const nullableNumber = z.number().nullable();

export const ComparisonSchema = component(
  z.object({
    portfolios: z.array(
      z.object({
        id: z.string(),
        scenarioId: z.string(),
        scenarioName: z.string(),
        datasetId: z.string(),
        status: SolveStatusSchema,
        horizon: z.object({ startYear: z.number().int(), endYear: z.number().int() }),
      }),
    ),
    totals: z.array(
      z.object({
        portfolioId: z.string(),
        totalCostUsd: nullableNumber,
        deltaUsd: nullableNumber.describe('Against the first portfolio; null when either cost is unknown.'),
        deltaPct: nullableNumber,
      }),
    ),
    costBreakdown: z.array(
      z.object({
        category: z.string(),
        values: z.array(z.object({ portfolioId: z.string(), usd: nullableNumber, deltaUsd: nullableNumber })),
      }),
    ),
    buildDifferences: z
      .array(
        z.object({
          plant: z.string(),
          name: z.string(),
          country: z.string(),
          stage: z.string(),
          difference: z.enum(['only_in_some', 'size', 'year', 'size_and_year']),
          presentIn: z.array(z.string()).describe('Portfolios that build at this plant.'),
          values: z.array(
            z.object({
              portfolioId: z.string(),
              totalCapacityTpa: z.number(),
              builds: z.array(z.object({ buildYear: z.number().int(), onlineYear: z.number().int(), capacityTpa: z.number() })),
            }),
          ),
        }),
      )
      .describe('Plants whose builds are not the same in every portfolio.'),
    capacity: z
      .array(
        z.object({
          country: z.string(),
          stage: z.string(),
          values: z.array(
            z.object({
              portfolioId: z.string(),
              builtTpa: z.number().describe('New capacity built over the horizon.'),
              builtDeltaTpa: z.number(),
              operatingTpa: z.number().describe('Capacity of plants that run in the last horizon year.'),
              operatingDeltaTpa: z.number(),
            }),
          ),
        }),
      )
      .describe('Capacity by country and stage.'),
    dependency: z.array(
      z.object({
        target: z.string(),
        product: z.string(),
        bloc: z.array(z.string()),
        points: z.array(
          z.object({
            year: z.number().int(),
            limit: nullableNumber,
            values: z.array(
              z.object({
                portfolioId: z.string(),
                share: nullableNumber,
                baselineShare: nullableNumber,
                met: z.boolean().nullable(),
                deltaShare: nullableNumber,
              }),
            ),
          }),
        ),
      }),
    ),
    budgets: z.array(
      z.object({
        funder: z.string(),
        values: z.array(z.object({ portfolioId: z.string(), usedUsd: z.number(), deltaUsd: z.number() })),
        years: z.array(z.object({ year: z.number().int(), values: z.array(z.object({ portfolioId: z.string(), usedUsd: nullableNumber })) })),
      }),
    ),
    inputDifferences: z
      .array(
        z.object({
          portfolioId: z.string(),
          changes: z.array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() })).describe('Scenario fields (JSON paths) that differ from the first portfolio’s scenario, with both values.'),
        }),
      )
      .optional()
      .describe('The input difference of each portfolio after the first (name and description left out).'),
  }),
  'Comparison',
);
export type Comparison = z.infer<typeof ComparisonSchema>;

// ---------------------------------------------------------------------------------------------
// Examples (documentation only; a test checks that each one parses with its schema)
// ---------------------------------------------------------------------------------------------

const exampleScenarioId = '3f0c2a9d4b8e7f6a5c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b';
const exampleJobId = '6b1e2f9a-4c3d-4e8f-9a0b-1c2d3e4f5a6b';
const examplePortfolioId = '0d9c8b7a-6f5e-4d3c-8b2a-190817161514';
const exampleTime = '2026-01-15T09:30:00.000Z';

export const examples = {
  scenarioInput: {
    name: 'Quad magnets 2030',
    datasetId: 'quad-2026',
    horizon: { startYear: 2026, endYear: 2035 },
    targets: [{ id: 'magnets-2030', bloc: ['US', 'JP', 'AU', 'IN'], product: 'ndfeb_magnet_std', year: 2030, maxUntrustedShare: 0.5 }],
  },
  solveOptions: { backend: 'highs', timeLimitSeconds: 60 },
  scenario: {
    name: 'Quad magnets 2030',
    datasetId: 'quad-2026',
    horizon: { startYear: 2026, endYear: 2035 },
    overrides: {
      plants: {},
      sources: {},
      demand: {},
      prices: {},
      funders: {},
      excludePlants: [],
      excludeSources: [],
      closedLanes: [],
      exportControls: [],
      applyExportControls: [],
    },
    targets: [
      { id: 'magnets-2030', bloc: ['US', 'JP', 'AU', 'IN'], product: 'ndfeb_magnet_std', year: 2030, maxUntrustedShare: 0.5, hard: false },
    ],
    budgets: [],
    capexPublicShare: 0,
    solver: { backend: 'highs', timeLimitSeconds: 60, lumpyBuilds: false, mipRelGap: 1e-6, algorithm: 'auto' },
  },
  problem: (status: number, title: string, type: string, detail: string, instance: string, errors?: Array<{ path: string; in?: 'body' | 'query' | 'params'; message: string }>) => ({
    type: `/problems/${type}`,
    title,
    status,
    detail,
    instance,
    requestId: 'req-1',
    ...(errors ? { errors } : {}),
  }),
  ids: { scenario: exampleScenarioId, job: exampleJobId, portfolio: examplePortfolioId, time: exampleTime },
};

export const exampleScenarioRecord = {
  id: exampleScenarioId,
  name: examples.scenario.name,
  datasetId: 'quad-2026',
  createdAt: exampleTime,
  links: {
    self: `/scenarios/${exampleScenarioId}`,
    solve: `/scenarios/${exampleScenarioId}/solve`,
    portfolios: `/portfolios?scenarioId=${exampleScenarioId}`,
  },
  scenario: examples.scenario,
};

export const exampleJob = {
  id: exampleJobId,
  scenarioId: exampleScenarioId,
  kind: 'solve',
  parentId: null,
  status: 'running',
  attempts: 1,
  progress: { phase: 'solving', fraction: 0.2 },
  options: { backend: 'highs', timeLimitSeconds: 60, mipRelGap: 1e-6, algorithm: 'auto', lumpyBuilds: false, skipBaseline: false },
  error: null,
  portfolioId: null,
  createdAt: exampleTime,
  startedAt: exampleTime,
  finishedAt: null,
  links: { self: `/jobs/${exampleJobId}`, scenario: `/scenarios/${exampleScenarioId}`, portfolio: null },
};

export const examplePortfolio = {
  id: examplePortfolioId,
  scenarioId: exampleScenarioId,
  jobId: exampleJobId,
  createdAt: exampleTime,
  links: {
    self: `/portfolios/${examplePortfolioId}`,
    scenario: `/scenarios/${exampleScenarioId}`,
    export: `/portfolios/${examplePortfolioId}/export?format=csv`,
  },
  scenarioName: 'Quad magnets 2030',
  datasetId: 'quad-2026',
  horizon: { startYear: 2026, endYear: 2030 },
  status: 'optimal',
  totalCostUsd: 16000,
  costBreakdown: {
    capexUsd: 0,
    salvageCreditUsd: 0,
    fixedOpexUsd: 0,
    variableOpexUsd: 12666.67,
    feedstockUsd: 3333.33,
    transportUsd: 0,
    purchasesUsd: 0,
    shortfallPenaltyUsd: 0,
    unservedPenaltyUsd: 0,
    originTieBreakUsd: 0,
  },
  builds: [
    {
      plant: 'us_greenfield_magnet',
      name: 'US greenfield magnet plant',
      country: 'US',
      stage: 'magnet',
      status: 'candidate',
      capacityTpa: 2000,
      buildYear: 2026,
      onlineYear: 2028,
      capexUsd: 180000000,
      funding: [{ funder: 'dod_osc', usd: 60000000 }],
      privateUsd: 120000000,
    },
  ],
  production: [
    { plant: 'us_greenfield_magnet', country: 'US', stage: 'magnet', year: 2026, throughputT: 10, capacityTpa: 1000, trustedOutputT: 10, untrustedOutputT: 0 },
  ],
  flows: [{ kind: 'ship', product: 'ndfeb_magnet_std', origin: 'trusted', from: 'US', to: 'JP', year: 2026, tonnes: 10 }],
  unservedT: 0,
  dependency: [],
  budgets: [{ funder: 'dod_osc', year: 2026, usedUsd: 60000000, perYearUsd: null }],
  model: { rows: 11, columns: 13, nonzeros: 27, integerColumns: 0, buildMs: 2.5 },
  solver: { name: 'highs', version: '1.15.1', solveMs: 55, algorithm: 'simplex' },
  verification: { maxRelativeViolation: 0, worst: [] },
  baseline: { status: 'optimal', totalCostUsd: 16000 },
};

export const exampleComparison = {
  portfolios: [
    { id: examplePortfolioId, scenarioId: exampleScenarioId, scenarioName: 'base', datasetId: 'quad-2026', status: 'optimal', horizon: { startYear: 2026, endYear: 2030 } },
    { id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', scenarioId: exampleScenarioId, scenarioName: 'ban', datasetId: 'quad-2026', status: 'optimal', horizon: { startYear: 2026, endYear: 2030 } },
  ],
  totals: [
    { portfolioId: examplePortfolioId, totalCostUsd: 1.2e9, deltaUsd: 0, deltaPct: 0 },
    { portfolioId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', totalCostUsd: 1.5e9, deltaUsd: 3e8, deltaPct: 25 },
  ],
  costBreakdown: [
    {
      category: 'capexUsd',
      values: [
        { portfolioId: examplePortfolioId, usd: 2e8, deltaUsd: 0 },
        { portfolioId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', usd: 4e8, deltaUsd: 2e8 },
      ],
    },
  ],
  buildDifferences: [
    {
      plant: 'us_greenfield_magnet',
      name: 'US greenfield magnet plant',
      country: 'US',
      stage: 'magnet',
      difference: 'only_in_some',
      presentIn: ['1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
      values: [
        { portfolioId: examplePortfolioId, totalCapacityTpa: 0, builds: [] },
        { portfolioId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', totalCapacityTpa: 2000, builds: [{ buildYear: 2026, onlineYear: 2028, capacityTpa: 2000 }] },
      ],
    },
  ],
  capacity: [
    {
      country: 'US',
      stage: 'magnet',
      values: [
        { portfolioId: examplePortfolioId, builtTpa: 0, builtDeltaTpa: 0, operatingTpa: 1000, operatingDeltaTpa: 0 },
        { portfolioId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', builtTpa: 2000, builtDeltaTpa: 2000, operatingTpa: 3000, operatingDeltaTpa: 2000 },
      ],
    },
  ],
  dependency: [],
  budgets: [],
};

export { BackendSchema, ScenarioSchema, PortfolioSchema, DatasetSchema };
