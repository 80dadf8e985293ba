/**
 * HiGHS backend (the `highs` package, HiGHS compiled to WebAssembly). Synchronous: callers that
 * must not block (the service) run it inside a worker thread. Uses the persistent model API
 * with CSR arrays, disposes every model, sets the MIP gap explicitly, and reads values from a solve
 * that did not end optimal only when HiGHS reports them primal feasible (a MIP's incumbent at its
 * time, node or solution limit: status `time_limit`, `feasible: true`, with its bound and gap).
 */
import highsPackage from 'highs';
import type { Highs } from 'highs';
import type { LinearModel } from '../model/builder.js';
import { modelStats } from '../model/builder.js';
import { IPM_ROW_THRESHOLD, type Ranging, type SolveOptions, type SolveResult, type SolveStatus } from './types.js';

// The package ships CommonJS typings for an ESM build: at run time the default import is the
// loader itself, while the typings describe it as `module.exports.default`. Accept both.
type Loader = () => Promise<Highs>;
const loadHighs: Loader =
  typeof highsPackage === 'function' ? (highsPackage as unknown as Loader) : (highsPackage as unknown as { default: Loader }).default;
let highsPromise: Promise<Highs> | undefined;

/** Loads (once per thread) and returns the HiGHS module; call early to pay the WASM compile up front. */
export function highsModule(): Promise<Highs> {
  highsPromise ??= loadHighs();
  return highsPromise;
}

export async function highsVersion(): Promise<string> {
  const highs = await highsModule();
  return highs.version.string;
}

export function chooseAlgorithm(model: LinearModel, requested: SolveOptions['algorithm']): 'simplex' | 'ipm' {
  if (requested !== 'auto') return requested;
  return model.rowNames.length > IPM_ROW_THRESHOLD ? 'ipm' : 'simplex';
}

