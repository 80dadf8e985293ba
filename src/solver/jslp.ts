/**
 * javascript-lp-solver backend: pure JavaScript, for small models and as an independent check on
 * HiGHS. It always runs in a worker thread, kept warm between solves and terminated (then
 * replaced) at a solve's time limit, and refuses models above JSLP_MAX_COLUMNS / JSLP_MAX_ROWS with
 * a clear message, so it can never hang the caller. It returns no duals. Values it omits are zero; it rounds values to about 1e-9.
 */
import type { Worker } from 'node:worker_threads';
import { spawnWorker } from '../workers/spawn.js';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { LinearModel } from '../model/builder.js';
import { modelStats } from '../model/builder.js';
import { toJslpModel } from './jslp-model.js';
import { JSLP_MAX_COLUMNS, JSLP_MAX_ROWS, type SolverRunOptions, type SolveResult } from './types.js';

const require = createRequire(import.meta.url);
export const JSLP_VERSION: string = (() => {
  try {
    const path = require.resolve('javascript-lp-solver/package.json');
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
})();

export async function solveWithJslp(model: LinearModel, options: SolverRunOptions): Promise<SolveResult> {
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
  const worker = acquire();
  const id = ++requests;
  return new Promise<SolveResult>((resolve) => {
    let settled = false;
    const finish = (result: SolveResult, reusable: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      release(worker, reusable);
      resolve(result);
    };
    const timer = setTimeout(
      () =>
        finish(
          {
            status: 'time_limit',
            message: `no answer within ${options.timeLimitSeconds} s; the worker was terminated`,
            solver: info(performance.now() - started),
            stats,
          },
          false,
        ),
      options.timeLimitSeconds * 1000,
    );
    const onMessage = (message: { id: number; result: Record<string, number | boolean | undefined>; solveMs: number }) => {
      if (message.id !== id) return;
      const { result } = message;
      const solveMs = performance.now() - started;
      if (!result.feasible) return finish({ status: 'infeasible', solver: info(solveMs), stats }, true);
      if (result.bounded === false) return finish({ status: 'unbounded', solver: info(solveMs), stats }, true);
      const values = new Float64Array(stats.columns);
      model.colNames.forEach((name, j) => {
        const value = result[name];
        values[j] = typeof value === 'number' ? value : 0;
      });
      let objective = 0;
      values.forEach((v, j) => (objective += v * (model.colCost[j] ?? 0)));
      finish({ status: 'optimal', objective, columnValues: values, solver: info(solveMs), stats }, true);
    };
    const onError = (error: Error) =>
      finish({ status: 'error', message: `solver worker failed: ${error.message}`, solver: info(performance.now() - started), stats }, false);
    const onExit = (code: number) =>
      finish({ status: 'error', message: `solver worker exited with code ${code}`, solver: info(performance.now() - started), stats }, false);
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
    worker.postMessage({ id, model: jsModel, mipRelGap: options.mipRelGap });
  });
}

// ---------------------------------------------------------------------------------------------
// Warm workers: started on first use and kept between solves, so a solve does not pay for a
// thread start and the solver's module load (tens of milliseconds; more from TypeScript sources).
// One serves one solve at a time; concurrent solves in the same thread get one each. A worker
// that ran out of time or failed is terminated, never reused. Idle workers are unref'd, so they
// never keep a process alive.

let requests = 0;
let started = 0;
const idle: Worker[] = [];

/** Worker threads started so far in this thread (a test checks that solves reuse them). */
export const jslpWorkersStarted = () => started;

function acquire(): Worker {
  let worker = idle.pop();
  if (!worker) {
    const fresh = spawnWorker('jslp-worker', import.meta.url);
    started++;
    // A worker that dies while idle leaves the list rather than take the next solve.
    fresh.on('exit', () => {
      const at = idle.indexOf(fresh);
      if (at >= 0) idle.splice(at, 1);
    });
    fresh.on('error', () => {});
    worker = fresh;
  }
  worker.ref();
  return worker;
}

function release(worker: Worker, reusable: boolean): void {
  if (!reusable) {
    void worker.terminate();
    return;
  }
  worker.unref();
  idle.push(worker);
}
