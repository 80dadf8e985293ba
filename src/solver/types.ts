/**
 * The solver port: one request shape, one result shape, two backends. Statuses are values, never
 * exceptions: an infeasible scenario is a successful solve whose result says so.
 */
import type { LinearModel, ModelStats } from '../model/builder.js';
import type { Backend } from '../schemas/scenario.js';

export type SolveStatus = 'optimal' | 'infeasible' | 'unbounded' | 'time_limit' | 'error';

/** The options of one solver call (backend, limits, sensitivity, probes): derived by the planner from a `SolveRequest` (src/solve-request.ts). */
export interface SolverRunOptions {
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
   * Start the dual simplex from the last optimal basis this thread kept for a model of the same
   * structure (HiGHS LPs; default on). Off gives a cold solve.
   */
  readonly reuseBasis?: boolean;
  /** Interior point: `on` forces crossover; by default it runs only when duals, ranging or probes are asked for. */
  readonly crossover?: 'on';
  /**
   * Deterministic MIP limits (HiGHS `mip_max_nodes`, `mip_max_improving_sols`): stop after this many
   * branch-and-bound nodes or improving solutions, as a time limit would, whatever the machine's
   * speed. Used by tests and by callers that need a reproducible early stop.
   */
  readonly mipMaxNodes?: number;
  readonly mipMaxImprovingSolutions?: number;
  /**
   * Directional probes after an optimal LP solve (HiGHS): for each column, the optimum re-solved
   * (warm, from the optimal basis) with the column forced up to `amount`. Reduced costs from a
   * degenerate basis can understate what forcing a column in really costs; a probe measures it.
   * Probes run in the order given and stop after half the solve's time (at least 250 ms).
   */
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
  /**
   * Present when status is `optimal`, or when a solve stopped at a limit (`time_limit`) with a
   * primal feasible solution (`feasible: true`: HiGHS' incumbent, not proven optimal).
   */
  readonly objective?: number;
  readonly columnValues?: Float64Array;
  /** True when `columnValues` is a feasible plan (always at `optimal`; at `time_limit` when HiGHS had an incumbent). */
  readonly feasible?: boolean;
  /** MIP: the best lower bound on the optimum (HiGHS `mip_dual_bound`) and the relative gap to `objective`. */
  readonly bound?: number;
  readonly gap?: number;
  /**
   * MIP with sensitivity: the integer columns fixed at their values for the LP the duals come
   * from (column index → value). The dual objective counts their bounds.
   */
  readonly fixedColumns?: ReadonlyMap<number, number>;
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

/** True when the result carries a feasible plan: optimal, or stopped at a limit with an incumbent. */
export function hasSolution(result: SolveResult): result is SolveResult & { columnValues: Float64Array; objective: number } {
  return result.columnValues !== undefined && result.objective !== undefined && (result.status === 'optimal' || result.feasible === true);
}

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
