/**
 * LP and MPS export. The files are read back by HiGHS' own LP and MPS parsers (independent of our
 * writers), compared name by name with the model that was written, and solved by the *other*
 * backend: the original model solved by HiGHS must have the same optimum as the exported file solved
 * by javascript-lp-solver, and the other way round (1e-6 relative). Names are checked to survive
 * exactly, on the planner's models and on awkward generated names.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import fc from 'fast-check';
import type { LinearModel } from '../../src/model/builder.js';
import { fromFileName, toFileName, writeLp, writeMps } from '../../src/model/export/index.js';
import { parseScenario } from '../../src/planner.js';
import { formulateScenario } from '../../src/model/formulate-scenario.js';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import type { Dataset } from '../../src/data/schema.js';
import { solveModel, type SolverRunOptions } from '../../src/solver/index.js';
import { readExport } from '../helpers/read-export.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const close = (a: number, b: number, tolerance = 1e-6) => Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));
const options = (backend: SolverRunOptions['backend']): SolverRunOptions => ({ backend, timeLimitSeconds: 60, mipRelGap: 0, algorithm: 'auto' });
const writers = { lp: writeLp, mps: writeMps } as const;

interface Column {
  name: string;
  cost: number;
  upper?: number;
  integer?: boolean;
}
interface Row {
  name: string;
  lower?: number;
  upper?: number;
  terms: Array<[string, number]>;
}

/** A LinearModel written out by hand (the builder only takes declared families). */
function modelOf(name: string, columns: Column[], rows: Row[]): LinearModel {
  const index = new Map(columns.map((c, j) => [c.name, j]));
  const starts = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of rows) {
    for (const [column, value] of [...row.terms].sort((a, b) => index.get(a[0])! - index.get(b[0])!)) {
      indices.push(index.get(column)!);
      values.push(value);
    }
    starts.push(indices.length);
  }
  return {
    name,
    colNames: columns.map((c) => c.name),
    colUpper: Float64Array.from(columns, (c) => c.upper ?? Infinity),
    colCost: Float64Array.from(columns, (c) => c.cost),
    colInteger: Uint8Array.from(columns, (c) => (c.integer ? 1 : 0)),
    colCostParts: new Map(),
    rowNames: rows.map((r) => r.name),
    rowLower: Float64Array.from(rows, (r) => r.lower ?? -Infinity),
    rowUpper: Float64Array.from(rows, (r) => r.upper ?? Infinity),
    rowStarts: Int32Array.from(starts),
    rowIndices: Int32Array.from(indices),
    rowValues: Float64Array.from(values),
  };
}

/**
 * Every case the writers treat specially: a ranged row, a row without bounds, ≥ / ≤ / = rows, an
 * integer column without an upper bound and one with, a column fixed at 0, a column in no row and
 * without cost, negative costs and coefficients, and names that need escaping or the first-letter
 * guard. Optimum by hand: x = 1.5, y = 1, v = 2, k = 2, everything else 0 → 1.5 + 2 − 2 − 1 = 0.5.
 */
const syntheticModel = () =>
  modelOf(
    'synthetic model',
    [
      { name: 'x[a-b,1]', cost: 1 },
      { name: 'inflow[y]', cost: 2 },
      { name: 'e1', cost: 3 },
      { name: 'end', cost: 0 },
      { name: 'n[int,∞]', cost: 4, integer: true },
      { name: 'u[fixed 0]', cost: -1, upper: 0 },
      { name: 'v[(paren)%]', cost: -1, upper: 2 },
      { name: '2030[k]', cost: -0.5, upper: 3, integer: true },
    ],
    [
      {
        name: 'range[a]',
        lower: 2,
        upper: 5,
        terms: [
          ['x[a-b,1]', 1],
          ['inflow[y]', 1],
        ],
      },
      {
        name: 'free[b]',
        terms: [
          ['x[a-b,1]', 1],
          ['inflow[y]', -1],
        ],
      },
      {
        name: 'ge[c]',
        lower: 1.5,
        terms: [
          ['x[a-b,1]', 1],
          ['n[int,∞]', 1],
        ],
      },
      {
        name: 'eq[d]',
        lower: 1,
        upper: 1,
        terms: [
          ['inflow[y]', 1],
          ['e1', 1],
        ],
      },
      {
        name: 'le[e]',
        upper: 10,
        terms: [
          ['x[a-b,1]', 1],
          ['e1', 1],
          ['u[fixed 0]', 1],
          ['v[(paren)%]', 1],
        ],
      },
      { name: 'int[f]', upper: 5, terms: [['2030[k]', 2]] },
    ],
  );

function scenarioModel(scenario: unknown, dataset: Dataset): LinearModel {
  return formulateScenario(parseScenario(scenario), dataset).model;
}

