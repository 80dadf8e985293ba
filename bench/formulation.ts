/**
 * `npm run bench:formulation`: formulation speed per nonzero, side by side in one run, for the
 * reference scenario and generated sizes (issue 13: ≤ 1 µs per nonzero at L).
 *
 *   npm run bench:formulation -- [--sizes REF,L,XL] [--seed 1] [--runs 9] [--out file.json] [--against /path/to/checkout]
 *
 * Per size: the scenario is resolved once (not timed here: `npm run bench` times resolve +
 * formulate). Variants, each called twice to warm up, then in `--runs` rounds that call every
 * variant once in turn (so variants compare under the same load; 5 rounds at XL):
 * - `plan`: `formulate(instance)`;
 * - `base/sep`: the no-new-builds baseline as a separate pass, `formulate(baselineInstance(instance))`
 *   (what the planner did before issue 13); `plan+sep`: the two added;
 * - `plan+cut` (where this version has `formulateWithBaseline`): the plan formulated with its
 *   baseline recorded and the baseline cut from it, what the planner does now; rows, columns and
 *   nonzeros of both models.
 * - with `--against <checkout>` (another worktree, e.g. main's): that checkout's `plan`, `base/sep`
 *   and `plan+sep` too, in the same rounds (rows marked `@`), so before and after compare under the
 *   same load.
 * Reported: median wall and CPU time (`process.cpuUsage`, user + system, so the garbage
 * collector's helper threads count too), the least CPU time, and each per nonzero. On a loaded
 * machine wall time includes waits for a core and CPU time runs slower too (shared caches); the
 * least CPU time is the closest to an idle machine.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { generateInstance, type Size } from './generator.js';
import { parseScenario } from '../src/planner.js';
import * as formulateModule from '../src/model/formulate.js';
import { baselineInstance, resolveScenario, type Instance } from '../src/model/instance.js';
import { modelStats, type LinearModel } from '../src/model/builder.js';
import { loadDataset, projectRoot } from '../src/data/load.js';
import type { ScenarioInput } from '../src/schemas/scenario.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'REF,L,XL' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '9' },
    out: { type: 'string' },
    against: { type: 'string' },
  },
});
const sizes = values.sizes
  .split(',')
  .map((s) => s.trim().toUpperCase())
  .filter(Boolean);
const seed = Number(values.seed);
const runs = Math.max(1, Number(values.runs));
const REFERENCE_SCENARIO = 'models/scenarios/quad-magnets-50-by-2030.json';

function load(size: string, resolve: typeof resolveScenario = resolveScenario): Instance {
  if (size === 'REF') {
    const scenario = parseScenario(JSON.parse(readFileSync(join(projectRoot(), REFERENCE_SCENARIO), 'utf8')) as ScenarioInput);
    return resolve(scenario, loadDataset('quad-2026'));
  }
  const generated = generateInstance(size as Size, seed);
  return resolve(parseScenario(generated.scenario), generated.dataset);
}

// Another checkout's formulation, for before/after in one run.
const against = values.against
  ? {
      formulate: ((await import(pathToFileURL(join(values.against, 'src/model/formulate.ts')).href)) as typeof formulateModule).formulate,
      instance: (await import(pathToFileURL(join(values.against, 'src/model/instance.ts')).href)) as {
        resolveScenario: typeof resolveScenario;
        baselineInstance: typeof baselineInstance;
      },
    }
  : undefined;

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

interface Timing {
  rows: number;
  cols: number;
  nnz: number;
  wallMs: number;
  cpuMs: number;
  minWallMs: number;
  minCpuMs: number;
}

/**
 * Two warm-up rounds, then `n` rounds that each call every variant once, in turn: variants measured
 * in the same round see the same machine (other processes' load comes and goes), so their medians
 * compare like with like.
 */
function timeRounds(variants: ReadonlyArray<() => LinearModel>, n: number): Timing[] {
  const models = variants.map((make) => make());
  for (const make of variants) make();
  const walls = variants.map(() => [] as number[]);
  const cpus = variants.map(() => [] as number[]);
  for (let r = 0; r < n; r++) {
    variants.forEach((make, v) => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      models[v] = make();
      walls[v]!.push(performance.now() - started);
      const used = process.cpuUsage(cpu);
      cpus[v]!.push((used.user + used.system) / 1000);
    });
  }
  return models.map((model, v) => {
    const stats = modelStats(model);
    return {
      rows: stats.rows,
      cols: stats.columns,
      nnz: stats.nonzeros,
      wallMs: median(walls[v]!),
      cpuMs: median(cpus[v]!),
      minWallMs: Math.min(...walls[v]!),
      minCpuMs: Math.min(...cpus[v]!),
    };
  });
}

