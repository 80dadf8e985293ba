/**
 * Hand-solved cases for the market structure the calibration needs: the world-market outlet,
 * contracts (firm volume, breach, delivery that stays with the buyer, share), price floors and
 * per-tonne supports (reported, not costed), ramp-ups, dated lane rules (captive feed, closed lane)
 * and separation cost by feed type with a heavy circuit that starts in a given year.
 *
 * The tiny dataset (test/helpers/tiny-dataset.ts): trusted AA and BB, rival CN; one source in AA
 * (1,000 t TREO/yr, assay ox 0.2, 100 USD/t), one plant per stage in AA (separation 50 USD/t fed at
 * recovery 0.9; metal 1.2 t ox per t, 200 USD/t; magnet 0.5 t metal per t, 1,000 USD/t); 10 t/yr of
 * magnet demand in AA; transport 10 USD/t between countries, 0 within one; discount rate 0.
 * Each case asserts the optimum to 1e-6, re-verifies every row, and solves on both backends.
 */
import t, { type Test } from 'tap';
import { parseScenario, planScenario } from '../../src/planner.js';
import { formulateScenario } from '../../src/model/formulate-scenario.js';
import type { Dataset } from '../../src/data/schema.js';
import type { Portfolio } from '../../src/schemas/portfolio.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const close = (actual: number | null | undefined, expected: number, tolerance = 1e-6) =>
  actual !== null && actual !== undefined && Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected));

async function solveBoth(t: Test, scenario: Record<string, unknown>, dataset: Dataset): Promise<Portfolio> {
  const parsed = parseScenario(scenario);
  const highs = await planScenario(parsed, dataset, { backend: 'highs', skipBaseline: true });
  const jslp = await planScenario(parsed, dataset, { backend: 'javascript-lp-solver', skipBaseline: true });
  t.equal(highs.status, 'optimal', 'HiGHS solves it');
  t.equal(jslp.status, 'optimal', 'javascript-lp-solver solves it');
  t.ok(close(jslp.totalCostUsd, highs.totalCostUsd ?? NaN), `backends agree (${highs.totalCostUsd} vs ${jslp.totalCostUsd})`);
  for (const p of [highs, jslp]) t.ok((p.verification?.maxRelativeViolation ?? 1) <= 1e-6, `${p.solver.name}: every row holds when recomputed`);
  return highs;
}

/** The base chain's cost: 10 t magnets ← 5 t metal ← 6 t oxide ← 6 / 0.18 t TREO. */
const BASE = (6 / 0.18) * 150 + 5 * 200 + 10 * 1000;
/**
 * World prices that respect the recipes with spreads below the tiny plants' conversion costs, so
 * nothing pays to buy from the rival, convert and sell back: metal 1.2 · 1,000 + 150, magnet
 * 0.5 · 1,350 + 900 (conversion costs are 200 and 1,000).
 */
const prices = { ox: { priceUsdPerT: { '2020': 1000 } }, met: { priceUsdPerT: { '2020': 1350 } }, mag: { priceUsdPerT: { '2020': 1575 } } };
/** With the world market on: all 1,000 t TREO fed (oxide costs 833.33 to make and sells for 990), all
 * 180 t oxide sold, and the 10 t of demand bought from the rival at 1,585 (making them would forgo
 * 6 t of oxide sales: 6 · 990 + 5 · 200 + 10 · 1,000 = 16,940 > 15,850), + 10 · 0.01 tie-break. */
const SELL_ALL = 1000 * 150 - 180 * 990 + 10 * 1585 + 10 * 0.01;