const small = JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', 'small-us-magnets-2030.json'), 'utf8'));
const lumpyDataset = tinyDataset({
  plants: {
    magnet: {
      existingCapacityTpa: { '2026': 0 },
      expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 40, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 1 },
    },
  },
});

const fixtures: Array<{ label: string; model: () => LinearModel; expected?: number }> = [
  { label: 'synthetic (ranges, free row, integers, escaping)', model: syntheticModel, expected: 0.5 },
  {
    // Without a BOUNDS section HiGHS makes an integer MPS column with no bound binary (optimum −1).
    label: 'an integer column with no upper bound and no other bounds',
    model: () => modelOf('int', [{ name: 'x[1]', cost: -1, integer: true }], [{ name: 'cap[1]', upper: 3.5, terms: [['x[1]', 1]] }]),
    expected: -3,
  },
  { label: 'tiny scenario', model: () => scenarioModel(tinyScenario(), tinyDataset()) },
  { label: 'tiny scenario with lumpy builds (MIP)', model: () => scenarioModel(tinyScenario({ solver: { lumpyBuilds: true } }), lumpyDataset) },
  { label: 'small-us-magnets-2030', model: () => scenarioModel(small, loadDataset(small.datasetId)) },
];

/** The read-back model equals the written one, name by name: bounds, costs, integrality, coefficients. */
function sameModel(t: Test, back: LinearModel, model: LinearModel, ordered: boolean): void {
  if (ordered) {
    t.same(back.colNames, model.colNames, 'column names come back identical, in order');
    t.same(back.rowNames, model.rowNames, 'row names come back identical, in order');
  } else {
    t.same([...back.colNames].sort(), [...model.colNames].sort(), 'column names come back identical');
    t.same([...back.rowNames].sort(), [...model.rowNames].sort(), 'row names come back identical');
  }
  const col = new Map(back.colNames.map((n, j) => [n, j]));
  const row = new Map(back.rowNames.map((n, i) => [n, i]));
  const mismatches: string[] = [];
  const differ = (a: number, b: number) => !(a === b || close(a, b, 1e-12));
  model.colNames.forEach((name, j) => {
    const k = col.get(name);
    if (k === undefined) return;
    if (differ(back.colCost[k]!, model.colCost[j]!)) mismatches.push(`cost of ${name}`);
    if (differ(back.colUpper[k]!, model.colUpper[j]!)) mismatches.push(`upper bound of ${name}`);
    if (back.colInteger[k] !== model.colInteger[j]) mismatches.push(`integrality of ${name}`);
  });
  const terms = (m: LinearModel, i: number) => {
    const out = new Map<string, number>();
    for (let k = m.rowStarts[i]!; k < m.rowStarts[i + 1]!; k++) out.set(m.colNames[m.rowIndices[k]!]!, m.rowValues[k]!);
    return out;
  };
  model.rowNames.forEach((name, i) => {
    const k = row.get(name);
    if (k === undefined) return;
    if (differ(back.rowLower[k]!, model.rowLower[i]!) || differ(back.rowUpper[k]!, model.rowUpper[i]!)) {
      mismatches.push(`bounds of ${name}: [${back.rowLower[k]}, ${back.rowUpper[k]}] vs [${model.rowLower[i]}, ${model.rowUpper[i]}]`);
    }
    const a = terms(back, k);
    const b = terms(model, i);
    if (a.size !== b.size || [...b].some(([c, v]) => a.get(c) !== v)) mismatches.push(`coefficients of ${name}`);
  });
  t.same(mismatches, [], 'every bound, cost, integrality flag and coefficient comes back the same');
}

/** The same model with its columns permuted into `like`'s order (matched by name). */
function inColumnOrderOf(model: LinearModel, like: LinearModel): LinearModel {
  const position = new Map(like.colNames.map((name, j) => [name, j]));
  const to = Int32Array.from(model.colNames, (name) => position.get(name) ?? -1);
  if (to.some((j) => j < 0) || model.colNames.length !== like.colNames.length) return model;
  const permute = <T extends Float64Array | Uint8Array>(values: T, make: (n: number) => T) => {
    const out = make(values.length);
    values.forEach((v, j) => (out[to[j]!] = v));
    return out;
  };
  const rowIndices = Int32Array.from(model.rowIndices, (j) => to[j]!);
  return {
    ...model,
    colNames: [...like.colNames],
    colUpper: permute(model.colUpper, (n) => new Float64Array(n)),
    colCost: permute(model.colCost, (n) => new Float64Array(n)),
    colInteger: permute(model.colInteger, (n) => new Uint8Array(n)),
    colCostParts: new Map([...model.colCostParts].map(([j, parts]) => [to[j]!, parts])),
    rowIndices,
  };
}