export async function solveWithHighs(model: LinearModel, options: SolveOptions): Promise<SolveResult> {
  const highs = await highsModule();
  const stats = modelStats(model);
  const isMip = stats.integerColumns > 0;
  const algorithm = isMip ? 'choose' : chooseAlgorithm(model, options.algorithm);
  const started = performance.now();
  const info = (solveMs: number) => ({
    name: 'highs' as const,
    version: highs.version.string,
    solveMs,
    algorithm,
    ...(isMip ? { mipRelGap: options.mipRelGap } : {}),
  });
  if (stats.columns === 0) {
    return { status: 'optimal', objective: 0, columnValues: new Float64Array(0), rowDuals: new Float64Array(stats.rows), columnDuals: new Float64Array(0), solver: info(0), stats };
  }
  const inf = highs.infinity;
  const toInf = (values: Float64Array) => Array.from(values, (v) => (v === Infinity ? inf : v === -Infinity ? -inf : v));
  let handle: ReturnType<Highs['createModel']> | undefined;
  try {
    handle = highs.createModel({
      numCols: stats.columns,
      numRows: stats.rows,
      colCost: model.colCost,
      colLower: new Float64Array(stats.columns),
      colUpper: toInf(model.colUpper),
      rowLower: toInf(model.rowLower),
      rowUpper: toInf(model.rowUpper),
      matrix: {
        format: 'csr',
        numRows: stats.rows,
        numCols: stats.columns,
        starts: model.rowStarts,
        indices: model.rowIndices,
        values: model.rowValues,
      },
      ...(isMip ? { integrality: Array.from(model.colInteger, (v) => (v ? 1 : 0)) as (0 | 1)[] } : {}),
    });
    handle.options.set({
      output_flag: false,
      time_limit: options.timeLimitSeconds,
      mip_rel_gap: options.mipRelGap,
      ...(options.mipMaxNodes !== undefined ? { mip_max_nodes: options.mipMaxNodes } : {}),
      ...(options.mipMaxImprovingSolutions !== undefined ? { mip_max_improving_sols: options.mipMaxImprovingSolutions } : {}),
      ...(algorithm === 'choose' ? {} : { solver: algorithm }),
      ...(algorithm === 'ipm' ? { run_crossover: 'on' } : {}),
    });
    handle.run();
    let status = mapStatus(highs, handle.getModelStatus());
    if (status === 'infeasible' && handle.getModelStatus() === highs.constants.modelStatus.unboundedOrInfeasible) {
      status = distinguishInfeasible(highs, model);
    }
    const solveMs = performance.now() - started;
    // At a limit, HiGHS' values are used only when it reports them primal feasible (an incumbent).
    const incumbent = status === 'time_limit' && Number(handle.info.get('primal_solution_status')) === FEASIBLE_SOLUTION;
    if (status !== 'optimal' && !incumbent) return { status, solver: info(solveMs), stats, message: describeStatus(highs, handle.getModelStatus()) };
    const limitMessage = incumbent ? `${describeStatus(highs, handle.getModelStatus())}: the best plan found, not proven optimal` : undefined;
    const solution = handle.getSolution();
    let objective = handle.getObjectiveValue();
    let columnValues = Float64Array.from(solution.colValue);
    const mipBound = isMip ? mipBoundOf(handle, objective) : {};
    if (isMip && options.sensitivity) {
      // MIP solutions carry no duals: fix every integer column at its value and re-solve the LP.
      // That LP's optimum is the plan reported (at least as good as the incumbent for the same
      // build-or-not decisions), so its primal and dual objectives agree.
      const integers = Array.from(model.colInteger.keys()).filter((j) => model.colInteger[j]);
      const fixed = integers.map((j) => Math.round(columnValues[j] ?? 0));
      const selection = { kind: 'set' as const, indices: Int32Array.from(integers) };
      handle.changeColsIntegrality(selection, new Int32Array(integers.length));
      handle.changeColsBounds(selection, fixed, fixed);
      handle.zeroAllClocks();
      handle.options.set({ solver: 'simplex', time_limit: options.timeLimitSeconds });
      handle.run();
      if (mapStatus(highs, handle.getModelStatus()) === 'optimal') {
        const lp = handle.getSolution();
        const lpObjective = handle.getObjectiveValue();
        if (lpObjective <= objective + 1e-9 * Math.max(1, Math.abs(objective))) {
          objective = lpObjective;
          columnValues = Float64Array.from(lp.colValue);
        }
        return {
          status,
          objective,
          columnValues,
          feasible: true,
          ...(mipBound.bound !== undefined ? mipBoundOf(handle, objective, mipBound.bound) : {}),
          rowDuals: Float64Array.from(lp.rowDual),
          columnDuals: Float64Array.from(lp.colDual),
          ranging: readRanging(handle.getRanging(), inf),
          dualsFrom: 'fixed-integer-lp',
          fixedColumns: new Map(integers.map((j, k) => [j, fixed[k]!])),
          ...(limitMessage ? { message: limitMessage } : {}),
          solver: info(solveMs),
          stats,
        };
      }
      return { status, objective, columnValues, feasible: true, ...mipBound, solver: info(solveMs), stats, message: [limitMessage, 'duals unavailable: the LP with integers fixed did not solve to optimality'].filter(Boolean).join('; ') };
    }
    if (incumbent) return { status, objective, columnValues, feasible: true, ...mipBound, solver: info(solveMs), stats, message: limitMessage! };
    const lpDuals = isMip ? {} : { rowDuals: Float64Array.from(solution.rowDual), columnDuals: Float64Array.from(solution.colDual), dualsFrom: 'lp' as const };
    const ranging = !isMip && options.sensitivity ? readRanging(handle.getRanging(), inf) : undefined;
    let probeCosts: Float64Array | undefined;
    const probes = !isMip && options.probes ? options.probes(columnValues, Float64Array.from(solution.colDual)) : [];
    if (probes.length) {
      probeCosts = new Float64Array(probes.length);
      // Probes are capped at half the solve's own time (at least 250 ms): past that, the rest keep
      // NaN and the report falls back to the basis reduced cost for them, and says so.
      const budgetMs = Math.max(250, 0.5 * solveMs);
      probeCosts.fill(NaN);
      probes.forEach(({ column, amount }, k) => {
        const left = budgetMs - (performance.now() - started - solveMs);
        if (left <= 0) return;
        handle!.options.set({ time_limit: left / 1000 });
        const upper = model.colUpper[column] ?? Infinity;
        handle!.changeColBounds(column, Math.min(amount, upper), upper === Infinity ? inf : upper);
        handle!.run();
        probeCosts![k] = mapStatus(highs, handle!.getModelStatus()) === 'optimal' ? (handle!.getObjectiveValue() - objective) / Math.min(amount, upper) : NaN;
        handle!.changeColBounds(column, 0, upper === Infinity ? inf : upper);
      });
    }
    return {
      status,
      objective,
      columnValues,
      feasible: true,
      ...mipBound,
      ...lpDuals,
      ...(ranging ? { ranging } : {}),
      ...(probeCosts ? { probeCosts } : {}),
      solver: info(solveMs),
      stats,
    };
  } catch (error) {
    return { status: 'error', message: error instanceof Error ? error.message : String(error), solver: info(performance.now() - started), stats };
  } finally {
    handle?.dispose();
  }
}

