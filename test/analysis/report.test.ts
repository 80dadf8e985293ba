/**
 * The solver report checked against the LP itself, never against the solver's own word:
 * strong duality and dual feasibility on every fixture, each marginal value against
 * finite-difference re-solves (left and right), a reduced cost against capex perturbations, and
 * the lead-time diagnosis against direct solves of the suggested change.
 */
import t from 'tap';
import type { Test } from 'tap';
import { readFileSync } from 'node:fs';
import type { LinearModel } from '../../src/model/builder.js';
import { parseName } from '../../src/model/families.js';
import { loadDataset } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/schema.js';
import { parseScenario, planScenario, planWithReport, solveOptionsFor } from '../../src/planner.js';
import { formulateScenario } from '../../src/model/formulate-scenario.js';
import { solveModel } from '../../src/solver/index.js';
import { computeReport, dualObjective } from '../../src/analysis/report.js';
import { reportMarkdown } from '../../src/analysis/report-markdown.js';
import { ReportSchema } from '../../src/schemas/report.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(a), Math.abs(b));

/** A dear magnet candidate abroad, a binding feed limit, a binding public budget and a soft target left short. */
function richFixture(): { dataset: Dataset; scenario: Record<string, unknown> } {
  const dataset = tinyDataset({
    sources: { mine: { supplyTreoTpa: { '2026': 20 } } },
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 4 },
        expansion: { capexUsdPerTpa: 300, maxSizeTpa: 3, minSizeTpa: 0, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 2 },
      },
    },
    add: {
      plants: [
        {
          id: 'mag_bb',
          name: 'BB magnet candidate',
          stage: 'magnet',
          country: 'BB',
          status: 'candidate',
          expansion: { capexUsdPerTpa: 250_000, maxSizeTpa: 50, minSizeTpa: 0, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 2 },
          fixedOpexUsdPerTpaYear: 0,
          variableOpexUsdPerT: 400,
          processes: ['mag_from_met'],
          source: [{ title: 'test fixture' }],
          estimate: false,
        },
      ],
    },
  });
  const scenario = tinyScenario({
    horizon: { startYear: 2026, endYear: 2027 },
    capexPublicShare: 0.5,
    budgets: [{ funder: 'fund_a', totalUsd: 400 }],
    targets: [{ id: 'most', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0.3, penaltyUsdPerT: 50_000 }],
  });
  return { dataset, scenario };
}

function withRowBound(model: LinearModel, row: number, delta: number): LinearModel {
  const lower = Float64Array.from(model.rowLower);
  const upper = Float64Array.from(model.rowUpper);
  if (Number.isFinite(upper[row]!)) upper[row] = upper[row]! + delta;
  if (Number.isFinite(lower[row]!) && lower[row] === model.rowUpper[row]) lower[row] = lower[row]! + delta;
  else if (!Number.isFinite(upper[row]!)) lower[row] = lower[row]! + delta;
  return { ...model, rowLower: lower, rowUpper: upper };
}

async function checkDuality(t: Test, label: string, model: LinearModel, options: ReturnType<typeof solveOptionsFor>) {
  const result = await solveModel(model, { ...options, sensitivity: true });
  t.equal(result.status, 'optimal', `${label}: optimal`);
  const y = result.rowDuals!;
  const d = result.columnDuals!;
  const primal = result.objective!;
  const dual = dualObjective(model, y, d);
  t.ok(rel(primal, dual) <= 1e-6, `${label}: strong duality, primal ${primal} = dual ${dual}`);
  // Dual feasibility, recomputed: d_j = c_j − Σ_i a_ij y_i, with the signs an optimum needs.
  const aty = new Float64Array(model.colNames.length);
  for (let i = 0; i < model.rowNames.length; i++) {
    for (let k = model.rowStarts[i]!; k < model.rowStarts[i + 1]!; k++) aty[model.rowIndices[k]!]! += model.rowValues[k]! * y[i]!;
  }
  let worstReduced = 0;
  let worstSign = 0;
  const scale = Math.max(1, ...Array.from(model.colCost, Math.abs));
  model.colNames.forEach((_, j) => {
    worstReduced = Math.max(worstReduced, Math.abs(model.colCost[j]! - aty[j]! - d[j]!) / scale);
    // At lower bound 0 a reduced cost may be ≥ 0 only; strictly between the bounds it must be 0.
    const v = result.columnValues![j]!;
    const atUpper = Number.isFinite(model.colUpper[j]!) && v >= model.colUpper[j]! - 1e-7;
    if (v > 1e-7 && !atUpper) worstSign = Math.max(worstSign, Math.abs(d[j]!) / scale);
    if (v <= 1e-7) worstSign = Math.max(worstSign, -d[j]! / scale);
  });
  t.ok(worstReduced <= 1e-7, `${label}: reduced costs equal c − Aᵀy (worst ${worstReduced})`);
  t.ok(worstSign <= 1e-7, `${label}: reduced-cost signs fit the column values (worst ${worstSign})`);
  return result;
}

