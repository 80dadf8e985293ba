/**
 * Members that differ only in their target limits are made from one formulated template by
 * rewriting the dependency rows' coefficients (src/model/target-limits.ts) and solved on the kept
 * HiGHS model (issue 14). Checked against formulating each member afresh: the same coefficients by
 * row and column name, and the same plan, cost (1e-9 relative) and binding limits.
 *
 * Fixture (one year): AA needs 10 t of magnets; the rival's cost 1,000 USD/t + transport; AA can
 * build at most 6 t/yr (capex 100), BB any amount (capex 150 + transport). A limit L on AA's
 * untrusted share builds (1 − L)·10 t/yr of trusted magnets: in AA up to 6, BB beyond.
 */
import t from 'tap';
import { clearFormulationTemplates, keptTemplates, parseScenario, planWithReport } from '../../src/planner.js';
import { resolveScenario } from '../../src/model/instance.js';
import { formulate, formulateWithTargetRows } from '../../src/model/formulate.js';
import { limitTemplate, templateScenario, withTargetLimits, TEMPLATE_LIMIT } from '../../src/model/target-limits.js';
import type { LinearModel } from '../../src/model/builder.js';
import { clearBasisCache, setBasisReuse } from '../../src/solver/highs.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const cite = { source: [{ title: 'test fixture' }], estimate: false };
const expansion = (capex: number, max: number) => ({
  capexUsdPerTpa: capex,
  maxSizeTpa: max,
  minSizeTpa: 0,
  leadTimeYears: 0,
  earliestStartYear: 2026,
  lifetimeYears: 1,
});
const dataset = tinyDataset({
  plants: { magnet: { status: 'candidate', existingCapacityTpa: { '2026': 0 }, expansion: expansion(100, 6) } },
  prices: { mag: { priceUsdPerT: { '2020': 1000 } }, met: { priceUsdPerT: { '2020': 1e7 } }, ox: { priceUsdPerT: { '2020': 1e7 } } },
  add: {
    plants: [
      {
        id: 'magnet_bb',
        name: 'magnet BB',
        stage: 'magnet',
        country: 'BB',
        status: 'candidate',
        existingCapacityTpa: { '2026': 0 },
        expansion: expansion(150, 100),
        fixedOpexUsdPerTpaYear: 0,
        variableOpexUsdPerT: 1000,
        processes: ['mag_from_met'],
        ...cite,
      },
    ],
  },
});
type Member = Awaited<ReturnType<typeof planWithReport>>;
const scenario = (limit: number) =>
  parseScenario(tinyScenario({ name: `limit ${limit}`, targets: [{ id: 'aa_mag', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: limit }] }));

/** Every nonzero coefficient keyed `row|column`. */
function coefficients(model: LinearModel): Map<string, number> {
  const out = new Map<string, number>();
  for (let i = 0; i < model.rowNames.length; i++) {
    for (let k = model.rowStarts[i]!; k < model.rowStarts[i + 1]!; k++)
      if (model.rowValues[k] !== 0) out.set(`${model.rowNames[i]}|${model.colNames[model.rowIndices[k]!]}`, model.rowValues[k]!);
  }
  return out;
}

