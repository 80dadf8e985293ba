/**
 * Unit tests of the pure comparison (src/services/compare.ts) and of the CSV writer, on hand-made
 * portfolios whose differences are known by construction.
 */
import t from 'tap';
import { comparePortfolios } from '../../src/services/compare.js';
import { csvCell, portfolioCsv } from '../../src/services/csv.js';
import { ComparisonSchema } from '../../src/schemas/api/comparisons.js';
import type { Portfolio } from '../../src/schemas/portfolio.js';
import { COST_CATEGORIES, costBreakdownKey, type CostBreakdownKey } from '../../src/model/cost-categories.js';

const costs = (capexUsd: number, purchasesUsd: number) => ({
  ...(Object.fromEntries(COST_CATEGORIES.map((c) => [costBreakdownKey(c), 0])) as Record<CostBreakdownKey, number>),
  capexUsd,
  purchasesUsd,
});

type Build = Portfolio['builds'][number];
const build = (plant: string, buildYear: number, capacityTpa: number, extra: Partial<Build> = {}): Build => ({
  plant,
  name: `${plant} plant`,
  country: plant.slice(0, 2).toUpperCase(),
  stage: 'magnet',
  status: 'candidate',
  capacityTpa,
  buildYear,
  onlineYear: buildYear + 2,
  capexUsd: capacityTpa * 100,
  funding: [],
  privateUsd: capacityTpa * 100,
  ...extra,
});

function portfolio(over: Partial<Portfolio>): Portfolio {
  const total = over.costBreakdown ? Object.values(over.costBreakdown).reduce((a, b) => a + b, 0) : null;
  return {
    scenarioName: 's',
    datasetId: 'd',
    horizon: { startYear: 2026, endYear: 2028 },
    status: 'optimal',
    totalCostUsd: total,
    costBreakdown: null,
    builds: [],
    production: [],
    flows: [],
    unservedT: 0,
    unserved: [],
    dependency: [],
    budgets: [],
    contracts: [],
    floors: null,
    stockpiles: null,
    recycling: null,
    model: { rows: 1, columns: 1, nonzeros: 1, integerColumns: 0, buildMs: 1 },
    solver: { name: 'highs', version: 'x', solveMs: 1 },
    verification: null,
    baseline: { status: 'optimal', totalCostUsd: null },
    ...over,
  };
}

const trajectory = (shares: Array<number | null>, limit = 0.5) => ({
  target: 't0',
  bloc: ['US', 'JP'],
  product: 'mag',
  hard: false,
  maxUntrustedShare: limit,
  fromYear: 2026,
  points: shares.map((share, i) => ({
    year: 2026 + i,
    limit,
    baselineShare: 0.9,
    baselineShareMethod: 'optimised' as const,
    portfolioShare: share,
    shareMethod: 'optimised' as const,
    consumptionT: 100,
    untrustedT: share === null ? 0 : 100 * share,
    met: share === null ? null : share <= limit,
    shortfallT: 0,
  })),
});

const production = (country: string, stage: string, year: number, capacityTpa: number) => ({
  plant: `${country}-${stage}`,
  country,
  stage,
  year,
  throughputT: 1,
  capacityTpa,
  trustedOutputT: 1,
  untrustedOutputT: 0,
});

const a = portfolio({
  costBreakdown: costs(1000, 500),
  builds: [build('us_mag', 2026, 100), build('jp_mag', 2027, 50), build('same', 2026, 10)],
  production: [production('US', 'magnet', 2028, 100), production('US', 'magnet', 2027, 999)],
  dependency: [trajectory([0.9, 0.6, 0.4])],
  budgets: [
    { funder: 'dfc', year: 2026, usedUsd: 100, perYearUsd: null },
    { funder: 'dfc', year: 2027, usedUsd: 50, perYearUsd: null },
  ],
});
const b = portfolio({
  scenarioName: 'b',
  costBreakdown: costs(1500, 300),
  builds: [build('us_mag', 2026, 150), build('au_mag', 2026, 20), build('same', 2026, 10)],
  production: [production('US', 'magnet', 2028, 150), production('AU', 'magnet', 2028, 20)],
  dependency: [trajectory([0.9, 0.5, 0.2])],
  budgets: [{ funder: 'dfc', year: 2026, usedUsd: 300, perYearUsd: null }],
});
const c = portfolio({
  scenarioName: 'c',
  status: 'infeasible',
  builds: [build('us_mag', 2027, 100), build('jp_mag', 2028, 70), build('same', 2026, 10)],
});

