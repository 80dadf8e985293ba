/**
 * Test harness for the service: an app with the tiny dataset, closed when the test ends, on the
 * store the test process runs against — a fresh SQLite file inside `t.testdir()` by default, or a
 * fresh schema on PostgreSQL when `PLANNER_TEST_STORE=postgres` (the files under test/postgres/
 * set it and then run a service test file, so the API suite runs against both stores).
 *
 * Solver workers are off unless a test asks for them, because starting a pool costs about a
 * second and most tests never solve. On PostgreSQL, asking for them starts a queue worker in this
 * process (the code `npm run worker` runs) beside the API instance.
 */
import { join } from 'node:path';
import tap, { type Test } from 'tap';
import pino from 'pino';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp } from '../../src/app.js';
import { defaultConfig, type Config } from '../../src/config.js';
import type { Dataset } from '../../src/data/schema.js';
import { datasetsFromMap, type DatasetProvider } from '../../src/services/datasets.js';
import { SolvePool, type PoolOptions } from '../../src/services/pool.js';
import { startQueueWorker, type QueueWorker } from '../../src/services/queue-worker.js';
import { PROBLEM_TYPES, ProblemSchema, problemTypeUri, type ProblemSlug, type ProblemTypeInfo } from '../../src/schemas/api/problem.js';
import { openPostgresStore } from '../../src/store/postgres.js';
import { tinyDataset } from './tiny-dataset.js';
import { dropSchemas, schemaName, testPostgres } from './postgres.js';

export interface BuildOptions {
  /** Start solver workers (default false); an object sets pool options, e.g. a faulty worker module. */
  solver?: boolean | Partial<Omit<PoolOptions, 'log'>>;
  datasets?: ReadonlyMap<string, Dataset>;
  config?: Partial<Config>;
  /** Reuse a directory (and so the database file, or on PostgreSQL the schema) across apps. */
  dir?: string;
  /** The store, when a test needs one in particular (default: the process's `testStore`). */
  store?: 'sqlite' | 'postgres';
}

/** The store this test process runs against. */
export const testStore: 'sqlite' | 'postgres' = process.env.PLANNER_TEST_STORE === 'postgres' ? 'postgres' : 'sqlite';

export const tinyDatasets = () => new Map<string, Dataset>([['tiny', tinyDataset()]]);

/** Test settings shared by both stores: small pools, short grace periods, quick heartbeats. */
export const testConfig = (overrides: Partial<Config> = {}): Partial<Config> => ({
  // One solver thread unless a test is about several (each costs ~2 s of CPU to start and warm:
  // over the suite's ~50 apps, a minute of wall time on two cores).
  solverWorkers: 1,
  solverQueue: 16,
  solverGraceSeconds: 1,
  shutdownGraceSeconds: 1,
  databasePoolSize: 4,
  workerHeartbeatSeconds: 0.25,
  // Far beyond a heartbeat's delay on a loaded machine (a 3 s silence presumed live workers dead).
  workerTimeoutSeconds: 10,
  // Waits are bounds: a solve answers as soon as it is done; a busy machine may need minutes.
  maxWaitSeconds: 600,
  ...overrides,
});

const schemas = new Map<string, string>();
let dropRegistered = false;

/** The PostgreSQL schema for a test directory: one per directory, dropped when the test file ends. */
export async function postgresFor(dir: string): Promise<{ url: string; schema: string }> {
  const { url } = await testPostgres();
  let schema = schemas.get(dir);
  if (!schema) {
    schema = schemaName();
    schemas.set(dir, schema);
  }
  if (!dropRegistered) {
    dropRegistered = true;
    tap.teardown(() => dropSchemas(url, [...schemas.values()]));
  }
  return { url, schema };
}

/** A queue worker in this process against the app's schema, as `npm run worker` would run it. */
export async function startTestWorker(
  config: Config,
  /** The datasets, or a provider (a test that acts when the worker reads one). */
  datasets: ReadonlyMap<string, Dataset> | DatasetProvider,
  pool: Partial<Omit<PoolOptions, 'log'>> = {},
): Promise<{ worker: QueueWorker; stop(): Promise<void> }> {
  const store = await openPostgresStore({ url: config.databaseUrl!, schema: config.databaseSchema, poolSize: config.databasePoolSize });
  const solvePool = new SolvePool({ size: config.solverWorkers, maxQueue: config.solverWorkers, graceSeconds: config.solverGraceSeconds, ...pool });
  const worker = await startQueueWorker({
    store,
    pool: solvePool,
    datasets: datasets instanceof Map ? datasetsFromMap(datasets) : (datasets as DatasetProvider),
    config,
    log: pino({ level: 'silent' }),
    pollSeconds: 0.25,
  });
  let stopped = false;
  return {
    worker,
    async stop() {
      if (stopped) return;
      stopped = true;
      await worker.stop(0);
      await store.close();
    },
  };
}

export async function build(t: Test, options: BuildOptions = {}): Promise<FastifyInstance> {
  const dir = options.dir ?? t.testdir();
  const datasets = options.datasets ?? tinyDatasets();
  const store = options.store ?? testStore;
  let config: Partial<Config> = testConfig({ databasePath: join(dir, 'planner.db'), ...options.config });
  if (store === 'postgres') {
    const { url, schema } = await postgresFor(dir);
    config = { ...config, databaseUrl: url, databaseSchema: schema };
  }
  const app = await buildApp({
    datasets,
    config,
    logger: false,
    pool: options.solver ? (options.solver === true ? {} : options.solver) : false,
  });
  if (store === 'postgres' && options.solver) {
    const worker = await startTestWorker(defaultConfig(config), datasets, options.solver === true ? {} : options.solver);
    // The worker goes with the app, also when a test closes the app itself.
    app.addHook('onClose', () => worker.stop());
  }
  t.teardown(() => app.close());
  await app.ready();
  return app;
}

export const dbPathIn = (dir: string) => join(dir, 'planner.db');

export const counts = (app: FastifyInstance) => app.services.store.counts();

/** Asserts an RFC 9457 problem response and returns its body. */
export function expectProblem(t: Test, response: LightMyRequestResponse, status: number, label = ''): Record<string, any> {
  t.equal(response.statusCode, status, `${label} status ${status}`.trim());
  t.match(response.headers['content-type'], /^application\/problem\+json/, `${label} problem+json`.trim());
  const body = response.json();
  const parsed = ProblemSchema.strict().safeParse(body);
  t.ok(parsed.success && body.status === status, `${label} problem document`.trim(), parsed.success ? {} : { issues: parsed.error.issues });
  // Every problem the server sends is one of the catalogue's, with the catalogue's status and title.
  const slug = typeof body.type === 'string' ? body.type.replace(/^\/problems\//, '') : '';
  const entry: ProblemTypeInfo | undefined = Object.hasOwn(PROBLEM_TYPES, slug) ? PROBLEM_TYPES[slug as ProblemSlug] : undefined;
  t.ok(entry && body.type === problemTypeUri(slug as ProblemSlug), `${label} type ${body.type} is in the problem catalogue`.trim());
  if (entry && !entry.statusVaries) t.same([body.status, body.title], [entry.status, entry.title], `${label} status and title are the catalogue's`.trim());
  return body;
}

/** Polls a job until it finishes (tests only; clients would use ?wait=). */
export async function waitForJob(app: FastifyInstance, id: string, timeoutMs = 180_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const job = (await app.inject({ method: 'GET', url: `/jobs/${id}` })).json();
    if (['done', 'failed', 'cancelled'].includes(job.status) || Date.now() > deadline) return job;
    await new Promise((r) => setTimeout(r, 25));
  }
}
