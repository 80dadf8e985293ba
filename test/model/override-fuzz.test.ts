/**
 * Property tests for scenario overrides over every record kind of the bundled dataset: an unknown
 * id, an unknown field, a value of the wrong type, a value out of range and an id the dataset does
 * not know inside a reference field are each rejected with the override's JSON path; overriding a
 * field with its own value is accepted. Through the API, a rejected override answers 422 with the
 * same path and stores nothing.
 */
import t from 'tap';
import fc from 'fast-check';
import type { z } from 'zod';
import { loadDataset } from '../../src/data/load.js';
import {
  ContractSchema,
  DemandSchema,
  FeedstockSourceSchema,
  FunderSchema,
  LaneRuleSchema,
  PlantSchema,
  PriceSchema,
  type Dataset,
} from '../../src/data/schema.js';
import { parseScenario } from '../../src/planner.js';
import { resolveScenario, ScenarioError } from '../../src/model/instance.js';
import { build, counts, expectProblem } from '../helpers/app.js';

const dataset = loadDataset('quad-2026');
const NUM_RUNS = 150;

type Kind = 'plants' | 'sources' | 'demand' | 'prices' | 'funders' | 'laneRules' | 'contracts';
const KINDS: readonly Kind[] = ['plants', 'sources', 'demand', 'prices', 'funders', 'laneRules', 'contracts'];

const keyOf = (kind: Kind, record: Record<string, unknown>) => String(kind === 'prices' ? record.product : record.id);
const records = (kind: Kind) => dataset[kind] as unknown as ReadonlyArray<Record<string, unknown>>;
const ids = (kind: Kind) => records(kind).map((r) => keyOf(kind, r));

/** Field names a record of this kind may carry (lane rules: both kinds). */
const SHAPES: Record<Kind, readonly string[]> = {
  plants: Object.keys(PlantSchema.shape),
  sources: Object.keys(FeedstockSourceSchema.shape),
  demand: Object.keys(DemandSchema.shape),
  prices: Object.keys(PriceSchema.shape),
  funders: Object.keys(FunderSchema.shape),
  laneRules: (LaneRuleSchema.options as z.ZodObject[]).flatMap((o) => Object.keys(o.shape)),
  contracts: Object.keys(ContractSchema.shape),
};
const NOT_OVERRIDABLE = new Set(['id', 'source', 'estimate', 'kind', 'estimateNote']);
const fieldsOf = (kind: Kind, record: Record<string, unknown>) =>
  (kind === 'laneRules'
    ? Object.keys((LaneRuleSchema.options as z.ZodObject[]).find((o) => (o.shape.kind as z.ZodLiteral).values.has(record.kind as never))!.shape)
    : SHAPES[kind]
  ).filter((f) => !NOT_OVERRIDABLE.has(f) && !(kind === 'prices' && f === 'product'));

/** Reference fields: where the value (or each element, or each key) must be an id of the dataset. */
const REFERENCES: Record<Kind, ReadonlyArray<{ field: string; shape: 'id' | 'ids' | 'keys'; kinds?: readonly string[] }>> = {
  plants: [
    { field: 'country', shape: 'id' },
    { field: 'processes', shape: 'ids', kinds: ['metal', 'magnet'] },
  ],
  sources: [
    { field: 'country', shape: 'id' },
    { field: 'feedType', shape: 'id' },
    { field: 'assay', shape: 'keys' },
  ],
  demand: [
    { field: 'country', shape: 'id' },
    { field: 'gradeMix', shape: 'keys' },
  ],
  prices: [],
  funders: [
    { field: 'country', shape: 'id' },
    { field: 'eligibleCountries', shape: 'ids' },
  ],
  laneRules: [
    { field: 'sourceId', shape: 'id', kinds: ['captive_feed'] },
    { field: 'plants', shape: 'ids', kinds: ['captive_feed'] },
    { field: 'from', shape: 'ids', kinds: ['closed_lane'] },
    { field: 'to', shape: 'ids', kinds: ['closed_lane'] },
    { field: 'products', shape: 'ids', kinds: ['closed_lane'] },
    { field: 'exceptSources', shape: 'ids', kinds: ['closed_lane'] },
  ],
  contracts: [
    { field: 'plant', shape: 'id' },
    { field: 'product', shape: 'id' },
    { field: 'buyerCountry', shape: 'id' },
    { field: 'payer', shape: 'id' },
  ],
};

