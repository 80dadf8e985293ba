/**
 * The analyses as resources: `POST /frontiers` (and the other kinds) checks the request, starts the
 * analysis and answers 202 with it; `GET /frontiers/{id}` reads it (with `format=markdown` for a
 * brief); `DELETE /frontiers/{id}` cancels it and its member solves. Thin: the plans are built in
 * src/services/analysis-plans.ts and run by src/services/analyses.ts.
 */
import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import {
  ExplainedComparisonSchema,
  ExplainRequestSchema,
  AlternativesRequestSchema,
  AlternativesSchema,
  AnalysisParamsSchema,
  AnalysisQuerySchema,
  DisruptionSchema,
  FrontierRequestSchema,
  FrontierSchema,
  StressTestRequestSchema,
  StressTestSchema,
} from '../schemas/analysis.js';
import { IdSchema } from '../data/schema.js';
import { libraryFor } from '../analysis/disruption-library.js';
import { examples } from '../schemas/examples/common.js';
import type { StoredAnalysis } from '../store/repository.js';
import type { AnalysisKind } from '../store/analyses.js';
import { alternativesMarkdown, explainMarkdown, frontierMarkdown, stressTestMarkdown, type AnalysisHeader } from '../analysis/analysis-markdown.js';
import { alternativesPlan, explainPlan, frontierPlan, stressTestPlan } from '../services/analysis-plans.js';
import type { AnalysisPlan } from '../services/analyses.js';
import { json, problems } from './docs.js';
import { links } from './views.js';

const exampleAnalysisId = '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b';

export async function analysisView(app: FastifyInstance, a: StoredAnalysis, path: string) {
  const members = await app.services.analyses.members(a);
  const finished = members.filter((m) => ['done', 'failed', 'cancelled'].includes(m.job.status)).length;
  return {
    id: a.id,
    kind: a.kind,
    status: a.status,
    scenarioId: a.scenarioId,
    request: a.request,
    progress: {
      solvesPlanned: a.plannedSolves,
      solvesSubmitted: members.length,
      solvesFinished: finished,
      fraction: a.status === 'done' ? 1 : Math.min(1, a.plannedSolves ? finished / a.plannedSolves : 0),
    },
    members: members.map(({ label, job }) => ({
      label,
      jobId: job.id,
      scenarioId: job.scenarioId,
      status: job.status,
      portfolioId: job.portfolioId,
      links: { job: links.job(job.id), scenario: links.scenario(job.scenarioId), portfolio: job.portfolioId ? links.portfolio(job.portfolioId) : null },
    })),
    result: a.result,
    error: a.error,
    createdAt: a.createdAt,
    finishedAt: a.finishedAt,
    links: { self: `${path}/${a.id}`, markdown: `${path}/${a.id}?format=markdown`, groups: a.groupIds.map(links.job) },
  };
}

interface KindSpec<Req extends z.ZodType> {
  kind: AnalysisKind;
  path: string;
  noun: string;
  operation: string;
  summary: string;
  description: string;
  request: Req;
  requestExample: z.infer<Req>;
  resource: z.ZodType;
  resultExample: unknown;
  badField: { path: string; message: string };
  plan(app: FastifyInstance, body: z.infer<Req>): Promise<AnalysisPlan>;
  markdown(result: never, header: AnalysisHeader): string;
  /** False when the POST lives elsewhere (comparisons: POST /comparisons with `attribution`). */
  post?: boolean;
}

