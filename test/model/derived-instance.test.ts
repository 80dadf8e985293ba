/**
 * A solve resolves its scenario once (issue 12): the baseline and the variants its report and
 * diagnosis solve are derived from that instance (`baselineInstance`, `variantInstance`). A
 * derived instance must formulate exactly the model a full resolve of the same scenario gives.
 */
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import type { LinearModel } from '../../src/model/builder.js';
import { formulate } from '../../src/model/formulate.js';
import { baselineInstance, resolveScenario, ScenarioError, variantInstance } from '../../src/model/instance.js';
import { parseScenario } from '../../src/planner.js';
import type { Scenario } from '../../src/schemas/scenario.js';

const dataset = loadDataset('quad-2026');
const raw = JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', 'quad-magnets-50-by-2030.json'), 'utf8')) as Record<string, unknown>;
const CONDITION = 'capacity("IN", "magnet", 2035) >= 0.25 * capacity(bloc("QUAD"), "magnet", 2035)';
const scenario = parseScenario({ ...raw, constraints: [{ id: 'india_quarter', expression: CONDITION }] });
const instance = resolveScenario(scenario, dataset);

/** Every array of the model, so two models compare equal only when they are the same LP. */
function sameModel(t: Test, a: LinearModel, b: LinearModel, what: string) {
  t.equal(a.colNames.length, b.colNames.length, `${what}: as many columns`);
  t.equal(a.rowNames.length, b.rowNames.length, `${what}: as many rows`);
  const same = (x: ArrayLike<unknown>, y: ArrayLike<unknown>) => x.length === y.length && Array.from(x).every((v, i) => Object.is(v, y[i]));
  const keys = ['colNames', 'colCost', 'colUpper', 'colInteger', 'rowNames', 'rowLower', 'rowUpper', 'rowStarts', 'rowIndices', 'rowValues'] as const;
  t.same(
    keys.filter((key) => !same(a[key], b[key])),
    [],
    `${what}: the same model, array by array`,
  );
  t.equal(a.name, b.name, `${what}: the same name`);
}

t.test('the baseline derived from the solve’s instance is the baseline a second resolve gives', async (t) => {
  const lumpy: Scenario = { ...scenario, solver: { ...scenario.solver, lumpyBuilds: true } };
  const solved = resolveScenario(lumpy, dataset);
  const derived = baselineInstance(solved);
  const resolved = resolveScenario({ ...lumpy, solver: { ...lumpy.solver, lumpyBuilds: false } }, dataset, { noNewBuilds: true, noTargets: true });
  t.equal(derived.noNewBuilds, true);
  t.equal(derived.targetsEnforced, false);
  t.equal(derived.solver.lumpyBuilds, false, 'integers off');
  t.equal(derived.plants, solved.plants, 'the plants are the solve’s, not resolved again');
  sameModel(t, formulate(derived), formulate(resolved), 'baseline');
});

t.test('a variant that changes only targets, custom constraints or solver options reuses the instance', async (t) => {
  const variants: Array<[string, Scenario]> = [
    [
      'targets hard from another year',
      {
        ...scenario,
        targets: scenario.targets.map((x, i) => (i === 0 ? { ...x, hard: true, year: 2032 } : { ...x, hard: false })),
        solver: { ...scenario.solver, lumpyBuilds: false },
      },
    ],
    ['a tighter share', { ...scenario, targets: scenario.targets.map((x, i) => (i === 2 ? { ...x, maxUntrustedShare: 0.19 } : x)) }],
    ['a loosened custom constraint', { ...scenario, constraints: [{ id: 'india_quarter', expression: `${CONDITION} - 500` }] }],
    ['no custom constraints', { ...scenario, constraints: [] }],
  ];
  for (const [what, variant] of variants) {
    const derived = variantInstance(instance, variant);
    t.equal(derived.plants, instance.plants, `${what}: records reused`);
    t.equal(derived.scenario, variant, `${what}: the variant is the instance's scenario`);
    sameModel(t, formulate(derived), formulate(resolveScenario(variant, dataset)), what);
  }
  t.equal(variantInstance(instance, scenario), instance, 'the scenario itself is the instance itself');
});

t.test('any other change is resolved in full, and a variant is checked like a scenario', async (t) => {
  const plant = instance.plants.find((p) => p.expansion)!;
  const variant: Scenario = { ...scenario, overrides: { ...scenario.overrides, plants: { [plant.id]: { expansion: { leadTimeYears: 0 } } } } };
  const derived = variantInstance(instance, variant);
  t.not(derived.plants, instance.plants, 'an override is resolved anew');
  t.equal(derived.plants.find((p) => p.id === plant.id)?.expansion?.leadTimeYears, 0, 'with the override applied');
  sameModel(t, formulate(derived), formulate(resolveScenario(variant, dataset)), 'override');
  t.throws(
    () => variantInstance(instance, { ...scenario, targets: scenario.targets.map((x, i) => (i === 0 ? { ...x, year: 2050 } : x)) }),
    ScenarioError,
    'a target year outside the horizon',
  );
  t.throws(
    () => variantInstance(instance, { ...scenario, constraints: [{ id: 'bad', expression: 'capacity("XX", "magnet", 2035) >= 1' }] }),
    ScenarioError,
    'an unknown country in a condition',
  );
});
