/**
 * Tiny cases solved by hand. Each asserts the optimum to 1e-6 relative, re-verifies the solution
 * from the returned values, and checks that both backends agree.
 */
import t, { type Test } from 'tap';
import { parseScenario, planScenario } from '../../src/planner.js';
import type { Dataset } from '../../src/data/schema.js';
import type { Portfolio } from '../../src/schemas/portfolio.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const close = (actual: number | null, expected: number, tolerance = 1e-6) =>
  actual !== null && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));

async function solveBoth(t: Test, scenario: Record<string, unknown>, dataset: Dataset): Promise<Portfolio> {
  const parsed = parseScenario(scenario);
  const highs = await planScenario(parsed, dataset, { backend: 'highs' });
  const jslp = await planScenario(parsed, dataset, { backend: 'javascript-lp-solver' });
  t.equal(highs.status, 'optimal', 'HiGHS solves it');
  t.equal(jslp.status, 'optimal', 'javascript-lp-solver solves it');
  t.ok(close(jslp.totalCostUsd, highs.totalCostUsd ?? NaN), `backends agree (${highs.totalCostUsd} vs ${jslp.totalCostUsd})`);
  for (const p of [highs, jslp]) {
    t.ok((p.verification?.maxRelativeViolation ?? 1) <= 1e-6, `${p.solver.name}: every row holds when recomputed`, { worst: p.verification?.worst });
  }
  return highs;
}

t.test('one source → one plant per stage → demand', async (t) => {
  const p = await solveBoth(t, tinyScenario(), tinyDataset());
  // 10 t magnets need 5 t metal, 6 t oxide, 6 / (0.2 · 0.9) t TREO of feed.
  const feed = 6 / 0.18;
  t.ok(close(p.totalCostUsd, feed * (100 + 50) + 5 * 200 + 10 * 1000), `cost ${p.totalCostUsd}`);
  t.equal(p.builds.length, 0, 'nothing to build');
});

t.test('a lead time forces an earlier build', async (t) => {
  // No magnet capacity; a build takes 2 years; China stops selling magnets from 2028.
  const dataset = tinyDataset({
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 0 },
        expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 2, earliestStartYear: 2026, lifetimeYears: 1 },
      },
    },
  });
  const scenario = tinyScenario({
    horizon: { startYear: 2026, endYear: 2028 },
    overrides: { exportControls: [{ products: ['mag'], fromYear: 2028 }] },
  });
  const p = await solveBoth(t, scenario, dataset);
  t.equal(p.builds.length, 1, 'one build');
  t.match(p.builds[0], { plant: 'magnet', buildYear: 2026, onlineYear: 2028 });
  t.ok(close(p.builds[0]?.capacityTpa ?? 0, 10), 'sized to 2028 demand');
  const feed = 6 / 0.18;
  // 2026-27: buy 10 t magnets at 1e5 + 10 transport; 2028: make them; capex 10 · 100 (discount rate 0).
  const expected = 2 * 10 * (1e5 + 10) + 10 * 100 + feed * 150 + 5 * 200 + 10 * 1000;
  t.ok(close(p.totalCostUsd, expected), `cost ${p.totalCostUsd} vs ${expected}`);
  t.equal(p.unservedT, 0, 'nothing unserved');
});

t.test('a binding budget limits the build', async (t) => {
  // Building is cheaper than buying, but every build must be fully publicly funded and the only
  // funder has 500 USD: 5 t/yr of capacity at 100 USD per t/yr.
  const dataset = tinyDataset({
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 0 },
        expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 1 },
      },
    },
  });
  const scenario = tinyScenario({ capexPublicShare: 1, budgets: [{ funder: 'fund_a', totalUsd: 500 }] });
  const p = await solveBoth(t, scenario, dataset);
  t.ok(close(p.builds[0]?.capacityTpa ?? 0, 5), 'builds what the budget pays for');
  t.ok(close(p.builds[0]?.funding[0]?.usd ?? 0, 500), 'funded by fund_a');
  const feed = 3 / 0.18;
  const expected = 500 + feed * 150 + 2.5 * 200 + 5 * 1000 + 5 * (1e5 + 10);
  t.ok(close(p.totalCostUsd, expected), `cost ${p.totalCostUsd} vs ${expected}`);
  const used = p.budgets.find((b) => b.funder === 'fund_a' && b.year === 2026)?.usedUsd ?? 0;
  t.ok(close(used, 500), 'budget fully used');
});

t.test('a target only Chinese oxide could serve ends as a shortfall', async (t) => {
  // No allied mine: the allied metal and magnet plants can only run on oxide bought from China,
  // so every magnet has untrusted content and a 0 % target is missed by the whole demand.
  const dataset = tinyDataset({ remove: { sources: ['mine'], prices: ['met', 'mag'] }, add: { prices: [] } });
  const scenario = tinyScenario({
    targets: [{ id: 'zero', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0, penaltyUsdPerT: 1000 }],
  });
  const p = await solveBoth(t, scenario, dataset);
  const point = p.dependency[0]?.points[0];
  t.ok(close(point?.shortfallT ?? 0, 10), 'shortfall is the whole demand');
  t.equal(point?.met, false, 'target reported as not met');
  t.ok(close(point?.portfolioShare ?? 0, 1), 'every magnet is China-dependent');
  const expected = 6 * (1e5 + 10) + 5 * 200 + 10 * 1000 + 10 * 1000;
  t.ok(close(p.totalCostUsd, expected), `cost ${p.totalCostUsd} vs ${expected}`);
});

t.test('capex beyond the horizon earns a salvage credit', async (t) => {
  // A 10-year build online in 2026 (lead time 0) in a 1-year horizon: 9/10 of its capex is credited
  // at δ(2027) = 1 / 1.1.
  const dataset = tinyDataset({
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 0 },
        expansion: { capexUsdPerTpa: 1000, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 10 },
      },
    },
  });
  const p = await solveBoth(t, tinyScenario({ discountRate: 0.1 }), dataset);
  t.ok(close(p.builds[0]?.capacityTpa ?? 0, 10), 'builds 10 t/yr');
  t.ok(close(p.costBreakdown?.capexUsd ?? 0, 10_000), 'capex spent in 2026');
  t.ok(close(p.costBreakdown?.salvageCreditUsd ?? 0, (-10_000 * 0.9) / 1.1), `salvage ${p.costBreakdown?.salvageCreditUsd}`);
});

t.test('lumpy builds: zero or at least the minimum efficient size', async (t) => {
  const dataset = tinyDataset({
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 0 },
        expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 40, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 1 },
      },
    },
  });
  const p = await solveBoth(t, tinyScenario({ solver: { lumpyBuilds: true } }), dataset);
  t.ok(close(p.builds[0]?.capacityTpa ?? 0, 40), 'built at the minimum efficient size, not at demand');
  t.ok(p.model.integerColumns > 0, 'a MIP');
});
