/**
 * Dependency metrics (src/analysis/dependency-metrics.ts): hand-computed values on tiny chains,
 * agreement with the portfolio's dependency trajectory and with the model's own rows, and
 * invariants over every bloc, product and year of two reference scenarios and their baselines.
 */
import t, { type Test } from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, solveOptionsFor } from '../../src/planner.js';
import { formulateScenario } from '../../src/model/formulate-scenario.js';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/schema.js';
import { solveModel, type SolveResult } from '../../src/solver/index.js';
import { rowActivities } from '../../src/analysis/evaluate.js';
import { buildPortfolio } from '../../src/analysis/portfolio.js';
import { compareDependencyMetrics, dependencyMetrics, type DependencyMetricPoint, type DependencyMetrics } from '../../src/analysis/dependency-metrics.js';
import { DependencyMetricsSchema } from '../../src/schemas/dependency-metrics.js';
import type { Instance } from '../../src/model/instance.js';
import type { LinearModel } from '../../src/model/builder.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const close = (actual: number | null | undefined, expected: number, tolerance = 1e-6) =>
  actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));

interface Solved {
  instance: Instance;
  model: LinearModel;
  values: Float64Array;
  result: SolveResult;
  metrics: DependencyMetrics;
}

async function solve(t: Test, scenario: Record<string, unknown>, dataset: Dataset, noNewBuilds = false): Promise<Solved> {
  const parsed = parseScenario(scenario);
  const { instance, model } = formulateScenario(parsed, dataset, noNewBuilds);
  const result = await solveModel(model, { ...solveOptionsFor(parsed), backend: 'highs' });
  t.equal(result.status, 'optimal', `${parsed.name}${noNewBuilds ? ' (baseline)' : ''} solves`);
  const values = result.columnValues!;
  return { instance, model, values, result, metrics: dependencyMetrics(instance, model, values) };
}

function point(metrics: DependencyMetrics, bloc: string, product: string, year: number): DependencyMetricPoint {
  const found = metrics.blocs
    .find((b) => b.bloc === bloc)
    ?.products.find((p) => p.product === product)
    ?.points.find((p) => p.year === year);
  if (!found) throw new Error(`no point for ${bloc} ${product} ${year}`);
  return found;
}

function column(s: Solved, name: string): number {
  const j = s.model.colNames.indexOf(name);
  return j < 0 ? 0 : (s.values[j] ?? 0);
}

