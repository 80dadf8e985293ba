/** Scenarios: create (idempotent by content), list, read, delete. */
import { ownerOf } from '../edge.js';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PageQuerySchema, ScenarioParamsSchema } from '../schemas/api/common.js';
import { ScenarioPageSchema, ScenarioRecordSchema } from '../schemas/api/scenarios.js';
import { examples } from '../schemas/examples/common.js';
import { exampleScenarioRecord } from '../schemas/examples/scenarios.js';
import { documented } from '../schemas/openapi.js';
import { ScenarioSchema } from '../schemas/scenario.js';
import { json, problems } from './docs.js';
import { scenarioRecordView, scenarioSummaryView } from './views.js';

const id = examples.ids.scenario;
const { scenario: _omit, ...exampleSummary } = exampleScenarioRecord;
void _omit;
const badId = [{ path: 'id', in: 'params' as const, message: 'a scenario id is 64 lower-case hex digits (a SHA-256)' }];

export const scenarioRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/scenarios',
    {
      schema: {
        tags: ['scenarios'],
        operationId: 'createScenario',
        summary: 'Store a scenario (idempotent: the id is the hash of its content)',
        description:
          'Validates the scenario, then checks every id it mentions against its dataset. The id is the SHA-256 of the canonical JSON ' +
          '(defaults filled in, keys sorted), so posting the same content again answers 200 with the stored record instead of creating a copy.',
        body: documented(ScenarioSchema, examples.scenarioInput, 'The scenario.'),
        response: {
          200: json(ScenarioRecordSchema, exampleScenarioRecord, 'The same scenario was already stored; this is that record.'),
          201: json(ScenarioRecordSchema, exampleScenarioRecord, 'Stored; `Location` points at the new record.').meta({
            headers: { location: { type: 'string', description: 'Path of the new scenario.' } },
          }),
          400: problems.badRequest('/scenarios', [
            { path: 'horizon.endYear', in: 'body', message: 'endYear must not be before startYear' },
            { path: 'targets[0].maxUntrustedShare', in: 'body', message: 'Too big: expected number to be <=1' },
          ]),
          413: problems.tooLarge('/scenarios'),
          415: problems.unsupportedMediaType('/scenarios'),
          422: problems.unprocessable(
            '/scenarios',
            [{ path: 'overrides.excludePlants[0]', in: 'body', message: "unknown plant 'no_such_plant'" }],
            'The scenario is well-formed but names ids its dataset does not have (each one is listed).',
          ),
        },
      },
    },
    async (request, reply) => {
      const { scenario, created } = await app.services.scenarios.create(request.body, '', ownerOf(request, app.services.config));
      if (created) reply.code(201).header('location', `/scenarios/${scenario.id}`);
      return scenarioRecordView(scenario);
    },
  );

  app.get(
    '/scenarios',
    {
      schema: {
        tags: ['scenarios'],
        operationId: 'listScenarios',
        summary: 'List scenarios, newest first',
        description: 'Page with `limit` and either `offset` or `cursor` (the `nextCursor` of the previous page).',
        querystring: PageQuerySchema,
        response: {
          200: json(ScenarioPageSchema, { items: [exampleSummary], total: 1, limit: 20, offset: 0, nextCursor: null }, 'One page of scenarios.'),
          400: problems.badRequest('/scenarios', [{ path: 'limit', in: 'query', message: 'Too big: expected number to be <=100' }]),
        },
      },
    },
    async (request) => {
      const page = await app.services.scenarios.list(request.query);
      return { items: page.rows.map(scenarioSummaryView), total: page.total, limit: page.limit, offset: page.offset, nextCursor: page.nextCursor };
    },
  );

  app.get(
    '/scenarios/:id',
    {
      schema: {
        tags: ['scenarios'],
        operationId: 'getScenario',
        summary: 'One scenario as stored',
        params: ScenarioParamsSchema,
        response: {
          200: json(ScenarioRecordSchema, exampleScenarioRecord, 'The scenario, with every default filled in.'),
          400: problems.badRequest('/scenarios/abc', badId),
          404: problems.notFound(`/scenarios/${id}`, 'scenario'),
        },
      },
    },
    async (request) => scenarioRecordView(await app.services.scenarios.get(request.params.id)),
  );

  app.delete(
    '/scenarios/:id',
    {
      schema: {
        tags: ['scenarios'],
        operationId: 'deleteScenario',
        summary: 'Delete a scenario with its jobs and portfolios',
        description: 'Queued and running solves of the scenario are cancelled first.',
        params: ScenarioParamsSchema,
        response: {
          204: z.undefined().describe('Deleted.'),
          400: problems.badRequest('/scenarios/abc', badId),
          404: problems.notFound(`/scenarios/${id}`, 'scenario'),
        },
      },
    },
    async (request, reply) => {
      await app.services.scenarios.delete(request.params.id);
      return reply.code(204).send();
    },
  );
};