const compared = comparePortfolios([
  { id: 'a', scenarioId: 'sa', portfolio: a },
  { id: 'b', scenarioId: 'sb', portfolio: b },
  { id: 'c', scenarioId: 'sc', portfolio: c },
]);

t.test('the result matches the API schema', async (t) => {
  t.ok(ComparisonSchema.safeParse(compared).success);
  t.same(
    compared.portfolios.map((p) => [p.id, p.scenarioId, p.scenarioName, p.status]),
    [
      ['a', 'sa', 's', 'optimal'],
      ['b', 'sb', 'b', 'optimal'],
      ['c', 'sc', 'c', 'infeasible'],
    ],
  );
});

t.test('totals and breakdown with deltas against the first', async (t) => {
  t.same(compared.totals, [
    { portfolioId: 'a', totalCostUsd: 1500, deltaUsd: 0, deltaPct: 0 },
    { portfolioId: 'b', totalCostUsd: 1800, deltaUsd: 300, deltaPct: 20 },
    { portfolioId: 'c', totalCostUsd: null, deltaUsd: null, deltaPct: null },
  ]);
  const capex = compared.costBreakdown.find((row) => row.category === 'capexUsd')!;
  t.same(capex.values, [
    { portfolioId: 'a', usd: 1000, deltaUsd: 0 },
    { portfolioId: 'b', usd: 1500, deltaUsd: 500 },
    { portfolioId: 'c', usd: null, deltaUsd: null },
  ]);
  t.equal(compared.costBreakdown.find((row) => row.category === 'purchasesUsd')!.values[1]!.deltaUsd, -200);
  t.equal(compared.costBreakdown.length, Object.keys(costs(0, 0)).length, 'every cost category');
});

t.test('builds that differ, and how', async (t) => {
  const byPlant = Object.fromEntries(compared.buildDifferences.map((d) => [d.plant, d]));
  t.notOk(byPlant.same, 'identical builds are not listed');
  t.equal(byPlant.au_mag!.difference, 'only_in_some');
  t.same(byPlant.au_mag!.presentIn, ['b']);
  t.equal(byPlant.jp_mag!.difference, 'only_in_some', 'absent from b');
  t.same(byPlant.jp_mag!.presentIn, ['a', 'c']);
  t.equal(byPlant.us_mag!.difference, 'size_and_year', 'b is bigger, c is later');
  t.same(
    byPlant.us_mag!.values.map((v) => [v.portfolioId, v.totalCapacityTpa]),
    [
      ['a', 100],
      ['b', 150],
      ['c', 100],
    ],
  );

  const sizeOnly = comparePortfolios([
    { id: 'x', scenarioId: 's', portfolio: portfolio({ builds: [build('p', 2026, 10)] }) },
    { id: 'y', scenarioId: 's', portfolio: portfolio({ builds: [build('p', 2026, 12)] }) },
  ]);
  t.equal(sizeOnly.buildDifferences[0]!.difference, 'size');
  const yearOnly = comparePortfolios([
    { id: 'x', scenarioId: 's', portfolio: portfolio({ builds: [build('p', 2026, 10)] }) },
    { id: 'y', scenarioId: 's', portfolio: portfolio({ builds: [build('p', 2027, 10)] }) },
  ]);
  t.equal(yearOnly.buildDifferences[0]!.difference, 'year');
  const roundOff = comparePortfolios([
    { id: 'x', scenarioId: 's', portfolio: portfolio({ builds: [build('p', 2026, 10)] }) },
    { id: 'y', scenarioId: 's', portfolio: portfolio({ builds: [build('p', 2026, 10 + 1e-9)] }) },
  ]);
  t.same(roundOff.buildDifferences, [], 'solver round-off is not a difference');
});

