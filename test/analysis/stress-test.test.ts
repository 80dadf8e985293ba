/**
 * Stress test on a hand-solved fixture (test/helpers/analysis-fixtures.ts, stressDataset): AA's
 * demand (11, 12.1, 13.31 t in 2027-2029) is served by AA's own magnet plant; the rival sells none.
 * - AA's plant out 2027-2029 (the portfolio relies on it): BB's 12 t/yr is all there is, so 2027 is
 *   served, 2028 is 0.1 t short and 2029 1.31 t. Time-to-survive = 2028 − 2027 = 1 year; time-to-
 *   recover = 2029 + 1 − 2027 = 3 years (2030 is served again); at risk (1 < 3); score 1/3.
 * - BB's plant out 2027-2029 (the portfolio does not use it): nothing changes.
 */
import t from 'tap';
import { planScenario } from '../../src/planner.js';
import { checkDisruption, runStressTest } from '../../src/analysis/stress-test.js';
import { localMembers } from '../../src/services/local-members.js';
import { stressDataset, stressScenario } from '../helpers/analysis-fixtures.js';
import type { Disruption } from '../../src/schemas/analysis.js';

const outage = (id: string, plant: string): Disruption => ({ id, name: id, kind: 'outage', fromYear: 2027, years: 3, plants: [plant] });

t.test('a disruption on a plant the portfolio relies on, and one on a plant it does not', async (t) => {
  const dataset = stressDataset();
  const scenario = stressScenario();
  const portfolio = await planScenario(scenario, dataset, { skipBaseline: true });
  t.equal(portfolio.status, 'optimal');
  t.equal(portfolio.unservedT, 0, 'the portfolio serves all demand');
  const result = await runStressTest(
    {
      portfolios: [{ portfolioId: 'p', scenarioId: 's', scenario, portfolio }],
      disruptions: [outage('aa_out', 'magnet'), outage('bb_out', 'magnet_bb')],
      members: ['AA'],
    },
    localMembers(() => dataset),
  );
  const [relied, idle] = result.portfolios[0]!.disruptions;
  t.equal(relied!.status, 'optimal');
  t.same(
    relied!.unserved.map((u) => [u.country, u.year]),
    [
      ['AA', 2028],
      ['AA', 2029],
    ],
    'short in 2028 and 2029',
  );
  t.ok(Math.abs(relied!.unserved[0]!.tonnes - 0.1) < 1e-6 && Math.abs(relied!.unserved[1]!.tonnes - 1.31) < 1e-6, '0.1 t and 1.31 t');
  t.match(relied!.members[0], { country: 'AA', timeToSurviveYears: 1, timeToRecoverYears: 3, recovered: true, atRisk: true });
  t.ok(Math.abs(relied!.score! - 1 / 3) < 1e-9, 'score 1/3');
  t.ok(relied!.extraCostUsd! > 1.41e6 - 1, 'extra cost at least the unserved penalty');
  t.equal(relied!.riskExposureIndex, 1, 'the worst of the two');

  t.equal(idle!.unservedT, 0, 'the idle plant’s outage leaves demand served');
  t.ok(Math.abs(idle!.extraCostUsd!) < 1e-6, 'at no extra cost');
  t.match(idle!.members[0], { timeToSurviveYears: null, timeToRecoverYears: 0, atRisk: false });
  t.equal(idle!.score, 1);
  t.ok(Math.abs(result.portfolios[0]!.overallScore! - (1 / 3 + 1) / 2) < 1e-9, 'overall: the mean of the scores');
  t.equal(result.portfolios[0]!.worstDisruption, 'aa_out');
  t.same(
    idle!.dependency[0]!.points.map((p) => p.share),
    idle!.dependency[0]!.points.map((p) => p.undisruptedShare),
    'the same trajectory',
  );
});

t.test('disruptions outside the horizon or naming unknown ids are refused by field', async (t) => {
  const dataset = stressDataset();
  const horizon = { startYear: 2026, endYear: 2030 };
  t.same(
    checkDisruption({ ...outage('x', 'magnet'), fromYear: 2031 }, dataset, horizon, 'custom[0]').map((e) => e.path),
    ['custom[0].fromYear'],
  );
  t.same(
    checkDisruption({ ...outage('x', 'magnet'), years: 5 }, dataset, horizon, 'custom[0]').map((e) => e.path),
    ['custom[0].years'],
  );
  t.same(
    checkDisruption(outage('x', 'nope'), dataset, horizon, 'custom[1]').map((e) => e.path),
    ['custom[1].plants[0]'],
  );
  t.same(
    checkDisruption({ id: 'p', name: 'p', kind: 'price', fromYear: 2027, years: 1, products: ['mag'] }, dataset, horizon, 'c').map((e) => e.path),
    ['c.usdPerT'],
  );
});
