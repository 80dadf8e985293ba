/**
 * Resolves a validated scenario against its dataset into an `Instance`: the read-only sets and
 * parameters the formulation reads. Two steps, each in its own file:
 *
 * - `checkScenario` (scenario-check.ts): overrides are merged and re-validated, and every id the
 *   scenario mentions is checked; unknown ids are reported with their JSON path. Storing a
 *   scenario runs only this.
 * - `buildInstance` (instance-build.ts): the instance, from the checked scenario; it checks nothing.
 *
 * After this step nothing downstream re-checks input. A solve resolves its scenario once; its
 * baseline and the variants its report and diagnosis solve are derived from that instance
 * (`baselineInstance`, `variantInstance`) instead of resolving the scenario again.
 */
import type { Dataset } from '../data/schema.js';
import type { Scenario } from '../schemas/scenario.js';
import { buildInstance, type ResolveOptions } from './instance-build.js';
import { checkScenario, parseCustomConstraints, resolveTargets } from './scenario-check.js';
import { ScenarioError, type Instance, type ScenarioIssue } from './instance-types.js';

export * from './instance-types.js';
export { buildInstance, type ResolveOptions } from './instance-build.js';
export { checkScenario, type CheckedScenario } from './scenario-check.js';

export function resolveScenario(scenario: Scenario, dataset: Dataset, options: ResolveOptions = {}): Instance {
  return buildInstance(checkScenario(scenario, dataset), options);
}

/**
 * The no-new-builds baseline of a resolved instance: the same world with no build columns, its
 * targets resolved but not enforced, integers off. Equal, field by field, to resolving the
 * scenario again with `{ noNewBuilds: true, noTargets: true }` and `lumpyBuilds: false` (only
 * those fields depend on the options), without checking or building anything again.
 */
export function baselineInstance(instance: Instance): Instance {
  const scenario = { ...instance.scenario, solver: { ...instance.scenario.solver, lumpyBuilds: false } };
  return { ...instance, scenario, solver: scenario.solver, noNewBuilds: true, targetsEnforced: false, fixedBuilds: null, nearOptimal: null };
}

/** The scenario without the parts `variantInstance` can re-resolve on its own, as text to compare. */
function fixedPart(scenario: Scenario): string {
  const { targets: _targets, constraints: _constraints, solver: _solver, ...rest } = scenario;
  return JSON.stringify(rest);
}

/**
 * The instance of `variant`, a changed copy of the scenario `instance` was resolved from (the
 * probes of a diagnosis, the whole-point target costs). When the variant changes only its
 * targets, its custom constraints or its solver options, only those are resolved again (with
 * their checks) on top of `instance`: the merged records, demand, prices and lanes are reused.
 * Any other change (overrides, budgets, the horizon, …) resolves the variant in full.
 */
export function variantInstance(instance: Instance, variant: Scenario): Instance {
  const original = instance.scenario;
  if (variant === original) return instance;
  if (instance.noNewBuilds) throw new Error("variantInstance: derive a variant from the solve's own instance, not from its baseline");
  if (variant.datasetId !== original.datasetId || fixedPart(variant) !== fixedPart(original)) {
    return resolveScenario(variant, instance.dataset);
  }
  const issues: ScenarioIssue[] = [];
  const sameTargets = JSON.stringify(variant.targets) === JSON.stringify(original.targets);
  const targets = sameTargets ? instance.targets : resolveTargets(variant, instance.dataset, instance.years, issues);
  // Custom constraints read target ids and blocs: parse again when those or the constraints change.
  const vocabularyChanged = !sameTargets && JSON.stringify(targets.map((t) => [t.id, t.bloc])) !== JSON.stringify(instance.targets.map((t) => [t.id, t.bloc]));
  const customConstraints =
    vocabularyChanged || JSON.stringify(variant.constraints) !== JSON.stringify(original.constraints)
      ? parseCustomConstraints(variant, instance.dataset, instance.trusted, targets, issues)
      : instance.customConstraints;
  if (issues.length) throw new ScenarioError(issues);
  return { ...instance, scenario: variant, solver: variant.solver, targets, customConstraints };
}
