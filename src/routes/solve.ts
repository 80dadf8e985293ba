/**
 * Solving: queue a solve of a stored scenario (or of an inline one, stored on the way) and, with
 * `?wait=`, hold the request until the portfolio is ready or the wait runs out.
 */
import { ownerOf } from '../edge.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { FastifyReply } from 'fastify';
import { ScenarioParamsSchema } from '../schemas/api/common.js';
import { InlineSolveBodySchema, JobSchema, SolveOptionsSchema, type SolveOptions, SolveQuerySchema } from '../schemas/api/jobs.js';
import { PortfolioRecordSchema } from '../schemas/api/portfolios.js';
import { exampleProblem, examples } from '../schemas/examples/common.js';
import { exampleJob } from '../schemas/examples/jobs.js';
import { examplePortfolio } from '../schemas/examples/portfolios.js';
import { documented } from '../schemas/openapi.js';
import type { StoredJob, StoredScenario } from '../store/repository.js';
import { HttpProblem } from '../errors.js';
import { problemTypeUri } from '../schemas/api/problem.js';
import { TERMINAL } from '../services/jobs.js';
import { json, OPTIONAL_BODY, problem, problems } from './docs.js';
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

/**
 * A job that ended without a portfolio, as a problem document (with the job's `Location`): a
 * finished job is never answered 202, which would tell the client to keep polling.
 */
function endedWithoutPortfolio(job: StoredJob): HttpProblem {
  const headers = { location: links.job(job.id) };
  const why = job.error ? `${job.error.code}: ${job.error.message}` : job.status;
  if (job.status === 'cancelled' && job.error?.code === 'shutdown') {
    return new HttpProblem('unavailable', `job '${job.id}' was cancelled as the service shut down (${why}); solve again`, {
      headers: { ...headers, 'retry-after': '30' },
    });
  }
  if (job.status === 'cancelled') return new HttpProblem('job-cancelled', `job '${job.id}' was cancelled (${why})`, { headers });
  return new HttpProblem('solve-failed', `job '${job.id}' failed (${why})`, { headers });
}

const ended = {
  409: problems.conflict(`/scenarios/${id}/solve`, `job '…' was cancelled (cancelled: cancelled by a DELETE /jobs request)`),
  422: problem(
    422,
    "The stored scenario's dataset is no longer available (`errors` names it), or the job ended `failed` within the wait " +
      `(type \`${problemTypeUri('solve-failed')}\`; \`Location\` is the job, whose \`error\` says why).`,
    exampleProblem('unknown-reference', "the scenario's dataset 'quad-2025' is no longer available", `/scenarios/${id}/solve`, [
      { path: 'datasetId', message: "unknown dataset 'quad-2025'" },
    ]),
  ),
};

export const solveRoutes: FastifyPluginAsyncZod = async (app) => {
  /**
   * Waits (bounded by the server's limit) and answers with the portfolio (200), the job still
   * queued or running (202), or a problem when the job ended without a portfolio.
   */
  async function answer(reply: FastifyReply, job: StoredJob, waitSeconds: number) {
    const { jobs, portfolios } = app.services;
    const finished = await jobs.wait(job.id, Math.min(waitSeconds, app.services.config.maxWaitSeconds));
    if (finished.status === 'done' && finished.portfolioId) {
      // The stored text as it is: nothing that grows with the model is parsed or serialised here.
      const raw = await portfolios.getRaw(finished.portfolioId);
      return reply.code(200).header('content-location', links.portfolio(raw.id)).type('application/json; charset=utf-8').send(portfolioRecordJson(raw));
    }
    if (TERMINAL.has(finished.status)) throw endedWithoutPortfolio(finished);
    return reply.code(202).header('location', links.job(job.id)).send(jobView(finished));
  }

  /** The existing finished solve of the same scenario and options, unless the request asks for a fresh one. */
  async function submitOrReuse(scenario: StoredScenario, options: SolveOptions, fresh: boolean): Promise<StoredJob> {
    if (!fresh) {
      const existing = await app.services.jobs.findFinished(scenario, options);
      if (existing) return existing;
    }
    return app.services.jobs.submit(scenario, options);
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
          'A solve that reaches its time limit still yields a portfolio, with status `time_limit` (and its best plan when HiGHS found one). ' +
          'The same stored scenario solved before with the same effective options answers 200 at once with that portfolio; `fresh=true` solves again. ' +
          'A job that ends without a portfolio within the wait is never answered 202: failed is a 422 problem, cancelled a 409 (503 when the service shut down), each with the job as `Location`. ' +
          "The answer does not wait for the report's sections that need extra solves (reduced-cost probes, diagnosis, whole-point target costs): " +
          '`GET /portfolios/{id}/report?wait=N` does (its `extras.status`).',
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
          409: ended[409],
          422: ended[422],
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
      const job = await submitOrReuse(scenario, request.body, request.query.fresh);
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
        description:
          'Same as POST /scenarios followed by POST /scenarios/{id}/solve (including the answer with an existing portfolio unless `fresh=true`); paths in errors start with `scenario.` or `options.`.',
        querystring: SolveQuerySchema,
        body: documented(InlineSolveBodySchema, { scenario: examples.scenarioInput, options: examples.solveOptions }, 'The scenario and solver options.'),
        response: {
          200: solved('The portfolio, ready within the wait.'),
          202: accepted,
          400: problems.badRequest('/solve', [{ path: 'scenario.horizon', in: 'body', message: 'Invalid input: expected object, received undefined' }]),
          413: problems.tooLarge('/solve'),
          415: problems.unsupportedMediaType('/solve'),
          409: problems.conflict('/solve', `job '…' was cancelled (cancelled: cancelled by a DELETE /jobs request)`),
          422: problems.unprocessable(
            '/solve',
            [{ path: 'scenario.targets[0].product', in: 'body', message: "unknown product 'unobtainium'" }],
            'The scenario names ids its dataset does not have (each one is listed), or the job ended `failed` within the wait ' +
              `(type \`${problemTypeUri('solve-failed')}\`; \`Location\` is the job, whose \`error\` says why).`,
          ),
          503: problems.unavailable('/solve'),
        },
      },
    },
    async (request, reply) => {
      const { scenario } = await app.services.scenarios.create(request.body.scenario, 'scenario', ownerOf(request, app.services.config));
      const job = await submitOrReuse(scenario, request.body.options ?? {}, request.query.fresh);
      return answer(reply, job, request.query.wait);
    },
  );
};
