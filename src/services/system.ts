/** Health and version reports. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../data/load.js';
import { JSLP_VERSION } from '../solver/jslp.js';
import type { Db } from '../store/db.js';
import type { DatasetProvider } from './datasets.js';
import type { SolvePool } from './pool.js';

const packageJson = (() => {
  try {
    return JSON.parse(readFileSync(join(projectRoot(), 'package.json'), 'utf8')) as { name: string; version: string };
  } catch {
    return { name: 'allied-midstream-planner', version: 'unknown' };
  }
})();

export type SystemService = ReturnType<typeof createSystemService>;

export function createSystemService(deps: { db: Db; pool: SolvePool | null; datasets: DatasetProvider; maxQueue: number; workers: number }) {
  const started = performance.now();
  const ping = deps.db.prepare('SELECT 1').pluck();

  return {
    packageJson,

    health() {
      const t0 = performance.now();
      let database: { ok: boolean; latencyMs: number; error?: string };
      try {
        ping.get();
        database = { ok: true, latencyMs: performance.now() - t0 };
      } catch (error) {
        database = { ok: false, latencyMs: performance.now() - t0, error: error instanceof Error ? error.message : String(error) };
      }
      const stats = deps.pool?.stats();
      const solverOk = !deps.pool || deps.pool.hasWorkers();
      return {
        status: database.ok && solverOk ? ('ok' as const) : ('degraded' as const),
        uptimeSeconds: (performance.now() - started) / 1000,
        database,
        solver: stats ? { enabled: true, ...stats } : { enabled: false, workers: 0, ready: 0, busy: 0, queued: 0, maxQueue: 0 },
      };
    },

    version() {
      return {
        name: packageJson.name,
        version: packageJson.version,
        node: process.version,
        solvers: { highs: deps.pool?.highsVersion ?? null, 'javascript-lp-solver': JSLP_VERSION },
        datasets: deps.datasets.ids(),
      };
    },
  };
}