/** Properties every point must have, whatever the model. */
function assertInvariants(t: Test, metrics: DependencyMetrics, label: string) {
  t.ok(DependencyMetricsSchema.safeParse(metrics).success, `${label}: output matches the schema`);
  let checked = 0;
  const failures: string[] = [];
  const check = (ok: boolean, what: string) => {
    checked++;
    if (!ok) failures.push(what);
  };
  for (const bloc of metrics.blocs) {
    for (const product of bloc.products) {
      t.same(
        product.points.map((p) => p.year),
        metrics.years,
        `${label} ${bloc.bloc} ${product.product}: one point per year`,
      );
      for (const p of product.points) {
        const at = `${bloc.bloc} ${product.product} ${p.year}`;
        const values = [p.consumptionT, p.untrustedT, p.productionT, p.importsT, p.exportsT, p.apparentConsumptionT, p.hhi ?? 0, p.netImportReliancePct ?? 0];
        check(values.every(Number.isFinite), `${at}: finite numbers (no NaN or Infinity)`);
        check((p.untrustedShare === null) === p.consumptionT <= 1e-6, `${at}: share is null exactly when nothing is consumed`);
        if (p.untrustedShare !== null) check(p.untrustedShare >= 0 && p.untrustedShare <= 1 + 1e-12, `${at}: share ${p.untrustedShare} in [0, 1]`);
        check(p.untrustedT <= p.consumptionT + 1e-9 && p.unservedT <= p.untrustedT + 1e-9, `${at}: unserved ⊆ untrusted ⊆ consumption`);
        check(close(p.netImportsT, p.importsT - p.exportsT, 1e-9), `${at}: net imports = imports − exports`);
        check(
          close(p.apparentConsumptionT, p.productionT + p.importsT - p.exportsT, 1e-6),
          `${at}: apparent consumption = P + I − X (${p.apparentConsumptionT})`,
        );
        check((p.netImportReliancePct === null) === p.apparentConsumptionT <= 1e-6, `${at}: reliance is null exactly without apparent consumption`);
        if (p.netImportReliancePct !== null) check(p.netImportReliancePct <= 100 + 1e-9, `${at}: reliance ${p.netImportReliancePct} ≤ 100 %`);
        check(p.netExporter === p.exportsT - p.importsT > 1e-6, `${at}: net exporter flag`);
        if (p.netExporter) check(p.usgsNotation === 'E' && (p.netImportReliancePct === null || p.netImportReliancePct < 0), `${at}: a net exporter reads "E"`);
        else if (p.netImportReliancePct === null) check(p.usgsNotation === 'NA', `${at}: "NA" without apparent consumption`);
        else check(p.usgsNotation === String(Math.round(p.netImportReliancePct) || 0), `${at}: USGS notation is the rounded percentage`);
        check((p.hhi === null) === (p.suppliers.length === 0), `${at}: HHI is null exactly when nobody supplies`);
        if (p.hhi !== null) {
          const n = p.suppliers.length;
          check(p.hhi <= 10000 + 1e-6 && p.hhi >= 10000 / n - 1e-6, `${at}: HHI ${p.hhi} in [10000/${n}, 10000]`);
          check(
            close(
              p.suppliers.reduce((s, x) => s + x.sharePct, 0),
              100,
              1e-9,
            ),
            `${at}: supplier shares sum to 100 %`,
          );
          check(
            close(
              p.hhi,
              p.suppliers.reduce((s, x) => s + x.sharePct ** 2, 0),
              1e-9,
            ),
            `${at}: HHI = Σ share²`,
          );
          check(new Set(p.suppliers.map((x) => x.country)).size === n, `${at}: each supplier once`);
          // Members supply P_c − X_c (≥ 0) and others what they send in: Σ = P + I − X without re-exports.
          check(
            p.suppliers.reduce((s, x) => s + x.suppliedT, 0) >= p.apparentConsumptionT - 1e-6 * Math.max(1, p.apparentConsumptionT),
            `${at}: suppliers cover apparent consumption`,
          );
        } else {
          check(p.apparentConsumptionT <= 1e-6, `${at}: no suppliers means no apparent consumption`);
        }
      }
    }
  }
  t.same(failures, [], `${label}: ${checked} invariant checks hold`);
  for (const row of metrics.summary) {
    const p = point(metrics, row.bloc, row.product, row.year);
    if (row.untrustedShare !== p.untrustedShare || row.hhi !== p.hhi || row.topSupplier !== (p.suppliers[0]?.country ?? null)) {
      t.fail(`${label}: summary row ${row.bloc} ${row.product} ${row.year} differs from its point`);
      return;
    }
  }
  t.ok(
    metrics.summary.every((r) => metrics.blocs.find((b) => b.bloc === r.bloc)?.kind !== 'country'),
    `${label}: summary shows trusted and target blocs only`,
  );
}

t.test('a bloc sourcing everything from China: share 100 %, reliance 100 %, HHI 10,000', async (t) => {
  const dataset = tinyDataset({ remove: { plants: ['sep', 'metal', 'magnet'] } });
  const s = await solve(t, tinyScenario(), dataset);
  t.ok(close(column(s, 'buy[mag,AA,2026]'), 10), 'AA buys its 10 t of magnets from CN');
  t.same(
    s.metrics.blocs.map((b) => [b.bloc, b.kind, b.countries]),
    [
      ['trusted', 'trusted', ['AA', 'BB']],
      ['AA', 'country', ['AA']],
    ],
    'the trusted bloc and the demand country',
  );
  for (const bloc of ['trusted', 'AA']) {
    const p = point(s.metrics, bloc, 'mag', 2026);
    t.match(
      p,
      {
        consumptionT: 10,
        untrustedT: 10,
        untrustedShare: 1,
        productionT: 0,
        importsT: 10,
        exportsT: 0,
        netImportReliancePct: 100,
        usgsNotation: '100',
        netExporter: false,
        hhi: 10000,
      },
      `${bloc}: all untrusted, all imported`,
    );
    t.same(p.suppliers, [{ country: 'CN', suppliedT: 10, sharePct: 100 }], `${bloc}: CN is the only supplier`);
    for (const product of ['ox', 'met']) {
      t.match(
        point(s.metrics, bloc, product, 2026),
        { consumptionT: 0, untrustedShare: null, apparentConsumptionT: 0, netImportReliancePct: null, usgsNotation: 'NA', hhi: null, suppliers: [] },
        `${bloc} ${product}: nothing flows → nulls, not NaN`,
      );
    }
  }
  t.same(
    s.metrics.summary.map((r) => [r.bloc, r.product]),
    [['trusted', 'mag']],
    'the summary leaves out products with no flows and country blocs',
  );
  assertInvariants(t, s.metrics, 'all from China');
});

