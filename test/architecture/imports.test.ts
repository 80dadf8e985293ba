/**
 * The import graph of src/: no circles, and no arrow from the core up into the layers that use it.
 *
 * Layers, bottom to top: data/ and schemas/ (contracts), model/ and solver/ (the pure
 * formulation), analysis/ (pure reading of solved models), planner.ts, services/ and workers/,
 * routes/ and the entry points. `model/` and `schemas/` must import nothing from `analysis/`,
 * `services/` or `routes/`. Imports are read with a regular expression over `import … from '…'`,
 * `export … from '…'` and `import('…')` lines (type-only imports count: a type that lives in a
 * higher layer is an upward arrow all the same).
 */
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { projectRoot } from '../../src/data/load.js';

const SRC = join(projectRoot(), 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Module ids relative to src/ (`model/instance.ts`), each with the src/ modules it imports. */
export function importGraph(root = SRC): Map<string, string[]> {
  const files = sourceFiles(root);
  const known = new Set(files.map((f) => relative(root, f)));
  const graph = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    const out = new Set<string>();
    for (const match of text.matchAll(IMPORT)) {
      const spec = match[1] ?? match[2]!;
      if (!spec.startsWith('.')) continue;
      const target = relative(root, resolve(dirname(file), spec)).replace(/\.js$/, '.ts');
      const candidates = [target, target.replace(/\.ts$/, '.tsx'), `${target}.ts`, join(target, 'index.ts')];
      const hit = candidates.find((c) => known.has(c));
      if (hit) out.add(hit);
    }
    graph.set(relative(root, file), [...out].sort());
  }
  return graph;
}

/** Strongly connected components with more than one module (or a module importing itself): the circles. */
export function cycles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return out;
}

const CORE = ['model/', 'schemas/'];
const ABOVE = ['analysis/', 'services/', 'routes/'];

/** Arrows from the core (model/, schemas/) up into analysis/, services/ or routes/, as `from → to`. */
export function upwardArrows(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    if (!CORE.some((p) => from.startsWith(p))) continue;
    for (const to of targets) if (ABOVE.some((p) => to.startsWith(p))) out.push(`${from} → ${to}`);
  }
  return out.sort();
}

/**
 * Upward arrows known on this branch and removed elsewhere in issue 12 (the split of src/schemas/
 * moves the dependency-metrics schemas out of analysis/). Each entry must still occur: delete it
 * once the arrow is gone, so the list never hides a new one.
 */
const KNOWN_UPWARD: readonly string[] = [];

const graph = importGraph();

t.test('the checker reads imports and finds circles and upward arrows', async (t) => {
  t.ok(graph.size > 100, `${graph.size} modules read`);
  t.ok(graph.get('planner.ts')?.includes('model/formulate-scenario.ts'), 'planner.ts → model/formulate-scenario.ts is seen');
  t.ok(graph.get('store/repository.ts')?.includes('store/records.ts'), 'a type-only import is seen');
  t.notOk(graph.get('analysis/diagnosis.ts')?.includes('planner.ts'), 'the diagnosis does not import the planner');
  t.same(
    cycles(
      new Map([
        ['a.ts', ['b.ts']],
        ['b.ts', ['c.ts']],
        ['c.ts', ['a.ts']],
        ['d.ts', ['a.ts']],
      ]),
    ),
    [['a.ts', 'b.ts', 'c.ts']],
    'a three-module circle is found',
  );
  t.same(cycles(new Map([['a.ts', ['a.ts']]])), [['a.ts']], 'a module importing itself is a circle');
  t.same(
    cycles(
      new Map([
        ['a.ts', ['b.ts']],
        ['b.ts', []],
      ]),
    ),
    [],
    'a chain is not a circle',
  );
  t.same(
    upwardArrows(
      new Map([
        ['model/x.ts', ['analysis/y.ts', 'data/z.ts']],
        ['analysis/y.ts', ['model/x.ts']],
      ]),
    ),
    ['model/x.ts → analysis/y.ts'],
  );
});

t.test('src/ has no import circles', async (t) => {
  t.same(cycles(graph), [], 'every module can be read bottom-up');
});

t.test('model/ and schemas/ import nothing from analysis/, services/ or routes/', async (t) => {
  const arrows = upwardArrows(graph);
  t.same(
    arrows.filter((a) => !KNOWN_UPWARD.includes(a)),
    [],
    'no upward arrow',
  );
  t.same(
    KNOWN_UPWARD.filter((a) => !arrows.includes(a)),
    [],
    'every known exception still occurs (remove the ones that are gone)',
  );
});
