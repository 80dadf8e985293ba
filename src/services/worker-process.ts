/**
 * A queue worker as a process: the store, the solver pool, the worker loop and the signal handlers.
 * `src/worker.ts` (`npm run worker`) calls it with the bundled datasets; tests start worker processes
 * with their own datasets through it.
 */
import pino from 'pino';
import { ConfigError, type Config } from '../config.js';
import type { DatasetProvider } from './datasets.js';
import { SolvePool, type PoolOptions } from './pool.js';
import { startQueueWorker, type QueueWorker } from './queue-worker.js';
import { openPostgresStore } from '../store/postgres.js';

export interface WorkerProcessOptions {
  config: Config;
  datasets: DatasetProvider;
  /** Pool option overrides (tests substitute a worker module). */
  pool?: Partial<Omit<PoolOptions, 'log'>>;
}

/** Starts a worker from a parsed configuration and installs the signal handlers; resolves once it takes jobs. */
export async function runWorkerProcess(options: WorkerProcessOptions): Promise<QueueWorker> {
  const { config } = options;
  const root = pino({ level: config.logLevel });
  const log = root.child({ component: 'queue-worker' });
  if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL: a worker takes jobs from the shared PostgreSQL queue; set DATABASE_URL=postgres://…']);
  const store = await openPostgresStore({
    url: config.databaseUrl,
    schema: config.databaseSchema,
    poolSize: config.databasePoolSize,
    applicationName: 'allied-midstream-planner-worker',
  });
  const pool = new SolvePool({
    size: config.solverWorkers,
    // Each slot fetches a job only when its thread is free, so nothing waits inside this process.
    maxQueue: config.solverWorkers,
    graceSeconds: config.solverGraceSeconds,
    ...options.pool,
    log: root.child({ component: 'solve-pool' }),
  });
  let worker: QueueWorker;
  try {
    worker = await startQueueWorker({ store, pool, datasets: options.datasets, config, log });
  } catch (error) {
    await pool.close();
    await store.close();
    throw error;
  }

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    closing = true;
    log.info({ signal, running: worker.running() }, 'shutting down: no new jobs, draining solves');
    worker
      .stop(config.shutdownGraceSeconds * 1000)
      .then(() => store.close())
      .then(
        () => {
          log.info('shut down cleanly');
          process.exit(0);
        },
        (error: unknown) => {
          log.error({ err: error }, 'error during shutdown');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  return worker;
}
