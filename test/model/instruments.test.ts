/**
 * The policy instruments of issue 15 on the tiny dataset, solved by hand: a stockpile filled before
 * a dated ban and drawn during it (with months of cover), recycled feed that displaces a purchase,
 * a plant that survives a price war only with a floor (support = unit cost − rival price), and
 * monotonicity (a cheaper stockpile never raises cost; a lower rival price never lowers the public
 * cost of floors). Bad input: 422-style scenario errors naming the field.
 */
import t from 'tap';
import { parseScenario, planScenario } from '../../src/planner.js';
import { resolveScenario, ScenarioError } from '../../src/model/instance.js';
import type { Dataset } from '../../src/data/schema.js';
import type { Portfolio } from '../../src/schemas/portfolio.js';
import { recyclingDataset, tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';
import { instrumentSections } from '../../src/analysis/report-markdown.js';

const cite = { source: [{ title: 'test fixture' }], estimate: false };
const close = (actual: number | null | undefined, expected: number, tolerance = 1e-6) =>
  actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));

async function solve(scenario: Record<string, unknown>, dataset: Dataset): Promise<Portfolio> {
  const p = await planScenario(parseScenario(scenario), dataset, { backend: 'highs', skipBaseline: true });
  if (p.status !== 'optimal') throw new Error(`not optimal: ${p.status} ${p.message ?? ''}`);
  if ((p.verification?.maxRelativeViolation ?? 1) > 1e-6) throw new Error('a row does not hold when recomputed');
  return p;
}

// No magnet capacity in AA: every magnet is bought from CN (1e5 + 10 transport per t).
const stockpileDataset = () =>
  tinyDataset({
    plants: { magnet: { existingCapacityTpa: { '2026': 0 } } },
    add: {
      stockpiles: [{ id: 'aa_reserve', name: 'AA reserve', members: ['AA'], envelopeUsd: 1e9, holdCostShareOfValuePerYear: 0.01, fromYear: 2026, ...cite }],
    },
  });
const banScenario = (extra: Record<string, unknown> = {}) =>
  tinyScenario({ horizon: { startYear: 2026, endYear: 2028 }, overrides: { exportControls: [{ products: ['mag'], fromYear: 2028 }] }, ...extra });