t.test('unserved demand counts as untrusted content but not as apparent consumption', async (t) => {
  // No plants, and CN stops selling magnets: the 10 t of demand go unserved.
  const dataset = tinyDataset({ remove: { plants: ['sep', 'metal', 'magnet'] } });
  const scenario = tinyScenario({ overrides: { exportControls: [{ products: ['mag'], fromYear: 2026 }] } });
  const s = await solve(t, scenario, dataset);
  t.ok(close(column(s, 'unserved[AA,mag,2026]'), 10), '10 t unserved');
  t.match(
    point(s.metrics, 'AA', 'mag', 2026),
    {
      consumptionT: 10,
      untrustedT: 10,
      unservedT: 10,
      untrustedShare: 1,
      apparentConsumptionT: 0,
      netImportReliancePct: null,
      usgsNotation: 'NA',
      hhi: null,
      suppliers: [],
    },
    'a gap is not independence (share 100 %), yet nothing is imported or made (reliance NA, no HHI)',
  );
  t.same(
    s.metrics.summary.map((r) => [r.bloc, r.product, r.untrustedShare, r.hhi]),
    [['trusted', 'mag', 1, null]],
    'the summary still shows the gap',
  );
  assertInvariants(t, s.metrics, 'unserved');
});

t.test('hand-computed metrics along a chain short of feed', async (t) => {
  // The mine gives 20 t TREO → 20 · 0.2 · 0.9 = 3.6 t oxide → 3.6 / 1.2 = 3 t metal in AA. The 10 t
  // of magnets need 5 t metal; the other 2 t are bought from CN (0.5 · 1e5 + 1,000 opex per t of
  // magnet beats 1e5 for a bought magnet). The target (≤ 40 % untrusted) pins the labels: 3 t trusted
  // metal → 6 t trusted magnets, 2 t untrusted metal → 4 t untrusted magnets.
  const dataset = tinyDataset({ sources: { mine: { supplyTreoTpa: { '2026': 20 } } } });
  const scenario = tinyScenario({ targets: [{ id: 'aa_mag', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0.4 }] });
  const s = await solve(t, scenario, dataset);
  t.ok(close(column(s, 'feed[mine,sep,2026]'), 20), 'all 20 t of feed separated');
  t.ok(close(column(s, 'buy[met,AA,2026]'), 2), '2 t of metal bought from CN');
  t.ok(close(column(s, 'make[magnet,mag_from_met,untrusted,2026]'), 4), '4 t of untrusted magnets');
  t.same(
    s.metrics.blocs.map((b) => [b.bloc, b.kind, b.targets]),
    [
      ['trusted', 'trusted', []],
      ['AA', 'target', ['aa_mag']],
    ],
    'a one-country target bloc is listed once, as a target',
  );

  const mag = point(s.metrics, 'AA', 'mag', 2026);
  t.ok(close(mag.untrustedShare, 0.4) && close(mag.consumptionT, 10), `magnets: 4 / 10 untrusted (${mag.untrustedShare})`);
  t.ok(close(mag.netImportReliancePct, 0) && mag.usgsNotation === '0', 'magnets: all made in AA, reliance 0 %');
  t.ok(close(mag.hhi, 10000), 'magnets: one supplier (AA)');

  const met = point(s.metrics, 'AA', 'met', 2026);
  // Plant inputs: 10 t magnets · 0.5 = 5 t metal, 2 t of it untrusted. P = 3, I = 2, X = 0.
  t.ok(close(met.consumptionT, 5) && close(met.untrustedT, 2) && close(met.untrustedShare, 0.4), `metal: 2 / 5 untrusted (${met.untrustedShare})`);
  t.ok(close(met.productionT, 3) && close(met.importsT, 2) && close(met.apparentConsumptionT, 5), 'metal: P 3, I 2, apparent consumption 5');
  t.ok(close(met.netImportReliancePct, 40) && met.usgsNotation === '40', `metal: reliance 2 / 5 = 40 % (${met.netImportReliancePct})`);
  t.same(
    met.suppliers.map((x) => x.country),
    ['AA', 'CN'],
    'metal: AA then CN',
  );
  t.ok(close(met.suppliers[0]?.sharePct, 60) && close(met.suppliers[1]?.sharePct, 40), 'metal: 60 % / 40 %');
  t.ok(close(met.hhi, 60 ** 2 + 40 ** 2), `metal: HHI 3600 + 1600 = 5200 (${met.hhi})`);

  const ox = point(s.metrics, 'AA', 'ox', 2026);
  // 3 t metal · 1.2 = 3.6 t oxide taken in, all trusted (AA mine, AA plant).
  t.ok(close(ox.consumptionT, 3.6) && close(ox.untrustedShare, 0), 'oxide: 3.6 t, none untrusted');
  t.ok(close(ox.productionT, 3.6) && close(ox.netImportReliancePct, 0) && close(ox.hhi, 10000), 'oxide: made at home, one supplier');

  t.same(point(s.metrics, 'trusted', 'met', 2026), met, 'BB consumes nothing, so the trusted bloc reads like AA');
  assertInvariants(t, s.metrics, 'short of feed');
});

