/** Health and version reports. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../data/load.js';
import { JSLP_VERSION } from '../solver/jslp.js';
import type { Store } from '../store/repository.js';
import type { DatasetProvider } from './datasets.js';
import type { SolvePool } from './pool.js';
import type { JobQueue, QueueHealth } from './queue.js';

const packageJson = (() => {
  try {
    return JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
  } catch {
    return { name: 'allied-midstream-planner', version: 'unknown' };
  }
})();

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export type SystemService = ReturnType<typeof createSystemService>;

export function createSystemService(deps: { store: Store; queue: JobQueue; pool: SolvePool | null; datasets: DatasetProvider }) {
  const started = performance.now();

  return {
    packageJson,

    /**
     * `degraded` when the store does not answer or, in embedded mode, no solver thread is left. In
     * distributed mode the API keeps accepting solves without a live worker (they wait in the
     * queue), so an empty `queue.workers` is reported but does not make the API unhealthy.
     */
    async health() {
      const t0 = performance.now();
      let database: { kind: Store['kind']; ok: boolean; latencyMs: number; error?: string };
      try {
        await deps.store.ping();
        database = { kind: deps.store.kind, ok: true, latencyMs: performance.now() - t0 };
      } catch (error) {
        database = { kind: deps.store.kind, ok: false, latencyMs: performance.now() - t0, error: message(error) };
      }
      let queue: QueueHealth & { error?: string };
      try {
        queue = await deps.queue.health();
      } catch (error) {
        queue = { mode: deps.queue.mode, depth: 0, running: 0, deadLetter: 0, workers: [], error: message(error) };
      }
      const stats = deps.pool?.stats();
      const solverOk = !deps.pool || deps.pool.hasWorkers();
      return {
        status: database.ok && solverOk ? ('ok' as const) : ('degraded' as const),
        uptimeSeconds: (performance.now() - started) / 1000,
        database,
        solver: stats ? { enabled: true, ...stats } : { enabled: false, workers: 0, ready: 0, busy: 0, queued: 0, maxQueue: 0 },
        queue,
      };
    },

    async version() {
      let highs: string | null = null;
      try {
        highs = await deps.queue.highsVersion();
      } catch {
        // The version is reported as unknown (null) while the store does not answer.
      }
      return {
        name: packageJson.name,
        version: packageJson.version,
        node: process.version,
        solvers: { highs, 'javascript-lp-solver': JSLP_VERSION },
        datasets: deps.datasets.ids(),
      };
    },
  };
}