for (const fixture of fixtures) {
  t.test(`round trip: ${fixture.label}`, async (t) => {
    const model = fixture.model();
    if (/MIP|integers/.test(fixture.label))
      t.ok(
        model.colInteger.some((v) => v === 1),
        'the fixture has integer columns',
      );
    const highs = await solveModel(model, options('highs'));
    const jslp = await solveModel(model, options('javascript-lp-solver'));
    t.equal(highs.status, 'optimal', 'the original solves with HiGHS');
    t.equal(jslp.status, 'optimal', 'the original solves with javascript-lp-solver');
    if (fixture.expected !== undefined)
      t.ok(close(highs.objective!, fixture.expected), `hand-computed optimum ${fixture.expected} (HiGHS: ${highs.objective})`);
    for (const format of ['lp', 'mps'] as const) {
      const text = writers[format](model);
      t.equal(writers[format](model), text, `${format}: the same model gives the same text`);
      const back = await readExport(text, format);
      t.test(`${format} read by HiGHS`, async (t) => {
        // HiGHS' LP reader orders columns by first appearance; MPS keeps the model's order.
        sameModel(t, back, model, format === 'mps');
      });
      // javascript-lp-solver's path depends on the column order and it can stall on an order HiGHS'
      // LP reader produces (solvers.md: it hangs on some tiny LPs and its timeout does not apply to
      // LPs), so it solves the read-back model with the columns put back in the original order:
      // the same model (sameModel checks it), solved by the other backend.
      const byJslp = await solveModel(format === 'lp' ? inColumnOrderOf(back, model) : back, options('javascript-lp-solver'));
      const byHighs = await solveModel(back, options('highs'));
      t.equal(byJslp.status, 'optimal', `${format}: javascript-lp-solver solves the exported file`);
      t.equal(byHighs.status, 'optimal', `${format}: HiGHS solves the exported file`);
      t.ok(
        close(byJslp.objective!, highs.objective!),
        `${format}: exported, solved by javascript-lp-solver ${byJslp.objective} = original solved by HiGHS ${highs.objective}`,
      );
      t.ok(
        close(byHighs.objective!, jslp.objective!),
        `${format}: exported, solved by HiGHS ${byHighs.objective} = original solved by javascript-lp-solver ${jslp.objective}`,
      );
    }
  });
}

t.test('the LP file is readable: brackets become parentheses, the sections are in CPLEX order', async (t) => {
  const model = scenarioModel(small, loadDataset(small.datasetId));
  const lp = writeLp(model, { comments: ['scenario: small', 'two\nlines'] });
  t.match(lp, /^\\ scenario: small\n\\ two\n\\ lines\nminimize\n total_cost: \+ /, 'comments, then the objective');
  t.match(lp, /\n demand\(US,ndfeb_magnet_std,2030\): \+ 1 /, 'a row under its own name');
  const sections = writeLp(syntheticModel())
    .split('\n')
    .filter((line) => /^[a-z]/.test(line));
  t.same(sections, ['minimize', 'subject to', 'bounds', 'general', 'end'], 'sections in CPLEX order');
  t.notOk(/[[\]]/.test(lp.replace(/^\\.*$/gm, '')), 'no square brackets outside comments');
  t.ok(
    lp.split('\n').every((line) => line.length <= 510),
    'no line longer than CPLEX reads',
  );
  const mps = writeMps(model, { comments: ['scenario: small'] });
  t.match(
    mps,
    /^\* scenario: small\nNAME {10}\S+\nROWS\n N {2}total_cost\n E {2}demand\(AU,ndfeb_magnet_std,2030\)\n/,
    'MPS header and rows (demand rows come in id order: au_magnets first)',
  );
  t.ok(mps.endsWith('\nENDATA\n'));
});

t.test('name escaping', async (t) => {
  const cases: Array<[string, string]> = [
    ['ship[ndpr_oxide,trusted,AU,US,2030]', 'ship(ndpr_oxide,trusted,AU,US,2030)'],
    ['capacity[sep-2,2031]', 'capacity(sep%2D2,2031)'],
    ['a b', 'a%20b'],
    ['(x)%', '%28x%29%25'],
    ['inflow[x]', '%69nflow(x)'],
    ['NaN', '%4EaN'],
    ['e1', '%651'],
    ['E', '%45'],
    ['eels', 'eels'],
    ['end', '%65nd'],
    ['st', '%73t'],
    ['RHS', '%52HS'],
    ['total_cost', '%74otal_cost'],
    ['2030', '%32030'],
    ['.x', '%2Ex'],
    ['né', 'n%C3%A9'],
    ['[x]', '(x)'],
  ];
  for (const [name, file] of cases) {
    t.equal(toFileName(name), file, `${name} → ${file}`);
    t.equal(fromFileName(file), name, `${file} → ${name}`);
  }
  t.throws(() => toFileName(''), /empty/);
  t.throws(() => toFileName('a\uD800b'), /surrogate/);
  for (const bad of ['a%2', 'a%zz', 'a-b', 'a b', 'x[1]', '%FF', '']) t.throws(() => fromFileName(bad), /name|empty/, `rejects ${JSON.stringify(bad)}`);
});