/** Bounded numeric fields and a value outside their bounds. */
const OUT_OF_RANGE: Record<Kind, ReadonlyArray<{ field: string; value: fc.Arbitrary<unknown> }>> = {
  plants: [
    { field: 'variableOpexUsdPerT', value: fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }) },
    { field: 'fixedOpexUsdPerTpaYear', value: fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }) },
    { field: 'retirementYear', value: fc.integer({ min: 2101, max: 1e6 }) },
    { field: 'existingCapacityTpa', value: fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }).map((v) => ({ '2026': v })) },
  ],
  sources: [
    { field: 'costUsdPerTTreo', value: fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }) },
    { field: 'supplyTreoTpa', value: fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }).map((v) => ({ '2030': v })) },
  ],
  demand: [
    { field: 'growthRatePerYear', value: fc.oneof(fc.double({ min: 1.0001, max: 1e9, noNaN: true }), fc.double({ min: -1e9, max: -0.5001, noNaN: true })) },
    { field: 'baseYear', value: fc.integer({ min: -1e6, max: 1989 }) },
    { field: 'baseTonnes', value: fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }) },
  ],
  prices: [{ field: 'priceUsdPerT', value: fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }).map((v) => ({ '2026': v })) }],
  funders: [
    { field: 'maxShareOfCapex', value: fc.double({ min: 1.0001, max: 1e9, noNaN: true }) },
    { field: 'totalUsd', value: fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }) },
  ],
  laneRules: [
    { field: 'fromYear', value: fc.integer({ min: -1e6, max: 1989 }) },
    { field: 'toYear', value: fc.integer({ min: 2101, max: 1e6 }) },
  ],
  contracts: [
    { field: 'minShareOfOutput', value: fc.double({ min: 1.0001, max: 1e9, noNaN: true }) },
    { field: 'floorUsdPerT', value: fc.double({ max: -1e-9, noNaN: true, noDefaultInfinity: true }) },
    { field: 'fromYear', value: fc.integer({ min: 2101, max: 1e6 }) },
  ],
};

const kindArb = fc.constantFrom(...KINDS.filter((k) => records(k).length > 0));
const recordArb = (kind: Kind) => fc.constantFrom(...records(kind));
/** Ids that no collection of the dataset uses (and that pass the id pattern). */
const known = new Set(
  KINDS.flatMap(ids).concat(
    dataset.countries.map((c) => c.id),
    dataset.products.map((p) => p.id),
    dataset.processes.map((p) => p.id),
    dataset.feedTypes.map((f) => f.id),
    ['concentrate'],
  ),
);
const unknownIdArb = fc.stringMatching(/^[A-Za-z0-9_.-]{1,20}$/).filter((s) => !known.has(s));
/** Values no field of any record accepts. */
const wrongTypeArb = fc.constantFrom<unknown>([{}], null, [[1]], { '?': [] });

const scenario = (overrides: Record<string, unknown>) =>
  parseScenario({ name: 'fuzz', datasetId: dataset.meta.id, horizon: { startYear: 2026, endYear: 2028 }, overrides });

function issuesOf(overrides: Record<string, unknown>): ScenarioError['issues'] {
  try {
    resolveScenario(scenario(overrides), dataset as Dataset);
    return [];
  } catch (error) {
    if (error instanceof ScenarioError) return error.issues;
    throw error;
  }
}

const reports = (issues: ScenarioError['issues'], path: string) =>
  issues.some((i) => i.path === path || i.path.startsWith(`${path}.`) || i.path.startsWith(`${path}[`));

t.test('an override of an id the dataset does not have is named', async (t) => {
  fc.assert(
    fc.property(kindArb, unknownIdArb, (kind, id) => reports(issuesOf({ [kind]: { [id]: { active: true } } }), `overrides.${kind}.${id}`)),
    // `__proto__` (found by this property once): as a plain object's key it vanished unreported.
    { numRuns: NUM_RUNS, examples: [['plants', '__proto__']] },
  );
  t.pass('unknown ids are reported for every kind');
});

t.test('an unknown field name is named, at any depth', async (t) => {
  const nameArb = fc.stringMatching(/^[a-z][A-Za-z]{0,15}$/);
  fc.assert(
    fc.property(
      kindArb.chain((kind) => fc.tuple(fc.constant(kind), recordArb(kind), nameArb)),
      fc.boolean(),
      ([kind, record, name], nested) => {
        const fields = fieldsOf(kind, record);
        fc.pre(!fields.includes(name));
        const id = keyOf(kind, record);
        if (nested && kind === 'plants' && record.expansion) {
          return reports(issuesOf({ plants: { [id]: { expansion: { [name]: 1 } } } }), `overrides.plants.${id}.expansion.${name}`);
        }
        return reports(issuesOf({ [kind]: { [id]: { [name]: 1 } } }), `overrides.${kind}.${id}.${name}`);
      },
    ),
    { numRuns: NUM_RUNS },
  );
  t.pass('unknown fields are reported for every kind');
});

t.test('a value of the wrong type is named', async (t) => {
  fc.assert(
    fc.property(
      kindArb.chain((kind) => recordArb(kind).chain((record) => fc.tuple(fc.constant(kind), fc.constant(record), fc.constantFrom(...fieldsOf(kind, record))))),
      wrongTypeArb,
      ([kind, record, field], value) => {
        const id = keyOf(kind, record);
        return reports(issuesOf({ [kind]: { [id]: { [field]: value } } }), `overrides.${kind}.${id}.${field}`);
      },
    ),
    { numRuns: NUM_RUNS },
  );
  t.pass('wrong types are reported for every field of every kind');
});

