/**
 * The documents generated from the family declarations (src/model/families.ts) by `npm run
 * catalog`: `models/catalog.json`, the catalogue planners and tools read (every variable and
 * constraint family with its concept, index fields and their roles, unit, meaning and dual
 * meaning), and `models/names.md`, the documentation of the names. Neither is edited by hand;
 * test/model/catalog.test.ts fails when a committed file differs from what these functions write.
 */
import { FAMILIES, FAMILY_NAMES, INDEX_ROLES, nameForm, type FamilyDeclaration, type FamilyName, type IndexField } from './families.js';

const CONVENTION =
  'Index order: subject (the record the row or column belongs to), object (a second record it acts on), commodity (product, process or route), origin, place (country, from before to), year last; roles a family lacks are skipped.';

const declaration = (family: FamilyName): FamilyDeclaration => FAMILIES[family];
const indexName = (f: IndexField) => (f.optionalWhen === undefined ? f.name : `${f.name} (${f.optionalWhen})`);

export function catalogJson(): string {
  const catalog = {
    description:
      'Variable and constraint families of the allied midstream planner, generated from src/model/families.ts (npm run catalog). Names are family[index,...] with data ids and years, as `form` shows. ' +
      CONVENTION +
      ' Dual sign: d(total discounted cost)/d(right-hand side), discounted USD 2026 per unit of the row.',
    objective: 'total_cost',
    families: FAMILY_NAMES.map((name) => {
      const { index, ...info } = declaration(name);
      return { name, form: nameForm(name), ...withIndices(info, index) };
    }),
  };
  return `${JSON.stringify(catalog, null, 2)}\n`;
}

/** The entry's fields in the order the catalogue has always had them: kind, concept, indices, roles, unit, meanings. */
function withIndices(info: Omit<FamilyDeclaration, 'index'>, index: readonly IndexField[]) {
  const { kind, concept, ...rest } = info;
  return { kind, concept, indices: index.map(indexName), indexRoles: index.map((f) => f.role), ...rest };
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function namesMarkdown(): string {
  const lines = [
    '# Names of rows and columns',
    '',
    '<!-- Generated from src/model/families.ts by `npm run catalog`; do not edit. test/model/catalog.test.ts fails when this file differs from what the generator writes. -->',
    '',
    'Every column and row of the model has a name `family[index,…]`: the family, then its index fields',
    'joined by `,` without spaces — data ids (letters, digits, `_`, `.`, `-`), `trusted` or `untrusted`',
    '(or `all`, the one pooled origin of years the model does not split origins), and years as integers.',
    'For example `build[in_repm_magnet,2027]`,',
    '`ship[ndpr_oxide,trusted,AU,US,2030]` (product, origin, from, to, year) or',
    '`dependency[quad_magnets_2030,2031]`. Names are written by `name(family, ...index)` and read back',
    'by `parseName(name)` (a typed record of the index fields), both in `src/model/families.ts`, from',
    'the same declarations as this page; LP and MPS exports escape them as `src/model/export/names.ts`',
    'describes (`[ ]` become `( )`).',
    '',
    '## Index order',
    '',
    'Each index field has a role, and the fields of a name follow the roles in this order (roles a',
    'family does not have are skipped):',
    '',
    ...INDEX_ROLES.map((role, i) => `${i + 1}. ${ROLE_TEXT[role]}`),
    '',
    'So `ship[product,origin,from,to,year]` has no subject (a flow between places), and',
    '`deliver[country,product,origin,year]` starts with the country because it is the market the',
    'delivery serves (its subject), while in `balance[product,origin,country,year]` the country is a',
    'place.',
    '',
    '## Families',
    '',
    'Unit: of the column, or of the row (its activity and limit). A row over one year whose limit is a',
    'yearly capacity or supply is in that rate (`t/yr`); flows within a year are in `t`. Fields marked',
    '`?` are present only in some names of the family. Meanings, duals and the math:',
    '[`catalog.json`](catalog.json) and [`formulation.md`](formulation.md).',
    '',
    '| name | kind | unit | index roles | concept |',
    '|---|---|---|---|---|',
    ...FAMILY_NAMES.map((name) => {
      const d = declaration(name);
      return `| \`${nameForm(name)}\` | ${d.kind} | ${cell(d.unit)} | ${d.index.map((f) => f.role).join(', ') || '—'} | \`${d.concept}.ts\` |`;
    }),
    '',
  ];
  return lines.join('\n');
}

const ROLE_TEXT: Record<(typeof INDEX_ROLES)[number], string> = {
  subject:
    'subject — the record the row or column belongs to: a plant, source, target, contract, funder, stockpile holder, scrap stream or custom constraint; in the demand concept the country whose market it is;',
  object: 'object — a second record the subject acts on: the plant a source feeds, a funder pays or a scrap stream is recycled at;',
  commodity: 'commodity — the product, process or recycling route;',
  origin:
    'origin — `trusted` or `untrusted` content; `all` (one pooled origin) in years the model does not split origins (no target, custom condition or stockpile reads them);',
  place: 'place — the country or countries where it happens, `from` before `to`;',
  year: 'year — the year, or the build year; always last.',
};
