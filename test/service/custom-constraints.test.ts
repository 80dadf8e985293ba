/**
 * Custom constraint expressions at the service's edge (issue 16): a bad expression is a 422 naming
 * `constraints[i].expression`, the character position and what was expected, and nothing is
 * stored. Property tests feed random strings and random expression trees: the answer is always a
 * 201/200 or a 422 (never a 500), a 422 always points inside the text, and the store only grows
 * when the scenario was accepted.
 */
import t, { type Test } from 'tap';
import fc from 'fast-check';
import { build, counts, expectProblem } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

const withConstraint = (expression: string, extra: Record<string, unknown> = {}) =>
  tinyScenario({ horizon: { startYear: 2026, endYear: 2028 }, constraints: [{ id: 'c', expression }], ...extra });

t.test('a valid expression is stored; a bad one is a 422 with path, position and what was expected', async (t) => {
  const app = await build(t);
  const ok = await app.inject({
    method: 'POST',
    url: '/scenarios',
    payload: withConstraint('capacity("AA", "magnet", 2027) >= 0.25 * capacity(bloc("TRUSTED"), "magnet", 2027)'),
  });
  t.equal(ok.statusCode, 201);
  t.equal(ok.json().scenario.constraints[0].id, 'c', 'the constraint is part of the stored scenario');
  const before = await counts(app);

  const bad = await app.inject({
    method: 'POST',
    url: '/scenarios',
    payload: tinyScenario({
      horizon: { startYear: 2026, endYear: 2028 },
      constraints: [
        { id: 'fine', expression: 'production("AA", "mag") >= 1' },
        { id: 'nonlinear', expression: 'production("AA", "mag", 2027) * purchases("AA", "mag", 2027) <= 5' },
      ],
    }),
  });
  const problem = expectProblem(t, bad, 422);
  t.equal(problem.errors.length, 1);
  t.match(problem.errors[0], { path: 'constraints[1].expression', in: 'body', position: 31, expected: /multiplied by a number/ });
  t.match(problem.errors[0].message, /at character 31: a product of two quantities is not linear/);
  t.same(await counts(app), before, 'nothing was stored');

  const unknown = await app.inject({ method: 'POST', url: '/scenarios', payload: withConstraint('flow("AA", "XX", "met", 2027) <= 5') });
  t.match(expectProblem(t, unknown, 422).errors[0], { path: 'constraints[0].expression', position: 12, message: /unknown country 'XX'/ });
  const duplicate = await app.inject({
    method: 'POST',
    url: '/scenarios',
    payload: tinyScenario({
      constraints: [
        { id: 'd', expression: 'builds("AA", "magnet", 2026) <= 5' },
        { id: 'd', expression: 'builds("AA", "magnet", 2026) <= 6' },
      ],
    }),
  });
  t.match(expectProblem(t, duplicate, 422).errors[0], { path: 'constraints[1].id', message: /duplicate/ });
  t.same(await counts(app), before, 'nothing was stored');
});

t.test('numbers with units in scenario fields are stored converted; a wrong unit is a 400 naming the field', async (t) => {
  const app = await build(t);
  const target = { bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0.5, penaltyUsdPerT: 'USD 250/kg' as string | number };
  const payload = tinyScenario({
    targets: [target],
    budgets: [{ funder: 'fund_a', totalUsd: '0.5 kUSD', perYearUsd: 100 }],
  });
  const ok = await app.inject({ method: 'POST', url: '/scenarios', payload });
  t.equal(ok.statusCode, 201);
  t.equal(ok.json().scenario.targets[0].penaltyUsdPerT, 250_000, 'USD 250/kg is stored as 250,000 USD/t');
  t.equal(ok.json().scenario.budgets[0].totalUsd, 500, '0.5 kUSD is 500 USD');
  const same = await app.inject({
    method: 'POST',
    url: '/scenarios',
    payload: { ...payload, targets: [{ ...target, penaltyUsdPerT: 250_000 }], budgets: [{ funder: 'fund_a', totalUsd: 500, perYearUsd: 100 }] },
  });
  t.equal(same.statusCode, 200, 'the same numbers written plainly are the same scenario');
  const before = await counts(app);
  const bad = await app.inject({ method: 'POST', url: '/scenarios', payload: { ...payload, targets: [{ ...target, penaltyUsdPerT: '2 kt' }] } });
  t.match(expectProblem(t, bad, 400).errors[0], { path: 'targets[0].penaltyUsdPerT', message: /is in t, not USD\/t/ });
  t.same(await counts(app), before, 'nothing was stored');
});