t.test('the template with a limit written in has the coefficients of that limit formulated afresh', async (t) => {
  const instance = resolveScenario(templateScenario(scenario(0.5)), dataset);
  const { model, targetRows } = formulateWithTargetRows(instance);
  t.equal(instance.targets[0]!.maxUntrustedShare, TEMPLATE_LIMIT);
  t.same(
    targetRows.map((r) => `${r.target},${r.year}`),
    ['aa_mag,2026'],
    'one target row',
  );
  const template = limitTemplate(instance, model, targetRows)!;
  t.ok(template, 'every term found in the pattern');
  for (const limit of [1, 0.9, 0.2, 0]) {
    const fresh = formulate(resolveScenario(scenario(limit), dataset));
    const made = withTargetLimits(template, scenario(limit));
    t.equal(made.instance.targets[0]!.maxUntrustedShare, limit, `limit ${limit}: the instance carries it`);
    t.equal(made.instance.scenario.name, `limit ${limit}`);
    t.same(made.model.rowIndices, model.rowIndices, `limit ${limit}: the template's pattern`);
    const a = coefficients(fresh);
    const b = coefficients(made.model);
    t.same([...b.keys()].sort(), [...a.keys()].sort(), `limit ${limit}: the same nonzero entries by name`);
    const worst = [...a].reduce((w, [key, v]) => Math.max(w, Math.abs(v - (b.get(key) ?? NaN)) / Math.max(1, Math.abs(v))), 0);
    t.ok(worst <= 1e-12, `limit ${limit}: the same values (largest difference ${worst})`);
    t.same([...made.model.rowUpper], [...fresh.rowUpper], 'the same right-hand sides');
    t.same([...made.model.colCost], [...fresh.colCost], 'the same costs');
  }
});

t.test('members solved in place match members formulated afresh: cost, builds, binding limits', async (t) => {
  const limits = [0.9, 0.5, 0.2, 0];
  clearBasisCache();
  clearFormulationTemplates(dataset);
  const inPlace: Member[] = [];
  for (const limit of limits) inPlace.push(await planWithReport(scenario(limit), dataset, { skipBaseline: true, memberReport: true }));
  t.equal(keptTemplates(dataset), 1, 'one template for the four members');
  t.same(
    inPlace.map((m) => m.portfolio.solver.warmStart),
    [false, true, true, true],
    'each point after the first goes on from the previous one',
  );

  clearBasisCache();
  setBasisReuse(false);
  t.teardown(() => setBasisReuse(true));
  const fresh: Member[] = [];
  for (const limit of limits) fresh.push(await planWithReport(scenario(limit), dataset, { skipBaseline: true, memberReport: true, reuseFormulation: false }));

  const builds = (m: Member) => m.portfolio.builds.map((b) => [b.plant, Math.round(b.capacityTpa * 1e6) / 1e6]);
  let compared = 0;
  limits.forEach((limit, i) => {
    const a = fresh[i]!;
    const b = inPlace[i]!;
    t.equal(b.portfolio.status, 'optimal');
    const cost = a.portfolio.totalCostUsd!;
    t.ok(Math.abs(b.portfolio.totalCostUsd! - cost) <= 1e-9 * Math.abs(cost), `limit ${limit}: cost ${b.portfolio.totalCostUsd} = ${cost}`);
    t.same(builds(b), builds(a), `limit ${limit}: the same builds ${JSON.stringify(builds(a))}`);
    t.same(b.report.binding.map((x) => x.constraint).sort(), a.report.binding.map((x) => x.constraint).sort(), `limit ${limit}: the same binding limits`);
    // A dual whose range says it is unique must agree; a dual-degenerate row (not unique) may
    // take another of its valid values from another starting basis (a warm start's caveat).
    const unique = (m: Member) =>
      new Map(
        Object.values(m.report.marginalValues ?? {})
          .flat()
          .filter((v) => v.range?.unique)
          .map((v) => [v.constraint, v.dual] as const),
      );
    const ua = unique(a);
    const ub = unique(b);
    for (const [constraint, dual] of ua) {
      if (!ub.has(constraint)) continue;
      compared++;
      t.ok(Math.abs(ub.get(constraint)! - dual) <= 1e-6 * Math.max(1, Math.abs(dual)), `limit ${limit}: ${constraint} dual ${ub.get(constraint)} = ${dual}`);
    }
    t.same(
      b.portfolio.dependency[0]!.points.map((p) => p.limit),
      [limit],
      'the portfolio reports the member’s limit',
    );
  });
  t.ok(compared >= limits.length, `${compared} unique duals compared`);
  // The hand solution: (1 − L)·10 t/yr of trusted magnets, AA's 6 first.
  t.same(builds(inPlace[1]!), [['magnet', 5]]);
  t.same(builds(inPlace[3]!), [
    ['magnet', 6],
    ['magnet_bb', 4],
  ]);
});
