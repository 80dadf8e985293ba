/**
 * Solving: queue a solve of a stored scenario (or of an inline one, stored on the way) and, with
 * `?wait=`, hold the request until the portfolio is ready or the wait runs out.
 */
import { ownerOf } from '../edge.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import {
  documented,
  exampleJob,
  examplePortfolio,
  examples,
  InlineSolveBodySchema,
  JobSchema,
  PortfolioRecordSchema,
  ScenarioParamsSchema,
  SolveOptionsSchema,
  SolveQuerySchema,
} from '../schemas/api.js';
import type { StoredJob } from '../store/repository.js';
import { json, OPTIONAL_BODY, problems } from './docs.js';
import { jobView, links, portfolioRecordJson } from './views.js';

const id = examples.ids.scenario;

const solved = (description: string) =>
  json(PortfolioRecordSchema, examplePortfolio, description).meta({
    headers: { 'content-location': { type: 'string', description: 'Path of the stored portfolio.' } },
  });
const accepted = json(
  JobSchema,
  exampleJob,
  'No portfolio within the wait: the job is queued or running (or it failed or was cancelled). Poll `Location`.',
).meta({ headers: { location: { type: 'string', description: 'Path of the job.' } } });

export const solveRoutes: FastifyPluginAsyncZod = async (app) => {
  /** Waits (bounded by the server's limit) and answers with the portfolio or the job. */
  async function answer(reply: FastifyReply, job: StoredJob, waitSeconds: number) {
    const { jobs, portfolios } = app.services;
    const finished = await jobs.wait(job.id, Math.min(waitSeconds, app.services.config.maxWaitSeconds));
    if (finished.status === 'done' && finished.portfolioId) {
      // The stored text as it is: nothing that grows with the model is parsed or serialised here.
      const raw = await portfolios.getRaw(finished.portfolioId);
      return reply.code(200).header('content-location', links.portfolio(raw.id)).type('application/json; charset=utf-8').send(portfolioRecordJson(raw));
    }
    return reply.code(202).header('location', links.job(job.id)).send(jobView(finished));
  }

  app.post(
    '/scenarios/:id/solve',
    {
      schema: {
        tags: ['solving'],
        operationId: 'solveScenario',
        summary: 'Solve a stored scenario',
        description:
          'Queues a solve on the worker pool. Without `wait` (or when it runs out) the answer is 202 with the job; ' +
          'with `wait=N` the request is held up to N seconds and answers 200 with the portfolio when it is ready in time. ' +
          'A solve that reaches its time limit still yields a portfolio, with status `time_limit`.',
        params: ScenarioParamsSchema,
        querystring: SolveQuerySchema,
        body: documented(SolveOptionsSchema, examples.solveOptions, 'Solver options (the body may be omitted).'),
        [OPTIONAL_BODY]: true,
        response: {
          200: solved('The portfolio, ready within the wait.'),
          202: accepted,
          400: problems.badRequest(`/scenarios/${id}/solve`, [{ path: 'timeLimitSeconds', in: 'body', message: 'Too small: expected number to be >0' }]),
          404: problems.notFound(`/scenarios/${id}/solve`, 'scenario'),
          413: problems.tooLarge(`/scenarios/${id}/solve`),
          415: problems.unsupportedMediaType(`/scenarios/${id}/solve`),
          422: problems.unprocessable(
            `/scenarios/${id}/solve`,
            [{ path: 'datasetId', message: "unknown dataset 'quad-2025'" }],
            "The stored scenario's dataset is no longer available.",
            "the scenario's dataset 'quad-2025' is no longer available",
          ),
          503: problems.unavailable(`/scenarios/${id}/solve`),
        },
      },
      // A bodiless POST means "no option overrides"; the schema then sees an empty object.
      preValidation: async (request) => {
        if (request.body === undefined || request.body === null) request.body = {};
      },
    },
    async (request, reply) => {
      const scenario = await app.services.scenarios.get(request.params.id);
      const job = await app.services.jobs.submit(scenario, request.body);
      return answer(reply, job, request.query.wait);
    },
  );

  app.post(
    '/solve',
    {
      schema: {
        tags: ['solving'],
        operationId: 'solveInline',
        summary: 'Store and solve a scenario in one request',
        description: 'Same as POST /scenarios followed by POST /scenarios/{id}/solve; paths in errors start with `scenario.` or `options.`.',
        querystring: SolveQuerySchema,
        body: documented(InlineSolveBodySchema, { scenario: examples.scenarioInput, options: examples.solveOptions }, 'The scenario and solver options.'),
        response: {
          200: solved('The portfolio, ready within the wait.'),
          202: accepted,
          400: problems.badRequest('/solve', [{ path: 'scenario.horizon', in: 'body', message: 'Invalid input: expected object, received undefined' }]),
          413: problems.tooLarge('/solve'),
          415: problems.unsupportedMediaType('/solve'),
          422: problems.unprocessable(
            '/solve',
            [{ path: 'scenario.targets[0].product', in: 'body', message: "unknown product 'unobtainium'" }],
            'The scenario names ids its dataset does not have (each one is listed).',
          ),
          503: problems.unavailable('/solve'),
        },
      },
    },
    async (request, reply) => {
      const { scenario } = await app.services.scenarios.create(request.body.scenario, 'scenario', ownerOf(request, app.services.config));
      const job = await app.services.jobs.submit(scenario, request.body.options ?? {});
      return answer(reply, job, request.query.wait);
    },
  );
};