const ids = fc.constantFrom(
  '"AA"',
  '"BB"',
  '"CN"',
  '"ZZ"',
  '"*"',
  'bloc("TRUSTED")',
  'bloc("QUAD")',
  'bloc("nope")',
  '["AA", "BB"]',
  'AA',
  '"magnet"',
  '"mag"',
  '"fund_a"',
);
const stagesOrProducts = fc.constantFrom('"magnet"', '"metal"', '"separation"', '"mag"', '"met"', '"ox"', '"*"', '"nope"', '["mag", "met"]');
const years = fc.constantFrom('', ', 2026', ', 2027', ', 2031', ', years(2026, 2027)', ', [2026, 2028]', ', "2027"', ', years(2028, 2026)');
const quantity = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('capacity', 'new_capacity', 'builds', 'production', 'purchases', 'consumption', 'untrusted_use', 'unserved', 'sqrt', 'bloc'),
      ids,
      stagesOrProducts,
      years,
    )
    .map(([f, a, b, y]) => `${f}(${a}, ${b}${y})`),
  fc.tuple(ids, ids, stagesOrProducts, years).map(([a, b, k, y]) => `flow(${a}, ${b}, ${k}${y})`),
  fc.tuple(fc.constantFrom('"fund_a"', '"*"', '"nope"'), years).map(([f, y]) => `spending(${f}${y})`),
);
const number = fc.oneof(
  fc.integer({ min: 0, max: 10_000 }).map(String),
  fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => String(x)),
  fc.constantFrom('2.5 kt/yr', '110 USD/kg', '3 MUSD', '25%', '1 m', '0', 'pi', 'x', 'Infinity'),
);
const tree: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    quantity,
    number,
    fc.tuple(tie('expr'), fc.constantFrom(' + ', ' - ', ' * ', ' / ', ' ^ ', ' % ', ' mod ', ' and ', ' '), tie('expr')).map(([a, op, b]) => `${a}${op}${b}`),
    tie('expr').map((a) => `(${a})`),
    tie('expr').map((a) => `-${a}`),
  ),
})).expr;
const comparison = fc
  .tuple(
    tree,
    fc.constantFrom(' >= ', ' <= ', ' == ', ' > ', ' = ', ' ', ' >= ', ' <= '),
    tree,
    fc.option(fc.constantFrom(' <= 5', ')', '(', '; 1', ' ? 1 : 2')),
  )
  .map(([a, op, b, tail]) => `${a}${op}${b}${tail ?? ''}`);

async function neverCrashes(t: Test, arbitrary: fc.Arbitrary<string>, runs: number) {
  const app = await build(t);
  let accepted = 0;
  let refused = 0;
  await fc.assert(
    fc.asyncProperty(arbitrary, async (expression) => {
      const before = await counts(app);
      const response = await app.inject({ method: 'POST', url: '/scenarios', payload: withConstraint(expression) });
      const after = await counts(app);
      if (response.statusCode === 201 || response.statusCode === 200) {
        accepted++;
        return after.scenarios === before.scenarios + (response.statusCode === 201 ? 1 : 0);
      }
      if (response.statusCode !== 422) return false;
      refused++;
      const error = response.json().errors?.[0];
      return (
        after.scenarios === before.scenarios &&
        error?.path === 'constraints[0].expression' &&
        Number.isInteger(error.position) &&
        error.position >= 1 &&
        error.position <= expression.length + 1 &&
        typeof error.expected === 'string' &&
        error.expected.length > 0
      );
    }),
    { numRuns: runs, seed: 16 },
  );
  return { accepted, refused };
}

t.test('random strings: always a 422 (or a valid scenario), never a crash, nothing stored when refused', async (t) => {
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: fc.constantFrom(...'()[]{}"\'+-*/^<>=!,.;:?0123456789 abcdefxyz'.split('')), maxLength: 1200 }),
  );
  const { refused } = await neverCrashes(t, text, 300);
  t.ok(refused > 250, `almost every random string is refused (${refused} of 300)`);
});

t.test('random expression trees: accepted or a 422 pointing inside the text, never a crash', async (t) => {
  const { accepted, refused } = await neverCrashes(t, comparison, 400);
  t.ok(accepted > 0, `some trees are valid (${accepted})`);
  t.ok(refused > 0, `some are refused (${refused})`);
});