t.test('world market: a trusted chain sells what the market does not take', async (t) => {
  const dataset = tinyDataset({ meta: { defaults: { worldMarketSales: true } }, prices });
  const p = await solveBoth(t, tinyScenario(), dataset);
  t.ok(close(p.totalCostUsd, SELL_ALL), `cost ${p.totalCostUsd} = ${SELL_ALL}`);
  const sold = p.flows.filter((f) => f.kind === 'sell');
  t.same(
    sold.map((f) => [f.product, f.from, f.to, Math.round(f.tonnes)]),
    [['ox', 'AA', 'WORLD', 180]],
    'the oxide goes to the world market',
  );
  t.ok(close(p.costBreakdown?.worldMarketSalesUsd, -180 * 990), 'sales are a negative cost category');

  const closed = await solveBoth(t, tinyScenario(), tinyDataset({ prices }));
  t.ok(close(closed.totalCostUsd, 10 * 1585 + 10 * 0.01), "without the world market the market buys the rival's magnets …");
  t.notOk(
    closed.production.some((x) => x.plant === 'sep' && x.throughputT > 1e-6),
    '… and the trusted separator sits idle',
  );
});

t.test('contract: a firm volume makes the plant run, a volume it cannot make is a priced breach', async (t) => {
  const contract = (minTonnes: number) => ({
    id: 'sep_offtake',
    name: 'offtake',
    plant: 'sep',
    product: 'ox',
    fromYear: 2026,
    toYear: 2026,
    minTonnesPerYear: { '2026': minTonnes },
    source: [{ title: 'test' }],
    estimate: false,
  });
  const p = await solveBoth(t, tinyScenario(), tinyDataset({ add: { contracts: [contract(50)] } }));
  // 50 t oxide need 50 / 0.18 t TREO at 150 USD; 6 t of it serve the demand, the rest is held.
  t.ok(close(p.totalCostUsd, (50 / 0.18) * 150 + 5 * 200 + 10 * 1000), `cost ${p.totalCostUsd}`);
  t.match(p.contracts, [{ contract: 'sep_offtake', year: 2026, minTonnes: 50, shortfallT: 0 }]);

  const over = await solveBoth(
    t,
    tinyScenario(),
    tinyDataset({ add: { contracts: [contract(200)] }, meta: { defaults: { contractBreachPenaltyUsdPerT: 1000 } } }),
  );
  // At most 1,000 t TREO · 0.18 = 180 t oxide: 20 t short at 1,000 USD/t.
  t.ok(close(over.totalCostUsd, 1000 * 150 + 5 * 200 + 10 * 1000 + 20 * 1000), `cost ${over.totalCostUsd}`);
  t.ok(close(over.contracts[0]?.shortfallT, 20), 'the breach is reported');
  t.ok(close(over.costBreakdown?.contractShortfallPenaltyUsd, 20_000), 'and priced in its own category');
});

t.test('contract delivered abroad: the tonnes stay with the buyer', async (t) => {
  // BB can separate too (so it can sell oxide): without the "kept" rule the offtake could be met by
  // shipping oxide to BB and selling it straight on.
  const dataset = tinyDataset({
    meta: { defaults: { worldMarketSales: true } },
    prices,
    add: {
      plants: [
        {
          id: 'sep_bb',
          name: 'sep bb',
          stage: 'separation',
          country: 'BB',
          status: 'operating',
          existingCapacityTpa: { '2026': 1 },
          fixedOpexUsdPerTpaYear: 0,
          variableOpexUsdPerT: 1e6,
          recoveryRate: 0.9,
          heavyCircuit: false,
          source: [{ title: 'test' }],
          estimate: false,
        },
      ],
      contracts: [
        {
          id: 'to_bb',
          name: 'to BB',
          plant: 'sep',
          product: 'ox',
          buyerCountry: 'BB',
          fromYear: 2026,
          toYear: 2026,
          minTonnesPerYear: { '2026': 30 },
          source: [{ title: 'test' }],
          estimate: false,
        },
      ],
    },
  });
  const p = await solveBoth(t, tinyScenario(), dataset);
  // As in the world-market case, except that 30 t of the oxide go to BB (10 USD/t) and stay there
  // instead of being sold: cost + 30 · 10 + 30 · 990 (shipped untrusted: nothing asks for the
  // label, and a trusted shipment carries the tie-break).
  const expected = SELL_ALL + 30 * 10 + 30 * 990;
  t.ok(close(p.totalCostUsd, expected), `cost ${p.totalCostUsd} = ${expected}`);
  t.notOk(
    p.flows.some((f) => f.from === 'BB'),
    'BB neither ships nor sells the contracted oxide on',
  );
  t.match(p.contracts, [{ contract: 'to_bb', deliveredT: 30, shortfallT: 0 }]);
});

