/**
 * Custom constraints written as expressions (issue 16), on a fixture solved by hand.
 *
 * The fixture (tiny dataset): magnets are made from metal (0.5 t per t) made in AA; AA's magnet plant
 * has no capacity but can be built (capex 100 USD per t/yr) and so can a new magnet plant in BB
 * (capex 300); both take a year to build and live one year, so only 2026 builds count, online in
 * 2027. AA consumes 10 t of magnets a year; in 2026 they are bought from the rival.
 * Without a condition the plan builds 10 t/yr in AA. With "BB hosts at least 40 % of the new magnet
 * capacity" (0.6·b − 0.4·a ≥ 0, a + b = 10 to serve 2027): a = 6, b = 4. Each tonne made in BB also
 * needs its metal shipped AA → BB (0.5 t × 10 USD) and the magnet shipped back (10 USD): 15 USD/t.
 *   ΔC = 4 · (300 − 100) + 4 · 15 = 860 USD.
 * Moving the right-hand side to δ: b = 4 + δ, a = 6 − δ, cost = 1860 + 215 δ: the marginal value is
 * 215 USD per t/yr (tie-break costs of trusted shipments, ≤ 0.002 USD/t, aside).
 */
import t from 'tap';
import { parseScenario, planScenario, planWithReport } from '../../src/planner.js';
import { formulateScenario } from '../../src/model/formulate-scenario.js';
import { resolveScenario, ScenarioError } from '../../src/model/instance.js';
import { ExpressionError, MAX_EXPRESSION_LENGTH, parseConstraintExpression, parseQuantity, type Vocabulary } from '../../src/model/expressions.js';
import { verifySolution } from '../../src/analysis/evaluate.js';
import { reportMarkdown } from '../../src/analysis/report-markdown.js';
import { writeLp, writeMps } from '../../src/model/export/index.js';
import { solveModel } from '../../src/solver/index.js';
import { readExport } from '../helpers/read-export.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const cite = { source: [{ title: 'test fixture' }], estimate: false };

const dataset = tinyDataset({
  plants: {
    magnet: {
      existingCapacityTpa: { '2026': 0 },
      expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 1, earliestStartYear: 2026, lifetimeYears: 1 },
    },
  },
  add: {
    plants: [
      {
        id: 'magnet_bb',
        name: 'magnet BB',
        stage: 'magnet',
        country: 'BB',
        status: 'candidate',
        fixedOpexUsdPerTpaYear: 0,
        variableOpexUsdPerT: 1000,
        processes: ['mag_from_met'],
        expansion: { capexUsdPerTpa: 300, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 1, earliestStartYear: 2026, lifetimeYears: 1 },
        ...cite,
      },
    ],
  },
});

const SHARE = 'builds("BB", "magnet", 2026) >= 0.4 * builds(["AA", "BB"], "magnet", 2026)';
const scenario = (constraints: Array<{ id: string; expression: string; description?: string }> = []) =>
  parseScenario(tinyScenario({ horizon: { startYear: 2026, endYear: 2027 }, constraints }));

const near = (actual: number | null | undefined, expected: number, tolerance: number) =>
  actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance;
const built = (p: Awaited<ReturnType<typeof planScenario>>, plant: string) => p.builds.filter((b) => b.plant === plant).reduce((s, b) => s + b.capacityTpa, 0);

t.test('a share condition that binds moves 4 t/yr of build from AA to BB and costs 860 USD', async (t) => {
  const free = await planScenario(scenario(), dataset, { skipBaseline: true });
  t.equal(free.status, 'optimal');
  t.ok(near(built(free, 'magnet'), 10, 1e-6), `without the condition AA builds 10 (${built(free, 'magnet')})`);
  t.ok(near(built(free, 'magnet_bb'), 0, 1e-6), 'and BB nothing');

  for (const backend of ['highs', 'javascript-lp-solver'] as const) {
    const bound = await planScenario(scenario([{ id: 'bb_share', expression: SHARE }]), dataset, { skipBaseline: true, backend });
    t.equal(bound.status, 'optimal', backend);
    t.ok(near(built(bound, 'magnet'), 6, 1e-6), `${backend}: AA builds 6 (${built(bound, 'magnet')})`);
    t.ok(near(built(bound, 'magnet_bb'), 4, 1e-6), `${backend}: BB builds 4 (${built(bound, 'magnet_bb')})`);
    t.ok(
      near((bound.totalCostUsd ?? 0) - (free.totalCostUsd ?? 0), 860, 0.05),
      `${backend}: the condition costs 860 (${(bound.totalCostUsd ?? 0) - (free.totalCostUsd ?? 0)})`,
    );
    t.ok((bound.verification?.maxRelativeViolation ?? 1) <= 1e-6, `${backend}: every row, custom[bb_share] included, holds when recomputed`);
  }
});

