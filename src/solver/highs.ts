/**
 * HiGHS backend (the `highs` package, HiGHS compiled to WebAssembly). Synchronous: callers that
 * must not block (the service) run it inside a worker thread. Uses the persistent model API
 * with CSR arrays, disposes every model, sets the MIP gap explicitly, and reads values from a solve
 * that did not end optimal only when HiGHS reports them primal feasible (a MIP's incumbent at its
 * time, node or solution limit: status `time_limit`, `feasible: true`, with its bound and gap).
 */
import highsPackage from 'highs';
import type { Basis, Highs } from 'highs';
import type { LinearModel } from '../model/builder.js';
import { modelStats } from '../model/builder.js';
import { IPM_ROW_THRESHOLD, type Ranging, type SolverRunOptions, type SolveResult, type SolveStatus } from './types.js';

// The package ships CommonJS typings for an ESM build: at run time the default import is the
// loader itself, while the typings describe it as `module.exports.default`. Accept both.
type Loader = () => Promise<Highs>;
const loadHighs: Loader = typeof highsPackage === 'function' ? (highsPackage as unknown as Loader) : (highsPackage as unknown as { default: Loader }).default;
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

/**
 * The last optimal basis per model structure, kept per thread (each solve worker has its own).
 * "Structure" is the sparsity pattern and sizes: the same scenario solved again, a diagnosis probe
 * or a sweep point that moves only bounds, costs or coefficients has the same structure, and the
 * dual simplex started from the previous optimal basis needs a fraction of the iterations. The
 * objective is the same as a cold start's (a test checks it); where the LP has several optimal
 * vertices, a warm start may return another of them at the same cost.
 */
const BASIS_CACHE_ENTRIES = 8;
const basisCache = new Map<string, Basis>();

/** FNV-1a over the model's sizes, sparsity pattern and integrality: equal keys, same structure. */
export function structureKey(model: LinearModel): string {
  let h = 0x811c9dc5;
  const mix = (v: number) => {
    h ^= v & 0xffff;
    h = Math.imul(h, 0x01000193);
    h ^= v >>> 16;
    h = Math.imul(h, 0x01000193);
  };
  mix(model.rowStarts.length);
  mix(model.colCost.length);
  for (const v of model.rowStarts) mix(v);
  for (const v of model.rowIndices) mix(v);
  for (let j = 0; j < model.colInteger.length; j++) if (model.colInteger[j]) mix(j);
  return `${model.rowStarts.length - 1}x${model.colCost.length}:${model.rowIndices.length}:${(h >>> 0).toString(16)}`;
}

/** Forgets every kept basis (tests, and a worker that wants cold solves). */
export function clearBasisCache(): void {
  basisCache.clear();
  dropLive();
}

let reuseBases = true;
/** Switches keeping and reusing bases off (or on again) for this thread: benches compare both. */
export function setBasisReuse(on: boolean): void {
  reuseBases = on;
  if (!on) dropLive();
}

function rememberBasis(key: string, basis: Basis): void {
  basisCache.delete(key);
  basisCache.set(key, { colStatus: Int32Array.from(basis.colStatus), rowStatus: Int32Array.from(basis.rowStatus) });
  while (basisCache.size > BASIS_CACHE_ENTRIES) basisCache.delete(basisCache.keys().next().value!);
}

/**
 * The HiGHS model of this thread's last optimal LP solve, kept open with a copy of what it was given
 * (issue 14). A next model of the same structure (a frontier point: only the target rows'
 * coefficients differ) is not passed to HiGHS again: the entries that differ — costs, bounds, row
 * bounds, matrix coefficients — are changed on the kept model, and the dual simplex goes on from
 * the basis it holds. One per thread; disposed when another structure comes, or a solve of it does
 * not end optimal, or bases are not reused.
 */
interface LiveModel {
  key: string;
  handle: ReturnType<Highs['createModel']>;
  colCost: Float64Array;
  colUpper: Float64Array;
  rowLower: Float64Array;
  rowUpper: Float64Array;
  rowValues: Float64Array;
}
let live: LiveModel | undefined;

/** An open HiGHS model kept with a copy of the entries a later model of the same structure may change. */
function liveModel(key: string, handle: LiveModel['handle'], model: LinearModel): LiveModel {
  return {
    key,
    handle,
    colCost: model.colCost.slice(),
    colUpper: model.colUpper.slice(),
    rowLower: model.rowLower.slice(),
    rowUpper: model.rowUpper.slice(),
    rowValues: model.rowValues.slice(),
  };
}

