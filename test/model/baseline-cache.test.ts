/**
 * The no-new-builds baseline is solved once per dataset and target-free scenario (issue 13): a
 * second solve of the same scenario, or of a variant that moves only its targets, reuses it, and
 * its shares and cost are those of a cold solve. A change the baseline depends on (a price
 * override) is a new key.
 */
import t from 'tap';
import { keptBaselines, parseScenario, planScenario } from '../../src/planner.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

t.test('a target-only variant reuses the baseline and reports the same baseline figures as a cold solve', async (t) => {
  const target = (maxUntrustedShare: number) => ({ targets: [{ bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare }] });
  const scenario = parseScenario(tinyScenario(target(0.8)));
  const tighter = parseScenario(tinyScenario(target(0.4)));

  const warmData = tinyDataset();
  await planScenario(scenario, warmData);
  t.equal(keptBaselines(warmData), 1, 'the first solve keeps its baseline');
  const warm = await planScenario(tighter, warmData);
  t.equal(keptBaselines(warmData), 1, 'the target-only variant found it: nothing new kept');

  const cold = await planScenario(tighter, tinyDataset());
  t.equal(warm.baseline.status, 'optimal');
  t.equal(warm.baseline.totalCostUsd, cold.baseline.totalCostUsd, 'same baseline cost');
  t.same(
    warm.dependency.map((d) => d.points.map((p) => p.baselineShare)),
    cold.dependency.map((d) => d.points.map((p) => p.baselineShare)),
    'same baseline shares, read for the new targets',
  );
  t.same(
    warm.dependency.map((d) => d.points.map((p) => p.limit)),
    cold.dependency.map((d) => d.points.map((p) => p.limit)),
    'the new limits are reported',
  );
});

t.test('a change the baseline depends on is solved anew', async (t) => {
  const data = tinyDataset();
  await planScenario(parseScenario(tinyScenario()), data);
  await planScenario(parseScenario({ ...tinyScenario(), discountRate: 0.03 }), data);
  t.equal(keptBaselines(data), 2, 'another discount rate is another baseline');
});