// Names made of the characters and words that trip LP and MPS readers.
const awkward = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }),
  fc
    .array(
      fc.constantFrom(
        '[',
        ']',
        ',',
        '-',
        '+',
        '(',
        ')',
        '%',
        ':',
        ';',
        '\\',
        '/',
        '*',
        '^',
        '<',
        '=',
        ' ',
        '\t',
        'inf',
        'nan',
        'e',
        'E',
        '1',
        '.',
        'é',
        '🙂',
        'end',
        'st',
        'free',
        '_',
        'a',
        'MARKER',
        "'",
        'RHS',
        '$',
      ),
      {
        minLength: 1,
        maxLength: 8,
      },
    )
    .map((parts) => parts.join('')),
);

t.test('escaping round-trips any name and writes only LP-safe characters', async (t) => {
  fc.assert(
    fc.property(awkward, (name) => {
      const file = toFileName(name);
      return (
        fromFileName(file) === name && /^[A-Za-z0-9_.,()%]+$/.test(file) && !/^([0-9.]|inf|nan|e[0-9]|e$|(rhs|rng|bnd|marker|end|st|total_cost)$)/i.test(file)
      );
    }),
    { numRuns: 2000 },
  );
  t.pass('2000 generated names');
});

t.test('awkward names survive HiGHS reading the LP and the MPS file', async (t) => {
  const failures: string[] = [];
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(awkward, { minLength: 4, maxLength: 4 }), async ([c0, c1, r0, r1]) => {
      // min c0 + c1  s.t.  c0 + c1 ≥ 1,  c0 − c1 ≤ 2,  c1 ≤ 5, c1 integer  →  optimum 1.
      const model = modelOf(
        'awkward',
        [
          { name: c0!, cost: 1 },
          { name: c1!, cost: 1, upper: 5, integer: true },
        ],
        [
          {
            name: r0!,
            lower: 1,
            terms: [
              [c0!, 1],
              [c1!, 1],
            ],
          },
          {
            name: r1!,
            upper: 2,
            terms: [
              [c0!, 1],
              [c1!, -1],
            ],
          },
        ],
      );
      for (const format of ['lp', 'mps'] as const) {
        const back = await readExport(writers[format](model), format);
        const result = await solveModel(back, options('highs'));
        const names = JSON.stringify([[...back.colNames].sort(), back.rowNames]);
        if (names !== JSON.stringify([[c0, c1].sort(), [r0, r1]]) || !close(result.objective ?? NaN, 1)) {
          failures.push(`${format}: ${JSON.stringify([c0, c1, r0, r1])} came back as ${names}, objective ${result.objective}`);
          return false;
        }
      }
      return true;
    }),
    { numRuns: 300 },
  );
  t.same(failures, [], '300 generated models');
});

/** clp (Debian coinor-clp) is an optional third reader; the checks above never depend on it. */
function findClp(): string | null {
  try {
    return execFileSync('which', ['clp'], { encoding: 'utf8' }).trim() || null;
  } catch {
    return null;
  }
}
const clp = findClp();

t.test(
  'clp reads the MPS file and finds the same optimum (optional)',
  { skip: clp ? false : 'clp is not installed (Debian: coinor-clp); the HiGHS and javascript-lp-solver checks above still ran' },
  async (t) => {
    const dir = t.testdir();
    for (const fixture of fixtures) {
      // clp solves LPs only: it is compared with HiGHS on the LP relaxation.
      const written = fixture.model();
      const model = { ...written, colInteger: new Uint8Array(written.colNames.length) };
      const file = join(dir, 'model.mps');
      writeFileSync(file, writeMps(model));
      const output = execFileSync(clp!, [file, '-solve'], { encoding: 'utf8' });
      const match = /Objective value:\s+(\S+)|Optimal objective\s+(\S+)/.exec(output);
      const highs = await solveModel(model, options('highs'));
      t.ok(match, `${fixture.label}: clp printed an objective`, { output: output.slice(-500) });
      const objective = Number(match?.[1] ?? match?.[2]);
      t.ok(close(objective, highs.objective!), `${fixture.label}: clp ${objective} = HiGHS ${highs.objective}`);
    }
  },
);
