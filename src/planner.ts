/**
 * The planning pipeline: scenario JSON → validated scenario → resolved instance → linear model →
 * solve → portfolio. Also solves the "no new builds" baseline (same scenario, soft targets, no
 * build columns) that the dependency trajectory compares against. Pure apart from reading the
 * bundled dataset; the CLI and the service's workers both call it.
 */
import type { Dataset } from './data/schema.js';
import { loadDataset } from './data/load.js';
import { formulate } from './model/formulate.js';
import { ScenarioError, resolveScenario, type Instance } from './model/instance.js';
import { modelStats, type LinearModel } from './model/builder.js';
import { buildPortfolio } from './analysis/portfolio.js';
import { ScenarioSchema, type Backend, type Scenario } from './schemas/scenario.js';
import type { Portfolio } from './schemas/portfolio.js';
import { highsVersion } from './solver/highs.js';
import { JSLP_VERSION } from './solver/jslp.js';
import { solveModel, type SolveOptions, type SolveResult } from './solver/index.js';

/** Validates raw scenario JSON; throws ScenarioError naming every failing field path. */
export function parseScenario(input: unknown): Scenario {
  const parsed = ScenarioSchema.safeParse(input);
  if (!parsed.success) {
    throw new ScenarioError(
      parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.') || '(root)', message: issue.message })),
    );
  }
  return parsed.data;
}

export interface PlanOptions {
  /** Overrides the scenario's backend (CLI flag, API option). */
  backend?: Backend;
  /** Skip the no-new-builds baseline solve (faster; baseline shares come back null). */
  skipBaseline?: boolean;
  /**
   * Called as the plan enters each phase. `fallback`, when given, builds the portfolio to report
   * if this phase overruns and the caller has to abandon it (the service's worker pool sends it
   * ahead, because a terminated worker can no longer build it).
   */
  onPhase?: (phase: PlanPhase, fallback?: () => Portfolio) => void;
}

/** Phases of `planScenario`, in order. */
export type PlanPhase = 'formulating' | 'solving' | 'baseline' | 'reporting';

/** Placeholder message of an overrun outcome; the service replaces it with the limit that was overrun. */
export const OVERRUN_MESSAGE = 'the solve ran past its time limit and the worker was terminated';

export interface FormulatedScenario {
  instance: Instance;
  model: LinearModel;
  buildMs: number;
}

export function formulateScenario(scenario: Scenario, dataset: Dataset, noNewBuilds = false): FormulatedScenario {
  const started = performance.now();
  const base = noNewBuilds
    ? { ...scenario, targets: scenario.targets.map((t) => ({ ...t, hard: false })), solver: { ...scenario.solver, lumpyBuilds: false } }
    : scenario;
  const instance = resolveScenario(base, dataset, { noNewBuilds });
  const model = formulate(instance);
  return { instance, model, buildMs: performance.now() - started };
}

export function solveOptionsFor(scenario: Scenario, backend?: Backend): SolveOptions {
  return {
    backend: backend ?? scenario.solver.backend,
    timeLimitSeconds: scenario.solver.timeLimitSeconds,
    mipRelGap: scenario.solver.mipRelGap,
    algorithm: scenario.solver.algorithm,
  };
}

export async function planScenario(scenario: Scenario, dataset: Dataset, options: PlanOptions = {}): Promise<Portfolio> {
  const onPhase = options.onPhase ?? (() => {});
  onPhase('formulating');
  const { instance, model, buildMs } = formulateScenario(scenario, dataset);
  const solveOptions = solveOptionsFor(scenario, options.backend);
  const version = solveOptions.backend === 'highs' ? await highsVersion() : JSLP_VERSION;
  const overrun = (m: LinearModel): SolveResult => ({
    status: 'time_limit',
    message: OVERRUN_MESSAGE,
    solver: { name: solveOptions.backend, version, solveMs: solveOptions.timeLimitSeconds * 1000 },
    stats: modelStats(m),
  });

  onPhase('solving', () => buildPortfolio({ instance, model, result: overrun(model), buildMs }));
  const result = await solveModel(model, solveOptions);
  let baseline: { model: LinearModel; result: SolveResult } | undefined;
  if (!options.skipBaseline && result.status === 'optimal') {
    const base = formulateScenario(scenario, dataset, true);
    onPhase('baseline', () => buildPortfolio({ instance, model, result, buildMs, baseline: { model: base.model, result: overrun(base.model) } }));
    baseline = { model: base.model, result: await solveModel(base.model, solveOptions) };
  }
  onPhase('reporting');
  return buildPortfolio({ instance, model, result, buildMs, ...(baseline ? { baseline } : {}) });
}

/** Validates, loads the scenario's dataset and plans. */
export async function planFromInput(input: unknown, options: PlanOptions = {}): Promise<Portfolio> {
  const scenario = parseScenario(input);
  return planScenario(scenario, loadDataset(scenario.datasetId), options);
}