t.test('the row is named custom[id] (custom[id,year] without a year) and verified from recomputed activities', async (t) => {
  const { model } = formulateScenario(scenario([{ id: 'bb_share', expression: SHARE }]), dataset);
  t.ok(model.rowNames.includes('custom[bb_share]'), 'one row when every quantity names its year');
  const perYear = formulateScenario(
    scenario([{ id: 'bb_share', expression: 'builds("BB", "magnet") >= 0.4 * builds(["AA", "BB"], "magnet")' }]),
    dataset,
  ).model;
  t.ok(perYear.rowNames.includes('custom[bb_share,2026]'), 'one row per year when the year is omitted');
  t.notOk(perYear.rowNames.includes('custom[bb_share,2027]'), 'a year with nothing to build has no row (0 ≥ 0 holds)');
  const i = model.rowNames.indexOf('custom[bb_share]');
  const result = await solveModel(model, { backend: 'highs', timeLimitSeconds: 60, mipRelGap: 0, algorithm: 'auto' });
  const values = result.columnValues!;
  // Recompute the row by hand from the build columns: 0.6 · b − 0.4 · a.
  const col = (name: string) => values[model.colNames.indexOf(name)] ?? NaN;
  t.ok(near(0.6 * col('build[magnet_bb,2026]') - 0.4 * col('build[magnet,2026]'), 0, 1e-6), 'the condition holds with equality');
  t.equal(model.rowLower[i], 0, 'lower bound 0');
  t.ok(verifySolution(model, values).maxRelativeViolation <= 1e-9, 'verification recomputes it');
});

t.test('its marginal value equals a finite-difference re-solve', async (t) => {
  const { report } = await planWithReport(scenario([{ id: 'bb_share', expression: SHARE, description: 'BB hosts 40 % of new magnet capacity' }]), dataset, {
    skipBaseline: true,
  });
  const row = report.marginalValues?.customConstraints?.find((m) => m.constraint === 'custom[bb_share]');
  t.ok(row, 'the report lists the condition');
  t.equal(row?.path, 'constraints[0].expression');
  t.equal(row?.unit, 't/yr');
  t.ok(near(row?.costUsdPerUnit, 215, 0.01), `costs 215 USD per t/yr (${row?.costUsdPerUnit})`);
  t.match(row?.statement, /costs USD 215 per t\/yr/);
  const base = await planScenario(scenario([{ id: 'bb_share', expression: SHARE }]), dataset, { skipBaseline: true });
  const moved = await planScenario(scenario([{ id: 'bb_share', expression: `${SHARE} + 1` }]), dataset, { skipBaseline: true });
  const fd = (moved.totalCostUsd ?? 0) - (base.totalCostUsd ?? 0);
  t.ok(near(row?.costUsdPerUnit, fd, 1e-6 * Math.max(1, Math.abs(fd))), `dual ${row?.costUsdPerUnit} = finite difference ${fd}`);
  t.ok(
    report.binding.some((b) => b.constraint === 'custom[bb_share]' && b.path === 'constraints[0].expression'),
    'listed among binding limits with its path',
  );
  t.match(reportMarkdown(report), /\*\*Custom constraints\*\*[\s\S]*`custom\[bb_share\]`.*\| 215 \| t\/yr/, 'and in the Markdown report');
});