const { formulate } = formulateModule;
// The planner's baseline path when this version has one: the plan formulated with its baseline recorded, then cut (formulate.ts).
const formulateWithBaseline = (formulateModule as Record<string, unknown>).formulateWithBaseline as
  | ((instance: Instance) => { model: LinearModel; baseline: () => LinearModel | undefined })
  | undefined;

const results: Array<Record<string, unknown>> = [];
const fmt = (x: number, d = 2) => x.toFixed(d);
console.log(
  `node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${runs} runs after two warm-up calls, medians`,
);
console.log(
  ['size', 'model', 'rows', 'cols', 'nnz', 'wall ms', 'cpu ms', 'min cpu ms', 'µs/nnz wall', 'µs/nnz cpu', 'µs/nnz min']
    .map((h, i) => (i < 2 ? h.padEnd(9) : h.padStart(12)))
    .join(''),
);
for (const size of sizes) {
  const instance = load(size);
  // Large sizes: fewer runs keep the bench short; the median of 5 still drops two outliers.
  const n = size === 'XL' ? Math.min(runs, 5) : runs;
  const base = baselineInstance(instance);
  const variants: Array<() => LinearModel> = [() => formulate(instance), () => formulate(base)];
  if (formulateWithBaseline)
    variants.push(() => {
      const cut = formulateWithBaseline(instance).baseline();
      if (!cut) throw new Error(`${size}: the baseline could not be cut from the plan`);
      return cut;
    });
  const cutAt = formulateWithBaseline ? 2 : -1;
  if (against) {
    const other = load(size, against.instance.resolveScenario);
    const otherBase = against.instance.baselineInstance(other);
    variants.push(
      () => against.formulate(other),
      () => against.formulate(otherBase),
    );
  }
  const timings = timeRounds(variants, n);
  const [plan, separate] = timings as [Timing, Timing];
  const both = cutAt > 0 ? timings[cutAt] : undefined;
  const sum = (a: Timing, b: Timing, ms: (t: Timing) => Timing = (t) => t): Timing => ({
    rows: a.rows + b.rows,
    cols: a.cols + b.cols,
    nnz: a.nnz + b.nnz,
    wallMs: ms(a).wallMs + ms(b).wallMs,
    cpuMs: ms(a).cpuMs + ms(b).cpuMs,
    minWallMs: a.minWallMs + b.minWallMs,
    minCpuMs: a.minCpuMs + b.minCpuMs,
  });
  const rows: Array<[string, Timing]> = [
    ['plan', plan],
    ['base/sep', separate],
    ['plan+sep', sum(plan, separate)],
  ];
  if (both) {
    // The plan recorded with its baseline and the baseline cut: one pass for both models.
    rows.push(['plan+cut', { ...both, rows: plan.rows + both.rows, cols: plan.cols + both.cols, nnz: plan.nnz + both.nnz }]);
  }
  if (against) {
    const [otherPlan, otherSeparate] = timings.slice(-2) as [Timing, Timing];
    rows.push(['@plan', otherPlan], ['@base/sep', otherSeparate], ['@plan+sep', sum(otherPlan, otherSeparate)]);
  }
  for (const [what, t] of rows) {
    console.log(
      [
        size.padEnd(9),
        what.padEnd(9),
        String(t.rows).padStart(12),
        String(t.cols).padStart(12),
        String(t.nnz).padStart(12),
        fmt(t.wallMs, 1).padStart(12),
        fmt(t.cpuMs, 1).padStart(12),
        fmt(t.minCpuMs, 1).padStart(12),
        fmt((t.wallMs * 1000) / t.nnz).padStart(12),
        fmt((t.cpuMs * 1000) / t.nnz).padStart(12),
        fmt((t.minCpuMs * 1000) / t.nnz).padStart(12),
      ].join(''),
    );
    results.push({
      size,
      model: what,
      ...t,
      usPerNnzWall: (t.wallMs * 1000) / t.nnz,
      usPerNnzCpu: (t.cpuMs * 1000) / t.nnz,
      usPerNnzMinCpu: (t.minCpuMs * 1000) / t.nnz,
    });
  }
}
if (values.out) writeFileSync(values.out, `${JSON.stringify({ node: process.version, loadavg: loadavg(), runs, results }, null, 2)}\n`);
