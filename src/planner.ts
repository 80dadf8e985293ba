/**
 * The planning pipeline: scenario JSON → validated scenario → resolved instance → linear model →
 * solve → portfolio. Also solves the "no new builds" baseline (same scenario with no targets and no
 * build columns: the target-free world of existing and committed capacity) that the dependency
 * trajectory compares against. Pure apart from reading the
 * bundled dataset; the CLI and the service's workers both call it.
 */
import type { Dataset } from './data/schema.js';
import { loadDataset } from './data/load.js';
import { formulateWithTargetRows } from './model/formulate.js';
import { limitTemplate, limitTemplateKey, templateScenario, withTargetLimits, type LimitTemplate } from './model/target-limits.js';
import { ScenarioError, baselineInstance, resolveScenario, type Instance } from './model/instance.js';
import { formulateInstance, formulatePlan, formulateScenario, type FormulatedScenario } from './model/formulate-scenario.js';
import { ANALYSIS_ORIGIN_SPLIT, memberOriginSplit, type OriginSplit } from './model/origin-split.js';
import { modelStats, type LinearModel } from './model/builder.js';
import { buildPortfolio } from './analysis/portfolio.js';
import { ScenarioSchema, type Backend, type Scenario } from './schemas/scenario.js';
import { FORBIDDEN_KEY_MESSAGE, forbiddenKeyPaths } from './schemas/forbidden-keys.js';
import type { Portfolio } from './schemas/portfolio.js';
import { highsVersion, probeBudgetMs, probeWithHighs } from './solver/highs.js';
import { JSLP_VERSION } from './solver/jslp.js';
import { hasSolution, solveModel, type SolverRunOptions, type SolveResult } from './solver/index.js';
import { computeReport, reducedCostsOf, unbuiltCandidates } from './analysis/report.js';
import { diagnose } from './analysis/diagnosis.js';
import { costWithoutTieBreak, wholePointCosts } from './analysis/target-points.js';
import { dependencyMetrics } from './analysis/dependency-metrics.js';
import type { Report } from './schemas/report.js';
import type { PlanPhase, SolveRequest } from './solve-request.js';
import { sizeFloors } from './analysis/floors.js';

/** Validates raw scenario JSON; throws ScenarioError naming every failing field path. */
export function parseScenario(input: unknown): Scenario {
  const forbidden = forbiddenKeyPaths(input);
  if (forbidden.length) throw new ScenarioError(forbidden.map((path) => ({ path, message: FORBIDDEN_KEY_MESSAGE })));
  const parsed = ScenarioSchema.safeParse(input);
  if (!parsed.success) {
    throw new ScenarioError(parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })));
  }
  return parsed.data;
}

/** What a caller of the planner hooks into a plan; the solve itself is a `SolveRequest`. */
export interface PlanHooks {
  /**
   * Called as the plan enters each phase. `fallback`, when given, builds the portfolio to report
   * if this phase overruns and the caller has to abandon it (the service's worker pool sends it
   * ahead, because a terminated worker can no longer build it).
   */
  onPhase?: (phase: PlanPhase, fallback?: () => Portfolio) => void;
  /** Deterministic MIP limits for the main solve (tests, reproducible early stops): see SolverRunOptions. */
  mipLimits?: Pick<SolverRunOptions, 'mipMaxNodes' | 'mipMaxImprovingSolutions'>;
  /** Most solves the diagnosis may run (default DEFAULT_DIAGNOSIS_SOLVES). */
  diagnosisSolves?: number;
  /**
   * Make the model from this thread's kept template of the same scenario with other target limits,
   * changing only the target rows' coefficients (src/model/target-limits.ts), instead of formulating
   * it again. Default: on for analysis members (`SolveRequest.member`), off otherwise; `false`
   * formulates afresh (the test that compares the two).
   */
  reuseFormulation?: boolean;
  /**
   * Which years the plan's model splits by origin (src/model/origin-split.ts). Default: every year
   * for a plan (its report shows every year's shares), `memberOriginSplit` for analysis members
   * (target years, but every year for a stress test's). The diagnosis and the whole-point costs
   * always use `ANALYSIS_ORIGIN_SPLIT`. Benches and tests set it to compare the two.
   */
  originSplit?: OriginSplit;
  /** Called after each solve of the diagnosis (the service's watchdog restarts its allowance). */
  onProgress?: (step: number) => void;
}