t.test('an exporter, an importer and the bloc that holds both', async (t) => {
  // BB wants 10 t of magnets too; AA makes 20 t and ships 10 to BB (10 USD/t beats 1e5 from CN).
  const dataset = tinyDataset({
    add: {
      demand: [
        {
          id: 'bb_mag',
          country: 'BB',
          baseYear: 2026,
          baseTonnes: 10,
          growthRatePerYear: 0,
          gradeMix: { mag: 1 },
          source: [{ title: 'test fixture' }],
          estimate: false,
        },
      ],
    },
  });
  const scenario = tinyScenario({
    targets: [
      { id: 'both', bloc: ['BB', 'AA'], product: 'mag', year: 2026, maxUntrustedShare: 0 },
      { id: 'bb', bloc: ['BB'], product: 'mag', year: 2026, maxUntrustedShare: 0 },
    ],
  });
  const s = await solve(t, scenario, dataset);
  t.ok(close(column(s, 'ship[mag,trusted,AA,BB,2026]'), 10), 'AA ships 10 t of trusted magnets to BB');
  t.same(
    s.metrics.blocs.map((b) => [b.bloc, b.kind, b.targets]),
    [
      ['trusted', 'trusted', ['both']],
      ['BB', 'target', ['bb']],
      ['AA', 'country', []],
    ],
    'a target bloc equal to the trusted countries is the trusted bloc; countries follow',
  );

  const aa = point(s.metrics, 'AA', 'mag', 2026);
  // P 20, I 0, X 10: apparent consumption 10, net imports −10 → −100 %, printed "E".
  t.match(
    aa,
    { productionT: 20, importsT: 0, exportsT: 10, netImportsT: -10, apparentConsumptionT: 10, netExporter: true, usgsNotation: 'E' },
    'AA is a net exporter',
  );
  t.ok(close(aa.netImportReliancePct, -100), `AA: reliance −100 % (${aa.netImportReliancePct})`);
  t.same(aa.suppliers, [{ country: 'AA', suppliedT: 10, sharePct: 100 }], 'AA supplies itself with P − X = 10 t');
  t.ok(close(aa.consumptionT, 10) && close(aa.untrustedShare, 0), 'AA consumes 10 t, all trusted');

  const bb = point(s.metrics, 'BB', 'mag', 2026);
  t.match(
    bb,
    { productionT: 0, importsT: 10, exportsT: 0, netImportReliancePct: 100, usgsNotation: '100', netExporter: false, hhi: 10000, untrustedShare: 0 },
    'BB imports everything, from a trusted country',
  );
  t.same(
    bb.suppliers.map((x) => x.country),
    ['AA'],
    'BB: AA is the supplier',
  );

  const both = point(s.metrics, 'trusted', 'mag', 2026);
  t.match(both, { consumptionT: 20, productionT: 20, importsT: 0, exportsT: 0, netImportReliancePct: 0, hhi: 10000 }, 'inside the bloc the shipment cancels');
  t.ok(close(point(s.metrics, 'trusted', 'met', 2026).consumptionT, 10), 'the bloc takes in 10 t of metal for 20 t of magnets');
  assertInvariants(t, s.metrics, 'exporter');
});

