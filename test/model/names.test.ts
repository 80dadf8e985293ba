/**
 * Names both ways (src/model/families.ts): every row and column name of formulated models reads back
 * with `parseName` into its declared fields and is written again, character for character, by
 * `nameOf`; for any family and any index values a dataset allows, `parseName(name(…))` gives the
 * values back (fast-check); and text the model does not write is refused.
 */
import t from 'tap';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  FAMILIES,
  FAMILY_NAMES,
  NameError,
  formatName,
  name,
  nameOf,
  parseName,
  tryParseName,
  type FamilyName,
  type IndexField,
} from '../../src/model/families.js';
import { formulate } from '../../src/model/formulate.js';
import { resolveScenario } from '../../src/model/instance.js';
import { parseScenario } from '../../src/planner.js';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import { featureFixture } from '../helpers/tiny-dataset.js';
import type { LinearModel } from '../../src/model/builder.js';

/** The feature fixture (test/helpers/tiny-dataset.ts) over two years. */
function tinyModel(lumpyBuilds: boolean): LinearModel {
  const { dataset, scenario } = featureFixture(lumpyBuilds, 2027);
  return formulate(resolveScenario(parseScenario(scenario), dataset));
}

function shippedModel(): LinearModel {
  const raw = JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', 'small-us-magnets-2030.json'), 'utf8')) as Record<string, unknown>;
  return formulate(resolveScenario(parseScenario(raw), loadDataset('quad-2026')));
}

t.test('every name of a formulated model reads back into its fields and is written again unchanged', async (t) => {
  const models: Array<[string, LinearModel]> = [
    ['tiny, LP', tinyModel(false)],
    ['tiny, lumpy builds', tinyModel(true)],
    ['small-us-magnets-2030 on quad-2026', shippedModel()],
  ];
  const seen = new Set<string>();
  for (const [label, model] of models) {
    let mismatches = 0;
    for (const text of [...model.colNames, ...model.rowNames]) {
      const parsed = parseName(text);
      seen.add(parsed.family);
      if (nameOf(parsed) !== text) mismatches++;
      const fields: readonly IndexField[] = FAMILIES[parsed.family].index;
      const record = parsed.index as Readonly<Record<string, string | number>>;
      for (const field of fields) {
        const value = record[field.name];
        if (value === undefined) continue;
        if (field.role === 'year' ? !Number.isInteger(value) : typeof value !== 'string') mismatches++;
      }
    }
    t.equal(mismatches, 0, `${label}: ${model.colNames.length + model.rowNames.length} names read back and written again unchanged`);
  }
  for (const family of [
    'build',
    'build_on',
    'min_build',
    'feed',
    'make',
    'ship',
    'buy',
    'deliver',
    'balance',
    'dependency',
    'fund',
    'budget_year',
    'budget_total',
    'stock',
    'fill',
    'custom',
  ] as const) {
    t.ok(seen.has(family), `the models have ${family} names`);
  }
  t.ok(seen.size >= 25, `${seen.size} families seen`);
});

/** Index values a dataset allows (IdSchema: letters, digits, `_ . -`), origins and years. */
function indexValues(family: FamilyName): fc.Arbitrary<Array<string | number>> {
  const fields: readonly IndexField[] = FAMILIES[family].index;
  const value = (f: IndexField): fc.Arbitrary<string | number> =>
    f.role === 'year'
      ? fc.integer({ min: 1990, max: 2100 })
      : f.role === 'origin'
        ? fc.constantFrom('trusted', 'untrusted', 'all')
        : fc.stringMatching(/^[A-Za-z0-9_.-]{1,64}$/);
  const all = fc.tuple(...fields.map(value));
  const last = fields.at(-1);
  if (last?.optionalWhen === undefined) return all;
  return fc.oneof(all, fc.tuple(...fields.slice(0, -1).map(value)));
}

t.test('parseName gives back the values name wrote, for every family (property)', async (t) => {
  const arbitrary = fc.constantFrom(...FAMILY_NAMES).chain((family) => indexValues(family).map((values) => ({ family, values })));
  t.doesNotThrow(() =>
    fc.assert(
      fc.property(arbitrary, ({ family, values }) => {
        const text = formatName(family, values);
        const parsed = parseName(text);
        if (parsed.family !== family) return false;
        const fields: readonly IndexField[] = FAMILIES[family].index;
        const record = parsed.index as Readonly<Record<string, string | number>>;
        if (Object.keys(record).length !== values.length) return false;
        if (!values.every((v, i) => record[fields[i]!.name] === v)) return false;
        return nameOf(parsed) === text;
      }),
      { numRuns: 2000 },
    ),
  );
});

t.test('name writes the declared form; parseName refuses what the model does not write', async (t) => {
  t.equal(name('ship', 'ndpr_oxide', 'trusted', 'AU', 'US', 2030), 'ship[ndpr_oxide,trusted,AU,US,2030]');
  t.equal(name('custom', 'india_quarter'), 'custom[india_quarter]');
  t.equal(name('custom', 'india_quarter', 2035), 'custom[india_quarter,2035]');
  t.equal(name('near_optimal_cost'), 'near_optimal_cost[]');
  t.same(parseName('near_optimal_cost[]'), { family: 'near_optimal_cost', index: {} });
  t.same(parseName('custom[india_quarter]'), { family: 'custom', index: { constraint: 'india_quarter' } });
  t.same(parseName('deliver[US,ndfeb_magnet_std,untrusted,2031]'), {
    family: 'deliver',
    index: { country: 'US', product: 'ndfeb_magnet_std', origin: 'untrusted', year: 2031 },
  });
  for (const bad of [
    'ship[AU,US,ndpr_oxide,trusted,2030]', // the order the documentation once showed: origin is not trusted/untrusted
    'ship[ndpr_oxide,trusted,AU,2030]', // one index short
    'build[plant,2027,2028]', // one too many
    'build[plant,20x7]', // not a year
    'build[plant,02027]', // not as the model writes a year
    'build[,2027]', // empty id
    'custom[]',
    'arc[AA,BB]', // not a family
    'relax[balance[ox,trusted,AA,2026]]',
    'build',
    '[2027]',
  ]) {
    t.throws(() => parseName(bad), NameError, `refused: ${bad}`);
    t.equal(tryParseName(bad), null, `tryParseName: null for ${bad}`);
  }
});
