/**
 * Keeps code and documentation in step: models/catalog.json and models/names.md are what `npm run
 * catalog` writes from src/model/families.ts; every family follows the index order convention
 * declared there; every family appears in its concept file's header and in models/formulation.md;
 * every concept file is documented; and every name the documentation writes (`family[…]` in the
 * READMEs, models/*.md, the concept headers, the export code and the OpenAPI text, and the escaped
 * `family(…)` form of the LP/MPS exports) has the declared number of indices — and, when it is a
 * name with data ids and a year, parses back with the declared fields.
 */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FAMILIES, FAMILY_NAMES, INDEX_ROLES, familyOf, parseName, type IndexField } from '../../src/model/families.js';
import { catalogJson, namesMarkdown } from '../../src/model/catalog.js';
import { fromFileName } from '../../src/model/export/names.js';
import { projectRoot } from '../../src/data/load.js';

const root = projectRoot();
const read = (...path: string[]) => readFileSync(join(root, ...path), 'utf8');
const catalog = JSON.parse(read('models', 'catalog.json')) as {
  families: Array<{ name: string; indices: string[]; indexRoles: string[] } & Record<string, unknown>>;
};
const formulation = read('models', 'formulation.md');

t.test('catalog.json and names.md are what npm run catalog writes from the declarations', async (t) => {
  t.equal(read('models', 'catalog.json'), catalogJson(), 'models/catalog.json: regenerate with npm run catalog');
  t.equal(read('models', 'names.md'), namesMarkdown(), 'models/names.md: regenerate with npm run catalog');
});

t.test('catalog.json lists the families declared in code, with their index fields, units and meanings', async (t) => {
  t.same(
    catalog.families.map((f) => f.name),
    FAMILY_NAMES,
    'same families, in declaration order',
  );
  for (const entry of catalog.families) {
    const declared = familyOf(entry.name)!;
    t.same(
      entry.indexRoles,
      declared.index.map((f) => f.role),
      `${entry.name}: index roles`,
    );
    t.equal(entry.indices.length, declared.index.length, `${entry.name}: index count`);
    for (const key of ['kind', 'concept', 'unit', 'meaning', 'dualMeaning'] as const) t.equal(entry[key], declared[key], `${entry.name}: ${key}`);
  }
});

t.test('every family follows the index order convention', async (t) => {
  for (const family of FAMILY_NAMES) {
    const fields: readonly IndexField[] = FAMILIES[family].index;
    const ranks = fields.map((f) => INDEX_ROLES.indexOf(f.role));
    t.ok(
      ranks.every((r, i) => i === 0 || ranks[i - 1]! <= r),
      `${family}: roles in order (${fields.map((f) => f.role).join(', ')})`,
    );
    t.equal(new Set(fields.map((f) => f.name)).size, fields.length, `${family}: field names are distinct`);
    t.ok(
      fields.every((f, i) => f.optionalWhen === undefined || i === fields.length - 1),
      `${family}: only the last field may be optional`,
    );
    t.ok(fields.filter((f) => f.role === 'year').length <= 1, `${family}: at most one year`);
  }
});

t.test('every family is written down where its concept is', async (t) => {
  for (const name of FAMILY_NAMES) {
    const family = FAMILIES[name];
    const source = read('src', 'model', 'concepts', `${family.concept}.ts`);
    const header = source.slice(0, source.indexOf('*/'));
    t.match(header, new RegExp(`\\b${name}\\[`), `${name} appears in the math at the top of ${family.concept}.ts`);
    t.match(formulation, new RegExp(`\`${name}\\[`), `${name} appears in models/formulation.md`);
    if (family.kind === 'constraint') t.ok('dualMeaning' in family && family.dualMeaning, `${name} states the meaning of its dual`);
  }
});

t.test('every concept file has a section in formulation.md', async (t) => {
  for (const file of readdirSync(join(root, 'src', 'model', 'concepts'))) {
    t.match(formulation, `(\`${file}\`)`, `${file} is documented`);
  }
});

/** Files that write names: documentation, the concept headers (the math), the export code and the OpenAPI text. */
function documents(): Array<[string, string]> {
  const files = [
    'README.md',
    ...readdirSync(join(root, 'models'))
      .filter((f) => f.endsWith('.md'))
      .map((f) => `models/${f}`),
    ...readdirSync(join(root, 'src', 'model', 'concepts')).map((f) => `src/model/concepts/${f}`),
    'src/model/export/names.ts',
    'src/routes/exports.ts',
    'src/analysis/portfolio.ts',
    'src/analysis/dependency-metrics.ts',
    'src/analysis/contracts.ts',
    'openapi/openapi.json',
  ];
  return files.map((f) => [f, read(f)]);
}

const DATA_YEAR = /^\d{4}$/;

t.test('names in the documentation have the declared indices', async (t) => {
  let checked = 0;
  let parsed = 0;
  for (const [file, text] of documents()) {
    // `family[a,b,…]` as written in the text (the math uses symbols, examples use data ids).
    for (const match of text.matchAll(/(?<![\w.])([a-z_]+)\[([^[\]\s`'"]*)\]/g)) {
      const family = familyOf(match[1]!);
      if (!family) continue;
      const parts = match[2] === '' ? [] : match[2]!.split(',');
      if (parts.some((p) => p.includes('$') || p.includes('…') || p === '...')) continue; // templates and ellipses
      const optional = family.index.at(-1)?.optionalWhen !== undefined;
      const counts = optional ? [family.index.length - 1, family.index.length] : [family.index.length];
      t.ok(counts.includes(parts.length), `${file}: ${match[0]} has ${counts.join(' or ')} indices`);
      checked++;
      if (parts.length && DATA_YEAR.test(parts.at(-1)!) && parts.every((p) => p.length > 1)) {
        t.doesNotThrow(() => parseName(match[0]), `${file}: ${match[0]} is a name the model can write`);
        parsed++;
      }
    }
    // The escaped form of LP and MPS files: `ship(ndpr_oxide,trusted,AU,US,2030)`.
    for (const match of text.matchAll(/`([a-z_]+\([A-Za-z0-9_.,%]+\))`/g)) {
      const name = fromFileName(match[1]!);
      if (!familyOf(name.slice(0, name.indexOf('[')))) continue;
      t.doesNotThrow(() => parseName(name), `${file}: ${match[1]} decodes to a name the model can write`);
      parsed++;
    }
  }
  t.ok(checked > 100, `${checked} names checked for their index count`);
  t.ok(parsed >= 5, `${parsed} example names parsed`);
});

t.test('the export example reads as the fields it claims', async (t) => {
  const example = parseName('ship[ndpr_oxide,trusted,AU,US,2030]');
  t.same(example, { family: 'ship', index: { product: 'ndpr_oxide', origin: 'trusted', from: 'AU', to: 'US', year: 2030 } });
  t.match(read('src', 'model', 'export', 'names.ts'), 'ship[ndpr_oxide,trusted,AU,US,2030]', 'names.ts shows it');
});