/** `planScenario` and `planWithReport`: a scenario with a few overrides (CLI flags, tests), made into a `SolveRequest`. */
export interface PlanOptions extends PlanHooks {
  /** Overrides the scenario's backend (CLI flag, API option). */
  backend?: Backend;
  /** Skip the no-new-builds baseline solve (faster; baseline shares come back null). */
  skipBaseline?: boolean;
  /** An analysis member: see `SolveRequest.member`. */
  memberReport?: boolean;
}

export type { PlanPhase, SolveRequest } from './solve-request.js';

/** Placeholder message of an overrun outcome; the service replaces it with the limit that was overrun. */
export const OVERRUN_MESSAGE = 'the solve ran past its time limit and the worker was terminated';

/**
 * Templates for analysis members that differ only in their target limits (a frontier's points; an
 * attribution's subsets that move only limits): per thread, per dataset object, for the last few
 * scenarios (keyed without name, description and limits). A scenario whose template cannot be made
 * (a coefficient 0 at the template's limit) is kept as null and formulated each time.
 */
const TEMPLATE_CACHE_ENTRIES = 2;
const templateCache = new WeakMap<Dataset, Map<string, LimitTemplate | null>>();

/** How many scenarios this thread keeps a template for, on a dataset (tests read it). */
export function keptTemplates(dataset: Dataset): number {
  return [...(templateCache.get(dataset)?.values() ?? [])].filter(Boolean).length;
}

/** Forgets this thread's kept templates (benches that want every member formulated from scratch). */
export function clearFormulationTemplates(dataset: Dataset): void {
  templateCache.delete(dataset);
}

/**
 * The member's model: made from the kept template of its scenario with its own target limits, or,
 * on the first member of a scenario, from a template formulated now (every target at
 * TEMPLATE_LIMIT). `buildMs` is the time spent here either way. Members split origins only where
 * targets read them unless asked otherwise (`originSplit`, src/model/origin-split.ts); the limits
 * move, the target years do not, so the template's split years hold for every member.
 */
export function formulateFromTemplate(scenario: Scenario, dataset: Dataset, originSplit: OriginSplit = ANALYSIS_ORIGIN_SPLIT): FormulatedScenario {
  const started = performance.now();
  const key = `${originSplit}|${limitTemplateKey(scenario)}`;
  const entries = templateCache.get(dataset) ?? new Map<string, LimitTemplate | null>();
  templateCache.set(dataset, entries);
  let template = entries.get(key);
  if (template === undefined) {
    const instance = resolveScenario(templateScenario(scenario), dataset);
    const { model, targetRows } = formulateWithTargetRows(instance, { originSplit });
    template = limitTemplate(instance, model, targetRows);
    entries.delete(key);
    entries.set(key, template);
    while (entries.size > TEMPLATE_CACHE_ENTRIES) entries.delete(entries.keys().next().value!);
  }
  if (!template) return formulateScenario(scenario, dataset, false, { originSplit });
  const { instance, model } = withTargetLimits(template, scenario);
  return { instance, model, buildMs: performance.now() - started };
}

export function solveOptionsFor(scenario: Scenario, backend?: Backend): SolverRunOptions {
  return {
    backend: backend ?? scenario.solver.backend,
    timeLimitSeconds: scenario.solver.timeLimitSeconds,
    mipRelGap: scenario.solver.mipRelGap,
    algorithm: scenario.solver.algorithm,
  };
}

/**
 * The no-new-builds baseline depends on the dataset and on the scenario without its targets (the
 * baseline enforces none), its name and description, and its time limit. Solving the same scenario
 * again, or a variant that moves only targets (a frontier, a diagnosis, a comparison), reuses the
 * baseline model and solution instead of solving it again. Kept per thread, per dataset object (a
 * new dataset version is a new object), for the last few keys.
 */
const BASELINE_CACHE_ENTRIES = 4;
const baselineCache = new WeakMap<Dataset, Map<string, { model: LinearModel; result: SolveResult }>>();

/** How many baselines this thread keeps for a dataset (tests read it to see the cache at work). */
export function keptBaselines(dataset: Dataset): number {
  return baselineCache.get(dataset)?.size ?? 0;
}

export function baselineKey(scenario: Scenario, options: SolverRunOptions): string {
  const { targets: _targets, name: _name, description: _description, solver, ...rest } = scenario;
  return JSON.stringify({ ...rest, solver: { ...solver, timeLimitSeconds: 0, lumpyBuilds: false }, backend: options.backend, algorithm: options.algorithm });
}

