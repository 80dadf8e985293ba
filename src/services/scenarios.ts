/**
 * Scenarios: checked against their dataset before they are stored (so a stored scenario can always
 * be solved), identified by the hash of their canonical JSON, listed newest first.
 */
import { checkScenario, ScenarioError } from '../model/instance.js';
import type { Scenario } from '../schemas/scenario.js';
import type { Dataset } from '../data/schema.js';
import { HttpProblem, listPaths, notFound, prefixPath, unprocessable } from '../errors.js';
import type { ScenarioRepository, StoredScenario } from '../store/repository.js';
import type { PageRequest } from '../store/paging.js';
import type { DatasetProvider } from './datasets.js';
import { canonicalJson, sha256 } from './canonical.js';

export type ScenarioService = ReturnType<typeof createScenarioService>;

/** A cursor that decodes to nothing is a client error on the `cursor` field. */
export const badCursor = () =>
  new HttpProblem('validation', 'the request query is not valid: cursor', {
    errors: [{ path: 'cursor', in: 'query', message: 'not a cursor returned by this API' }],
  });

export function createScenarioService(deps: {
  repo: ScenarioRepository;
  datasets: DatasetProvider;
  /** Called before a scenario is deleted, to cancel its queued and running solves. */
  beforeDelete?: (scenarioId: string) => Promise<void>;
  now?: () => Date;
}) {
  const now = deps.now ?? (() => new Date());

  /**
   * Checks every id the scenario mentions against its dataset (`checkScenario`: nothing is built;
   * the solve resolves it once, in its worker). `pathPrefix` places the engine's paths inside the
   * request body (`scenario.` for an inline solve).
   */
  function check(scenario: Scenario, pathPrefix = ''): Dataset {
    const dataset = deps.datasets.get(scenario.datasetId);
    if (!dataset) {
      const known = deps.datasets.ids();
      throw unprocessable('unknown-reference', `the scenario refers to dataset '${scenario.datasetId}', which does not exist`, [
        { path: prefixPath(pathPrefix, 'datasetId'), in: 'body', message: `unknown dataset '${scenario.datasetId}' (known: ${known.join(', ') || 'none'})` },
      ]);
    }
    try {
      checkScenario(scenario, dataset);
    } catch (error) {
      if (!(error instanceof ScenarioError)) throw error;
      const errors = error.issues.map((issue) => ({
        path: prefixPath(pathPrefix, issue.path),
        in: 'body' as const,
        message: issue.message,
        ...(issue.position !== undefined ? { position: issue.position } : {}),
        ...(issue.expected !== undefined ? { expected: issue.expected } : {}),
      }));
      throw unprocessable('unknown-reference', `the scenario does not fit dataset '${scenario.datasetId}': ${listPaths(errors.map((e) => e.path))}`, errors);
    }
    return dataset;
  }

  return {
    check,

    /** Stores the scenario unless the same content is already stored; `created` says which. */
    async create(scenario: Scenario, pathPrefix = '', owner?: { keyId: string; quota: number }): Promise<{ scenario: StoredScenario; created: boolean }> {
      check(scenario, pathPrefix);
      const body = canonicalJson(scenario);
      const id = sha256(body);
      // The storage quota counts what a key stored first; content already stored costs nothing.
      if (owner && !(await deps.repo.findById(id))) {
        const stored = await deps.repo.countByOwner(owner.keyId);
        if (stored >= owner.quota) {
          throw new HttpProblem(
            'quota-exceeded',
            `this API key has stored ${stored} scenarios, its quota (SCENARIO_QUOTA_PER_KEY=${owner.quota}); delete some first`,
          );
        }
      }
      return deps.repo.insertIfAbsent({
        id,
        name: scenario.name,
        datasetId: scenario.datasetId,
        body,
        createdAt: now().toISOString(),
        ownerKeyId: owner?.keyId ?? null,
      });
    },

    async get(id: string): Promise<StoredScenario> {
      const found = await deps.repo.findById(id);
      if (!found) throw notFound('scenario', id);
      return found;
    },

    async list(page: PageRequest) {
      const result = await deps.repo.list(page);
      if (!result) throw badCursor();
      return result;
    },

    async delete(id: string): Promise<void> {
      if (!(await deps.repo.findById(id))) throw notFound('scenario', id);
      await deps.beforeDelete?.(id);
      await deps.repo.delete(id);
    },
  };
}
