/** The model behind a portfolio as CPLEX LP or free MPS, for external solvers. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PortfolioParamsSchema } from '../schemas/api/common.js';
import { exampleProblem, examples } from '../schemas/examples/common.js';
import { createModelExportService } from '../services/model-export.js';
import type { ExportFormat } from '../model/export/index.js';
import { problem, problems } from './docs.js';

const id = examples.ids.portfolio;
const badId = [{ path: 'id', in: 'params' as const, message: 'a portfolio id is a UUID' }];

/** Abridged illustrations of the two formats (a real file lists every row and column). */
const EXAMPLES: Record<ExportFormat, string> = {
  lp:
    '\\ Allied midstream planner model: Quad magnets 2030\n' +
    `\\ portfolio ${id}, scenario ${examples.ids.scenario}\n` +
    '\\ the stored solve: status optimal, objective (totalCostUsd) 16000\n' +
    'minimize\n' +
    ' total_cost: + 150 feed(mine,sep,2026) + 200 make(metal,2026) + 1000 make(magnet,2026)\n' +
    'subject to\n' +
    ' demand(AA,magnet,2026): + 1 deliver(magnet,AA,2026) + 1 unserved(AA,magnet,2026) = 10\n' +
    ' capacity(sep,2026): + 1 make(sep,2026) <= 50\n' +
    'bounds\n' +
    ' 0 <= build(magnet,2026) <= 100\n' +
    'end\n',
  mps:
    '* Allied midstream planner model: Quad magnets 2030\n' +
    `* portfolio ${id}, scenario ${examples.ids.scenario}\n` +
    'NAME          Quad%20magnets%202030\n' +
    'ROWS\n' +
    ' N  total_cost\n' +
    ' E  demand(AA,magnet,2026)\n' +
    'COLUMNS\n' +
    '    deliver(magnet,AA,2026)  demand(AA,magnet,2026)  1\n' +
    'RHS\n' +
    '    RHS  demand(AA,magnet,2026)  10\n' +
    'BOUNDS\n' +
    ' UP BND  build(magnet,2026)  100\n' +
    'ENDATA\n',
};

const FORMAT_NAMES: Record<ExportFormat, string> = { lp: 'CPLEX LP', mps: 'free-format MPS' };

export const exportRoutes: FastifyPluginAsyncZod = async (app) => {
  const exporter = createModelExportService(app.services);
  app.addHook('onClose', () => exporter.close());

  for (const format of ['lp', 'mps'] as const) {
    const url = `/portfolios/:id/model.${format}`;
    const instance = `/portfolios/${id}/model.${format}`;
    app.get(
      url,
      {
        schema: {
          tags: ['portfolios'],
          operationId: format === 'lp' ? 'exportPortfolioModelLp' : 'exportPortfolioModelMps',
          summary: `The model this portfolio solved, as ${FORMAT_NAMES[format]}`,
          description:
            `The linear model rebuilt from the portfolio's scenario with the solver options its job ran with, as ${FORMAT_NAMES[format]} ` +
            "for any external solver. Rows and columns keep the model's names (`ship[ndpr_oxide,trusted,AU,US,2030]` is written " +
            '`ship(ndpr_oxide,trusted,AU,US,2030)`; any other character outside letters, digits and `_ . ,` as `%HH`), the same ' +
            "in the LP and the MPS file; the objective `total_cost` is minimised and its optimum is the portfolio's `totalCostUsd`. " +
            'The comment lines at the top name the portfolio, the scenario, the solver options and the stored objective. ' +
            '409 when the model can no longer be rebuilt as it was solved (its dataset changed or is gone).',
          params: PortfolioParamsSchema,
          response: {
            200: {
              description: `${FORMAT_NAMES[format]} text (UTF-8, plain text: neither format has a registered media type), sent as an attachment.`,
              content: { 'text/plain': { schema: z.string().meta({ examples: [EXAMPLES[format]] }) } },
            },
            400: problems.badRequest(`/portfolios/42/model.${format}`, badId),
            404: problems.notFound(instance, 'portfolio'),
            409: problems.conflict(
              instance,
              "the model rebuilt from the scenario differs from the one solved: the dataset 'quad-2026' changed since; solve the scenario again",
            ),
            503: problem(
              503,
              'Too many model exports are running (or the service is shutting down); retry after the `Retry-After` seconds.',
              exampleProblem('unavailable', 'too many model exports are running; try again shortly', instance),
            ),
          },
        },
      },
      async function onExportModel(request, reply) {
        const { filename, text } = await exporter.export(request.params.id, format);
        return reply.type('text/plain; charset=utf-8').header('content-disposition', `attachment; filename="${filename}"`).send(text);
      },
    );
  }
};