/** True when this thread keeps the baseline of `scenario` solved with `options` (the plan then need not record it). */
function baselineKept(scenario: Scenario, dataset: Dataset, options: SolverRunOptions): boolean {
  return baselineCache.get(dataset)?.has(baselineKey(scenario, options)) ?? false;
}

/**
 * Solves (or finds kept) the baseline of a resolved instance; its instance is derived from the
 * solve's, not resolved again, and its model is cut from the plan's formulation when the plan
 * recorded it (`cut`), or formulated on its own.
 */
async function solveBaseline(
  solved: Instance,
  options: SolverRunOptions,
  cut?: () => LinearModel | undefined,
): Promise<{ instance: Instance; model: LinearModel; result: SolveResult; cached: boolean }> {
  const dataset = solved.dataset;
  const key = baselineKey(solved.scenario, options);
  const kept = baselineCache.get(dataset)?.get(key);
  // The instance carries the targets (resolved, not enforced) that the baseline shares are read for.
  const instance = baselineInstance(solved);
  if (kept) return { instance, model: kept.model, result: kept.result, cached: true };
  const base = { instance, model: cut?.() ?? formulateInstance(instance).model };
  const result = await solveModel(base.model, { ...options, sensitivity: false });
  if (result.status === 'optimal') {
    const entries = baselineCache.get(dataset) ?? new Map<string, { model: LinearModel; result: SolveResult }>();
    baselineCache.set(dataset, entries);
    entries.set(key, { model: base.model, result });
    while (entries.size > BASELINE_CACHE_ENTRIES) entries.delete(entries.keys().next().value!);
  }
  return { instance: base.instance, model: base.model, result, cached: false };
}

/** The request `planScenario` and `planWithReport` solve: the scenario with the backend override applied. */
function requestOf(scenario: Scenario, options: PlanOptions): SolveRequest {
  return {
    scenario: options.backend ? { ...scenario, solver: { ...scenario.solver, backend: options.backend } } : scenario,
    skipBaseline: options.skipBaseline ?? false,
    member: options.memberReport ?? false,
  };
}

export async function planScenario(scenario: Scenario, dataset: Dataset, options: PlanOptions = {}): Promise<Portfolio> {
  return (await plan(requestOf(scenario, options), dataset, options, false)).portfolio;
}

/** Plans and builds the solver report (marginal values, reduced costs, binding limits, diagnosis, metrics). */
export async function planWithReport(scenario: Scenario, dataset: Dataset, options: PlanOptions = {}): Promise<{ portfolio: Portfolio; report: Report }> {
  return planRequest(requestOf(scenario, options), dataset, options);
}

/**
 * Plans one solve request with its whole report, the extra sections awaited in line (the CLI, local
 * analysis members, tests): the same code as `planStaged`, with the report as it was before the
 * sections were split off (no `extras` state).
 */
export async function planRequest(request: SolveRequest, dataset: Dataset, hooks: PlanHooks = {}): Promise<{ portfolio: Portfolio; report: Report }> {
  const { portfolio, report, extras } = await planStaged(request, dataset, hooks);
  const { extras: _state, ...core } = report;
  return { portfolio, report: extras ? withExtras(core, await extras()) : core };
}

/** The report sections that need extra solves: reduced costs (probes), the diagnosis, whole-point target costs. */
export type ReportExtras = Pick<Report, 'reducedCosts' | 'diagnosis' | 'targetPoints'>;

/** A report with its extra sections filled in (the keys stay where the core report has them). */
export function withExtras(report: Report, extras: ReportExtras, state?: NonNullable<Report['extras']>): Report {
  return { ...report, ...extras, ...(state ? { extras: state } : {}) };
}

/**
 * A plan in two stages (issue 13): the portfolio and the core report — everything the solve itself
 * gives: duals, ranging, binding limits, metrics — first, and the sections that need extra solves
 * after, so a service answers with the portfolio without waiting for them.
 */
export interface StagedPlan {
  portfolio: Portfolio;
  /**
   * The core report. With `extras` to run, its reduced costs, diagnosis and target points are
   * placeholders and `report.extras.status` is `pending`; otherwise the report is whole (`complete`,
   * or `skipped` for an analysis member, which runs no extra solves).
   */
  report: Report;
  /** Computes the extra sections (solves on this thread); null when there is nothing to compute. */
  extras: (() => Promise<ReportExtras>) | null;
}

