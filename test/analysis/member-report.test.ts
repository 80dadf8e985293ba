/**
 * An analysis member's report runs no extra solves (planner `memberReport`): the same plan and the
 * same duals and binding limits as a full report, but no whole-point target costs, no diagnosis of
 * a shortfall, and `memberReport: true` saying so.
 */
import t from 'tap';
import { parseScenario, planWithReport } from '../../src/planner.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

t.test('a member report keeps what the solve gives and runs nothing more', async (t) => {
  // A soft target the tiny world cannot meet (all magnets made at home from trusted feed would be
  // needed, and the rival is cheaper): the full report diagnoses the shortfall and prices the points.
  const scenario = parseScenario(tinyScenario({ targets: [{ bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0.5 }] }));
  const full = await planWithReport(scenario, tinyDataset());
  const member = await planWithReport(scenario, tinyDataset(), { memberReport: true });
  t.equal(member.portfolio.totalCostUsd, full.portfolio.totalCostUsd, 'the same plan');
  t.same(member.report.binding, full.report.binding, 'the same binding limits');
  t.equal(member.report.memberReport, true, 'says it is a member report');
  t.equal(full.report.memberReport, undefined, 'a full report does not');
  t.same(member.report.targetPoints ?? [], [], 'no whole-point costs');
  t.ok((full.report.targetPoints ?? []).length > 0, 'which the full report has');
  t.equal(member.report.diagnosis, null, 'no diagnosis');
});
