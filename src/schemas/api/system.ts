/** `GET /health` and `GET /version`. */
import { z } from 'zod';
import { Timestamp } from './common.js';

export const HealthSchema = z.object({
  status: z.enum(['ok', 'degraded']),
  uptimeSeconds: z.number(),
  database: z.object({
    kind: z.enum(['sqlite', 'postgres']).describe('The store: embedded SQLite, or PostgreSQL shared by every instance (`DATABASE_URL`).'),
    ok: z.boolean(),
    latencyMs: z.number(),
    error: z.string().optional(),
  }),
  solver: z
    .object({
      enabled: z.boolean(),
      workers: z.number().int().describe('Workers the pool is sized to.'),
      ready: z.number().int().describe('Workers warmed up and able to take a solve.'),
      busy: z.number().int(),
      queued: z.number().int(),
      maxQueue: z.number().int(),
    })
    .describe("This process's own solver threads (embedded mode); disabled on an API instance of a shared deployment."),
  queue: z
    .object({
      mode: z
        .enum(['embedded', 'distributed'])
        .describe('`embedded`: solves run on this process; `distributed`: on `npm run worker` processes via the PostgreSQL queue.'),
      depth: z.number().int().describe('Solve jobs waiting for a worker.'),
      running: z.number().int(),
      deadLetter: z.number().int().describe('Jobs given up on after their retries, kept in the dead-letter queue.'),
      workers: z
        .array(
          z.object({
            id: z.string(),
            host: z.string(),
            pid: z.number().int(),
            slots: z.number().int().describe('Solves it runs at once.'),
            busy: z.number().int(),
            startedAt: Timestamp,
            lastSeenSecondsAgo: z.number().describe('Since its last heartbeat.'),
          }),
        )
        .describe('Live workers: those with a heartbeat within the worker timeout.'),
      error: z.string().optional(),
    })
    .describe('The job queue every instance shares.'),
});

export const VersionSchema = z.object({
  name: z.string(),
  version: z.string(),
  node: z.string(),
  solvers: z.object({
    highs: z.string().nullable().describe('Null until a worker has loaded HiGHS (in a shared deployment: until a live worker has).'),
    'javascript-lp-solver': z.string(),
  }),
  datasets: z.array(z.string()),
});
