/**
 * A lumpy (MIP) solve stopped early returns its incumbent: status `time_limit`, `feasible: true`,
 * the objective, HiGHS' bound and the gap, builds and flows, marked not proven optimal. The stop is
 * deterministic (HiGHS stops at its first improving solution, `mip_max_improving_sols = 1`), so the
 * test does not depend on the machine's speed; a time limit takes the same code path (same status).
 * The duals of a lumpy report come from the LP with the integers fixed, and strong duality holds on
 * that LP: primal objective = dual objective (rows' and fixed columns' bounds) within 1e-6.
 *
 * Fixture: the tiny dataset with five lumpy magnet candidates (minimum sizes 7–19 t/yr) in two
 * countries, growing demand in BB, over 2026–2031 (30 build-or-not decisions).
 */
import t from 'tap';
import { parseScenario, planWithReport } from '../../src/planner.js';
import { formulateScenario } from '../../src/model/formulate-scenario.js';
import { solveModel } from '../../src/solver/index.js';
import { dualObjective } from '../../src/analysis/report.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const cite = { source: [{ title: 'test fixture' }], estimate: false };
const candidate = (id: string, country: string, capex: number, min: number, opex: number) => ({
  id,
  name: id,
  stage: 'magnet',
  country,
  status: 'candidate',
  existingCapacityTpa: { '2026': 0 },
  fixedOpexUsdPerTpaYear: 0,
  variableOpexUsdPerT: opex,
  processes: ['mag_from_met'],
  expansion: { capexUsdPerTpa: capex, maxSizeTpa: 100, minSizeTpa: min, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 10 },
  ...cite,
});
const dataset = tinyDataset({
  plants: { magnet: { existingCapacityTpa: { '2026': 0 } } },
  add: {
    plants: [
      candidate('m1', 'AA', 100, 7, 900),
      candidate('m2', 'AA', 120, 11, 850),
      candidate('m3', 'BB', 90, 13, 950),
      candidate('m4', 'BB', 110, 17, 800),
      candidate('m5', 'AA', 95, 19, 870),
    ],
    demand: [{ id: 'bb_mag', country: 'BB', baseYear: 2026, baseTonnes: 23, growthRatePerYear: 0.13, gradeMix: { mag: 1 }, ...cite }],
  },
  meta: { defaults: { discountRate: 0.05 } },
});
const scenario = parseScenario(tinyScenario({ horizon: { startYear: 2026, endYear: 2031 }, solver: { lumpyBuilds: true, mipRelGap: 0 } }));
const options = { backend: 'highs' as const, timeLimitSeconds: 60, mipRelGap: 0, algorithm: 'auto' as const, sensitivity: true };
const stop = { mipMaxImprovingSolutions: 1 };
const relClose = (a: number, b: number, tol = 1e-6) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(a), Math.abs(b));

t.test('stopped at a limit, HiGHS returns its incumbent with bound and gap', async (t) => {
  const { model } = formulateScenario(scenario, dataset);
  t.ok(
    model.colInteger.some((v) => v === 1),
    'a MIP',
  );
  const full = await solveModel(model, options);
  t.equal(full.status, 'optimal');
  const early = await solveModel(model, { ...options, ...stop });
  t.equal(early.status, 'time_limit', 'stopped at its limit');
  t.equal(early.feasible, true, 'with a feasible plan');
  t.ok(early.columnValues && early.objective !== undefined, 'values and objective returned');
  t.ok(early.bound! <= full.objective! * (1 + 1e-9), `bound ${early.bound} ≤ optimum ${full.objective}`);
  t.ok(early.objective! >= full.objective! * (1 - 1e-9), `incumbent ${early.objective} ≥ optimum`);
  t.ok(early.gap! > 1e-3, `a real gap (${early.gap})`);
  t.ok(relClose(early.gap!, (early.objective! - early.bound!) / early.objective!), 'gap = (objective − bound) / objective');
  t.match(early.message, /not proven optimal/);

  for (const [label, r] of [
    ['early', early],
    ['optimal', full],
  ] as const) {
    t.equal(r.dualsFrom, 'fixed-integer-lp', `${label}: duals from the LP with integers fixed`);
    const dual = dualObjective(model, r.rowDuals!, r.columnDuals!, r.fixedColumns);
    t.ok(relClose(dual, r.objective!), `${label}: strong duality on the fixed LP: primal ${r.objective} = dual ${dual}`);
  }
  // Without the fixed columns' bounds the check fails: the test can tell.
  const without = dualObjective(model, early.rowDuals!, early.columnDuals!);
  t.notOk(relClose(without, early.objective!), 'the fixed columns matter to the dual objective');
});

t.test('the portfolio and report of an early stop: a plan, marked not proven optimal', async (t) => {
  const { portfolio, report } = await planWithReport(scenario, dataset, { mipLimits: stop });
  t.equal(portfolio.status, 'time_limit');
  t.equal(portfolio.feasible, true);
  t.equal(portfolio.provenOptimal, false);
  t.ok(portfolio.totalCostUsd !== null && portfolio.bestBoundUsd !== null && portfolio.relativeGap! > 0, 'cost, bound and gap');
  t.ok(portfolio.bestBoundUsd! <= portfolio.totalCostUsd!, 'bound ≤ cost');
  t.ok(portfolio.flows.length > 0, 'flows');
  t.ok(portfolio.verification!.maxRelativeViolation < 1e-6, 'every row holds for the returned values');
  t.ok(portfolio.costBreakdown, 'cost breakdown');
  t.equal(portfolio.baseline.status, 'optimal', 'the baseline is solved for a plan found at a limit too');
  t.equal(report.status, 'time_limit');
  t.equal(report.provenOptimal, false);
  t.equal(report.duals.source, 'fixed-integer-lp');
  t.ok(
    relClose(report.duals.primalObjective!, report.duals.dualObjective!),
    `report: primal ${report.duals.primalObjective} = dual ${report.duals.dualObjective}`,
  );

  const optimal = await planWithReport(scenario, dataset);
  t.equal(optimal.portfolio.status, 'optimal');
  t.equal(optimal.portfolio.provenOptimal, true);
  t.ok(optimal.portfolio.builds.length > 0, 'the optimum builds');
  t.ok(optimal.portfolio.totalCostUsd! <= portfolio.totalCostUsd!, 'the optimum is no dearer than the incumbent');
  t.ok(relClose(optimal.report.duals.primalObjective!, optimal.report.duals.dualObjective!), 'strong duality at the optimum too');
});