t.test('the exported LP and MPS, solved by javascript-lp-solver, give the same optimum', async (t) => {
  const { model } = formulateScenario(scenario([{ id: 'bb_share', expression: SHARE }]), dataset);
  const highs = await solveModel(model, { backend: 'highs', timeLimitSeconds: 60, mipRelGap: 0, algorithm: 'auto' });
  for (const [format, write] of [
    ['lp', writeLp],
    ['mps', writeMps],
  ] as const) {
    const text = write(model);
    t.match(text, /custom\(bb_share\)/, `${format}: the row is in the file`);
    const back = await readExport(text, format);
    t.ok(back.rowNames.includes('custom[bb_share]'), `${format}: and reads back by name`);
    const jslp = await solveModel(back, { backend: 'javascript-lp-solver', timeLimitSeconds: 60, mipRelGap: 0, algorithm: 'auto' });
    t.equal(jslp.status, 'optimal');
    t.ok(near(jslp.objective, highs.objective!, 1e-6 * Math.abs(highs.objective!)), `${format}: ${jslp.objective} = ${highs.objective}`);
  }
});

t.test('a condition that cannot hold gets a diagnosis naming constraints[i].expression', async (t) => {
  // BB may build at most 100 t/yr.
  const { portfolio, report } = await planWithReport(scenario([{ id: 'too_much', expression: 'builds("BB", "magnet", 2026) >= 0.15 kt/yr' }]), dataset, {
    skipBaseline: true,
  });
  t.equal(portfolio.status, 'infeasible');
  const remedy = report.diagnosis?.remedies.find((r) => r.path === 'constraints[0].expression');
  t.ok(remedy, 'a remedy names the expression');
  t.match(remedy?.change, /loosen by 50 t\/yr/);
  t.equal(remedy?.from, 150);
  t.equal(remedy?.to, 100);
  t.ok(remedy?.resultingCostUsd !== null, 'the relaxed condition was solved');
  t.match(report.diagnosis?.summary, /too_much/);
});

t.test('a condition with nothing the model decides in some year, and false there, is refused naming it', async (t) => {
  // BB has no magnet capacity in 2026 and a build takes a year: the row reads 0 >= 5.
  t.throws(() => formulateScenario(scenario([{ id: 'early', expression: 'capacity("BB", "magnet", 2026) >= 5' }]), dataset), {
    name: 'ScenarioError',
    issues: [{ path: 'constraints[0].expression', message: /no decision of the model .* reads 0 >= 5 t\/yr, which is false/ }],
  });
  const holds = formulateScenario(scenario([{ id: 'trivial', expression: 'capacity("BB", "magnet", 2026) <= 5' }]), dataset).model;
  t.notOk(
    holds.rowNames.some((n) => n.startsWith('custom[')),
    'a constant row that holds is left out',
  );
});

t.test('units inside expressions are converted to the model units', async (t) => {
  const a = resolveScenario(scenario([{ id: 'u', expression: 'builds("BB", "magnet", 2026) >= 0.004 kt/yr' }]), dataset).customConstraints[0]!;
  const b = resolveScenario(scenario([{ id: 'u', expression: 'builds("BB", "magnet", 2026) >= 4' }]), dataset).customConstraints[0]!;
  t.equal(a.parsed.constant, b.parsed.constant, '0.004 kt/yr is 4 t/yr');
  const money = resolveScenario(scenario([{ id: 'm', expression: '110 USD/kg * purchases("AA", "mag", 2026) <= 2 MUSD' }]), dataset).customConstraints[0]!;
  t.equal(money.parsed.terms[0]!.coefficient, 110_000, '110 USD/kg is 110,000 USD/t');
  t.equal(money.parsed.constant, -2e6, '2 MUSD');
  t.equal(parseQuantity('USD 110/kg', 'USD/t'), 110_000);
  t.equal(parseQuantity('2.5 kt/yr', 't/yr'), 2500);
  t.throws(() => parseQuantity('2.5 kt/yr', 'USD'), ExpressionError);
});