t.test('agrees with the portfolio trajectory and the model rows (small-us-magnets-2030)', async (t) => {
  const raw = JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', 'small-us-magnets-2030.json'), 'utf8')) as Record<string, unknown>;
  const dataset = loadDataset('quad-2026');
  const main = await solve(t, raw, dataset);
  const base = await solve(t, raw, dataset, true);
  const portfolio = buildPortfolio({
    instance: main.instance,
    model: main.model,
    result: main.result,
    buildMs: 0,
    baseline: { model: base.model, result: base.result },
  });
  const metrics = main.metrics;
  const baseline = base.metrics;

  t.ok(portfolio.dependency.length > 0, 'the scenario has a target');
  for (const trajectory of portfolio.dependency) {
    const bloc = metrics.blocs.find((b) => b.targets.includes(trajectory.target));
    t.ok(bloc, `${trajectory.target}: its bloc is reported`);
    t.same([...(bloc?.countries ?? [])].sort(), [...trajectory.bloc].sort(), `${trajectory.target}: same countries`);
    for (const p of trajectory.points) {
      const now = point(metrics, bloc!.bloc, trajectory.product, p.year);
      const before = point(baseline, bloc!.bloc, trajectory.product, p.year);
      t.ok(close(now.consumptionT, p.consumptionT) && close(now.untrustedT, p.untrustedT), `${trajectory.target} ${p.year}: same tonnes as the portfolio`);
      t.ok(
        p.portfolioShare !== null && close(now.untrustedShare, p.portfolioShare, 1e-9),
        `${trajectory.target} ${p.year}: portfolio share ${now.untrustedShare} = ${p.portfolioShare}`,
      );
      t.ok(
        p.baselineShare !== null && close(before.untrustedShare, p.baselineShare, 1e-9),
        `${trajectory.target} ${p.year}: baseline share ${before.untrustedShare} = ${p.baselineShare}`,
      );
    }
  }

  for (const [label, s, m] of [
    ['portfolio', main, metrics],
    ['baseline', base, baseline],
  ] as const) {
    // The dependency row: shortfall = max(0, untrusted − α · consumption) at an optimum (it is priced).
    // The baseline reports its targets' blocs but does not enforce them (no rows, no shortfall).
    t.equal(
      s.model.rowNames.some((n) => n.startsWith('dependency[')),
      label === 'portfolio',
      `${label}: dependency rows only where targets are enforced`,
    );
    for (const target of s.instance.targetsEnforced ? s.instance.targets : []) {
      const bloc = m.blocs.find((b) => b.targets.includes(target.id))!;
      for (const year of target.years) {
        const p = point(m, bloc.bloc, target.product, year);
        const shortfall = column(s, `shortfall[${target.id},${year}]`);
        const excess = Math.max(0, p.untrustedT - target.maxUntrustedShare * p.consumptionT);
        t.ok(
          Math.abs(shortfall - excess) <= 1e-5 * Math.max(1, p.consumptionT),
          `${label} ${target.id} ${year}: shortfall ${shortfall.toFixed(3)} = excess ${excess.toFixed(3)}`,
        );
      }
    }
    // The balance rows: summed over a bloc's countries and both origins, their activity is the
    // surplus P + I − X − (consumption − unserved), which the model requires to be ≥ 0.
    const activity = rowActivities(s.model, s.values);
    const rowIndex = new Map(s.model.rowNames.map((name, i) => [name, i]));
    let compared = 0;
    const mismatches: string[] = [];
    for (const bloc of m.blocs) {
      for (const product of bloc.products) {
        for (const p of product.points) {
          let surplus = 0;
          for (const country of bloc.countries) {
            for (const origin of ['trusted', 'untrusted']) {
              const i = rowIndex.get(`balance[${product.product},${origin},${country},${p.year}]`);
              if (i !== undefined) surplus += activity[i] ?? 0;
            }
          }
          compared++;
          const expected = p.apparentConsumptionT - (p.consumptionT - p.unservedT);
          if (Math.abs(surplus - expected) > 1e-4 * Math.max(1, p.apparentConsumptionT))
            mismatches.push(`${bloc.bloc} ${product.product} ${p.year}: rows ${surplus} vs metrics ${expected}`);
        }
      }
    }
    t.same(mismatches, [], `${label}: apparent consumption − use equals the balance rows' surplus (${compared} bloc-product-years)`);
    assertInvariants(t, m, `small-us ${label}`);
  }
});

