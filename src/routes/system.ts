/** Health and version: what a load balancer and an operator ask first. */
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HealthSchema, VersionSchema } from '../schemas/api/system.js';
import { json } from './docs.js';

const healthy = {
  status: 'ok',
  uptimeSeconds: 3600.5,
  database: { kind: 'sqlite', ok: true, latencyMs: 0.1 },
  solver: { enabled: true, workers: 2, ready: 2, busy: 1, queued: 0, maxQueue: 16 },
  queue: {
    mode: 'embedded',
    depth: 0,
    running: 1,
    deadLetter: 0,
    workers: [{ id: 'embedded', host: 'planner-1', pid: 4242, slots: 2, busy: 1, startedAt: '2026-01-05T09:00:00.000Z', lastSeenSecondsAgo: 0 }],
  },
};

export const systemRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    '/health',
    {
      schema: {
        tags: ['system'],
        operationId: 'getHealth',
        summary: 'Process, store, queue and worker health',
        description:
          'The store (SQLite or PostgreSQL), the queue depth and the live workers. Answers 503 when the database does not answer or, in embedded mode, ' +
          'no solver thread is left; in a shared deployment solves wait in the queue while no worker is live, so that alone is not a 503.',
        response: {
          200: json(HealthSchema, healthy, 'Everything works.'),
          503: json(
            HealthSchema,
            { ...healthy, status: 'degraded', database: { kind: 'sqlite', ok: false, latencyMs: 0.2, error: 'The database connection is not open' } },
            'The database or the solver pool is not working.',
          ),
        },
      },
    },
    async (_request, reply) => {
      const health = await app.services.system.health();
      return reply.code(health.status === 'ok' ? 200 : 503).send(health);
    },
  );

  app.get(
    '/version',
    {
      schema: {
        tags: ['system'],
        operationId: 'getVersion',
        summary: 'Service, runtime and solver versions',
        response: {
          200: json(
            VersionSchema,
            {
              name: 'allied-midstream-planner',
              version: '0.1.0',
              node: 'v20.20.2',
              solvers: { highs: '1.15.1', 'javascript-lp-solver': '1.0.3' },
              datasets: ['quad-2026'],
            },
            'Versions.',
          ),
        },
      },
    },
    async () => app.services.system.version(),
  );
};