t.test('strong duality and dual feasibility on every LP fixture', async (t) => {
  const { dataset, scenario } = richFixture();
  const fixtures: Array<[string, Record<string, unknown>, Dataset]> = [
    ['tiny chain', tinyScenario(), tinyDataset()],
    ['rich fixture', scenario, dataset],
    [
      'tiny target shortfall',
      tinyScenario({ targets: [{ id: 'z', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0, penaltyUsdPerT: 10 }] }),
      tinyDataset({ remove: { sources: ['mine'] } }),
    ],
  ];
  for (const [label, input, ds] of fixtures) {
    const parsed = parseScenario(input);
    await checkDuality(t, label, formulateScenario(parsed, ds).model, solveOptionsFor(parsed));
  }
  for (const file of ['small-us-magnets-2030', 'india-repm-2030']) {
    const parsed = parseScenario(JSON.parse(readFileSync(`models/scenarios/${file}.json`, 'utf8')));
    await checkDuality(t, file, formulateScenario(parsed, loadDataset(parsed.datasetId)).model, solveOptionsFor(parsed));
  }
});

t.test('every marginal value lies between the left and right finite differences', async (t) => {
  const cases: Array<[string, Record<string, unknown>, Dataset]> = [
    ['rich fixture', richFixture().scenario, richFixture().dataset],
    ['small scenario', JSON.parse(readFileSync('models/scenarios/small-us-magnets-2030.json', 'utf8')) as Record<string, unknown>, loadDataset('quad-2026')],
  ];
  for (const [label, input, dataset] of cases) {
    const scenario = parseScenario(input);
    const { instance, model } = formulateScenario(scenario, dataset);
    const options = solveOptionsFor(scenario);
    const result = await solveModel(model, { ...options, sensitivity: true });
    const report = computeReport({ instance, model, result });
    const entries = Object.values(report.marginalValues!).flat();
    t.ok(entries.length >= 3, `${label}: ${entries.length} marginal values to check`);
    const families = new Set(entries.map((e) => parseName(e.constraint).family));
    t.ok(families.has('source_supply') && families.has('dependency'), `${label}: feed and target values are among them (${[...families]})`);
    let agreeing = 0;
    for (const entry of entries) {
      const row = model.rowNames.indexOf(entry.constraint);
      const limit = entry.limit;
      // Inside the range where the value is reported to hold the cost is linear, so a step of half
      // the room is exact; elsewhere a small step.
      let h = Math.max(1e-3, 1e-3 * Math.abs(limit));
      if (entry.range?.unique) {
        const room = Math.min(limit - (entry.range.fromLimit ?? -Infinity), (entry.range.toLimit ?? Infinity) - limit);
        h = Math.min(Math.max(1, 1e-3 * Math.abs(limit)), room / 2);
      }
      const up = await solveModel(withRowBound(model, row, h), options);
      const down = await solveModel(withRowBound(model, row, -h), options);
      if (up.status !== 'optimal') {
        t.fail(`${entry.constraint}: the loosened solve ended ${up.status}`);
        continue;
      }
      const tol = 1e-6 * Math.max(1, Math.abs(entry.dual)) + (2e-10 * Math.abs(result.objective!)) / h;
      if (down.status === 'infeasible') {
        // A limit of 0 on a plant with no capacity cannot go lower: only the right side exists.
        const right = (up.objective! - result.objective!) / h;
        t.ok(entry.dual <= right + tol, `${entry.constraint}: dual ${entry.dual} ≤ right ${right} (no left side: lowering the limit is infeasible)`);
        continue;
      }
      t.equal(down.status, 'optimal', `${entry.constraint}: the tightened solve is optimal`);
      const right = (up.objective! - result.objective!) / h;
      const left = (result.objective! - down.objective!) / h;
      t.ok(
        left <= entry.dual + tol && entry.dual <= right + tol,
        `${entry.constraint}: left ${left.toFixed(6)} ≤ dual ${entry.dual.toFixed(6)} ≤ right ${right.toFixed(6)}`,
      );
      if (Math.abs(right - left) <= tol) {
        agreeing++;
        t.ok(Math.abs(entry.dual - right) <= tol, `${entry.constraint}: equals the difference where both sides agree`);
      }
      if (entry.range?.unique) t.ok(Math.abs(right - left) <= tol, `${entry.constraint}: marked unique, and both sides agree`);
    }
    t.ok(agreeing > 0, `${label}: ${agreeing} of ${entries.length} values have equal left and right differences`);
  }
});