t.test('invariants over a multi-year, multi-country scenario and its baseline (quad-magnets-50-by-2030)', async (t) => {
  const raw = JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', 'quad-magnets-50-by-2030.json'), 'utf8')) as Record<string, unknown>;
  const dataset = loadDataset('quad-2026');
  const main = await solve(t, raw, dataset);
  const base = await solve(t, raw, dataset, true);
  for (const [label, m] of [
    ['portfolio', main.metrics],
    ['baseline', base.metrics],
  ] as const) {
    assertInvariants(t, m, `quad ${label}`);
    t.same(
      m.blocs.map((b) => b.bloc),
      ['trusted', 'AU+IN+JP+US', 'US', 'JP', 'IN', 'AU', 'KR', 'DE'],
      `${label}: trusted bloc, the Quad target bloc, its members, then the partner markets`,
    );
    // Consumption and production add up over the Quad's members (trade between them does not).
    const quad = m.blocs.find((b) => b.bloc === 'AU+IN+JP+US')!;
    const members = m.blocs.filter((b) => b.kind === 'country' && quad.countries.includes(b.bloc));
    const mismatches: string[] = [];
    for (const product of quad.products) {
      for (const p of product.points) {
        const parts = members.map((b) => point(m, b.bloc, product.product, p.year));
        const sum = (f: (x: DependencyMetricPoint) => number) => parts.reduce((s, x) => s + f(x), 0);
        if (
          !close(
            sum((x) => x.consumptionT),
            p.consumptionT,
          ) ||
          !close(
            sum((x) => x.untrustedT),
            p.untrustedT,
          ) ||
          !close(
            sum((x) => x.productionT),
            p.productionT,
          )
        ) {
          mismatches.push(`${product.product} ${p.year}`);
        }
      }
    }
    t.same(mismatches, [], `${label}: the Quad's consumption, untrusted content and production are the sum of its members'`);
  }
  const rows = compareDependencyMetrics(base.metrics, main.metrics);
  const row = rows.find((r) => r.bloc === 'AU+IN+JP+US' && r.product === 'ndfeb_magnet_std' && r.year === 2030);
  t.ok(row?.baseline && row.portfolio, 'the comparison pairs baseline and portfolio rows');
  t.ok((row?.portfolio?.untrustedShare ?? 1) <= 0.5 + 1e-6, `the portfolio meets the 50 % target in 2030 (${row?.portfolio?.untrustedShare})`);
  t.ok((row?.baseline?.untrustedShare ?? 0) > 0.5, `the baseline does not (${row?.baseline?.untrustedShare})`);
  t.ok(
    rows.every((r, i) => i === 0 || rows[i - 1]!.year <= r.year),
    'comparison rows come in year order',
  );
});
