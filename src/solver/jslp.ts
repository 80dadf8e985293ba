/**
 * javascript-lp-solver backend: pure JavaScript, for small models and as an independent check on
 * HiGHS. It always runs in a worker thread that is terminated at the time limit, and refuses
 * models above JSLP_MAX_COLUMNS / JSLP_MAX_ROWS with a clear message, so it can never hang the
 * caller. It returns no duals. Values it omits are zero; it rounds values to about 1e-9.
 */
import { spawnWorker } from '../workers/spawn.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LinearModel } from '../model/builder.js';
import { modelStats } from '../model/builder.js';
import { toJslpModel } from './jslp-model.js';
import { JSLP_MAX_COLUMNS, JSLP_MAX_ROWS, type SolveOptions, type SolveResult } from './types.js';

const require = createRequire(import.meta.url);
export const JSLP_VERSION: string = (() => {
  try {
    const path = require.resolve('javascript-lp-solver/package.json');
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

export async function solveWithJslp(model: LinearModel, options: SolveOptions): Promise<SolveResult> {
  const stats = modelStats(model);
  const info = (solveMs: number) => ({ name: 'javascript-lp-solver' as const, version: JSLP_VERSION, solveMs });
  if (stats.columns > JSLP_MAX_COLUMNS || stats.rows > JSLP_MAX_ROWS) {
    return {
      status: 'error',
      message: `javascript-lp-solver is limited to ${JSLP_MAX_COLUMNS} columns and ${JSLP_MAX_ROWS} rows (dense tableau); this model has ${stats.columns} columns and ${stats.rows} rows. Use the highs backend.`,
      solver: info(0),
      stats,
    };
  }
  const started = performance.now();
  const jsModel = toJslpModel(model);
  return new Promise<SolveResult>((resolve) => {
    const worker = spawnWorker('jslp-worker', import.meta.url, { workerData: { model: jsModel, mipRelGap: options.mipRelGap } });
    let settled = false;
    const finish = (result: SolveResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    const timer = setTimeout(
      () => finish({ status: 'time_limit', message: `no answer within ${options.timeLimitSeconds} s; the worker was terminated`, solver: info(performance.now() - started), stats }),
      options.timeLimitSeconds * 1000,
    );
    worker.once('message', (message: { result: Record<string, number | boolean | undefined>; solveMs: number }) => {
      const { result } = message;
      const solveMs = performance.now() - started;
      if (!result.feasible) return finish({ status: 'infeasible', solver: info(solveMs), stats });
      if (result.bounded === false) return finish({ status: 'unbounded', solver: info(solveMs), stats });
      const values = new Float64Array(stats.columns);
      model.colNames.forEach((name, j) => {
        const value = result[name];
        values[j] = typeof value === 'number' ? value : 0;
      });
      let objective = 0;
      values.forEach((v, j) => (objective += v * (model.colCost[j] ?? 0)));
      finish({ status: 'optimal', objective, columnValues: values, solver: info(solveMs), stats });
    });
    worker.once('error', (error) => finish({ status: 'error', message: `solver worker failed: ${error.message}`, solver: info(performance.now() - started), stats }));
    worker.once('exit', (code) => {
      if (code !== 0) finish({ status: 'error', message: `solver worker exited with code ${code}`, solver: info(performance.now() - started), stats });
    });
  });
}
