/**
 * Analyses' inner solves split origins only in target years (`ANALYSIS_ORIGIN_SPLIT`,
 * src/model/origin-split.ts); their results must be what the full split gives:
 * - a frontier of the reference scenario (quad-magnets-50-by-2030, targets from 2030: 2026–2029
 *   pooled) solved with pooled and with full-split members: at every point the same status, the
 *   same cost without the origin tie-break (1e-9), the same target-year shares and shortfalls
 *   (1e-9), the same binding targets; the pooled members really pool (smaller models, pooled shares
 *   marked), the full-split ones do not;
 * - the diagnosis of the shipped infeasible story (independence-80-by-2028, targets from 2028:
 *   2026–2027 pooled), bounded to a few solves: the same remedies with either split; their costs
 *   include the tie-break, so they agree to its size (1e-6), not to 1e-9;
 * - portfolios and reports stored before `shareMethod` existed still validate;
 * - stress-test members (fixed builds) split every year: the stress test shows every year's share.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import { parseScenario, planWithReport, solveOptionsFor } from '../../src/planner.js';
import { frontierResult, frontierMembers, type FrontierInput } from '../../src/analysis/frontier.js';
import type { SolveMembers } from '../../src/analysis/members.js';
import { localMembers } from '../../src/services/local-members.js';
import { diagnose } from '../../src/analysis/diagnosis.js';
import { resolveScenario } from '../../src/model/instance.js';
import { memberOriginSplit, type OriginSplit } from '../../src/model/origin-split.js';
import { fixedScenario } from '../../src/analysis/stress-test.js';
import type { Dataset } from '../../src/data/schema.js';
import type { Portfolio } from '../../src/schemas/portfolio.js';
import { PortfolioSchema } from '../../src/schemas/portfolio.js';
import { ReportSchema } from '../../src/schemas/report.js';

const scenarioFile = (name: string) => parseScenario(JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', `${name}.json`), 'utf8')));
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));

/** Member solves in this process (local-members.ts) with the origin split given. */
const members = (dataset: Dataset, originSplit: OriginSplit): SolveMembers => localMembers(() => dataset, undefined, { originSplit });

const costWithoutTieBreak = (p: Portfolio) => p.totalCostUsd! - p.costBreakdown!.originTieBreakUsd;
const targetYearPoints = (p: Portfolio) => p.dependency.flatMap((d) => d.points.filter((q) => q.limit !== null).map((q) => ({ target: d.target, ...q })));

t.test('a frontier with pooled members equals one with full-split members', async (t) => {
  const dataset = loadDataset('quad-2026');
  const input: FrontierInput = { scenario: scenarioFile('quad-magnets-50-by-2030'), from: 0.8, to: 0.3, points: 3 };
  const specs = frontierMembers(input);
  const pooled = await members(dataset, 'target-years')(specs);
  const full = await members(dataset, 'every-year')(specs);
  let compared = 0;
  for (const [i, a] of full.entries()) {
    const b = pooled[i]!;
    const [pa, pb] = [a.portfolio!, b.portfolio!];
    t.equal(pb.status, pa.status, `${a.label}: same status`);
    if (pa.status !== 'optimal') continue;
    compared++;
    t.ok(pb.model.columns < pa.model.columns, `${a.label}: the pooled member is smaller (${pb.model.columns} < ${pa.model.columns} columns)`);
    const methods = (p: Portfolio) => new Set(p.dependency.flatMap((d) => d.points.map((q) => q.shareMethod)));
    t.same([...methods(pa)], ['optimised'], `${a.label}: the full split marks every share optimised`);
    t.ok(methods(pb).has('pooled'), `${a.label}: the pooled member marks its untargeted years pooled`);
    const [x, y] = [costWithoutTieBreak(pa), costWithoutTieBreak(pb)];
    t.ok(rel(x, y) <= 1e-9, `${a.label}: same cost without the tie-break (${x} vs ${y})`);
    const [qa, qb] = [targetYearPoints(pa), targetYearPoints(pb)];
    t.equal(qb.length, qa.length, `${a.label}: the same target years`);
    for (const [k, q] of qa.entries()) {
      const r = qb[k]!;
      t.equal(r.shareMethod, 'optimised', `${a.label}: ${q.target} ${q.year} is optimised in the pooled member`);
      t.ok(
        Math.abs((q.portfolioShare ?? 0) - (r.portfolioShare ?? 0)) <= 1e-9,
        `${a.label}: ${q.target} ${q.year} share ${q.portfolioShare} = ${r.portfolioShare}`,
      );
      t.ok(Math.abs((q.shortfallT ?? 0) - (r.shortfallT ?? 0)) <= 1e-9 * Math.max(1, q.consumptionT), `${a.label}: ${q.target} ${q.year} shortfall`);
    }
  }
  t.ok(compared >= 2, `${compared} optimal points compared`);
  // The frontier's own results: the same binding targets and shortfalls; costs to the tie-break's size.
  const [fa, fb] = [frontierResult(input, full), frontierResult(input, pooled)];
  t.same(
    fb.points.map((p) => [p.status, p.bindingTargets]),
    fa.points.map((p) => [p.status, p.bindingTargets]),
    'same statuses and binding targets',
  );
  t.equal(fb.monotone, fa.monotone, 'same monotonicity');
  for (const [i, p] of fa.points.entries()) {
    const q = fb.points[i]!;
    if (p.totalCostUsd === null) continue;
    t.ok(rel(p.totalCostUsd, q.totalCostUsd!) <= 1e-6, `${p.label}: totalCostUsd within the tie-break (${p.totalCostUsd} vs ${q.totalCostUsd})`);
    t.ok(Math.abs(p.shortfallT - q.shortfallT) <= 1e-6 * Math.max(1, p.shortfallT), `${p.label}: shortfall`);
  }
});

