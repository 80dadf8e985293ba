/**
 * Property: whatever is wrong with a scenario or a solve request, the answer is a 4xx problem
 * document that names at least one field, never a 5xx, and the database is left exactly as it was.
 * Each generated request starts from a valid scenario and breaks it in one or more ways that are
 * certain to be invalid (wrong type, missing or unknown field, out of range, bad id, unknown id).
 */
import t from 'tap';
import fc from 'fast-check';
import { build, counts } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

type Json = Record<string, unknown>;
type Mutation = (scenario: Json) => void;

const notA = {
  string: fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({})),
  number: fc.oneof(fc.string({ maxLength: 5 }), fc.boolean(), fc.constant(null), fc.constant([]), fc.constant({})),
  object: fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant([1])),
  array: fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean(), fc.constant(null), fc.constant({ a: 1 })),
};

/** Keys that no strict object in the scenario accepts. */
const unknownKey = fc
  .string({ minLength: 1, maxLength: 12 })
  .map((k) => `x_${k}`)
  .filter((k) => k !== '__proto__');

/** Ids that match the id pattern but that the tiny dataset does not have. */
const unknownId = fc.stringMatching(/^[a-z0-9_]{1,20}$/).map((s) => `zz_${s}`);

/** Strings that break the id pattern or its length limit. */
const badId = fc.oneof(
  fc.string({ minLength: 1, maxLength: 10 }).map((s) => `${s} /`),
  fc.constant(''),
  fc.constant('a'.repeat(65)),
);

/** Numbers clearly outside [min, max] (a margin keeps -0 and rounding from landing inside). */
const outside = (min: number, max: number) =>
  fc.oneof(fc.double({ min: -1e9, max: min - 1e-6, noNaN: true }), fc.double({ min: max + 1e-6, max: 1e9, noNaN: true }));
const yearOutside = fc.oneof(
  fc.integer({ min: -5000, max: 1989 }),
  fc.integer({ min: 2101, max: 99999 }),
  fc.double({ min: 2000.1, max: 2000.9, noNaN: true }),
);

/** The scenario's horizon object, recreated when an earlier mutation replaced it with something else. */
const horizon = (s: Json): Json => {
  const h = s.horizon;
  if (!h || typeof h !== 'object' || Array.isArray(h)) s.horizon = { startYear: 2026, endYear: 2026 };
  return s.horizon as Json;
};

const target = (extra: Json = {}) => ({ bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0.5, ...extra });

const mutations: fc.Arbitrary<Mutation>[] = [
  fc.constantFrom<Mutation>(
    (s) => delete s.name,
    (s) => delete s.horizon,
    (s) => (horizon(s).endYear = undefined),
    (s) => (s.horizon = { startYear: 2030, endYear: 2026 }),
    (s) => (s.horizon = { startYear: 2026, endYear: 2080 }),
    (s) => (s.name = ''),
    (s) => (s.name = 'n'.repeat(201)),
  ),
  notA.string.map(
    (v): Mutation =>
      (s) =>
        (s.name = v),
  ),
  notA.string.map(
    (v): Mutation =>
      (s) =>
        (s.datasetId = v),
  ),
  notA.object.map(
    (v): Mutation =>
      (s) =>
        (s.horizon = v),
  ),
  notA.number.map(
    (v): Mutation =>
      (s) =>
        (horizon(s).startYear = v),
  ),
  notA.number.map(
    (v): Mutation =>
      (s) =>
        (s.discountRate = v),
  ),
  notA.array.map(
    (v): Mutation =>
      (s) =>
        (s.targets = v),
  ),
  notA.array.map(
    (v): Mutation =>
      (s) =>
        (s.budgets = v),
  ),
  notA.object.map(
    (v): Mutation =>
      (s) =>
        (s.solver = v),
  ),
  notA.object.map(
    (v): Mutation =>
      (s) =>
        (s.overrides = v),
  ),
  yearOutside.map(
    (v): Mutation =>
      (s) =>
        (horizon(s).startYear = v),
  ),
  outside(0, 0.5).map(
    (v): Mutation =>
      (s) =>
        (s.discountRate = v),
  ),
  outside(0, 1).map(
    (v): Mutation =>
      (s) =>
        (s.capexPublicShare = v),
  ),
  outside(0, 1).map(
    (v): Mutation =>
      (s) =>
        (s.targets = [target({ maxUntrustedShare: v })]),
  ),
  fc.oneof(fc.double({ max: 0, noNaN: true, min: -1e6 }), fc.double({ min: 3600, minExcluded: true, max: 1e9, noNaN: true })).map(
    (v): Mutation =>
      (s) =>
        (s.solver = { timeLimitSeconds: v }),
  ),
  fc
    .string({ maxLength: 8 })
    .filter((b) => b !== 'highs' && b !== 'javascript-lp-solver')
    .map(
      (v): Mutation =>
        (s) =>
          (s.solver = { backend: v }),
    ),
  unknownKey.map(
    (k): Mutation =>
      (s) =>
        (s[k] = 1),
  ),
  unknownKey.map(
    (k): Mutation =>
      (s) =>
        (horizon(s)[k] = true),
  ),
  unknownKey.map(
    (k): Mutation =>
      (s) =>
        (s.solver = { [k]: 'x' }),
  ),
  unknownKey.map(
    (k): Mutation =>
      (s) =>
        (s.targets = [target({ [k]: 1 })]),
  ),
  badId.map(
    (v): Mutation =>
      (s) =>
        (s.datasetId = v),
  ),
  badId.map(
    (v): Mutation =>
      (s) =>
        (s.trustedCountries = [v]),
  ),
  badId.map(
    (v): Mutation =>
      (s) =>
        (s.overrides = { excludePlants: [v] }),
  ),
  // Well-formed but unknown to the dataset: 422.
  unknownId.map(
    (v): Mutation =>
      (s) =>
        (s.datasetId = v),
  ),
  unknownId.map(
    (v): Mutation =>
      (s) =>
        (s.overrides = { excludePlants: [v] }),
  ),
  unknownId.map(
    (v): Mutation =>
      (s) =>
        (s.overrides = { excludeSources: [v] }),
  ),
  unknownId.map(
    (v): Mutation =>
      (s) =>
        (s.trustedCountries = ['AA', v]),
  ),
  unknownId.map(
    (v): Mutation =>
      (s) =>
        (s.targets = [target({ product: v })]),
  ),
  unknownId.map(
    (v): Mutation =>
      (s) =>
        (s.targets = [target({ bloc: [v] })]),
  ),
  unknownId.map(
    (v): Mutation =>
      (s) =>
        (s.budgets = [{ funder: v }]),
  ),
  unknownId.map(
    (v): Mutation =>
      (s) =>
        (s.overrides = { plants: { [v]: { variableOpexUsdPerT: 1 } } }),
  ),
  fc.constantFrom<Mutation>(
    (s) => (s.overrides = { plants: { sep: { recoveryRate: 2 } } }),
    (s) => (s.overrides = { plants: { sep: { id: 'other' } } }),
    (s) => (s.targets = [target({ year: 2031 })]),
    (s) => (s.targets = [target({ id: 'a' }), target({ id: 'a' })]),
    (s) => (s.trustedCountries = ['CN']),
  ),
];

