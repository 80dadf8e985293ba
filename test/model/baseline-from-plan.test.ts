/**
 * The no-new-builds baseline cut from the plan's formulation (`formulateWithBaseline`, issue 13)
 * is the model a separate `formulate(baselineInstance(instance))` makes: the same columns (names,
 * bounds, costs), the same rows (names, bounds, terms), up to the order they come in; and the
 * same optimum (1e-9) on every shipped scenario. The plan's model is unchanged by recording it.
 * Covered too: generated S and M instances, and the tiny dataset with builds that come online in
 * the horizon, budgets, targets, custom constraints, lumpy builds, a stockpile and recycling.
 */
import t, { type Test } from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import { formulate, formulateWithBaseline } from '../../src/model/formulate.js';
import { baselineInstance, resolveScenario, type Instance } from '../../src/model/instance.js';
import { parseScenario, planScenario } from '../../src/planner.js';
import { solveModel } from '../../src/solver/index.js';
import { generateInstance } from '../../bench/generator.js';
import { featureFixture, recyclingDataset, tinyScenario } from '../helpers/tiny-dataset.js';
import { canonicalModel, modelHash } from '../helpers/model-hash.js';

const highs = { backend: 'highs' as const, timeLimitSeconds: 120, mipRelGap: 1e-9, algorithm: 'simplex' as const };

async function check(t: Test, label: string, instance: Instance, solve: boolean) {
  const both = formulateWithBaseline(instance);
  t.equal(modelHash(both.model), modelHash(formulate(instance)), `${label}: the plan's model is the one formulate makes`);
  const cut = both.baseline();
  if (!cut) return t.fail(`${label}: the baseline could be cut from the plan`);
  const separate = formulate(baselineInstance(instance));
  const [a, b] = [canonicalModel(cut), canonicalModel(separate)];
  t.same(a.cols, b.cols, `${label}: same baseline columns (${a.cols.length})`);
  t.same(a.rows, b.rows, `${label}: same baseline rows (${a.rows.length})`);
  t.equal(both.baseline(), cut, `${label}: cut once`);
  if (!solve) return;
  const [x, y] = [await solveModel(cut, highs), await solveModel(separate, highs)];
  t.equal(x.status, y.status, `${label}: same status`);
  if (y.status === 'optimal') {
    const relative = Math.abs(x.objective! - y.objective!) / Math.max(1, Math.abs(y.objective!));
    t.ok(relative <= 1e-9, `${label}: same optimum`, { cut: x.objective, separate: y.objective, relative });
  }
}

t.test('every shipped scenario on its dataset: the same baseline model and optimum', async (t) => {
  const dir = join(projectRoot(), 'models', 'scenarios');
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const input = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    await check(t, file, resolveScenario(parseScenario(input), loadDataset(input.datasetId)), true);
  }
});

t.test('generated S and M', async (t) => {
  for (const size of ['S', 'M'] as const) {
    const g = generateInstance(size, 1);
    await check(t, `generated ${size}`, resolveScenario(parseScenario(g.scenario), g.dataset), size === 'S');
  }
});

t.test('builds, budgets, targets, custom constraints, lumpy builds and a stockpile', async (t) => {
  for (const lumpyBuilds of [false, true]) {
    const fixture = featureFixture(lumpyBuilds, 2028);
    const { dataset } = fixture;
    const scenario = parseScenario(fixture.scenario);
    await check(t, `tiny, lumpy ${lumpyBuilds}`, resolveScenario(scenario, dataset), true);
  }
});

t.test('recycling with and without existing capacity, and a recycler that only new builds bring', async (t) => {
  for (const existing of [100, 0]) {
    const dataset = recyclingDataset(existing, {
      capexUsdPerTpa: 50,
      maxSizeTpa: 100,
      minSizeTpa: 0,
      leadTimeYears: 1,
      earliestStartYear: 2026,
      lifetimeYears: 10,
    });
    const scenario = parseScenario(tinyScenario({ horizon: { startYear: 2026, endYear: 2028 }, recycling: { enabled: true } }));
    await check(t, `recycling, existing ${existing}`, resolveScenario(scenario, dataset), true);
  }
});

t.test("the planner's baseline (cut from the plan) has the cost and shares of a separately formulated one", async (t) => {
  const input = JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', 'small-us-magnets-2030.json'), 'utf8'));
  const dataset = loadDataset(input.datasetId);
  const scenario = parseScenario(input);
  const portfolio = await planScenario(scenario, dataset);
  const separate = await solveModel(formulate(baselineInstance(resolveScenario(scenario, dataset))), { ...highs, algorithm: scenario.solver.algorithm });
  t.equal(portfolio.baseline.status, 'optimal');
  const relative = Math.abs(portfolio.baseline.totalCostUsd! - separate.objective!) / Math.abs(separate.objective!);
  t.ok(relative <= 1e-9, 'same baseline cost', { planner: portfolio.baseline.totalCostUsd, separate: separate.objective });
  t.ok(
    portfolio.dependency.every((d) => d.points.every((p) => p.baselineShare !== null)),
    'baseline shares are read from the cut model (its names and columns)',
  );
});