function dropLive(): void {
  live?.handle.dispose();
  live = undefined;
}

/** Changes the kept model into `model` (same structure) entry by entry; returns how many entries changed. */
function updateLive(highs: Highs, kept: LiveModel, model: LinearModel): number {
  const inf = highs.infinity;
  const finite = (v: number) => (v === Infinity ? inf : v === -Infinity ? -inf : v);
  let changed = 0;
  const differing = (was: Float64Array, now: Float64Array) => {
    const out: number[] = [];
    for (let i = 0; i < now.length; i++) if (!Object.is(was[i], now[i])) out.push(i);
    return out;
  };
  const costs = differing(kept.colCost, model.colCost);
  if (costs.length)
    kept.handle.changeColsCost(
      { kind: 'set', indices: Int32Array.from(costs) },
      costs.map((j) => model.colCost[j]!),
    );
  const uppers = differing(kept.colUpper, model.colUpper);
  if (uppers.length)
    kept.handle.changeColsBounds(
      { kind: 'set', indices: Int32Array.from(uppers) },
      uppers.map(() => 0),
      uppers.map((j) => finite(model.colUpper[j]!)),
    );
  const rows = [...new Set([...differing(kept.rowLower, model.rowLower), ...differing(kept.rowUpper, model.rowUpper)])].sort((a, b) => a - b);
  if (rows.length)
    kept.handle.changeRowsBounds(
      { kind: 'set', indices: Int32Array.from(rows) },
      rows.map((i) => finite(model.rowLower[i]!)),
      rows.map((i) => finite(model.rowUpper[i]!)),
    );
  changed += costs.length + uppers.length + rows.length;
  for (let i = 0; i + 1 < model.rowStarts.length; i++) {
    for (let k = model.rowStarts[i]!; k < model.rowStarts[i + 1]!; k++) {
      if (Object.is(kept.rowValues[k], model.rowValues[k])) continue;
      kept.handle.changeCoefficient(i, model.rowIndices[k]!, model.rowValues[k]!);
      changed++;
    }
  }
  kept.colCost = model.colCost.slice();
  kept.colUpper = model.colUpper.slice();
  kept.rowLower = model.rowLower.slice();
  kept.rowUpper = model.rowUpper.slice();
  kept.rowValues = model.rowValues.slice();
  return changed;
}

type Handle = ReturnType<Highs['createModel']>;

