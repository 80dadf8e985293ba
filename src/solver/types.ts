/**
 * The solver port: one request shape, one result shape, two backends. Statuses are values, never
 * exceptions: an infeasible scenario is a successful solve whose result says so.
 */
import type { LinearModel, ModelStats } from '../model/builder.js';
import type { Backend } from '../schemas/scenario.js';

export type SolveStatus = 'optimal' | 'infeasible' | 'unbounded' | 'time_limit' | 'error';

export interface SolveOptions {
  readonly backend: Backend;
  readonly timeLimitSeconds: number;
  /** Relative MIP gap at which a MIP counts as optimal (set explicitly; HiGHS' default is 1e-4). */
  readonly mipRelGap: number;
  /** HiGHS LP algorithm; `auto` picks interior point (with crossover) above IPM_ROW_THRESHOLD rows. */
  readonly algorithm: 'auto' | 'simplex' | 'ipm';
}

export interface SolverInfo {
  readonly name: Backend;
  readonly version: string;
  readonly solveMs: number;
  /** Algorithm actually used (HiGHS), e.g. `simplex` or `ipm`. */
  readonly algorithm?: string;
  readonly mipRelGap?: number;
}

export interface SolveResult {
  readonly status: SolveStatus;
  /** Present only when status is `optimal` (values from a time-limited solve are never used). */
  readonly objective?: number;
  readonly columnValues?: Float64Array;
  /** Row duals d(objective)/d(rhs), LP solves with HiGHS only. */
  readonly rowDuals?: Float64Array;
  readonly columnDuals?: Float64Array;
  readonly message?: string;
  readonly solver: SolverInfo;
  readonly stats: ModelStats;
}

export type { LinearModel };

/** Above this many rows HiGHS' `auto` algorithm uses the interior-point method (see shared solver notes). */
export const IPM_ROW_THRESHOLD = 10_000;

/**
 * javascript-lp-solver keeps a dense tableau (bounds and equalities become extra rows); measured on
 * this machine it is fine at ~500 columns, takes seconds at ~3,000 and does not finish at ~8,000.
 * Models above these limits are refused with a clear message instead of hanging.
 */
export const JSLP_MAX_COLUMNS = 2_500;
export const JSLP_MAX_ROWS = 2_500;