t.test('bad expressions are refused with the path, the position and what was expected', async (t) => {
  const cases: Array<[string, number, RegExp]> = [
    ['builds("AA", "magnet", 2026) * builds("BB", "magnet", 2026) >= 1', 30, /product of two quantities/],
    ['builds("AA", "magnet", 2026) / builds("BB", "magnet", 2026) >= 1', 30, /division by a quantity/],
    ['sqrt(builds("AA", "magnet", 2026)) >= 1', 1, /unknown function 'sqrt'/],
    ['builds("ZZ", "magnet", 2026) >= 1', 8, /unknown country or plant 'ZZ'/],
    ['builds("AA", "magnets", 2026) >= 1', 14, /unknown stage 'magnets'/],
    ['builds("AA", "magnet", 2026 >= 1', 33, /unbalanced parenthesis/],
    ['builds("AA", "magnet", 2026)) >= 1', 29, /unbalanced '\)'/],
    ['2 >= 1', 1, /both sides are constants/],
    ['builds("AA", "magnet", 2031) >= 1', 24, /outside the horizon/],
    ['builds("AA", "magnet", 2026) > 1', 30, /strict comparison/],
    ['builds("AA", "magnet", 2026) >= 1 USD', 30, /compares USD and t/],
    ['builds(AA, "magnet", 2026) >= 1', 8, /without quotes/],
    ['bloc("QUAD") >= 1', 1, /not a number/],
    // Names of Object.prototype are not vocabulary (found by fuzzing the parser).
    ['__proto__ <= builds("AA", "magnet", 2026)', 1, /unknown name '__proto__'/],
    ['constructor("AA", "magnet", 2026) >= 1', 1, /unknown function 'constructor'/],
    [`builds("AA", "magnet", 2026) >= ${'1 + '.repeat(300)}1`, MAX_EXPRESSION_LENGTH + 1, /characters long/],
  ];
  for (const [expression, position, message] of cases) {
    try {
      resolveScenario(scenario([{ id: 'bad', expression }]), dataset);
      t.fail(`accepted: ${expression}`);
    } catch (error) {
      t.type(error, ScenarioError, expression);
      const issue = (error as ScenarioError).issues[0]!;
      t.equal(issue.path, 'constraints[0].expression', expression.slice(0, 60));
      t.equal(issue.position, position, `position of ${expression.slice(0, 60)}`);
      t.match(issue.message, message);
      t.ok(issue.expected && issue.expected.length > 0, 'says what was expected');
    }
  }
});

t.test('the vocabulary: blocs, stages, product sets, year lists and ranges', async (t) => {
  const vocabulary: Vocabulary = {
    countries: new Set(['AA', 'BB', 'CN']),
    groups: new Map([
      ['quad', ['AA']],
      ['partner', ['BB']],
      ['rival', ['CN']],
    ]),
    trusted: new Set(['AA', 'BB']),
    plants: new Map([['magnet', { country: 'AA', stage: 'magnet' }]]),
    products: new Map([
      ['ox', 'separation'],
      ['met', 'metal'],
      ['mag', 'magnet'],
    ]),
    funders: new Set(['fund_a']),
    targets: new Map([['t0', ['AA', 'BB']]]),
    startYear: 2026,
    endYear: 2030,
  };
  const p = parseConstraintExpression(
    'consumption(bloc("TRUSTED"), "*", years(2027, 2029)) - 2 * untrusted_use(bloc("t0"), ["met", "mag"]) <= purchases("AA", "mag", [2028, 2030]) / 1000',
    vocabulary,
  );
  t.same(p.terms[0]!.call.countries, ['AA', 'BB']);
  t.same(p.terms[0]!.call.products, ['mag', 'met', 'ox']);
  t.same(p.terms[0]!.call.years, [2027, 2028, 2029]);
  t.equal(p.terms[1]!.coefficient, -2);
  t.equal(p.terms[1]!.call.years, null);
  t.equal(p.perYear, true);
  t.equal(p.terms[2]!.coefficient, -0.001);
  t.same(p.terms[2]!.call.years, [2028, 2030]);
  t.throws(() => parseConstraintExpression('consumption("AA", "mag", 2026) <= spending("fund_a", 2026)', vocabulary), /compares USD and t/);
  const q = parseConstraintExpression('capacity("magnet", "magnet", 2027) + flow("AA", bloc("partner"), "metal", 2027) == 25%', vocabulary);
  t.same(q.terms[0]!.call.plants, ['magnet'], 'a plant id names one plant');
  t.same(q.terms[1]!.call.to, ['BB']);
  t.equal(q.constant, -0.25);
});
