/** Portfolios: list, read, export as CSV. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PortfolioParamsSchema } from '../schemas/api/common.js';
import { ExportQuerySchema, PortfolioListQuerySchema, PortfolioPageSchema, PortfolioRecordSchema, type PortfolioRecord } from '../schemas/api/portfolios.js';
import { examples } from '../schemas/examples/common.js';
import { examplePortfolio } from '../schemas/examples/portfolios.js';
import { json, problems } from './docs.js';
import { portfolioRecordJson, portfolioSummaryView } from './views.js';

const id = examples.ids.portfolio;
const badId = [{ path: 'id', in: 'params' as const, message: 'a portfolio id is a UUID' }];

const exampleCsv =
  'record,plant,name,country,stage,status,buildYear,onlineYear,capacityTpa,capexUsd,publicUsd,privateUsd,funding,kind,product,origin,from,to,year,tonnes,source\r\n' +
  'build,us_greenfield_magnet,US greenfield magnet plant,US,magnet,candidate,2026,2028,2000,180000000,60000000,120000000,dod_osc:60000000,,,,,,,,\r\n' +
  'flow,,,,,,,,,,,,,ship,ndfeb_magnet_std,trusted,US,JP,2026,10,\r\n';

export const portfolioRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/portfolios',
    {
      schema: {
        tags: ['portfolios'],
        operationId: 'listPortfolios',
        summary: 'List portfolios, newest first',
        description: 'Filter by `scenarioId`; page with `limit` and either `offset` or `cursor`.',
        querystring: PortfolioListQuerySchema,
        response: {
          200: json(
            PortfolioPageSchema,
            {
              items: [
                {
                  id,
                  scenarioId: examples.ids.scenario,
                  jobId: examples.ids.job,
                  scenarioName: 'Quad magnets 2030',
                  datasetId: 'quad-2026',
                  status: 'optimal',
                  totalCostUsd: 16000,
                  createdAt: examples.ids.time,
                  links: { self: `/portfolios/${id}` },
                },
              ],
              total: 1,
              limit: 20,
              offset: 0,
              nextCursor: null,
            },
            'One page of portfolio summaries.',
          ),
          400: problems.badRequest('/portfolios', [{ path: 'scenarioId', in: 'query', message: 'a scenario id is 64 lower-case hex digits (a SHA-256)' }]),
        },
      },
    },
    async (request) => {
      const { limit, offset, cursor, scenarioId } = request.query;
      const page = await app.services.portfolios.list({ scenarioId }, { limit, offset, cursor });
      return { items: page.rows.map(portfolioSummaryView), total: page.total, limit: page.limit, offset: page.offset, nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/portfolios/:id',
    {
      schema: {
        tags: ['portfolios'],
        operationId: 'getPortfolio',
        summary: 'One portfolio: costs, builds, flows, dependency trajectories, budget use',
        params: PortfolioParamsSchema,
        response: {
          200: json(PortfolioRecordSchema, examplePortfolio, 'The portfolio.'),
          400: problems.badRequest('/portfolios/42', badId),
          404: problems.notFound(`/portfolios/${id}`, 'portfolio'),
        },
      },
    },
    // Sent as the stored text: Fastify does not serialise a string with a JSON content type again,
    // so the typed reply is told the text stands for the record.
    async (request, reply) =>
      reply
        .type('application/json; charset=utf-8')
        .send(portfolioRecordJson(await app.services.portfolios.getRaw(request.params.id)) as unknown as PortfolioRecord),
  );

  app.get(
    '/portfolios/:id/export',
    {
      schema: {
        tags: ['portfolios'],
        operationId: 'exportPortfolio',
        summary: 'Builds and flows of a portfolio as CSV',
        description: '`table=builds` or `table=flows` gives one table; `all` (the default) gives both, told apart by the `record` column.',
        params: PortfolioParamsSchema,
        querystring: ExportQuerySchema,
        response: {
          200: {
            description: 'CSV (RFC 4180), sent as an attachment.',
            content: { 'text/csv': { schema: z.string().meta({ examples: [exampleCsv] }) } },
          },
          400: problems.badRequest(`/portfolios/${id}/export`, [{ path: 'format', in: 'query', message: 'Invalid option: expected one of "csv"' }]),
          404: problems.notFound(`/portfolios/${id}/export`, 'portfolio'),
        },
      },
    },
    async (request, reply) => {
      const { filename, csv } = await app.services.portfolios.exportCsv(request.params.id, request.query.table);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(csv);
    },
  );
};
