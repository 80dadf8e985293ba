/**
 * Test harness for the service: an app on a fresh SQLite file inside `t.testdir()`, with the tiny
 * dataset, closed when the test ends. Solver workers are off unless a test asks for them, because
 * starting a pool costs about a second and most tests never solve.
 */
import { join } from 'node:path';
import type { Test } from 'tap';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import type { Dataset } from '../../src/data/schema.js';
import type { PoolOptions } from '../../src/services/pool.js';
import { ProblemSchema } from '../../src/schemas/api.js';
import { tableCounts } from '../../src/store/db.js';
import { tinyDataset } from './tiny-dataset.js';

export interface BuildOptions {
  /** Start solver workers (default false); an object sets pool options, e.g. a faulty worker module. */
  solver?: boolean | Partial<Omit<PoolOptions, 'log'>>;
  datasets?: ReadonlyMap<string, Dataset>;
  config?: Partial<Config>;
  /** Reuse a directory (and so the database file) across apps. */
  dir?: string;
}

export const tinyDatasets = () => new Map<string, Dataset>([['tiny', tinyDataset()]]);

export async function build(t: Test, options: BuildOptions = {}): Promise<FastifyInstance> {
  const dir = options.dir ?? t.testdir();
  const app = await buildApp({
    datasets: options.datasets ?? tinyDatasets(),
    config: {
      databasePath: join(dir, 'planner.db'),
      solverWorkers: 2,
      solverQueue: 16,
      solverGraceSeconds: 1,
      shutdownGraceSeconds: 1,
      ...options.config,
    },
    logger: false,
    pool: options.solver ? (options.solver === true ? {} : options.solver) : false,
  });
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

export const dbPathIn = (dir: string) => join(dir, 'planner.db');

export const counts = (app: FastifyInstance) => tableCounts(app.services.db);

/** Asserts an RFC 9457 problem response and returns its body. */
export function expectProblem(t: Test, response: LightMyRequestResponse, status: number, label = ''): Record<string, any> {
  t.equal(response.statusCode, status, `${label} status ${status}`.trim());
  t.match(response.headers['content-type'], /^application\/problem\+json/, `${label} problem+json`.trim());
  const body = response.json();
  const parsed = ProblemSchema.strict().safeParse(body);
  t.ok(parsed.success && body.status === status, `${label} problem document`.trim(), parsed.success ? {} : { issues: parsed.error.issues });
  return body;
}

/** Polls a job until it finishes (tests only; clients would use ?wait=). */
export async function waitForJob(app: FastifyInstance, id: string, timeoutMs = 30_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await app.inject({ method: 'GET', url: `/jobs/${id}` })).json();
    if (['done', 'failed', 'cancelled'].includes(job.status) || Date.now() > deadline) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
}