t.test('a stockpile is filled before a dated ban and drawn during it', async (t) => {
  const hold = 5;
  const p = await solve(banScenario({ stockpiles: [{ holder: 'aa_reserve', product: 'mag', maxStockT: 100, holdCostUsdPerTYear: hold }] }), stockpileDataset());
  // Buy 10 t a year in 2026-27 for demand and 10 t more in 2027 for the 2028 ban year (held one year);
  // no earlier fill (holding costs), nothing unserved. Discount rate 0.
  // Every magnet is untrusted (bought): 30 deliveries carry the 0.01 USD/t origin tie-break.
  const expected = 30 * (1e5 + 10) + hold * 10 + 30 * 0.01;
  t.ok(close(p.totalCostUsd, expected), `cost ${p.totalCostUsd} vs ${expected}`);
  t.equal(p.unservedT, 0, 'nothing unserved in the ban year');
  const years = p.stockpiles!.years;
  const at = (y: number) => years.find((r) => r.year === y)!;
  t.ok(close(at(2026).stockT, 0), 'no stock in 2026');
  t.ok(close(at(2027).fillT, 10) && close(at(2027).stockT, 10), 'filled with 10 t in 2027');
  t.ok(close(at(2027).untrustedStockT, 10), 'the stock keeps the origin of what went in (bought from the rival: untrusted)');
  t.ok(close(at(2028).drawT, 10) && close(at(2028).stockT, 0), 'drawn in 2028');
  // Months of cover in 2028: 10 t carried in, 10 t consumed in 2028 → 12 months.
  const cover = p.stockpiles!.cover.find((c) => c.year === 2028 && c.member === 'AA')!;
  t.ok(close(cover.monthsOfCover, 12), `months of cover ${cover.monthsOfCover}`);
  t.ok(close(p.costBreakdown?.stockHoldingUsd, hold * 10), 'holding cost in its category');
  const brief = instrumentSections(p).join('\n');
  t.match(brief, /## Strategic stockpiles/, 'the brief has a stockpile section');
  t.match(brief, /\| AA \| aa_reserve \| mag \| 2028 \| 12\.0 \|/, 'with the months of cover');
});

t.test('a stockpile that is on but useless changes nothing; a cheaper one never costs more', async (t) => {
  const off = await solve(banScenario(), stockpileDataset());
  t.ok(close(off.totalCostUsd, 20 * (1e5 + 10) + 20 * 0.01 + 10 * 1e6), 'without a stockpile the ban year is unserved');
  const noBan = await solve(
    tinyScenario({ horizon: { startYear: 2026, endYear: 2028 }, stockpiles: [{ holder: 'aa_reserve', product: 'mag', maxStockT: 100 }] }),
    stockpileDataset(),
  );
  const noBanOff = await solve(tinyScenario({ horizon: { startYear: 2026, endYear: 2028 } }), stockpileDataset());
  t.ok(close(noBan.totalCostUsd, noBanOff.totalCostUsd ?? NaN), 'no ban: the stockpile holds nothing and the cost is unchanged');
  let previous = Infinity;
  for (const hold of [50, 20, 5, 0]) {
    const p = await solve(
      banScenario({ stockpiles: [{ holder: 'aa_reserve', product: 'mag', maxStockT: 100, holdCostUsdPerTYear: hold }] }),
      stockpileDataset(),
    );
    t.ok((p.totalCostUsd ?? Infinity) <= previous + 1e-6, `hold ${hold}: cost ${p.totalCostUsd} ≤ ${previous}`);
    previous = p.totalCostUsd ?? Infinity;
  }
  const small = await solve(banScenario({ stockpiles: [{ holder: 'aa_reserve', product: 'mag', maxStockT: 4, holdCostUsdPerTYear: 5 }] }), stockpileDataset());
  t.ok(close(small.unservedT, 6), 'a 4 t capacity leaves 6 t of the ban year unserved');
});

t.test('recycled feed displaces a purchase', async (t) => {
  const off = await solve(tinyScenario(), recyclingDataset());
  const on = await solve(tinyScenario({ recycling: { enabled: true } }), recyclingDataset());
  const bought = (p: Portfolio) => p.flows.filter((f) => f.kind === 'buy' && f.product === 'met').reduce((s, f) => s + f.tonnes, 0);
  t.ok(close(bought(off), 5), 'without recycling: 5 t metal bought');
  t.ok(close(bought(on), 5 - 4 * 0.3), 'with recycling: 1.2 t of recycled alloy displaces 1.2 t bought');
  // 10 t magnets: 2.4 t from trusted recycled metal, 7.6 t untrusted (0.01 tie-break on make and deliver).
  const expected = 3.8 * (1e5 + 10) + 4 * 300 + 10 * 1000 + 2 * 7.6 * 0.01;
  t.ok(close(on.totalCostUsd, expected), `cost ${on.totalCostUsd} vs ${expected}`);
  t.ok(close(on.costBreakdown?.recyclingUsd, 4 * 300), 'recycling cost in its category');
  const y = on.recycling!.years[0]!;
  // Oxide-equivalent: 1.2 t oxide per t metal; recycled 1.44, bought 4.56, nothing separated for use.
  t.ok(close(y.recycledShare, 1.44 / (1.44 + 4.56 + y.primaryNdprOxideEqT)), `recycled share ${y.recycledShare}`);
  t.equal(off.recycling, null, 'no recycling section when recycling is off');
});

// Price war: magnets at 500 USD/t from the rival; a hard target keeps AA's magnets trusted, so the
// chain runs at home: 10 t magnets at 1,000 opex each + 5 t metal valued at its 2,000 world price
// = 2,000 USD per t magnet of unit cost; revenue 500 per t → support 1,500 per t.
const floorDataset = () =>
  tinyDataset({ prices: { ox: { priceUsdPerT: { '2020': 1000 } }, met: { priceUsdPerT: { '2020': 2000 } }, mag: { priceUsdPerT: { '2020': 500 } } } });
const floorScenario = (magPrice = 500, extra: Record<string, unknown> = {}) =>
  tinyScenario({
    targets: [{ bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0, hard: true }],
    overrides: { prices: { mag: { priceUsdPerT: { '2020': magPrice } } }, funders: { fund_a: { totalUsd: 1e9 } } },
    floors: { enabled: true },
    ...extra,
  });

t.test('a plant that survives a price war only with a floor', async (t) => {
  const p = await solve(floorScenario(), floorDataset());
  const f = p.floors!;
  const magnet = f.plants.find((x) => x.plant === 'magnet')!;
  t.ok(magnet.needsFloor, 'the magnet plant needs a floor');
  const unitCost = (10 * 1000 + 5 * 2000) / 10;
  t.ok(close(magnet.unitCostUsdPerT, unitCost), `unit cost ${magnet.unitCostUsdPerT}`);
  t.ok(close(magnet.levels[0]!.supportUsdPerT, unitCost - 500), `support ${magnet.levels[0]!.supportUsdPerT} = unit cost − rival price`);
  t.ok(close(magnet.maxFloorUsdPerT, unitCost), 'the floor level is the unit cost');
  t.ok(close(f.publicCostPvUsd, (unitCost - 500) * 10), `public cost ${f.publicCostPvUsd}`);
  t.same(f.capexOnly.unviablePlants, ['magnet'], 'grants alone cannot keep it alive (no capex to grant)');
  t.notOk(
    f.plants.some((x) => x.plant === 'sep' && x.needsFloor),
    'separation covers its costs: no floor',
  );
  t.match(
    instrumentSections(p).join('\n'),
    /\| magnet \| magnet \| 2026–2026 \(1 yr\) \| 2,000 \|/,
    'the brief names the plant, its years and its floor level',
  );
  const bounded = await solve(floorScenario(500, { floors: { enabled: true, caps: [{ plant: 'magnet', maxFloorUsdPerT: 1500 }] } }), floorDataset());
  t.same(bounded.floors!.unviablePlants, ['magnet'], 'a cap below the unit cost leaves it not viable');
});

t.test('grants or support: a plant that covers its cash cost needs only its capex recovered', async (t) => {
  // The magnet plant is a new build: 10 t/yr at 100 USD per t/yr, no lead time, one-year life
  // (annuity = capex at a zero discount rate). Unit cost 2,000 cash + 100 capex = 2,100 per t.
  const dataset = tinyDataset({
    prices: { ox: { priceUsdPerT: { '2020': 1000 } }, met: { priceUsdPerT: { '2020': 2000 } } },
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 0 },
        expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 1 },
      },
    },
  });
  // At 2,050 per t the plant covers its cash cost (margin 500) but not its capex (1,000): 500 of
  // public money, and grants alone do it.
  const covered = await solve(floorScenario(2050), dataset);
  const m1 = covered.floors!.plants.find((x) => x.plant === 'magnet')!;
  t.ok(close(covered.floors!.publicCostPvUsd, 500), `public cost ${covered.floors!.publicCostPvUsd}`);
  t.ok(m1.capexOnly.viable && close(m1.capexOnly.grantPvUsd, 500), 'grants alone keep it alive with a 500 grant');
  t.ok(close(covered.floors!.capexOnly.publicCostPvUsd, 500), 'at the same public cost');
  // At 500 per t the cash gap is 15,000: only support covers it; grants alone cover the capex (1,000)
  // and leave the cash loss.
  const war = await solve(floorScenario(500), dataset);
  const m2 = war.floors!.plants.find((x) => x.plant === 'magnet')!;
  t.ok(close(war.floors!.publicCostPvUsd, 15000 + 1000), `public cost ${war.floors!.publicCostPvUsd}`);
  t.ok(close(m2.supportPvUsd, 15000, 1e-6) || close(m2.supportPvUsd + m2.grantPvUsd, 16000), 'support covers the cash gap');
  t.notOk(m2.capexOnly.viable, 'grants alone cannot');
  t.ok(close(m2.capexOnly.grantPvUsd, 1000) && close(m2.capexOnly.unviablePvUsd, 15000), 'they pay the capex and leave the 15,000 cash loss');
});