function registerKind<Req extends z.ZodType>(app: Parameters<FastifyPluginAsyncZod>[0], spec: KindSpec<Req>) {
  const example = {
    id: exampleAnalysisId,
    kind: spec.kind,
    status: 'done',
    scenarioId: examples.ids.scenario,
    request: spec.requestExample,
    progress: { solvesPlanned: 2, solvesSubmitted: 2, solvesFinished: 2, fraction: 1 },
    members: [],
    result: spec.resultExample,
    error: null,
    createdAt: examples.ids.time,
    finishedAt: examples.ids.time,
    links: { self: `${spec.path}/${exampleAnalysisId}`, markdown: `${spec.path}/${exampleAnalysisId}?format=markdown`, groups: [] },
  };
  const running = {
    ...example,
    status: 'running',
    result: null,
    finishedAt: null,
    progress: { solvesPlanned: 2, solvesSubmitted: 2, solvesFinished: 0, fraction: 0 },
  };
  const tags = ['analyses'];
  const params = AnalysisParamsSchema;
  const badId = [{ path: 'id', in: 'params' as const, message: 'an id is a UUID' }];
  const self = `${spec.path}/${exampleAnalysisId}`;

  if (spec.post !== false)
    app.post(
      spec.path,
      {
        schema: {
          tags,
          operationId: `create${spec.operation}`,
          summary: spec.summary,
          description: `${spec.description} Answers 202 with the analysis (poll its \`links.self\`); its member solves are jobs with stored scenarios and portfolios, listed in \`members\`.`,
          body: json(spec.request, spec.requestExample, `The ${spec.noun} to run.`),
          response: {
            202: json(spec.resource, running, `The ${spec.noun}, started.`),
            400: problems.badRequest(spec.path, [{ path: 'scenarioId', in: 'body', message: 'a scenario id is 64 lower-case hex digits (a SHA-256)' }]),
            413: problems.tooLarge(spec.path),
            415: problems.unsupportedMediaType(spec.path),
            422: problems.unprocessable(
              spec.path,
              [{ ...spec.badField, in: 'body' }],
              'The request cannot be run (each field is named); nothing was started.',
              `the ${spec.noun} request cannot be run: ${spec.badField.path}`,
            ),
            503: problems.unavailable(spec.path),
          },
        },
      },
      async (request, reply) => {
        const plan = await spec.plan(app as unknown as FastifyInstance, request.body as z.infer<Req>);
        const started = await app.services.analyses.start(plan);
        const view = await analysisView(app as unknown as FastifyInstance, started, spec.path);
        return reply
          .code(202)
          .header('location', view.links.self)
          .send(view as never);
      },
    );

  app.get(
    `${spec.path}/:id`,
    {
      schema: {
        tags,
        operationId: `get${spec.operation}`,
        summary: `A ${spec.noun}: status, progress, member solves and, once done, the result`,
        params,
        querystring: AnalysisQuerySchema,
        response: {
          200: {
            description: `The ${spec.noun}.`,
            content: {
              'application/json': { schema: spec.resource.meta({ examples: [example] }) },
              'text/markdown': { schema: z.string().meta({ examples: [`# ${spec.summary}\n`] }) },
            },
          },
          400: problems.badRequest(`${spec.path}/42`, badId),
          404: problems.notFound(self, spec.noun),
        },
      },
    },
    async (request, reply) => {
      const stored = await app.services.analyses.get(request.params.id, spec.kind);
      if (request.query.format === 'markdown') {
        const scenario = await app.services.scenarios.get(stored.scenarioId).catch(() => null);
        const header: AnalysisHeader = { title: spec.summary, id: stored.id, status: stored.status, ...(scenario ? { scenarioName: scenario.name } : {}) };
        const body = stored.result
          ? spec.markdown(stored.result as never, header)
          : `# ${spec.summary}\n\nAnalysis ${stored.id} is ${stored.status}${stored.error ? `: ${stored.error.message}` : ''}.\n`;
        return reply.type('text/markdown; charset=utf-8').send(body);
      }
      return reply.send((await analysisView(app as unknown as FastifyInstance, stored, spec.path)) as never);
    },
  );

  app.delete(
    `${spec.path}/:id`,
    {
      schema: {
        tags,
        operationId: `cancel${spec.operation}`,
        summary: `Cancel a running ${spec.noun} and its member solves`,
        description: 'Every member solve still queued or running is cancelled (a running one is stopped). Cancelling a cancelled analysis is a no-op.',
        params,
        response: {
          200: json(
            spec.resource,
            { ...running, status: 'cancelled', error: { code: 'cancelled', message: 'cancelled by a DELETE request' }, finishedAt: examples.ids.time },
            `The ${spec.noun}, now cancelled.`,
          ),
          400: problems.badRequest(`${spec.path}/42`, badId),
          404: problems.notFound(self, spec.noun),
          409: problems.conflict(self, `analysis '${exampleAnalysisId}' already finished (done); there is nothing to cancel`),
        },
      },
    },
    async (request) =>
      (await analysisView(app as unknown as FastifyInstance, await app.services.analyses.cancel(request.params.id, spec.kind), spec.path)) as never,
  );
}

