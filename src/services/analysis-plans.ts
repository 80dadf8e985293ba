/**
 * From a validated request body to an analysis plan: the stored scenario it is about, how many
 * member solves it may need, and the pure analysis to run. Every check that can fail on the
 * request happens here, before anything is stored or queued (422 naming the field).
 */
import type { Dataset } from '../data/schema.js';
import { notFound, type FieldError } from '../errors.js';
import type { AlternativesRequest, Disruption, ExplainedComparisonResult, FrontierRequest, StressTestRequest } from '../schemas/analysis.js';
import type { MemberOptions } from '../schemas/analysis.js';
import { attributionSolves, diffInputs, runExplain, SHAPLEY_MAX_CHANGES, toInputChanges } from '../analysis/explain.js';
import { comparePortfolios } from './compare.js';
import { checkAlternatives, DEFAULT_ITERATIONS, plannedAlternativeSolves, quantityId, runAlternatives } from '../analysis/alternatives.js';
import type { PortfolioRepository, StoredScenario } from '../store/repository.js';
import { checkDisruption, defaultMembers, runStressTest, type StressedPortfolio } from '../analysis/stress-test.js';
import { libraryFor } from '../analysis/disruption-library.js';
import { checkFrontier, runFrontier, sweptTargets } from '../analysis/frontier.js';
import type { AnalysisPlan } from './analyses.js';
import { rejectRequest } from './analyses.js';
import type { ScenarioService } from './scenarios.js';
import type { DatasetProvider } from './datasets.js';

export interface PlanDeps {
  scenarios: ScenarioService;
  datasets: DatasetProvider;
  portfolios: PortfolioRepository;
}