t.test('capacity by country and stage', async (t) => {
  const us = compared.capacity.find((row) => row.country === 'US' && row.stage === 'magnet')!;
  t.same(
    us.values.map((v) => [v.portfolioId, v.builtTpa, v.builtDeltaTpa, v.operatingTpa, v.operatingDeltaTpa]),
    [
      ['a', 100, 0, 100, 0],
      ['b', 150, 50, 150, 50],
      ['c', 100, 0, 0, -100],
    ],
  );
  const au = compared.capacity.find((row) => row.country === 'AU')!;
  t.same(
    au.values.map((v) => v.builtTpa),
    [0, 20, 0],
  );
});

t.test('dependency trajectories side by side', async (t) => {
  t.equal(compared.dependency.length, 1);
  const [target] = compared.dependency;
  t.same(
    target!.points.map((p) => p.year),
    [2026, 2027, 2028],
  );
  const last = target!.points[2]!;
  t.equal(last.limit, 0.5);
  t.same(
    last.values.map((v) => [v.portfolioId, v.share, v.met]),
    [
      ['a', 0.4, true],
      ['b', 0.2, true],
      ['c', null, null],
    ],
  );
  t.ok(Math.abs(last.values[1]!.deltaShare! - -0.2) < 1e-12);
  t.equal(last.values[2]!.deltaShare, null, 'no trajectory, no delta');
});

t.test('budget use per funder', async (t) => {
  t.same(
    compared.budgets.map((f) => f.funder),
    ['dfc'],
  );
  const [dfc] = compared.budgets;
  t.same(dfc!.values, [
    { portfolioId: 'a', usedUsd: 150, deltaUsd: 0 },
    { portfolioId: 'b', usedUsd: 300, deltaUsd: 150 },
    { portfolioId: 'c', usedUsd: 0, deltaUsd: -150 },
  ]);
  t.same(
    dfc!.years.find((y) => y.year === 2027)!.values.map((v) => v.usedUsd),
    [50, null, null],
  );
});

t.test('a comparison needs two portfolios', async (t) => {
  t.throws(() => comparePortfolios([{ id: 'a', scenarioId: 's', portfolio: a }]), RangeError);
});

t.test('CSV cells are escaped and formula-safe', async (t) => {
  t.equal(csvCell('plain'), 'plain');
  t.equal(csvCell('a,b'), '"a,b"');
  t.equal(csvCell('say "hi"'), '"say ""hi"""');
  t.equal(csvCell('two\nlines'), '"two\nlines"');
  t.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`, 'formulas are defused');
  t.equal(csvCell(-12.5), '-12.5', 'negative numbers stay numbers');
  t.equal(csvCell(null), '');
  t.equal(csvCell(Number.NaN), '');

  const funded = portfolio({
    builds: [
      build('us_mag', 2026, 100, {
        funding: [
          { funder: 'dfc', usd: 40 },
          { funder: 'exim', usd: 20 },
        ],
        privateUsd: 9940,
      }),
    ],
  });
  const builds = portfolioCsv(funded, 'builds').split('\r\n');
  t.equal(builds[0], 'plant,name,country,stage,status,buildYear,onlineYear,capacityTpa,capexUsd,publicUsd,privateUsd,funding');
  t.equal(builds[1], 'us_mag,us_mag plant,US,magnet,candidate,2026,2028,100,10000,60,9940,dfc:40;exim:20');
  t.equal(portfolioCsv(funded, 'all').split('\r\n')[1]!.split(',')[0], 'build', 'the combined table says which record each line is');
});
