/** Side-by-side comparison of stored portfolios. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { ComparisonRequestSchema, ComparisonSchema } from '../schemas/api/comparisons.js';
import { examples } from '../schemas/examples/common.js';
import { exampleComparison } from '../schemas/examples/comparisons.js';
import { documented } from '../schemas/openapi.js';
import { json, problems } from './docs.js';
import { ExplainedComparisonSchema } from '../schemas/analysis.js';
import { analysisView, planDeps } from './analyses.js';
import { explainPlan } from '../services/analysis-plans.js';

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
          'capacity by country and stage, dependency trajectories, budget use per funder, and the input difference (scenario fields as JSON paths, before and after). Nothing is stored. ' +
          'With `attribution` (two portfolios), the cost difference is explained: the first scenario is re-solved with subsets of the input changes (Shapley values, or one at a time in order), ' +
          'each change gets its part of the difference, overall and by cost category, and the parts sum to the whole; the answer is then 202 with the analysis at /comparisons/{id} (models/analyses.md).',
        body: documented(
          ComparisonRequestSchema,
          { portfolioIds: [examples.ids.portfolio, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'] },
          'The portfolios to compare.',
        ),
        response: {
          200: json(ComparisonSchema, exampleComparison, 'The comparison.'),
          202: json(
            ExplainedComparisonSchema,
            {
              id: '6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
              kind: 'comparison',
              status: 'running',
              scenarioId: examples.ids.scenario,
              request: { portfolioIds: [examples.ids.portfolio, '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'], attribution: 'shapley' },
              progress: { solvesPlanned: 2, solvesSubmitted: 0, solvesFinished: 0, fraction: 0 },
              members: [],
              result: null,
              error: null,
              createdAt: examples.ids.time,
              finishedAt: null,
              links: {
                self: '/comparisons/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b',
                markdown: '/comparisons/6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b?format=markdown',
                groups: [],
              },
            },
            'With `attribution`: the explained comparison, started (poll `links.self`).',
          ),
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
    async (request, reply) => {
      if (!request.body.attribution) return app.services.portfolios.compare(request.body.portfolioIds);
      const plan = await explainPlan(planDeps(app as never), {
        portfolioIds: request.body.portfolioIds,
        attribution: request.body.attribution,
        options: request.body.options,
      });
      const started = await app.services.analyses.start(plan);
      const view = await analysisView(app as never, started, '/comparisons');
      return reply
        .code(202)
        .header('location', view.links.self)
        .send(view as never);
    },
  );
};
