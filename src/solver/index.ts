/** The solver port: one entry point, backend chosen by the options. */
import type { LinearModel } from '../model/builder.js';
import { solveWithHighs } from './highs.js';
import { solveWithJslp } from './jslp.js';
import type { SolverRunOptions, SolveResult } from './types.js';

export function solveModel(model: LinearModel, options: SolverRunOptions): Promise<SolveResult> {
  return options.backend === 'highs' ? solveWithHighs(model, options) : solveWithJslp(model, options);
}

export * from './types.js';