/** Plans one solve request in two stages: what a solve worker runs (src/services/solve-runner.ts). */
export async function planStaged(request: SolveRequest, dataset: Dataset, hooks: PlanHooks = {}): Promise<StagedPlan> {
  const planned = await plan(request, dataset, hooks, true);
  const staged = planned.staged!;
  if (request.member) return { portfolio: planned.portfolio, report: { ...staged.report, extras: { status: 'skipped' } }, extras: null };
  // Nothing that solves: the sections are filled in now, in line.
  if (!staged.solves) return { portfolio: planned.portfolio, report: withExtras(staged.report, await staged.extras(), { status: 'complete' }), extras: null };
  return { portfolio: planned.portfolio, report: { ...staged.report, extras: { status: 'pending' } }, extras: staged.extras };
}

/**
 * The plan of one request. The scenario is resolved once, here; the baseline, the price floors,
 * the portfolio, the report, the whole-point costs and the diagnosis all read that instance (the
 * baseline and the diagnosis probes derive theirs from it: src/model/instance.ts).
 */
async function plan(
  request: SolveRequest,
  dataset: Dataset,
  options: PlanHooks,
  withReport: boolean,
): Promise<{ portfolio: Portfolio; staged?: { report: Report; extras: () => Promise<ReportExtras>; solves: boolean } }> {
  const { scenario } = request;
  const memberReport = request.member;
  const onPhase = options.onPhase ?? (() => {});
  onPhase('formulating');
  const reuse = options.reuseFormulation ?? memberReport === true;
  // A plan's report shows every year's shares; most analyses read their members' costs and target-year shares.
  const originSplit = options.originSplit ?? (memberReport ? memberOriginSplit(scenario) : 'every-year');
  // A plan whose baseline is needed and not kept records it as it formulates (cut from the same arrays;
  // the baseline splits every year, so only a plan that does too can share its formulation).
  // (The baseline's key reads the backend and algorithm, which the solve options below take from the scenario.)
  const recordBaseline = originSplit === 'every-year' && !request.skipBaseline && !baselineKept(scenario, dataset, solveOptionsFor(scenario));
  const formulated = reuse
    ? formulateFromTemplate(scenario, dataset, originSplit)
    : recordBaseline
      ? formulatePlan(scenario, dataset, { baseline: true })
      : formulateScenario(scenario, dataset, false, { originSplit });
  const { instance, model, buildMs } = formulated;
  const solveOptions: SolverRunOptions = {
    ...solveOptionsFor(scenario),
    ...options.mipLimits,
    sensitivity: withReport,
  };
  const version = solveOptions.backend === 'highs' ? await highsVersion() : JSLP_VERSION;
  const overrun = (m: LinearModel): SolveResult => ({
    status: 'time_limit',
    message: OVERRUN_MESSAGE,
    solver: { name: solveOptions.backend, version, solveMs: solveOptions.timeLimitSeconds * 1000 },
    stats: modelStats(m),
  });

  onPhase('solving', () => buildPortfolio({ instance, model, result: overrun(model), buildMs }));
  const result = await solveModel(model, solveOptions);
  let baseline: { instance: Instance; model: LinearModel; result: SolveResult } | undefined;
  if (!request.skipBaseline && hasSolution(result)) {
    onPhase('baseline', () => buildPortfolio({ instance, model, result, buildMs, baseline: { model, result: overrun(model) } }));
    const solved = await solveBaseline(instance, solveOptions, formulated.baseline);
    baseline = { instance: solved.instance, model: solved.model, result: solved.result };
  }
  // Price floors (issue 15): a second-stage model on the solved plan, always on HiGHS (it is small).
  const floors =
    instance.floors && result.status === 'optimal' && result.columnValues
      ? await sizeFloors(instance, model, result.columnValues, (m) =>
          solveModel(m, { backend: 'highs', timeLimitSeconds: solveOptions.timeLimitSeconds, mipRelGap: 1e-6, algorithm: 'simplex' }),
        )
      : undefined;
  const portfolio = buildPortfolio({ instance, model, result, buildMs, ...(baseline ? { baseline } : {}), ...(floors ? { floors } : {}) });
  onPhase('reporting', () => portfolio);
  if (!withReport) return { portfolio };

  // Duals: javascript-lp-solver has none, so HiGHS solves the same model; its duals are used only
  // when its objective agrees with the first solve's.
  let dualResult = result;
  let dualsSource: 'highs-resolve' | undefined;
  if (result.status === 'optimal' && !result.rowDuals && solveOptions.backend !== 'highs') {
    const again = await solveModel(model, { ...solveOptions, backend: 'highs', sensitivity: true });
    const agree =
      again.status === 'optimal' && Math.abs((again.objective ?? 0) - (result.objective ?? 0)) <= 1e-6 * Math.max(1, Math.abs(result.objective ?? 0));
    if (agree) {
      dualResult = {
        ...result,
        rowDuals: again.rowDuals!,
        columnDuals: again.columnDuals!,
        ...(again.ranging ? { ranging: again.ranging } : {}),
      };
      dualsSource = 'highs-resolve';
    }
  }
  const metrics = (i: Instance, m: LinearModel, r: SolveResult | undefined) => (r && hasSolution(r) ? dependencyMetrics(i, m, r.columnValues).summary : null);
  const core = computeReport({
    instance,
    model,
    result: dualResult,
    ...(dualsSource ? { dualsSource } : {}),
    diagnosis: null,
    targetPoints: [],
    reducedCosts: false,
    dependencyMetrics: { baseline: baseline ? metrics(baseline.instance, baseline.model, baseline.result) : null, portfolio: metrics(instance, model, result) },
  });
  if (memberReport) {
    // A member runs no extra solves: its reduced costs are the basis' (not probed).
    const values = hasSolution(dualResult) ? dualResult.columnValues : undefined;
    const columnDuals = values ? dualResult.columnDuals : undefined;
    const reducedCosts = values && columnDuals ? reducedCostsOf(instance, model, values, columnDuals, undefined) : [];
    return {
      portfolio,
      staged: {
        report: { ...core, reducedCosts, memberReport: true },
        extras: async () => ({ reducedCosts, diagnosis: null, targetPoints: [] }),
        solves: false,
      },
    };
  }

  // The sections that need extra solves, in the order they always ran: probes, diagnosis, target points.
  const shortfallT = new Map<string, number>();
  for (const d of portfolio.dependency)
    shortfallT.set(
      d.target,
      d.points.reduce((sum, p) => sum + (p.shortfallT ?? 0), 0),
    );
  const values = hasSolution(dualResult) ? dualResult.columnValues : undefined;
  const columnDuals = values ? dualResult.columnDuals : undefined;
  const probes =
    values && columnDuals && dualResult.status === 'optimal' && !model.colInteger.some((v) => v) && (solveOptions.backend === 'highs' || dualsSource)
      ? unbuiltCandidates(instance, model, values, columnDuals)
      : [];
  const needsDiagnosis = result.status === 'infeasible' || (hasSolution(result) && [...shortfallT.values()].some((v) => v > 1e-6));
  const needsTargetPoints = hasSolution(result) && result.status === 'optimal' && instance.targets.length > 0;
  const extras = async (): Promise<ReportExtras> => {
    // Probes: the model forced a little towards each unbuilt candidate (src/solver/highs.ts).
    const probeCosts = probes.length
      ? await probeWithHighs(model, probes, { budgetMs: probeBudgetMs(result.solver.solveMs), timeLimitSeconds: solveOptions.timeLimitSeconds })
      : null;
    const reducedCosts = values && columnDuals ? reducedCostsOf(instance, model, values, columnDuals, probeCosts ?? undefined) : [];
    const diagnosis = needsDiagnosis
      ? await diagnose({
          scenario,
          dataset,
          instance,
          status: result.status === 'infeasible' ? 'infeasible' : 'shortfall',
          shortfallT,
          solveOptions,
          ...(options.diagnosisSolves !== undefined ? { maxSolves: options.diagnosisSolves } : {}),
          ...(options.onProgress ? { onSolve: options.onProgress } : {}),
        })
      : null;
    const targetPoints = needsTargetPoints
      ? await wholePointCosts({
          scenario,
          instance,
          objective: costWithoutTieBreak(model, result.objective!, result.columnValues),
          solveOptions: { ...solveOptions, backend: 'highs' },
          ...(options.onProgress ? { onSolve: () => options.onProgress!(0) } : {}),
        })
      : [];
    return { reducedCosts, diagnosis, targetPoints };
  };
  return { portfolio, staged: { report: core, extras, solves: probes.length > 0 || needsDiagnosis || needsTargetPoints } };
}

/** Validates, loads the scenario's dataset and plans. */
export async function planFromInput(input: unknown, options: PlanOptions = {}): Promise<Portfolio> {
  const scenario = parseScenario(input);
  return planScenario(scenario, loadDataset(scenario.datasetId), options);
}
