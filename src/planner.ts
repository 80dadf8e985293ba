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
import type { LinearModel } from './model/builder.js';
import { buildPortfolio } from './analysis/portfolio.js';
import { ScenarioSchema, type Backend, type Scenario } from './schemas/scenario.js';
import type { Portfolio } from './schemas/portfolio.js';
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
}

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
  const { instance, model, buildMs } = formulateScenario(scenario, dataset);
  const solveOptions = solveOptionsFor(scenario, options.backend);
  const result = await solveModel(model, solveOptions);
  let baseline: { model: LinearModel; result: SolveResult } | undefined;
  if (!options.skipBaseline && result.status === 'optimal') {
    const base = formulateScenario(scenario, dataset, true);
    baseline = { model: base.model, result: await solveModel(base.model, solveOptions) };
  }
  return buildPortfolio({ instance, model, result, buildMs, ...(baseline ? { baseline } : {}) });
}

/** Validates, loads the scenario's dataset and plans. */
export async function planFromInput(input: unknown, options: PlanOptions = {}): Promise<Portfolio> {
  const scenario = parseScenario(input);
  return planScenario(scenario, loadDataset(scenario.datasetId), options);
}
