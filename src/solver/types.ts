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
  /**
   * Also return sensitivity (HiGHS only): row duals, reduced costs and ranging. For a MIP they come
   * from the LP with every integer column fixed at its optimal value (`dualsFrom: 'fixed-integer-lp'`).
   */
  readonly sensitivity?: boolean;
  /**
   * Directional probes after an optimal LP solve (HiGHS): for each column, the optimum re-solved
   * (warm, from the optimal basis) with the column forced up to `amount`. Reduced costs from a
   * degenerate basis can understate what forcing a column in really costs; a probe measures it.
   * Probes run in the order given and stop after half the solve's time (at least 250 ms).
   */
  /**
   * Start the dual simplex from the last optimal basis this thread kept for a model of the same
   * structure (HiGHS LPs; default on). Off gives a cold solve.
   */
  readonly reuseBasis?: boolean;
  /** Interior point: `on` forces crossover; by default it runs only when duals, ranging or probes are asked for. */
  readonly crossover?: 'on';
  readonly probes?: (columnValues: Float64Array, columnDuals: Float64Array) => ReadonlyArray<{ readonly column: number; readonly amount: number }>;
}

/** One direction of HiGHS ranging: the limit a bound or cost may move to, and the objective there. */
export interface RangingSide {
  readonly value: Float64Array;
  readonly objective: Float64Array;
}

/**
 * HiGHS ranging at the optimal basis. `rowUp`/`rowDown`: how far the row's active bound may rise or
 * fall with the dual unchanged; `costUp`/`costDown`: how far each column's cost may move with the
 * solution unchanged. Infinite limits are ±Infinity.
 */
export interface Ranging {
  readonly rowUp: RangingSide;
  readonly rowDown: RangingSide;
  readonly costUp: RangingSide;
  readonly costDown: RangingSide;
}

export interface SolverInfo {
  readonly name: Backend;
  readonly version: string;
  readonly solveMs: number;
  /** Algorithm actually used (HiGHS), e.g. `simplex` or `ipm`. */
  readonly algorithm?: string;
  readonly mipRelGap?: number;
  /** HiGHS LP: started from a kept basis of the same structure. */
  readonly warmStart?: boolean;
  /** Simplex plus interior-point iterations (HiGHS). */
  readonly iterations?: number;
}

export interface SolveResult {
  readonly status: SolveStatus;
  /** Present only when status is `optimal` (values from a time-limited solve are never used). */
  readonly objective?: number;
  readonly columnValues?: Float64Array;
  /** Row duals d(objective)/d(rhs), LP solves with HiGHS only. */
  readonly rowDuals?: Float64Array;
  readonly columnDuals?: Float64Array;
  /** Present when sensitivity was asked for and the solve ended optimal (HiGHS). */
  readonly ranging?: Ranging;
  /** Where the duals come from: the LP itself, or the LP with integer decisions fixed (MIP). */
  readonly dualsFrom?: 'lp' | 'fixed-integer-lp';
  /** Per probe: (objective with the column forced to `amount` − objective) / amount; NaN when that solve failed. */
  readonly probeCosts?: Float64Array;
  readonly message?: string;
  readonly solver: SolverInfo;
  readonly stats: ModelStats;
}

export type { LinearModel };

/**
 * Above this many rows HiGHS' `auto` algorithm uses the interior-point method with crossover.
 * Measured by `npm run bench` (bench/README.md) on this 2-core machine: dual simplex is faster up
 * to the reference scenario (4,109 rows: 1.1 s vs 1.9 s; 2,723 rows: 0.5 s vs 1.0 s), interior
 * point from L on (17,513 rows: 12.4 s vs 18.7 s; 70,753 rows: 102 s vs no answer in 180 s).
 */
export const IPM_ROW_THRESHOLD = 10_000;

/**
 * javascript-lp-solver keeps a dense tableau (bounds and equalities become extra rows); measured on
 * this machine it is fine at ~500 columns, takes seconds at ~3,000 and does not finish at ~8,000.
 * Models above these limits are refused with a clear message instead of hanging.
 */
export const JSLP_MAX_COLUMNS = 2_500;
export const JSLP_MAX_ROWS = 2_500;
