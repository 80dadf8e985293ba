/**
 * The cost of a whole point of a target, over all its years, checked against two direct re-solves
 * of the scenario with the limit one point tighter and one point looser. Fixture: the tiny dataset
 * over 2026–2028 with 4 t/yr of trusted magnet capacity against 10 t of demand, cheap rival magnets
 * (USD 2,000/t), a dear expansion,
 * and a hard limit of 40 % untrusted magnets from 2026: each point tighter needs more of the dear
 * expansion in every year.
 */
import t from 'tap';
import { parseScenario, planScenario, planWithReport } from '../../src/planner.js';
import { ReportSchema } from '../../src/schemas/report.js';
import { reportMarkdown } from '../../src/analysis/report-markdown.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));

t.test('a whole point tighter and looser, against direct re-solves', async (t) => {
  const dataset = tinyDataset({
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 4 },
        expansion: { capexUsdPerTpa: 50_000, maxSizeTpa: 20, minSizeTpa: 0, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 10 },
      },
    },
    prices: { mag: { priceUsdPerT: { '2020': 2000 } } },
    meta: { defaults: { discountRate: 0.05 } },
  });
  const raw = (share: number) =>
    tinyScenario({
      horizon: { startYear: 2026, endYear: 2028 },
      targets: [{ id: 'most', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: share, hard: true }],
    });
  const { portfolio, report } = await planWithReport(parseScenario(raw(0.4)), dataset, { skipBaseline: true });
  t.equal(portfolio.status, 'optimal');
  t.ok(ReportSchema.safeParse(report).success, 'the report matches its schema');
  t.equal(report.targetPoints.length, 1);
  const point = report.targetPoints[0]!;
  t.match(point, {
    target: 'most',
    path: 'targets[0].maxUntrustedShare',
    limit: 0.4,
    fromYear: 2026,
    untilYear: 2028,
    tightenedStatus: 'optimal',
    loosenedStatus: 'optimal',
  });

  // Costs without the origin tie-break, as whole-point costs compare them (target-points.ts).
  const cost = (p: typeof portfolio) => p.totalCostUsd! - p.costBreakdown!.originTieBreakUsd;
  const z0 = cost(portfolio);
  const tighter = cost(await planScenario(parseScenario(raw(0.39)), dataset, { skipBaseline: true }));
  const looser = cost(await planScenario(parseScenario(raw(0.41)), dataset, { skipBaseline: true }));
  t.ok(tighter - z0 > 1, `tightening costs something (${tighter - z0})`);
  t.ok(z0 - looser > 1, `loosening saves something (${z0 - looser})`);
  t.ok(rel(point.tightenUsd!, tighter - z0) <= 1e-6, `one point tighter: ${point.tightenUsd} = ${tighter - z0}`);
  t.ok(rel(point.loosenUsd!, z0 - looser) <= 1e-6, `one point looser: ${point.loosenUsd} = ${z0 - looser}`);
  // Beside the per-year first-order duals, whose sum over the years is the first-order estimate.
  const perYear = report.marginalValues!.targets.filter((m) => m.target === 'most');
  t.equal(perYear.length, 3, 'a dual per year');
  t.match(reportMarkdown(report, portfolio), /a whole point/);

  const zero = await planWithReport(parseScenario(raw(0)), dataset, { skipBaseline: true });
  t.match(zero.report.targetPoints[0], { tightenUsd: null, tightenedStatus: null }, 'a limit of 0 cannot be tightened');
});