t.test('a value out of range is named', async (t) => {
  fc.assert(
    fc.property(
      kindArb.chain((kind) =>
        fc.tuple(
          fc.constant(kind),
          recordArb(kind),
          fc.constantFrom(...OUT_OF_RANGE[kind]).chain((f) => fc.tuple(fc.constant(f.field), f.value)),
        ),
      ),
      ([kind, record, [field, value]]) => {
        const id = keyOf(kind, record);
        return reports(issuesOf({ [kind]: { [id]: { [field]: value } } }), `overrides.${kind}.${id}.${field}`);
      },
    ),
    { numRuns: NUM_RUNS },
  );
  t.pass('out-of-range values are reported for every kind');
});

t.test('an id the dataset does not know inside a reference field is named', async (t) => {
  const cases = KINDS.flatMap((kind) =>
    records(kind).flatMap((record) =>
      REFERENCES[kind].filter((r) => !r.kinds || r.kinds.includes(String(record.kind ?? record.stage))).map((r) => ({ kind, record, ref: r })),
    ),
  );
  fc.assert(
    fc.property(fc.constantFrom(...cases), unknownIdArb, ({ kind, record, ref }, unknown) => {
      const id = keyOf(kind, record);
      if (ref.shape === 'keys') {
        // Shares keep summing to 1, so only the unknown id can be at fault.
        const value = Object.fromEntries([...Object.keys(record[ref.field] as object).map((k) => [k, 0] as const), [unknown, 1] as const]);
        return reports(issuesOf({ [kind]: { [id]: { [ref.field]: value } } }), `overrides.${kind}.${id}.${ref.field}.${unknown}`);
      }
      const value = ref.shape === 'ids' ? [unknown] : unknown;
      const path = `overrides.${kind}.${id}.${ref.field}`;
      const issues = issuesOf({ [kind]: { [id]: { [ref.field]: value } } });
      return reports(issues, path);
    }),
    { numRuns: NUM_RUNS },
  );
  t.pass('dangling references are reported for every reference field');
});

t.test('overriding a field with its own value is accepted', async (t) => {
  fc.assert(
    fc.property(
      kindArb.chain((kind) =>
        recordArb(kind).chain((record) =>
          fc.tuple(
            fc.constant(kind),
            fc.constant(record),
            fc.subarray(
              fieldsOf(kind, record).filter((f) => record[f] !== undefined),
              { minLength: 1 },
            ),
          ),
        ),
      ),
      ([kind, record, fields]) => {
        const patch = Object.fromEntries(fields.map((f) => [f, record[f]]));
        return issuesOf({ [kind]: { [keyOf(kind, record)]: patch } }).length === 0;
      },
    ),
    { numRuns: NUM_RUNS },
  );
  t.pass('no false alarms');
});

t.test('the known wrong answer: a grade mix naming an unknown product', async (t) => {
  const issues = issuesOf({ demand: { us_magnets: { gradeMix: { unobtainium: 1 } } } });
  t.ok(reports(issues, 'overrides.demand.us_magnets.gradeMix.unobtainium'), 'the unknown product is named', { issues });
});

t.test('through the API a bad override answers 422 with its path and stores nothing', async (t) => {
  const app = await build(t, { datasets: new Map([[dataset.meta.id, dataset as Dataset]]) });
  const samples = fc.sample(
    fc.oneof(
      fc.tuple(kindArb, unknownIdArb).map(([kind, id]) => ({ overrides: { [kind]: { [id]: {} } }, path: `overrides.${kind}.${id}` })),
      kindArb
        .chain((kind) => fc.tuple(fc.constant(kind), recordArb(kind)))
        .map(([kind, record]) => ({
          overrides: { [kind]: { [keyOf(kind, record)]: { countryy: 'US' } } },
          path: `overrides.${kind}.${keyOf(kind, record)}.countryy`,
        })),
      fc
        .constantFrom(...records('plants'))
        .map((p) => ({ overrides: { plants: { [String(p.id)]: { country: 'ZZ' } } }, path: `overrides.plants.${String(p.id)}.country` })),
    ),
    { numRuns: 25, seed: 10 },
  );
  for (const { overrides, path } of samples) {
    const body = { name: 'fuzz', datasetId: dataset.meta.id, horizon: { startYear: 2026, endYear: 2028 }, overrides };
    const created = expectProblem(t, await app.inject({ method: 'POST', url: '/scenarios', payload: body }), 422, path);
    t.ok(
      created.errors.some((e: { path: string }) => e.path === path || e.path.startsWith(`${path}.`)),
      `POST /scenarios names ${path}`,
    );
    const solved = expectProblem(t, await app.inject({ method: 'POST', url: '/solve', payload: { scenario: body } }), 422, path);
    t.ok(
      solved.errors.some((e: { path: string }) => e.path.startsWith(`scenario.${path}`)),
      `POST /solve names scenario.${path}`,
    );
  }
  t.same((await counts(app)).scenarios, 0, 'nothing was stored');
});