export const exampleFrontierResult = {
  targets: ['quad_magnets_2030'],
  method: 'in_place' as const,
  points: [
    {
      limit: 0.5,
      label: 'limit=0.5',
      status: 'optimal',
      totalCostUsd: 39.68e9,
      costPerPointUsd: null,
      bindingTargets: [],
      shortfallT: 0,
      bindingLimits: [],
      newlyBinding: [],
      buildsEntering: [],
      buildsLeaving: [],
      portfolioId: examples.ids.portfolio,
      jobId: examples.ids.job,
    },
    {
      limit: 0.3,
      label: 'limit=0.3',
      status: 'optimal',
      totalCostUsd: 39.71e9,
      costPerPointUsd: 1.5e6,
      bindingTargets: [{ target: 'quad_magnets_2030', years: [2030, 2031] }],
      shortfallT: 0,
      bindingLimits: ['capacity[lynas_malaysia,2030]'],
      newlyBinding: ['capacity[lynas_malaysia,2030]'],
      buildsEntering: [{ plant: 'my_greenfield_magnet', country: 'MY', stage: 'magnet', capacityTpa: 2000 }],
      buildsLeaving: [],
      portfolioId: examples.ids.portfolio,
      jobId: examples.ids.job,
    },
  ],
  monotone: true,
  knees: [],
};

export const exampleExplainResult = {
  inputDifference: [{ path: 'targets[0].maxUntrustedShare', before: 0.5, after: 0.3 }],
  costDifference: [{ category: 'capexUsd', beforeUsd: 2.1e9, afterUsd: 2.2e9, deltaUsd: 0.1e9 }],
  decisionDifference: [],
  attribution: {
    method: 'shapley' as const,
    storedDifferenceUsd: 25.1e6,
    solves: 2,
    members: [
      { changes: [], totalCostUsd: 39.6779e9, portfolioId: examples.ids.portfolio },
      { changes: [1], totalCostUsd: 39.703e9, portfolioId: examples.ids.portfolio },
    ],
    beforeCostUsd: 39.6779e9,
    afterCostUsd: 39.703e9,
    totalDifferenceUsd: 25.1e6,
    parts: [{ change: 1, path: 'targets[0].maxUntrustedShare', usd: 25.1e6, byCategory: { capexUsd: 0.1e9 } }],
    residualUsd: 0,
    note: null,
  },
};

export const planDeps = (instance: FastifyInstance) => ({
  scenarios: instance.services.scenarios,
  datasets: instance.services.datasets.provider,
  portfolios: instance.services.store.portfolios,
});

export const exampleStressResult = {
  members: ['US', 'JP', 'IN', 'AU'],
  portfolios: [
    {
      portfolioId: examples.ids.portfolio,
      scenarioId: examples.ids.scenario,
      referenceCostUsd: 39.6e9,
      referencePortfolioId: examples.ids.portfolio,
      overallScore: 0.75,
      worstDisruption: 'magnet_ban_2027',
      disruptions: [
        {
          disruption: 'magnet_ban_2027',
          name: 'Full magnet ban from 2027 for 3 years',
          fromYear: 2027,
          toYear: 2029,
          durationYears: 3,
          status: 'optimal',
          totalCostUsd: 60e9,
          extraCostUsd: 20.4e9,
          unservedT: 20400,
          unserved: [{ country: 'US', year: 2027, tonnes: 6800 }],
          dependency: [{ target: 'quad_magnets_2030', points: [{ year: 2030, limit: 0.5, share: 0.3, undisruptedShare: 0.4 }] }],
          members: [{ country: 'US', timeToSurviveYears: 0, timeToRecoverYears: 3, recovered: true, unservedT: 20400, atRisk: true }],
          score: 0,
          riskExposureIndex: 1,
          portfolioId: examples.ids.portfolio,
          jobId: examples.ids.job,
        },
      ],
    },
  ],
  sideBySide: null,
};