t.test('a feed value checked through its scenario path', async (t) => {
  // The report names `overrides.sources.<id>.supplyTreoTpa`; changing that field by ±1 t changes
  // the cost by the reported value (within the range where it holds).
  const { dataset, scenario } = richFixture();
  const parsed = parseScenario(scenario);
  const { report, portfolio } = await planWithReport(parsed, dataset, { skipBaseline: true });
  const feed = report.marginalValues!.feedstock.find((f) => f.source === 'mine' && f.year === 2026);
  t.ok(feed, 'the mine limit is binding in 2026');
  t.equal(feed!.path, 'overrides.sources.mine.supplyTreoTpa');
  t.ok(feed!.range?.unique, 'and its value is unique here');
  const withSupply = async (tonnes: number) =>
    planScenario(parseScenario({ ...scenario, overrides: { sources: { mine: { supplyTreoTpa: { '2026': tonnes } } } } }), dataset, { skipBaseline: true });
  // Supply is a step series: changing the 2026 step moves both years' limits, so the cost moves by
  // the sum of both years' values, for a step inside the range where both hold.
  const rows = report.marginalValues!.feedstock.filter((f) => f.source === 'mine');
  const both = rows.reduce((s, f) => s + f.valueUsdPerT, 0);
  const step = Math.min(1, ...rows.map((f) => ((f.range?.toLimit ?? Infinity) - f.limit) / 2));
  t.ok(step > 0, `a step of ${step} t stays inside the range`);
  const more = await withSupply(20 + step);
  const saved = (portfolio.totalCostUsd! - more.totalCostUsd!) / step;
  t.ok(rel(saved, both) <= 1e-6, `one more t/yr saves ${saved} per t = reported ${both}`);
});

t.test('a reduced cost predicts the capex at which an unbuilt plant enters', async (t) => {
  const { dataset, scenario } = richFixture();
  const parsed = parseScenario({ ...scenario, capexPublicShare: 0, budgets: [] });
  const { report } = await planWithReport(parsed, dataset, { skipBaseline: true });
  const entry = report.reducedCosts.find((r) => r.plant === 'mag_bb');
  t.ok(entry, 'the BB candidate is left unbuilt and reported');
  t.ok(entry!.capexCutPct !== null && entry!.capexCutPct > 0 && entry!.capexCutPct < 100, `it enters after a cut of ${entry!.capexCutPct} %`);
  t.match(entry!.statement, /would be chosen .* if its capex fell by/);
  const withCapex = async (capex: number) => {
    const p = await planScenario(
      parseScenario({ ...scenario, capexPublicShare: 0, budgets: [], overrides: { plants: { mag_bb: { expansion: { capexUsdPerTpa: capex } } } } }),
      dataset,
      { skipBaseline: true },
    );
    return p.builds.filter((b) => b.plant === 'mag_bb').reduce((s, b) => s + b.capacityTpa, 0);
  };
  const cut = entry!.capexCutUsdPerTpa!;
  t.ok((await withCapex(entry!.capexUsdPerTpa - cut * 1.01)) > 1e-6, 'a cut 1 % larger than reported brings it in');
  t.ok((await withCapex(entry!.capexUsdPerTpa - cut * 0.99)) <= 1e-6, 'a cut 1 % smaller does not');
});

