/** The solver report of a portfolio: JSON, or Markdown for a brief. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PortfolioParamsSchema } from '../schemas/api/common.js';
import { examples } from '../schemas/examples/common.js';
import { ReportSchema } from '../schemas/report.js';
import { problems } from './docs.js';

const id = examples.ids.portfolio;

/** `wait`: seconds to wait for the report's extra sections (issue 13), capped by the server like `POST …/solve?wait=`. */
export const ReportWaitSchema = z.coerce
  .number()
  .min(0)
  .max(600)
  .default(0)
  .describe(
    "Seconds to wait, while the report's extra sections (`reducedCosts`, `diagnosis`, `targetPoints`: they need extra solves, run after the portfolio is answered) are `pending`, " +
      'for them to be stored; the answer is then the report as it is (`extras.status` `complete`, or `failed` with a message; still `pending` when the wait ran out). Capped by the server (60 s by default). 0 (default): at once.',
  );

export const ReportQuerySchema = z
  .object({
    wait: ReportWaitSchema,
    format: z
      .enum(['json', 'markdown'])
      .default('json')
      .describe(
        '`json`. `markdown` is kept for existing links and answers `text/markdown` like `GET /portfolios/{id}/report.md`, which generated clients should use.',
      ),
  })
  .strict();

const exampleReport = {
  status: 'optimal',
  totalCostUsd: 16000,
  currency: 'present-value USD (discounted to 2026 at 7.0 %/yr)',
  duals: { source: 'lp', note: 'duals of the LP at the optimal basis', primalObjective: 16000, dualObjective: 16000 },
  marginalValues: {
    feedstock: [
      {
        constraint: 'source_supply[mtweld,2030]',
        description: 'feedstock available from Mount Weld (mtweld, AU) in 2030',
        path: 'overrides.sources.mtweld.supplyTreoTpa',
        year: 2030,
        limit: 12000,
        activity: 12000,
        dual: -1108.8,
        range: { fromLimit: 11500, toLimit: 12400, unique: true },
        source: 'mtweld',
        valueUsdPerT: 1108.8,
      },
    ],
    budgets: [],
    targets: [],
    plantSize: [],
    plantCapacity: [],
    customConstraints: [],
  },
  reducedCosts: [],
  binding: [],
  diagnosis: null,
  dependencyMetrics: { baseline: null, portfolio: null },
  extras: { status: 'complete' },
};

export const reportRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/portfolios/:id/report',
    {
      schema: {
        tags: ['portfolios'],
        operationId: 'getPortfolioReport',
        summary: 'Solver report: marginal values, reduced costs, binding limits, diagnosis, dependency metrics',
        description:
          'Marginal values come from the duals with their unit, sign and the range over which they hold (HiGHS ranging), ' +
          'flagged when one of several valid values. An infeasible or short portfolio carries a diagnosis: changes to scenario ' +
          'fields (JSON paths) that would each close the gap, and the earliest year each target can be met. `format=markdown` ' +
          'renders it for a brief. The sections that need extra solves (reduced costs from probes, the diagnosis, whole-point target costs) ' +
          'are computed after the portfolio is answered: until they are stored, `extras.status` is `pending` and they are empty; `wait=N` ' +
          'holds the request up to N seconds for them. If computing them fails, the rest of the report stands with `extras.status` `failed` and a message.',
        params: PortfolioParamsSchema,
        querystring: ReportQuerySchema,
        response: {
          // One content type per operation, so generated clients know what they get: the Markdown
          // is `GET /portfolios/{id}/report.md` (`format=markdown` here still answers it for links).
          200: {
            description: 'The report.',
            content: { 'application/json': { schema: ReportSchema.meta({ examples: [exampleReport] }) } },
          },
          400: problems.badRequest(`/portfolios/${id}/report`, [{ path: 'format', in: 'query', message: 'Invalid option: expected one of "json"|"markdown"' }]),
          404: problems.notFound(`/portfolios/${id}/report`, 'portfolio (or its report)'),
        },
      },
    },
    async (request, reply) => {
      // The stored JSON is sent as it is: parsing and re-serialising several hundred kB per request
      // would only cost event-loop time.
      const wait = Math.min(request.query.wait, app.services.config.maxWaitSeconds);
      const { contentType, body } = await app.services.portfolios.report(request.params.id, request.query.format, wait);
      // The body is already serialised (JSON or, for `format=markdown`, Markdown): sent as it is.
      return reply.type(contentType).send(body as never);
    },
  );
  app.get(
    '/portfolios/:id/report.md',
    {
      schema: {
        tags: ['portfolios'],
        operationId: 'getPortfolioReportMarkdown',
        summary: 'Solver report as Markdown, for a brief',
        description: 'The report of `GET /portfolios/{id}/report` rendered as Markdown (largest values first, every figure with its unit).',
        params: PortfolioParamsSchema,
        querystring: z.object({ wait: ReportWaitSchema }).strict(),
        response: {
          200: {
            description: 'The report in Markdown.',
            content: {
              'text/markdown': { schema: z.string().meta({ examples: ['# Story 1\n\nStatus: **optimal**. Total discounted cost: **19.09 bn USD**.\n'] }) },
            },
          },
          400: problems.badRequest(`/portfolios/not-a-uuid/report.md`, [{ path: 'id', in: 'params', message: 'a portfolio id is a UUID' }]),
          404: problems.notFound(`/portfolios/${id}/report.md`, 'portfolio (or its report)'),
        },
      },
    },
    async (request, reply) => {
      const wait = Math.min(request.query.wait, app.services.config.maxWaitSeconds);
      const { contentType, body } = await app.services.portfolios.report(request.params.id, 'markdown', wait);
      return reply.type(contentType).send(body);
    },
  );
};