t.test('the diagnosis finds the same remedies with pooled and with full-split probes', async (t) => {
  const dataset = loadDataset('quad-2026');
  const scenario = scenarioFile('independence-80-by-2028');
  const instance = resolveScenario(scenario, dataset);
  const run = (originSplit: OriginSplit) =>
    diagnose({ scenario, dataset, instance, status: 'infeasible', shortfallT: new Map(), solveOptions: solveOptionsFor(scenario), maxSolves: 12, originSplit });
  const pooled = await run('target-years');
  const full = await run('every-year');
  t.ok(full.remedies.length > 0, `remedies found: ${full.summary}`);
  const strip = (d: typeof full) => ({ ...d, remedies: d.remedies.map((r) => ({ ...r, resultingCostUsd: r.resultingCostUsd === null })) });
  t.same(strip(pooled), strip(full), 'the same diagnosis but for the remedies’ costs');
  for (const [i, r] of full.remedies.entries()) {
    const s = pooled.remedies[i]!;
    if (r.resultingCostUsd === null) continue;
    t.ok(rel(r.resultingCostUsd, s.resultingCostUsd!) <= 1e-6, `${r.change}: the same cost within the tie-break`);
  }
});

t.test('portfolios and reports stored before shareMethod existed still validate', async (t) => {
  const dataset = loadDataset('quad-2026');
  const { portfolio, report } = await planWithReport(scenarioFile('small-us-magnets-2030'), dataset);
  t.equal(portfolio.dependency[0]!.points[0]!.shareMethod, 'optimised', 'a new portfolio has it');
  const old = structuredClone(portfolio);
  for (const d of old.dependency)
    for (const q of d.points) {
      delete (q as Partial<typeof q>).shareMethod;
      delete (q as Partial<typeof q>).baselineShareMethod;
    }
  t.ok(PortfolioSchema.safeParse(old).success, 'a portfolio without the fields validates');
  const oldReport = structuredClone(report);
  const rows = [...(oldReport.dependencyMetrics?.portfolio ?? []), ...(oldReport.dependencyMetrics?.baseline ?? [])];
  t.ok(rows.length > 0 && rows.every((r) => r.shareMethod === 'optimised'), 'a new report has it, optimised in every year');
  for (const r of rows) delete (r as Partial<typeof r>).shareMethod;
  t.ok(ReportSchema.safeParse(oldReport).success, 'a report without it validates');
});

t.test('stress-test members split every year (the result shows every year’s share); other members only target years', async (t) => {
  const dataset = loadDataset('quad-2026');
  const scenario = scenarioFile('quad-magnets-50-by-2030');
  const { portfolio } = await planWithReport(scenario, dataset, { skipBaseline: true });
  t.equal(memberOriginSplit(scenario), 'target-years', 'a frontier, alternatives or explain member');
  t.equal(memberOriginSplit(fixedScenario(scenario, portfolio)), 'every-year', 'a stress-test member');
  t.equal(memberOriginSplit(fixedScenario(scenario, { ...portfolio, builds: [] })), 'every-year', 'also of a portfolio that builds nothing');
  const [member] = await localMembers(() => dataset)([{ label: 'reference', scenario: fixedScenario(scenario, portfolio) }]);
  const methods = new Set(member!.portfolio!.dependency.flatMap((d) => d.points.map((q) => q.shareMethod)));
  t.same([...methods], ['optimised'], 'every share of the stress member is the optimiser’s');
});
