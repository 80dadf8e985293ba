/**
 * The frontier on a hand-solved fixture. Market AA needs 10 t of magnets a year (one year, no
 * discounting). Untrusted magnets from the rival cost 1,000 USD/t + 10 transport + 0.01 origin
 * tie-break = 1,010.01. Trusted magnets: AA's own chain (mine 100 + separation 50 per t TREO, 3⅓ t
 * TREO per t of magnet = 500; metal 200 × 0.5 t = 100; magnet 1,400) = 2,000 USD/t, for at most 6 t;
 * beyond that BB's plant: the same 600 upstream + 5 (metal shipped AA → BB) + 2,400 + 10 (magnets
 * BB → AA) = 3,015 USD/t. A limit L on AA's untrusted share needs (1 − L) × 10 t trusted, so:
 *   L ≥ 0.4: cost rises 10 × (2,000 − 1,010.01) / 100 = 98.9999 USD per point;
 *   L ≤ 0.4: 10 × (3,015 − 1,010.01) / 100 = 200.4990 USD per point; the knee is at L = 0.4.
 */
import t from 'tap';
import { frontierResult, frontierMembers, checkFrontier, runFrontier } from '../../src/analysis/frontier.js';
import { localMembers } from '../../src/services/local-members.js';
import { frontierDataset, frontierScenario } from '../helpers/analysis-fixtures.js';

t.test('breakpoints, slopes and the knee as solved by hand', async (t) => {
  const dataset = frontierDataset();
  const input = { scenario: frontierScenario(), from: 1, to: 0, points: 6 };
  t.same(checkFrontier(input), []);
  const members = frontierMembers(input);
  t.same(
    members.map((m) => m.scenario.targets[0]!.maxUntrustedShare),
    [1, 0.8, 0.6, 0.4, 0.2, 0],
    'loosest first',
  );
  const result = await runFrontier(
    input,
    localMembers(() => dataset),
  );
  t.ok(
    result.points.every((p) => p.status === 'optimal'),
    'every point solved',
  );
  const slopes = result.points.slice(1).map((p) => p.costPerPointUsd!);
  for (const [i, s] of slopes.entries()) {
    const hand = i < 3 ? 98.9999 : 200.499;
    t.ok(Math.abs(s - hand) < 1e-3, `step ${i + 1}: ${s} USD per point, by hand ${hand}`);
  }
  t.equal(result.knees.length, 1, 'one knee');
  t.equal(result.knees[0]!.limit, 0.4, 'where AA’s own plant is full');
  t.same(result.points[4]!.bindingTargets, [{ target: 'aa_mag', years: [2026] }], 'the target binds below the loosest point');
  t.ok(result.monotone, 'cost never falls as the limit tightens');
  const costs = result.points.map((p) => p.totalCostUsd!);
  t.ok(
    costs.every((c, i) => i === 0 || c >= costs[i - 1]! - 1e-6),
    'and the costs say so',
  );
});

t.test('a falling cost is not called monotone; bad requests name their fields', async (t) => {
  const input = { scenario: frontierScenario(), from: 0.5, to: 0, points: 2 };
  const fake = (cost: number) => ({
    label: 'x',
    scenarioId: null,
    jobId: null,
    portfolioId: null,
    status: 'done' as const,
    error: null,
    report: null,
    portfolio: { status: 'optimal', totalCostUsd: cost, builds: [], dependency: [] } as never,
  });
  t.notOk(frontierResult(input, [fake(10), fake(5)]).monotone);
  t.ok(frontierResult(input, [fake(5), fake(10)]).monotone);
  t.same(
    checkFrontier({ ...input, from: 1.5 }).map((e) => e.path),
    ['from'],
  );
  t.same(
    checkFrontier({ ...input, to: -0.1 }).map((e) => e.path),
    ['to'],
  );
  t.same(
    checkFrontier({ ...input, targets: ['nope'] }).map((e) => e.path),
    ['targets[0]'],
  );
});