export const analysisRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/disruptions',
    {
      schema: {
        tags: ['analyses'],
        operationId: 'listDisruptions',
        summary: "A dataset's library of named disruptions for stress tests",
        querystring: z.object({ datasetId: IdSchema.default('quad-2026') }).strict(),
        response: {
          200: json(
            z.object({ datasetId: z.string(), items: z.array(DisruptionSchema) }),
            { datasetId: 'quad-2026', items: [] },
            'The library (empty for a dataset without one).',
          ),
          400: problems.badRequest('/disruptions', [{ path: 'datasetId', in: 'query', message: 'Invalid string' }]),
        },
      },
    },
    async (request) => ({ datasetId: request.query.datasetId, items: [...libraryFor(request.query.datasetId)] }),
  );

  registerKind(app, {
    kind: 'stress_test',
    path: '/stress-tests',
    noun: 'stress test',
    operation: 'StressTest',
    summary: 'Stress test of a portfolio against disruptions',
    description:
      "Fixes a solved portfolio's builds and re-optimises its operations under each disruption (the dataset's library by default, or your own), " +
      'reporting unserved demand by country and year, extra cost, dependency trajectories, time-to-survive and time-to-recover per member, ' +
      'a resilience score per disruption and overall; with `compareWith`, two portfolios side by side (models/analyses.md).',
    request: StressTestRequestSchema,
    requestExample: { portfolioId: examples.ids.portfolio, disruptions: ['magnet_ban_2027', 'lynas_malaysia_outage_2028'] },
    resource: StressTestSchema,
    resultExample: exampleStressResult,
    badField: { path: 'custom[0].fromYear', message: 'year 2050 is outside the horizon 2026-2040' },
    plan: (instance, body) => stressTestPlan(planDeps(instance), body),
    markdown: stressTestMarkdown as (result: never, header: AnalysisHeader) => string,
  });

  registerKind(app, {
    kind: 'alternatives',
    path: '/alternatives',
    noun: 'alternatives analysis',
    operation: 'Alternatives',
    summary: 'Near-optimal alternatives',
    description:
      'Within each cost slack (plans costing at most (1 + slack) × the least cost), minimises and maximises each quantity — a country’s or bloc’s share of a stage’s new capacity, ' +
      'new capacity of some countries or stages, public spending of some funders — and returns the range and the portfolio at each extreme (models/analyses.md).',
    request: AlternativesRequestSchema,
    requestExample: {
      scenarioId: examples.ids.scenario,
      slacks: [0.05],
      quantities: [
        { id: 'japan_magnet_share', kind: 'capacity_share', countries: ['JP'], stage: 'magnet' },
        { id: 'india_magnet_share', kind: 'capacity_share', countries: ['IN'], stage: 'magnet' },
      ],
    },
    resource: AlternativesSchema,
    resultExample: {
      optimum: { totalCostUsd: 39.68e9, portfolioId: examples.ids.portfolio, values: [{ quantity: 'japan_magnet_share', value: 0 }] },
      ranges: [
        {
          quantity: 'japan_magnet_share',
          slack: 0.05,
          maxTotalCostUsd: 41.66e9,
          optimumValue: 0,
          min: {
            value: 0,
            numerator: 0,
            denominator: 16527,
            totalCostUsd: 39.68e9,
            status: 'optimal',
            iterations: 1,
            converged: true,
            portfolioId: examples.ids.portfolio,
            jobId: examples.ids.job,
          },
          max: {
            value: 0.62,
            numerator: 10000,
            denominator: 16130,
            totalCostUsd: 41.66e9,
            status: 'optimal',
            iterations: 4,
            converged: true,
            portfolioId: examples.ids.portfolio,
            jobId: examples.ids.job,
          },
        },
      ],
    },
    badField: { path: 'slacks[0]', message: 'a slack is a positive share of the least cost (0.05 for 5 %); got 0' },
    plan: (instance, body) => alternativesPlan(planDeps(instance), body),
    markdown: alternativesMarkdown as (result: never, header: AnalysisHeader) => string,
  });

  registerKind(app, {
    kind: 'comparison',
    path: '/comparisons',
    noun: 'explained comparison',
    operation: 'ExplainedComparison',
    summary: 'Comparison that explains a cost difference',
    description: 'Created by POST /comparisons with `attribution`.',
    request: ExplainRequestSchema,
    requestExample: { portfolioIds: [examples.ids.portfolio, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'], attribution: 'auto' },
    resource: ExplainedComparisonSchema,
    resultExample: exampleExplainResult,
    badField: { path: 'portfolioIds[1]', message: "portfolio '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' does not exist" },
    plan: (instance, body) => explainPlan(planDeps(instance), body),
    markdown: explainMarkdown as (result: never, header: AnalysisHeader) => string,
    post: false,
  });

  registerKind(app, {
    kind: 'frontier',
    path: '/frontiers',
    noun: 'frontier',
    operation: 'Frontier',
    summary: 'Cost-of-independence frontier',
    description:
      "Sweeps the limit of one or more of a scenario's targets from `from` (loose) to `to` (tight) in `points` evenly spaced steps, one member solve each, " +
      'and reports the cost, the cost per percentage point between points, the binding limits, the builds that enter at each step, and the knees (models/analyses.md).',
    request: FrontierRequestSchema,
    requestExample: { scenarioId: examples.ids.scenario, targets: ['quad_magnets_2030'], from: 0.7, to: 0.1, points: 7 },
    resource: FrontierSchema,
    resultExample: exampleFrontierResult,
    badField: { path: 'from', message: 'a limit is a share in [0, 1]; got 1.5' },
    plan: (instance, body) => frontierPlan(planDeps(instance), body),
    markdown: frontierMarkdown as (result: never, header: AnalysisHeader) => string,
  });
};