/** HiGHS' `kSolutionStatusFeasible` (info `primal_solution_status`). */
const FEASIBLE_SOLUTION = 2;

/** The MIP's best bound and the relative gap of `objective` to it (the bound kept from the MIP run when given). */
function mipBoundOf(handle: ReturnType<Highs['createModel']>, objective: number, known?: number): { bound?: number; gap?: number } {
  const bound = known ?? Number(handle.info.get('mip_dual_bound'));
  if (!Number.isFinite(bound)) return {};
  return { bound, gap: Math.max(0, objective - bound) / Math.max(1e-9, Math.abs(objective)) };
}

/** Copies HiGHS ranging into plain arrays with HiGHS' infinity mapped to ±Infinity. */
function readRanging(r: ReturnType<ReturnType<Highs['createModel']>['getRanging']>, inf: number): Ranging {
  const side = (record: { value: Float64Array; objective: Float64Array }) => ({
    value: Float64Array.from(record.value, (v) => (v >= inf ? Infinity : v <= -inf ? -Infinity : v)),
    objective: Float64Array.from(record.objective, (v) => (v >= inf ? Infinity : v <= -inf ? -Infinity : v)),
  });
  return { rowUp: side(r.rowBoundUp), rowDown: side(r.rowBoundDown), costUp: side(r.colCostUp), costDown: side(r.colCostDown) };
}

function mapStatus(highs: Highs, code: number): SolveStatus {
  const s = highs.constants.modelStatus;
  switch (code) {
    case s.optimal:
      return 'optimal';
    case s.infeasible:
    case s.unboundedOrInfeasible:
      return 'infeasible';
    case s.unbounded:
      return 'unbounded';
    case s.timeLimit:
    case s.iterationLimit:
    case s.solutionLimit:
    case s.interrupted:
      return 'time_limit';
    default:
      return 'error';
  }
}

function describeStatus(highs: Highs, code: number): string {
  const entry = Object.entries(highs.constants.modelStatus).find(([, v]) => v === code);
  return `HiGHS model status: ${entry ? entry[0] : code}`;
}

/**
 * HiGHS presolve can answer "infeasible or unbounded". With a zero objective an LP is never
 * unbounded, so re-solving it tells the two apart.
 */
function distinguishInfeasible(highs: Highs, model: LinearModel): SolveStatus {
  const stats = modelStats(model);
  const inf = highs.infinity;
  return highs.withModel(
    {
      numCols: stats.columns,
      numRows: stats.rows,
      colCost: new Float64Array(stats.columns),
      colLower: new Float64Array(stats.columns),
      colUpper: Array.from(model.colUpper, (v) => (v === Infinity ? inf : v)),
      rowLower: Array.from(model.rowLower, (v) => (v === -Infinity ? -inf : v)),
      rowUpper: Array.from(model.rowUpper, (v) => (v === Infinity ? inf : v)),
      matrix: { format: 'csr', numRows: stats.rows, numCols: stats.columns, starts: model.rowStarts, indices: model.rowIndices, values: model.rowValues },
    },
    (check: ReturnType<Highs['createModel']>) => {
      check.options.set({ output_flag: false, presolve: 'off' });
      check.run();
      return check.getModelStatus() === highs.constants.modelStatus.infeasible ? 'infeasible' : 'unbounded';
    },
  );
}