t.test('price floor and per-tonne support: reported as public cost, never in the objective', async (t) => {
  const dataset = tinyDataset({
    meta: { defaults: { worldMarketSales: true } },
    prices,
    add: {
      contracts: [
        {
          id: 'floor',
          name: 'floor',
          plant: 'sep',
          product: 'ox',
          fromYear: 2026,
          toYear: 2026,
          floorUsdPerT: 1500,
          payer: 'fund_a',
          source: [{ title: 'test' }],
          estimate: false,
        },
        {
          id: 'support',
          name: 'support',
          plant: 'sep',
          product: 'ox',
          fromYear: 2026,
          toYear: 2026,
          supportUsdPerT: 7,
          payer: 'fund_a',
          source: [{ title: 'test' }],
          estimate: false,
        },
      ],
    },
  });
  const p = await solveBoth(t, tinyScenario(), dataset);
  t.ok(close(p.totalCostUsd, SELL_ALL), 'the plan is the world-market case: transfers change nothing');
  const floor = p.contracts.find((c) => c.contract === 'floor')!;
  // 180 t oxide made; the floor pays 1,500 − 1,000 on each.
  t.ok(
    close(floor.outputT, 180) && close(floor.floorPaymentUsd, 180 * 500) && close(floor.presentValueUsd, 90_000),
    'floor payment = (floor − price) × tonnes',
    { floor },
  );
  const support = p.contracts.find((c) => c.contract === 'support')!;
  t.ok(close(support.supportPaymentUsd, 180 * 7), 'support = 7 USD × 180 t of oxide', { support });
  t.equal(floor.payer, 'fund_a');
});

t.test('ramp-up: a new magnet plant gives half its capacity in its first year', async (t) => {
  const dataset = tinyDataset({
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 0 },
        expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 1, earliestStartYear: 2026, lifetimeYears: 5, rampUpShares: [0.5] },
      },
    },
  });
  const scenario = tinyScenario({ horizon: { startYear: 2026, endYear: 2027 }, overrides: { exportControls: [{ products: ['mag'], fromYear: 2027 }] } });
  const p = await solveBoth(t, scenario, dataset);
  // 2027 needs 10 t and the build gives half of itself then: 20 t built in 2026.
  t.equal(p.builds.length, 1);
  t.ok(close(p.builds[0]?.capacityTpa, 20), `built ${p.builds[0]?.capacityTpa}`);
  const model = formulateScenario(parseScenario(scenario), dataset).model;
  const row = model.rowNames.indexOf('capacity[magnet,2027]');
  const build = model.colNames.indexOf('build[magnet,2026]');
  let coefficient = 0;
  for (let k = model.rowStarts[row]!; k < model.rowStarts[row + 1]!; k++) if (model.rowIndices[k] === build) coefficient = model.rowValues[k]!;
  t.equal(coefficient, -0.5, 'the capacity row carries the ramp share');
});