const brokenScenario = fc
  .tuple(fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }) }), fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 }))
  .map(([{ name }, applied]) => {
    const scenario = tinyScenario({ name }) as Json;
    for (const mutate of applied) mutate(scenario);
    return scenario as unknown;
  });

const notAnObject = fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.array(fc.integer(), { maxLength: 3 }), fc.boolean());

const scenarioBody = fc.oneof({ weight: 9, arbitrary: brokenScenario }, { weight: 1, arbitrary: notAnObject });

const solveBody = fc.oneof(
  { weight: 6, arbitrary: brokenScenario.map((scenario) => ({ scenario })) },
  {
    weight: 2,
    arbitrary: fc
      .oneof(
        fc.record({ timeLimitSeconds: fc.oneof(outside(0, 3600), notA.number) }),
        fc.record({ backend: fc.string({ maxLength: 6 }) }),
        fc.record({ mipRelGap: outside(0, 0.1) }),
        unknownKey.map((k) => ({ [k]: 1 })),
        notA.object,
      )
      .map((options) => ({ scenario: tinyScenario(), options })),
  },
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.constant({}),
      unknownKey.map((k) => ({ scenario: tinyScenario(), [k]: 1 })),
    ),
  },
  { weight: 1, arbitrary: notAnObject },
);

t.test('malformed scenarios and solve requests get 4xx problems and change nothing', async (t) => {
  // Solving is on, so a request that slipped through validation would queue a job and be noticed.
  const app = await build(t, { solver: { size: 1 } });
  const before = await counts(app);
  let rejected = 0;
  const statuses = new Map<number, number>();

  const check = (url: string) => async (body: unknown) => {
    const response = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(body) ?? 'null' });
    statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
    if (response.statusCode < 400 || response.statusCode >= 500) throw new Error(`${url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    if (!/^application\/problem\+json/.test(String(response.headers['content-type'])))
      throw new Error(`not a problem document: ${response.headers['content-type']}`);
    const problem = response.json() as { status: number; errors?: Array<{ path: unknown; message: unknown }> };
    if (problem.status !== response.statusCode) throw new Error('status in body and header differ');
    if (!problem.errors?.length) throw new Error(`no field named: ${response.body}`);
    for (const error of problem.errors) {
      if (typeof error.path !== 'string' || !error.path || typeof error.message !== 'string' || !error.message)
        throw new Error(`bad field error ${JSON.stringify(error)}`);
    }
    rejected++;
  };

  await fc.assert(fc.asyncProperty(scenarioBody, check('/scenarios')), { numRuns: 1000 });
  await fc.assert(fc.asyncProperty(solveBody, check('/solve')), { numRuns: 1000 });

  t.equal(rejected, 2000, 'every request was rejected with a problem naming a field');
  t.same(await counts(app), before, 'no scenario, job or portfolio was written');
  t.ok((statuses.get(400) ?? 0) > 0 && (statuses.get(422) ?? 0) > 0, `both 400 and 422 occurred (${JSON.stringify([...statuses])})`);
});
