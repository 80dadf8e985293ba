/**
 * Comparisons that explain, on the frontier fixture (test/helpers/analysis-fixtures.ts; costs per
 * tonne of magnets for AA: rival 1,010.01, AA's own plant 2,000 for at most 6 t, BB's 3,015). Before:
 * AA's untrusted share ≤ 100 %; after: ≤ 20 % and AA's magnet opex 1,400 → 1,500 USD/t. By hand:
 *   v(∅) = 10 × 1,010.01 = 10,100.1               v(opex) = 10,100.1 (AA's plant idle)
 *   v(target) = 6 × 2,000 + 2 × 3,015 + 2 × 1,010.01 = 20,050.02
 *   v(both)   = 6 × 2,100 + 2 × 3,015 + 2 × 1,010.01 = 20,650.02
 * Shapley: target ½(9,949.92 + 10,549.92) = 10,249.92, opex ½(0 + 600) = 300; sum 10,549.92 = the
 * whole difference. One at a time in path order (opex first): 0 and 10,549.92 — the same sum,
 * a different split. (Tie-break terms of the trusted shipments add < 0.01 USD.)
 */
import t from 'tap';
import { diffInputs, formatPath, runExplain } from '../../src/analysis/explain.js';
import { planScenario } from '../../src/planner.js';
import { localMembers } from '../../src/services/local-members.js';
import { frontierDataset, frontierScenario } from '../helpers/analysis-fixtures.js';

const close = (a: number, b: number) => Math.abs(a - b) < 0.01;

t.test('the parts sum to the whole, Shapley and one at a time, as solved by hand', async (t) => {
  const dataset = frontierDataset();
  const before = frontierScenario();
  const after = structuredClone(before);
  after.name = 'after';
  after.targets[0]!.maxUntrustedShare = 0.2;
  after.overrides.plants = { magnet: { variableOpexUsdPerT: 1500 } };
  const changes = diffInputs(before, after);
  t.same(
    changes.map((c) => formatPath(c.path)),
    ['overrides.plants.magnet', 'targets[0].maxUntrustedShare'],
    'the input difference as JSON paths (the name left out)',
  );
  t.same(
    changes.map((c) => [c.before, c.after]),
    [
      [undefined, { variableOpexUsdPerT: 1500 }],
      [1, 0.2],
    ],
  );
  const solved = async (s: typeof before) => ({ portfolioId: 'x', scenario: s, portfolio: await planScenario(s, dataset, { skipBaseline: true }) });
  const input = { before: await solved(before), after: await solved(after) };

  const shapley = await runExplain(
    { ...input, method: 'shapley' },
    localMembers(() => dataset),
  );
  t.equal(shapley.solves, 4, '2^2 subsets');
  t.ok(close(shapley.beforeCostUsd!, 10100.1) && close(shapley.afterCostUsd!, 20650.02), 'the end points');
  t.ok(close(shapley.parts[1]!.usd, 10249.92), `target: ${shapley.parts[1]!.usd}`);
  t.ok(close(shapley.parts[0]!.usd, 300), `opex: ${shapley.parts[0]!.usd}`);
  t.ok(Math.abs(shapley.residualUsd!) < 1e-6, 'the parts sum to the total difference');
  t.ok(close(shapley.totalDifferenceUsd!, shapley.storedDifferenceUsd!), 'which is the stored portfolios’ difference');
  const categories = Object.values(shapley.parts[0]!.byCategory).reduce((a, b) => a + b, 0);
  t.ok(close(categories, shapley.parts[0]!.usd), 'a part splits into categories that sum to it');

  const oat = await runExplain(
    { ...input, method: 'one_at_a_time' },
    localMembers(() => dataset),
  );
  t.equal(oat.solves, 3, 'n + 1 solves');
  t.ok(close(oat.parts[0]!.usd, 0) && close(oat.parts[1]!.usd, 10549.92), 'opex first: 0, then the target takes it all');
  t.ok(Math.abs(oat.residualUsd!) < 1e-6, 'the parts sum to the total difference');
});