t.test('a lower rival price never lowers the public cost of floors', async (t) => {
  let previous = -Infinity;
  for (const price of [1500, 1000, 500, 100]) {
    const p = await solve(floorScenario(price), floorDataset());
    t.ok(p.floors!.publicCostPvUsd >= previous - 1e-6, `price ${price}: public cost ${p.floors!.publicCostPvUsd} ≥ ${previous}`);
    previous = p.floors!.publicCostPvUsd;
  }
});

t.test('bad instrument input names the field', async (t) => {
  const dataset = stockpileDataset();
  const issues = (scenario: Record<string, unknown>) => {
    try {
      resolveScenario(parseScenario(scenario), dataset);
      return [];
    } catch (error) {
      if (error instanceof ScenarioError) return error.issues.map((i) => i.path);
      throw error;
    }
  };
  t.same(issues(tinyScenario({ floors: { enabled: true, maxFloorUsdPerT: -1 } })), ['floors.maxFloorUsdPerT'], 'a floor bound below zero');
  t.same(
    issues(tinyScenario({ floors: { enabled: true, maxFloorUsdPerT: 1000, caps: [{ plant: 'magnet', maxFloorUsdPerT: 2000 }] } })),
    ['floors.caps[0].maxFloorUsdPerT'],
    'a floor above the bound',
  );
  t.same(
    issues(tinyScenario({ floors: { enabled: true, caps: [{ plant: 'magnet', maxFloorUsdPerT: -5 }] } })),
    ['floors.caps[0].maxFloorUsdPerT'],
    'a floor below zero',
  );
  t.same(issues(tinyScenario({ stockpiles: [{ holder: 'nobody', product: 'mag', maxStockT: 1 }] })), ['stockpiles[0].holder'], 'an unknown holder');
  t.same(
    issues(tinyScenario({ stockpiles: [{ holder: 'aa_reserve', product: 'unobtainium', maxStockT: 1 }] })),
    ['stockpiles[0].product'],
    'an unknown product',
  );
  const rec = recyclingDataset();
  const recIssues = (scenario: Record<string, unknown>) => {
    try {
      resolveScenario(parseScenario(scenario), rec);
      return [];
    } catch (error) {
      if (error instanceof ScenarioError) return error.issues.map((i) => i.path);
      throw error;
    }
  };
  t.same(
    recIssues(tinyScenario({ recycling: { enabled: true, paths: [{ country: 'AA', product: 'ox', kind: 'swarf', tonnesPerYear: { '2026': 1 } }] } })),
    ['recycling.paths[0].product'],
    'a path for a product no route takes',
  );
});
