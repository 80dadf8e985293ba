/**
 * From a validated request body to an analysis plan: the stored scenario it is about, how many
 * member solves it may need, and the pure analysis to run. Every check that can fail on the
 * request happens here, before anything is stored or queued (422 naming the field).
 */
import type { Dataset } from '../data/schema.js';
import { notFound, type FieldError } from '../errors.js';
import type { FrontierRequest } from '../schemas/analysis.js';
import type { StoredScenario } from '../store/repository.js';
import { checkFrontier, runFrontier, sweptTargets } from '../analysis/frontier.js';
import type { AnalysisPlan } from './analyses.js';
import { rejectRequest } from './analyses.js';
import type { ScenarioService } from './scenarios.js';
import type { DatasetProvider } from './datasets.js';

export interface PlanDeps {
  scenarios: ScenarioService;
  datasets: DatasetProvider;
}

/** The stored scenario a request names; unknown → 422 on the field (it is part of the body). */
export async function scenarioField(deps: PlanDeps, id: string, path: string): Promise<{ stored: StoredScenario; dataset: Dataset }> {
  try {
    const stored = await deps.scenarios.get(id);
    const dataset = deps.datasets.get(stored.datasetId);
    if (!dataset) rejectRequest('analysis', [{ path, in: 'body', message: `the scenario's dataset '${stored.datasetId}' is not available` }]);
    return { stored, dataset };
  } catch (error) {
    if ((error as { status?: number }).status === 404) rejectRequest('analysis', [{ path, in: 'body', message: `scenario '${id}' does not exist` }]);
    throw error;
  }
}

export async function frontierPlan(deps: PlanDeps, request: FrontierRequest): Promise<AnalysisPlan> {
  const { stored } = await scenarioField(deps, request.scenarioId, 'scenarioId');
  const input = { scenario: stored.scenario, targets: request.targets, from: request.from, to: request.to, points: request.points };
  const errors: FieldError[] = checkFrontier(input);
  if (errors.length) rejectRequest('frontier', errors);
  return {
    kind: 'frontier',
    base: stored,
    request: { ...request, targets: sweptTargets(input) },
    plannedSolves: request.points,
    capPath: 'points',
    options: request.options ?? {},
    run: (solve) => runFrontier(input, solve),
  };
}

export { notFound };
