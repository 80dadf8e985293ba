/**
 * Keeps code and documentation in step: models/catalog.json lists exactly the families declared
 * in src/model/families.ts (same kind, indices, unit, meaning), every family appears in its
 * concept file's header and in models/formulation.md, and every concept file is documented.
 */
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FAMILIES } from '../../src/model/families.js';
import { catalogJson } from '../../src/model/catalog.js';
import { projectRoot } from '../../src/data/load.js';

const root = projectRoot();
const catalog = JSON.parse(readFileSync(join(root, 'models', 'catalog.json'), 'utf8')) as { families: Array<{ name: string } & Record<string, unknown>> };
const formulation = readFileSync(join(root, 'models', 'formulation.md'), 'utf8');

t.test('catalog.json is what npm run catalog writes from the declarations', async (t) => {
  t.equal(readFileSync(join(root, 'models', 'catalog.json'), 'utf8'), catalogJson(), 'regenerate with npm run catalog');
});

t.test('catalog.json matches the families declared in code', async (t) => {
  t.same(catalog.families.map((f) => f.name).sort(), Object.keys(FAMILIES).sort(), 'same family names');
  for (const entry of catalog.families) {
    const { name, ...rest } = entry;
    t.same(rest, FAMILIES[name], `${name}: same kind, concept, indices, unit and meanings`);
  }
});

t.test('every family is written down where its concept is', async (t) => {
  for (const [name, family] of Object.entries(FAMILIES)) {
    const source = readFileSync(join(root, 'src', 'model', 'concepts', `${family.concept}.ts`), 'utf8');
    const header = source.slice(0, source.indexOf('*/'));
    t.match(header, new RegExp(`\\b${name}\\[`), `${name} appears in the math at the top of ${family.concept}.ts`);
    t.match(formulation, new RegExp(`\`${name}\\[`), `${name} appears in models/formulation.md`);
    if (family.kind === 'constraint') t.ok(family.dualMeaning, `${name} states the meaning of its dual`);
  }
});

t.test('every concept file has a section in formulation.md', async (t) => {
  for (const file of readdirSync(join(root, 'src', 'model', 'concepts'))) {
    t.match(formulation, `(\`${file}\`)`, `${file} is documented`);
  }
});
