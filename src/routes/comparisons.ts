/** Side-by-side comparison of stored portfolios. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ComparisonRequestSchema, ComparisonSchema, documented, exampleComparison, examples } from '../schemas/api.js';
import { json, problems } from './docs.js';

export const comparisonRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/comparisons',
    {
      schema: {
        tags: ['comparisons'],
        operationId: 'comparePortfolios',
        summary: 'Compare two or more portfolios',
        description:
          'Total cost and cost breakdown with deltas against the first portfolio, builds that differ (only in some, or a different size or year), ' +
          'capacity by country and stage, dependency trajectories and budget use per funder. Nothing is stored.',
        body: documented(
          ComparisonRequestSchema,
          { portfolioIds: [examples.ids.portfolio, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'] },
          'The portfolios to compare.',
        ),
        response: {
          200: json(ComparisonSchema, exampleComparison, 'The comparison.'),
          400: problems.badRequest('/comparisons', [{ path: 'portfolioIds', in: 'body', message: 'compare at least two portfolios' }]),
          413: problems.tooLarge('/comparisons'),
          415: problems.unsupportedMediaType('/comparisons'),
          422: problems.unprocessable(
            '/comparisons',
            [{ path: 'portfolioIds[1]', in: 'body', message: "portfolio '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d' does not exist" }],
            'Some of the portfolios do not exist (each one is listed).',
            'no portfolio with id 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
          ),
        },
      },
    },
    async (request) => app.services.portfolios.compare(request.body.portfolioIds),
  );
};
