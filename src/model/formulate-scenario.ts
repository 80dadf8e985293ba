/**
 * A scenario to a linear model: resolve it against its dataset (src/model/instance.ts), then
 * formulate (src/model/formulate.ts), timing both. The planner, the diagnosis and the whole-point
 * target costs all formulate through here, so the analysis depends on the model, not on the
 * planner. Pure: no I/O, no solver.
 */
import type { Dataset } from '../data/schema.js';
import type { Scenario } from '../schemas/scenario.js';
import type { LinearModel } from './builder.js';
import { formulate, formulateWithBaseline, type FormulateOptions } from './formulate.js';
import { baselineInstance, resolveScenario, variantInstance, type Instance } from './instance.js';

export interface FormulatedScenario {
  instance: Instance;
  model: LinearModel;
  /** Milliseconds spent resolving (when this call resolved) and formulating. */
  buildMs: number;
  /**
   * With `formulatePlan(…, { baseline: true })`: the no-new-builds baseline cut from this
   * formulation (undefined when it cannot be cut: formulate `baselineInstance(instance)` then).
   */
  baseline?: () => LinearModel | undefined;
}

/** Formulates an instance that is already resolved. */
export function formulateInstance(instance: Instance, started = performance.now(), options: FormulateOptions = {}): FormulatedScenario {
  const model = formulate(instance, options);
  return { instance, model, buildMs: performance.now() - started };
}

/**
 * Resolves and formulates a scenario; with `noNewBuilds`, its baseline: the target-free,
 * no-new-builds world of existing and committed capacity only, no dependency targets (a
 * penalised baseline would show what the penalties buy, not today's world), integers off.
 */
export function formulateScenario(scenario: Scenario, dataset: Dataset, noNewBuilds = false, options: FormulateOptions = {}): FormulatedScenario {
  const started = performance.now();
  const instance = resolveScenario(scenario, dataset);
  return formulateInstance(noNewBuilds ? baselineInstance(instance) : instance, started, options);
}

/**
 * Resolves and formulates a plan; with `baseline`, also records its no-new-builds baseline so the
 * baseline is cut from the same formulation (`formulateWithBaseline`) instead of formulated again.
 */
export function formulatePlan(scenario: Scenario, dataset: Dataset, options: { readonly baseline: boolean }): FormulatedScenario {
  if (!options.baseline) return formulateScenario(scenario, dataset);
  const started = performance.now();
  const instance = resolveScenario(scenario, dataset);
  const { model, baseline } = formulateWithBaseline(instance);
  return { instance, model, buildMs: performance.now() - started, baseline };
}

/**
 * Formulates `variant`, a changed copy of the scenario `instance` was resolved from, reusing what
 * the change leaves alone (`variantInstance`). The diagnosis's probes and the whole-point target
 * costs pass `{ originSplit: ANALYSIS_ORIGIN_SPLIT }` (src/model/origin-split.ts).
 */
export function formulateVariant(instance: Instance, variant: Scenario, options: FormulateOptions = {}): FormulatedScenario {
  const started = performance.now();
  return formulateInstance(variantInstance(instance, variant), started, options);
}
