/**
 * Worker thread that runs one javascript-lp-solver solve. The parent terminates the worker at the
 * time limit: the solver's own timeout does not stop an LP solve, and it can cycle for ever.
 */
import { parentPort, workerData } from 'node:worker_threads';
import solverPackage from 'javascript-lp-solver';
import type { JslpModel } from './jslp-model.js';

// CommonJS typings for an ESM default export: accept the solver or its `.default`.
type Solver = { Solve(model: unknown): unknown };
const solver: Solver = 'Solve' in solverPackage ? (solverPackage as unknown as Solver) : (solverPackage as unknown as { default: Solver }).default;

const { model, mipRelGap } = workerData as { model: JslpModel; mipRelGap: number };
const started = performance.now();
const withOptions = { ...model, options: { tolerance: mipRelGap } };
const result = solver.Solve(withOptions) as Record<string, number | boolean | undefined>;
parentPort?.postMessage({ result, solveMs: performance.now() - started });