/** A HiGHS model of `model` (integrality only when `isMip`). */
function createHandle(highs: Highs, model: LinearModel, isMip: boolean): Handle {
  const stats = modelStats(model);
  const inf = highs.infinity;
  const toInf = (values: Float64Array) => Array.from(values, (v) => (v === Infinity ? inf : v === -Infinity ? -inf : v));
  return highs.createModel({
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
}

/** The time the probes of a solve may take: half the solve's own time, at least 250 ms. */
export const probeBudgetMs = (solveMs: number) => Math.max(250, 0.5 * solveMs);

/**
 * Directional probes on an open model at its optimum (objective `objective`): each column forced
 * to its `amount`, the LP re-solved, the bound put back. Capped at `budgetMs` in all: past that,
 * the rest keep NaN and the report falls back to the basis reduced cost for them, and says so.
 */
function runProbes(
  highs: Highs,
  handle: Handle,
  model: LinearModel,
  objective: number,
  probes: ReadonlyArray<{ readonly column: number; readonly amount: number }>,
  budgetMs: number,
): Float64Array {
  const inf = highs.infinity;
  const probeCosts = new Float64Array(probes.length).fill(NaN);
  const started = performance.now();
  probes.forEach(({ column, amount }, k) => {
    const left = budgetMs - (performance.now() - started);
    if (left <= 0) return;
    handle.options.set({ time_limit: left / 1000 });
    const upper = model.colUpper[column] ?? Infinity;
    handle.changeColBounds(column, Math.min(amount, upper), upper === Infinity ? inf : upper);
    handle.run();
    probeCosts[k] = mapStatus(highs, handle.getModelStatus()) === 'optimal' ? (handle.getObjectiveValue() - objective) / Math.min(amount, upper) : NaN;
    handle.changeColBounds(column, 0, upper === Infinity ? inf : upper);
  });
  return probeCosts;
}

/**
 * The reduced-cost probes of an LP solved before (issue 13: they run after the solve's answer has
 * gone out, not inside the solve). On this thread's kept model when it is still this structure
 * (nothing else solved since), otherwise on the model made again from the kept optimal basis (a
 * simplex run of about no iterations); the probes are measured from that optimum's objective.
 * Null when there is no LP optimum to probe from (a MIP, or the model does not solve optimal).
 */
export async function probeWithHighs(
  model: LinearModel,
  probes: ReadonlyArray<{ readonly column: number; readonly amount: number }>,
  options: { budgetMs: number; timeLimitSeconds: number },
): Promise<Float64Array | null> {
  const highs = await highsModule();
  if (model.colInteger.some((v) => v)) return null;
  if (!probes.length) return new Float64Array(0);
  const key = structureKey(model);
  const previous = live;
  live = undefined;
  const reused = previous?.key === key ? previous : undefined;
  if (!reused) previous?.handle.dispose();
  let handle: Handle | undefined;
  let keep: LiveModel | undefined;
  try {
    if (reused) {
      handle = reused.handle;
      updateLive(highs, reused, model);
    } else {
      handle = createHandle(highs, model, false);
    }
    handle.zeroAllClocks();
    handle.options.set({ output_flag: false, time_limit: options.timeLimitSeconds, solver: 'simplex' });
    const basis = reuseBases ? basisCache.get(key) : undefined;
    if (basis) {
      try {
        handle.setBasis(basis);
      } catch {
        // a basis HiGHS rejects: solve cold
      }
    }
    handle.run();
    if (mapStatus(highs, handle.getModelStatus()) !== 'optimal') return null;
    const objective = handle.getObjectiveValue();
    const costs = runProbes(highs, handle, model, objective, probes, options.budgetMs);
    if (reuseBases && basis) keep = reused ?? liveModel(key, handle, model);
    return costs;
  } catch {
    keep = undefined;
    return null;
  } finally {
    if (keep && handle) live = keep;
    else handle?.dispose();
  }
}

export function chooseAlgorithm(model: LinearModel, requested: SolverRunOptions['algorithm']): 'simplex' | 'ipm' {
  if (requested !== 'auto') return requested;
  return model.rowNames.length > IPM_ROW_THRESHOLD ? 'ipm' : 'simplex';
}

export async function solveWithHighs(model: LinearModel, options: SolverRunOptions): Promise<SolveResult> {
  const highs = await highsModule();
  const stats = modelStats(model);
  const isMip = stats.integerColumns > 0;
  // A kept basis of the same structure makes the dual simplex the faster way whatever the size;
  // an explicit `ipm` request is honoured.
  const key = !isMip && reuseBases && options.reuseBasis !== false ? structureKey(model) : undefined;
  const kept = key && options.algorithm !== 'ipm' ? basisCache.get(key) : undefined;
  const algorithm = isMip ? 'choose' : kept ? 'simplex' : chooseAlgorithm(model, options.algorithm);
  // Interior point stops without crossover when nothing needs a vertex: no duals, ranging or probes
  // asked for (a baseline, a sweep point). Measured at L (bench/README.md): IPM alone takes about
  // half the time of IPM with crossover.
  const crossover = algorithm === 'ipm' ? (options.sensitivity || options.probes || options.crossover === 'on' ? 'on' : 'off') : undefined;
  const started = performance.now();
  let warmStart = false;
  let iterations: number | undefined;
  const info = (solveMs: number) => ({
    name: 'highs' as const,
    version: highs.version.string,
    solveMs,
    algorithm: crossover === 'off' ? 'ipm-no-crossover' : algorithm,
    ...(isMip ? { mipRelGap: options.mipRelGap } : {}),
    ...(isMip ? {} : { warmStart }),
    ...(iterations !== undefined ? { iterations } : {}),
  });
  if (stats.columns === 0) {
    return {
      status: 'optimal',
      objective: 0,
      columnValues: new Float64Array(0),
      rowDuals: new Float64Array(stats.rows),
      columnDuals: new Float64Array(0),
      solver: info(0),
      stats,
    };
  }
  const inf = highs.infinity;
  let handle: ReturnType<Highs['createModel']> | undefined;
  // The kept HiGHS model is used when this model has its structure and starts from a kept basis.
  const previous = live;
  live = undefined; // back below when this solve ends optimal
  const reused = kept !== undefined && previous?.key === key ? previous : undefined;
  if (!reused) previous?.handle.dispose();
  let keep: LiveModel | undefined;
  try {
    if (reused) {
      handle = reused.handle;
      updateLive(highs, reused, model);
      handle.zeroAllClocks();
    } else {
      handle = createHandle(highs, model, isMip);
    }
    handle.options.set({
      output_flag: false,
      time_limit: options.timeLimitSeconds,
      mip_rel_gap: options.mipRelGap,
      ...(options.mipMaxNodes !== undefined ? { mip_max_nodes: options.mipMaxNodes } : {}),
      ...(options.mipMaxImprovingSolutions !== undefined ? { mip_max_improving_sols: options.mipMaxImprovingSolutions } : {}),
      ...(algorithm === 'choose' ? {} : { solver: algorithm }),
      ...(crossover ? { run_crossover: crossover } : {}),
    });
    if (kept) {
      try {
        handle.setBasis(kept);
        warmStart = true;
      } catch {
        warmStart = false; // a basis HiGHS rejects: solve cold
      }
    }
    handle.run();
    let status = mapStatus(highs, handle.getModelStatus());
    if (crossover === 'off' && status === 'error') {
      // IPM without crossover can stop "imprecise"; crossover then makes the vertex it needs.
      handle.options.set({ run_crossover: 'on' });
      handle.run();
      status = mapStatus(highs, handle.getModelStatus());
    }
    iterations = readIterations(handle);
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
      return {
        status,
        objective,
        columnValues,
        feasible: true,
        ...mipBound,
        solver: info(solveMs),
        stats,
        message: [limitMessage, 'duals unavailable: the LP with integers fixed did not solve to optimality'].filter(Boolean).join('; '),
      };
    }
    if (incumbent) return { status, objective, columnValues, feasible: true, ...mipBound, solver: info(solveMs), stats, message: limitMessage! };
    if (key && (algorithm === 'simplex' || crossover === 'on')) {
      try {
        if (Number(handle.info.get('basis_validity')) === 1) {
          rememberBasis(key, handle.getBasis());
          keep = reused ?? liveModel(key, handle, model);
        }
      } catch {
        // no basis to keep
      }
    }
    const lpDuals = isMip ? {} : { rowDuals: Float64Array.from(solution.rowDual), columnDuals: Float64Array.from(solution.colDual), dualsFrom: 'lp' as const };
    let ranging: Ranging | undefined;
    if (!isMip && options.sensitivity) {
      if (algorithm === 'ipm') {
        // HiGHS ranges only from a simplex basis with its factorisation; after interior point and
        // crossover it refuses (status -1). A simplex run from the crossover basis takes 0
        // iterations and leaves the factorisation ranging needs.
        handle.options.set({ solver: 'simplex' });
        handle.setBasis(handle.getBasis());
        handle.run();
      }
      ranging = readRanging(handle.getRanging(), inf);
    }
    let probeCosts: Float64Array | undefined;
    const probes = !isMip && options.probes ? options.probes(columnValues, Float64Array.from(solution.colDual)) : [];
    // Probes are capped at half the solve's own time (at least 250 ms): see `runProbes`.
    if (probes.length) probeCosts = runProbes(highs, handle, model, objective, probes, probeBudgetMs(solveMs));
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
    keep = undefined;
    return { status: 'error', message: error instanceof Error ? error.message : String(error), solver: info(performance.now() - started), stats };
  } finally {
    if (keep && handle) live = keep;
    else handle?.dispose();
  }
}

function readIterations(handle: { info: { get(name: string): number | bigint } }): number | undefined {
  try {
    const simplex = Number(handle.info.get('simplex_iteration_count'));
    const ipm = Number(handle.info.get('ipm_iteration_count'));
    return Math.max(0, simplex) + Math.max(0, ipm);
  } catch {
    return undefined;
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
  // A copy, then a plain loop: `Float64Array.from` with a mapping function took ~100 ms a solve on
  // the reference model's eight ranging arrays (issue 14's profile of a frontier point).
  const finite = (values: Float64Array) => {
    const out = Float64Array.from(values);
    for (let i = 0; i < out.length; i++) {
      const v = out[i]!;
      if (v >= inf) out[i] = Infinity;
      else if (v <= -inf) out[i] = -Infinity;
    }
    return out;
  };
  const side = (record: { value: Float64Array; objective: Float64Array }) => ({ value: finite(record.value), objective: finite(record.objective) });
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
