/**
 * Near-optimal alternatives on a hand-solved fixture (alternativesDataset): the optimum builds
 * 10 t/yr of magnets in AA for 17,000 USD. Within 2 % (340 USD) a tonne moved to BB costs
 * m = 65.0015155 USD: 50 capex + 15 transport + the trusted-shipment tie-break (src/model/tie-break.ts:
 * 0.5 t of metal AA → BB at 0.001 × 1.01 + 1e-6 × rank(BB) = 1, and 1 t of magnets BB → AA at
 * 0.001 × 1.01); an idle tonne of BB capacity costs 150. So:
 * - BB's new magnet capacity ranges over [0, 340/m = 5.230647] t/yr;
 * - AA's share of new magnet capacity over [(10 − 340/m)/10 = 0.476935, 1] (moving tonnes lowers
 *   the share faster per dollar than idle capacity in BB: 10/(10 + 340/150) = 0.815).
 */
import t from 'tap';
import { checkAlternatives, plannedAlternativeSolves, runAlternatives } from '../../src/analysis/alternatives.js';
import { localMembers } from '../../src/services/local-members.js';
import { alternativesDataset, alternativesScenario } from '../helpers/analysis-fixtures.js';

const moved = 50 + 15 + 0.5 * (0.001 * 1.01 + 1e-6) + 0.001 * 1.01;

t.test('ranges within the slack, at least as extreme as the optimum, as solved by hand', async (t) => {
  const dataset = alternativesDataset();
  const input = {
    scenario: alternativesScenario(),
    slacks: [0.02],
    quantities: [
      { id: 'aa_share', kind: 'capacity_share' as const, countries: ['AA'], stage: 'magnet' as const },
      { id: 'bb_magnets', kind: 'new_capacity' as const, countries: ['BB'], stages: ['magnet' as const] },
    ],
    senses: ['min', 'max'] as Array<'min' | 'max'>,
    maxIterations: 6,
  };
  t.same(checkAlternatives(input, dataset), []);
  t.equal(plannedAlternativeSolves(input), 1 + 2 * (6 + 1));
  const result = await runAlternatives(
    input,
    localMembers(() => dataset),
  );
  t.ok(Math.abs(result.optimum.totalCostUsd! - 17000) < 1e-6, 'least cost 17,000');
  t.same(result.optimum.values, [
    { quantity: 'aa_share', value: 1 },
    { quantity: 'bb_magnets', value: 0 },
  ]);
  for (const r of result.ranges) {
    for (const e of [r.min!, r.max!]) {
      t.equal(e.status, 'optimal', `${r.quantity}: solved`);
      t.ok(e.totalCostUsd! <= r.maxTotalCostUsd! * (1 + 1e-9), `${r.quantity}: within the slack (${e.totalCostUsd} ≤ ${r.maxTotalCostUsd})`);
    }
    t.ok(r.min!.value! <= r.optimumValue! + 1e-9 && r.max!.value! >= r.optimumValue! - 1e-9, `${r.quantity}: at least as extreme as the optimum`);
  }
  const [share, bb] = result.ranges;
  t.ok(Math.abs(share!.min!.value! - (10 - 340 / moved) / 10) < 1e-6, `AA share min ${share!.min!.value} = 0.476935`);
  t.ok(share!.min!.converged, 'Dinkelbach converged');
  t.ok(Math.abs(share!.max!.value! - 1) < 1e-9, 'AA share max 1');
  t.ok(Math.abs(bb!.max!.value! - 340 / moved) < 1e-6, `BB capacity max ${bb!.max!.value} = 5.230647`);
  t.ok(Math.abs(bb!.min!.value!) < 1e-9, 'BB capacity min 0');
});

t.test('a slack ≤ 0 and unknown ids are refused by field', async (t) => {
  const dataset = alternativesDataset();
  const base = { scenario: alternativesScenario(), senses: ['max'] as Array<'min' | 'max'>, maxIterations: 6 };
  t.same(
    checkAlternatives({ ...base, slacks: [0.05, 0], quantities: [{ kind: 'new_capacity' }] }, dataset).map((e) => e.path),
    ['slacks[1]'],
  );
  t.same(
    checkAlternatives({ ...base, slacks: [-1], quantities: [{ kind: 'capacity_share', countries: ['ZZ'], stage: 'magnet' }] }, dataset).map((e) => e.path),
    ['slacks[0]', 'quantities[0].countries[0]'],
  );
  t.same(
    checkAlternatives({ ...base, slacks: [0.1], quantities: [{ kind: 'public_spending', funders: ['nope'] }] }, dataset).map((e) => e.path),
    ['quantities[0].funders[0]'],
  );
});
