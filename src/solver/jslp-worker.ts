/**
 * Worker thread that runs javascript-lp-solver solves, one at a time, for as long as it lives: the
 * parent keeps it warm between solves and terminates it at a solve's time limit (the solver's own
 * timeout does not stop an LP solve, and it can cycle for ever).
 */
import { parentPort } from 'node:worker_threads';
import solverPackage from 'javascript-lp-solver';
import type { JslpModel } from './jslp-model.js';

// CommonJS typings for an ESM default export: accept the solver or its `.default`.
type Solver = { Solve(model: unknown): unknown };
const solver: Solver = 'Solve' in solverPackage ? (solverPackage as unknown as Solver) : (solverPackage as unknown as { default: Solver }).default;

export interface JslpRequest {
  id: number;
  model: JslpModel;
  mipRelGap: number;
}

parentPort?.on('message', ({ id, model, mipRelGap }: JslpRequest) => {
  const started = performance.now();
  const result = solver.Solve({ ...model, options: { tolerance: mipRelGap } }) as Record<string, number | boolean | undefined>;
  parentPort?.postMessage({ id, result, solveMs: performance.now() - started });
});