/** A stored optimal portfolio with its scenario and dataset, or the problem on the request field. */
async function portfolioField(
  deps: PlanDeps,
  id: string,
  path: string,
  errors: FieldError[],
): Promise<(StressedPortfolio & { dataset: Dataset; stored: StoredScenario }) | null> {
  const found = await deps.portfolios.findById(id);
  if (!found) {
    errors.push({ path, in: 'body', message: `portfolio '${id}' does not exist` });
    return null;
  }
  if (found.portfolio.status !== 'optimal') {
    errors.push({ path, in: 'body', message: `portfolio '${id}' is not optimal (${found.portfolio.status}): it has no builds to fix` });
    return null;
  }
  const stored = await deps.scenarios.get(found.scenarioId).catch(() => null);
  const dataset = stored ? deps.datasets.get(stored.datasetId) : null;
  if (!stored || !dataset) {
    errors.push({ path, in: 'body', message: `the scenario or dataset of portfolio '${id}' is no longer available` });
    return null;
  }
  return { portfolioId: found.id, scenarioId: stored.id, scenario: stored.scenario, portfolio: found.portfolio, dataset, stored };
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

export async function stressTestPlan(deps: PlanDeps, request: StressTestRequest): Promise<AnalysisPlan> {
  const errors: FieldError[] = [];
  const first = await portfolioField(deps, request.portfolioId, 'portfolioId', errors);
  const second = request.compareWith ? await portfolioField(deps, request.compareWith, 'compareWith', errors) : null;
  if (!first) rejectRequest('stress test', errors);
  const dataset = first.dataset;
  if (second && second.dataset.meta.id !== dataset.meta.id)
    errors.push({
      path: 'compareWith',
      in: 'body',
      message: `portfolio '${second.portfolioId}' is on dataset '${second.dataset.meta.id}', not '${dataset.meta.id}'`,
    });
  const library = libraryFor(dataset.meta.id);
  const disruptions: Disruption[] = [];
  const chosen = request.disruptions ?? (request.custom?.length ? [] : library.map((d) => d.id));
  chosen.forEach((id, i) => {
    const d = library.find((x) => x.id === id);
    if (!d)
      errors.push({
        path: `disruptions[${i}]`,
        in: 'body',
        message: `no disruption '${id}' in the library of dataset '${dataset.meta.id}' (it has: ${library.map((x) => x.id).join(', ') || 'none'})`,
      });
    else disruptions.push(d);
  });
  request.custom?.forEach((d, i) => {
    if (disruptions.some((x) => x.id === d.id)) errors.push({ path: `custom[${i}].id`, in: 'body', message: `disruption id '${d.id}' is already used` });
    for (const p of [first, ...(second ? [second] : [])]) errors.push(...checkDisruption(d, dataset, p.portfolio.horizon, `custom[${i}]`));
    disruptions.push(d);
  });
  // Library entries can fall outside a short horizon too.
  chosen.forEach((id, i) => {
    const d = library.find((x) => x.id === id);
    if (d)
      for (const p of [first, ...(second ? [second] : [])])
        errors.push(...checkDisruption(d, dataset, p.portfolio.horizon, `disruptions[${i}]`).map((e) => ({ ...e, path: `disruptions[${i}]` })));
  });
  if (!disruptions.length && !errors.length)
    errors.push({ path: 'disruptions', in: 'body', message: `no disruptions to run (dataset '${dataset.meta.id}' has no library; give custom ones)` });
  const countries = new Set(dataset.countries.map((c) => c.id));
  request.members?.forEach((c, i) => countries.has(c) || errors.push({ path: `members[${i}]`, in: 'body', message: `unknown country '${c}'` }));
  const unique = new Map(errors.map((e) => [`${e.path}|${e.message}`, e]));
  if (unique.size) rejectRequest('stress test', [...unique.values()]);
  const portfolios = [first, ...(second ? [second] : [])];
  const members = request.members ?? defaultMembers(first.scenario, dataset);
  const input = { portfolios: portfolios.map(({ dataset: _d, stored: _s, ...p }) => p), disruptions, members };
  return {
    kind: 'stress_test',
    base: first.stored,
    request: { ...request, disruptions: disruptions.map((d) => d.id), members },
    plannedSolves: portfolios.length * (disruptions.length + 1),
    capPath: request.custom?.length && !request.disruptions ? 'custom' : 'disruptions',
    options: request.options ?? {},
    run: (solve) => runStressTest(input, solve),
  };
}

export async function alternativesPlan(deps: PlanDeps, request: AlternativesRequest): Promise<AnalysisPlan> {
  const { stored, dataset } = await scenarioField(deps, request.scenarioId, 'scenarioId');
  const input = {
    scenario: stored.scenario,
    slacks: request.slacks,
    quantities: request.quantities,
    senses: request.senses ?? (['min', 'max'] as Array<'min' | 'max'>),
    maxIterations: request.maxIterations ?? DEFAULT_ITERATIONS,
  };
  const errors = checkAlternatives(input, dataset);
  if (errors.length) rejectRequest('alternatives', errors);
  return {
    kind: 'alternatives',
    base: stored,
    request: {
      ...request,
      senses: input.senses,
      maxIterations: input.maxIterations,
      quantities: request.quantities.map((q, i) => ({ ...q, id: quantityId(q, i) })),
    },
    plannedSolves: plannedAlternativeSolves(input),
    capPath: 'quantities',
    options: request.options ?? {},
    run: (solve) => runAlternatives(input, solve),
  };
}

export async function explainPlan(
  deps: PlanDeps,
  request: { portfolioIds: string[]; attribution: 'auto' | 'shapley' | 'one_at_a_time'; options?: MemberOptions | undefined },
): Promise<AnalysisPlan> {
  const errors: FieldError[] = [];
  if (request.portfolioIds.length !== 2)
    rejectRequest('comparison', [{ path: 'portfolioIds', in: 'body', message: 'an attribution compares exactly two portfolios (before, after)' }]);
  const before = await portfolioField(deps, request.portfolioIds[0]!, 'portfolioIds[0]', errors);
  const after = await portfolioField(deps, request.portfolioIds[1]!, 'portfolioIds[1]', errors);
  if (!before || !after) rejectRequest('comparison', errors);
  if (before.dataset.meta.id !== after.dataset.meta.id) {
    rejectRequest('comparison', [
      {
        path: 'portfolioIds[1]',
        in: 'body',
        message: `the portfolios are on different datasets ('${before.dataset.meta.id}', '${after.dataset.meta.id}'): no attribution`,
      },
    ]);
  }
  const changes = diffInputs(before.scenario, after.scenario);
  const method = request.attribution === 'auto' ? (changes.length <= SHAPLEY_MAX_CHANGES ? 'shapley' : 'one_at_a_time') : request.attribution;
  const input = { before, after, method } as const;
  return {
    kind: 'comparison',
    base: before.stored,
    request: { ...request, attribution: method },
    plannedSolves: changes.length ? attributionSolves(changes.length, method) : 0,
    capPath: 'attribution',
    options: request.options ?? {},
    run: async (solve): Promise<ExplainedComparisonResult> => {
      const attribution = await runExplain(input, solve);
      const comparison = comparePortfolios([before, after].map((p) => ({ id: p.portfolioId, scenarioId: p.scenarioId, portfolio: p.portfolio })));
      return {
        inputDifference: toInputChanges(changes),
        costDifference: comparison.costBreakdown.map((c) => ({
          category: c.category,
          beforeUsd: c.values[0]!.usd,
          afterUsd: c.values[1]!.usd,
          deltaUsd: c.values[1]!.deltaUsd,
        })),
        decisionDifference: comparison.buildDifferences,
        attribution,
      };
    },
  };
}

export { notFound };