t.test('lane rules: a captive feed and a closed lane that starts in a given year', async (t) => {
  // A cheaper mine in BB (10 USD/t) that the AA separator could use for 10 USD of transport.
  const mine2 = {
    id: 'mine2',
    name: 'mine2',
    country: 'BB',
    status: 'operating',
    supplyTreoTpa: { '2026': 1000 },
    assay: { ox: 0.2 },
    costUsdPerTTreo: 10,
    source: [{ title: 'test' }],
    estimate: false,
  };
  const feed = 6 / 0.18;
  const scenario = tinyScenario({ horizon: { startYear: 2026, endYear: 2027 } });
  const open = await solveBoth(t, scenario, tinyDataset({ add: { sources: [mine2] } }));
  t.ok(close(open.totalCostUsd, 2 * (feed * (10 + 10 + 50) + 5 * 200 + 10 * 1000)), 'open: both years run on the BB mine');

  const closedFrom2027 = {
    id: 'bb_ban',
    kind: 'closed_lane',
    description: 'BB stops concentrate exports from 2027',
    fromYear: 2027,
    from: ['BB'],
    products: ['concentrate'],
    source: [{ title: 'test' }],
    estimate: false,
  };
  const dated = await solveBoth(t, scenario, tinyDataset({ add: { sources: [mine2], laneRules: [closedFrom2027] } }));
  t.ok(close(dated.totalCostUsd, feed * (10 + 10 + 50) + feed * (100 + 50) + 2 * (5 * 200 + 10 * 1000)), 'dated: BB feed in 2026, AA feed in 2027');

  const captive = {
    id: 'mine2_captive',
    kind: 'captive_feed',
    description: 'mine2 feeds only a plant in BB',
    fromYear: 2026,
    sourceId: 'mine2',
    plants: ['sep_bb'],
    source: [{ title: 'test' }],
    estimate: false,
  };
  const sepBB = {
    id: 'sep_bb',
    name: 'sep bb',
    stage: 'separation',
    country: 'BB',
    status: 'operating',
    existingCapacityTpa: { '2026': 0.001 },
    fixedOpexUsdPerTpaYear: 0,
    variableOpexUsdPerT: 1e6,
    recoveryRate: 0.9,
    heavyCircuit: false,
    source: [{ title: 'test' }],
    estimate: false,
  };
  const owned = await solveBoth(t, scenario, tinyDataset({ add: { sources: [mine2], plants: [sepBB], laneRules: [captive] } }));
  t.ok(close(owned.totalCostUsd, 2 * BASE), 'captive: the AA separator cannot take mine2');

  const lifted = await solveBoth(
    t,
    { ...scenario, overrides: { laneRules: { mine2_captive: { active: false } } } },
    tinyDataset({ add: { sources: [mine2], plants: [sepBB], laneRules: [captive] } }),
  );
  t.ok(close(lifted.totalCostUsd, open.totalCostUsd ?? NaN), 'a scenario can switch the rule off');
});

t.test('separation cost by feed type; heavy products only once the heavy circuit is in service', async (t) => {
  const dataset = tinyDataset({
    sources: { mine: { feedType: 'clay', assay: { ox: 0.2, hv: 0.01 } } },
    plants: { sep: { heavyCircuit: true, heavyCircuitFromYear: 2027 } },
    products: { ox: { separationCostUsdPerT: 100 } },
    add: {
      products: [
        { id: 'hv', name: 'heavy', stage: 'separation', heavy: true, final: false, separationCostUsdPerT: 1000, source: [{ title: 'test' }], estimate: false },
      ],
      prices: [{ product: 'hv', priceUsdPerT: { '2020': 5000 }, source: [{ title: 'test' }], estimate: false }],
      feedTypes: [{ id: 'clay', name: 'clay', crackingCostUsdPerT: 10, coProductCreditUsdPerT: 5, source: [{ title: 'test' }], estimate: false }],
    },
    meta: { defaults: { worldMarketSales: true } },
  });
  const p = await solveBoth(t, tinyScenario({ horizon: { startYear: 2026, endYear: 2027 } }), dataset);
  const heavy = p.flows.filter((f) => f.product === 'hv');
  t.ok(heavy.every((f) => f.year === 2027) && heavy.length > 0, 'heavy oxide appears only from 2027', { heavy });
  // 2026: only the light stream. Cost per t TREO = 100 mine + 50 plant + 10 cracking − 5 credit +
  // 0.18 t ox · 100 = 173; the 2026 oxide sold nets 1e5 − 10 per t, so the plant runs full.
  const y2026 = p.production.find((x) => x.plant === 'sep' && x.year === 2026)!;
  t.ok(close(y2026.throughputT, 1000), 'the plant runs full (oxide sells at 1e5)');
  const credit = p.costBreakdown?.coProductCreditUsd ?? 0;
  t.ok(close(credit, -5 * 2000), `co-product credit ${credit} = −5 USD on each of 2,000 t fed`);
});