t.test('a lead time that makes a hard target infeasible is diagnosed as the lead time', async (t) => {
  // No magnet capacity and a 2-year lead time: trusted magnets exist from 2028 at the earliest,
  // so "0 % untrusted from 2026" is infeasible and the diagnosis must say "year ≥ 2028".
  const dataset = tinyDataset({
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 0 },
        expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 2, earliestStartYear: 2026, lifetimeYears: 10 },
      },
    },
  });
  const scenario = tinyScenario({
    horizon: { startYear: 2026, endYear: 2030 },
    targets: [{ id: 'clean', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0, hard: true }],
  });
  const { portfolio, report } = await planWithReport(parseScenario(scenario), dataset);
  t.equal(portfolio.status, 'infeasible');
  const d = report.diagnosis!;
  t.ok(d, 'a diagnosis is given');
  t.equal(d.reason, 'infeasible');
  const year = d.remedies.find((r) => r.path === 'targets[0].year');
  t.ok(year, `the year is a remedy: ${JSON.stringify(d.remedies)}`);
  t.equal(year!.to, 2028, 'needs ≥ 2028');
  t.match(year!.change, /needs ≥ 2028/);
  t.match(year!.explanation, /magnet 2028/);
  t.equal(d.targets[0]!.earliestYear, 2028, 'earliest year the target can be met');
  t.match(d.earliestOnline.find((e) => e.stage === 'magnet')!, { year: 2028, plant: 'magnet' });
  // Independently: the change works, and one year earlier does not.
  const target = { id: 'clean', bloc: ['AA'], product: 'mag', maxUntrustedShare: 0, hard: true };
  const at = async (y: number) =>
    (await planScenario(parseScenario({ ...scenario, targets: [{ ...target, year: y }] }), dataset, { skipBaseline: true })).status;
  t.equal(await at(2028), 'optimal', 'from 2028 it solves');
  t.equal(await at(2027), 'infeasible', 'from 2027 it does not');
  t.ok(year!.resultingCostUsd !== null, 'the remedy was solved and priced');
});

t.test('a soft shortfall is diagnosed with the least limit and its budget remedy', async (t) => {
  const { dataset, scenario } = richFixture();
  const { portfolio, report } = await planWithReport(
    parseScenario({ ...scenario, targets: [{ id: 'tight', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0.1, penaltyUsdPerT: 10 }] }),
    dataset,
  );
  t.ok(
    portfolio.dependency[0]!.points.some((p) => (p.shortfallT ?? 0) > 0),
    'the cheap penalty leaves a shortfall',
  );
  t.equal(report.diagnosis?.reason, 'shortfall');
  t.ok(report.diagnosis!.targets.length === 1, 'the earliest year is reported for the target');
  t.ok(ReportSchema.safeParse(report).success, 'the report matches its schema');
});

t.test('a javascript-lp-solver plan gets its duals from HiGHS, and says so', async (t) => {
  const { dataset, scenario } = richFixture();
  const { report } = await planWithReport(parseScenario(scenario), dataset, { backend: 'javascript-lp-solver' });
  t.equal(report.duals.source, 'highs-resolve');
  t.ok(rel(report.duals.primalObjective!, report.duals.dualObjective!) <= 1e-6, 'strong duality with the borrowed duals');
  t.ok(report.marginalValues!.feedstock.length > 0, 'marginal values are given');
});

t.test('the report renders as Markdown with its sections', async (t) => {
  const { dataset, scenario } = richFixture();
  const { report, portfolio } = await planWithReport(parseScenario(scenario), dataset);
  const md = reportMarkdown(report, portfolio);
  for (const heading of ['## Marginal values', '## Binding limits', '## Candidates left unbuilt']) t.match(md, heading);
  t.match(md, 'overrides.sources.mine.supplyTreoTpa');
});
