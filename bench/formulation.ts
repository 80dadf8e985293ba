/**
 * `npm run bench:formulation`: formulation speed per nonzero, side by side in one run, for the
 * reference scenario and generated sizes (issue 13: ≤ 1 µs per nonzero at L).
 *
 *   npm run bench:formulation -- [--sizes REF,L,XL] [--seed 1] [--runs 7] [--out file.json]
 *
 * Per size: the scenario is resolved once (not timed here: `npm run bench` times resolve +
 * formulate), then `formulate(instance)` runs once to warm up and `--runs` more times; the
 * median wall time and the median CPU time of the process (`process.cpuUsage`, user + system:
 * the garbage collector's helper threads count too) are reported, divided by the model's
 * nonzeros. Then the same for the plan's no-new-builds baseline: as the planner makes it
 * (`planBaseline`, src/model/formulate-scenario.ts) and as a separate formulation pass
 * (`formulate(baselineInstance(instance))`), so both numbers stay comparable across versions.
 * Sizes run in one process one after the other; on a loaded machine wall time includes waits,
 * CPU time does not.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { generateInstance, type Size } from './generator.js';
import { parseScenario } from '../src/planner.js';
import { formulate } from '../src/model/formulate.js';
import * as formulateScenarioModule from '../src/model/formulate-scenario.js';
import { baselineInstance, resolveScenario, type Instance } from '../src/model/instance.js';
import { modelStats, type LinearModel } from '../src/model/builder.js';
import { loadDataset, projectRoot } from '../src/data/load.js';
import type { ScenarioInput } from '../src/schemas/scenario.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'REF,L,XL' },
    seed: { type: 'string', default: '1' },
    runs: { type: 'string', default: '7' },
    out: { type: 'string' },
  },
});
const sizes = values.sizes
  .split(',')
  .map((s) => s.trim().toUpperCase())
  .filter(Boolean);
const seed = Number(values.seed);
const runs = Math.max(1, Number(values.runs));
const REFERENCE_SCENARIO = 'models/scenarios/quad-magnets-50-by-2030.json';

function load(size: string): Instance {
  if (size === 'REF') {
    const scenario = parseScenario(JSON.parse(readFileSync(join(projectRoot(), REFERENCE_SCENARIO), 'utf8')) as ScenarioInput);
    return resolveScenario(scenario, loadDataset('quad-2026'));
  }
  const generated = generateInstance(size as Size, seed);
  return resolveScenario(parseScenario(generated.scenario), generated.dataset);
}

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
}

/** Warm-up plus `runs` timed calls of `make`; `nnzOf` counts the nonzeros of what it made. */
function time(make: () => LinearModel, n: number): Timing {
  let model = make();
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < n; r++) {
    const cpu = process.cpuUsage();
    const started = performance.now();
    model = make();
    walls.push(performance.now() - started);
    const used = process.cpuUsage(cpu);
    cpus.push((used.user + used.system) / 1000);
  }
  const stats = modelStats(model);
  return { rows: stats.rows, cols: stats.columns, nnz: stats.nonzeros, wallMs: median(walls), cpuMs: median(cpus), minWallMs: Math.min(...walls) };
}

// The planner's own baseline path, when this version has one (formulate-scenario.ts).
const planBaseline = (formulateScenarioModule as Record<string, unknown>).planBaseline as
  | ((instance: Instance) => { plan: LinearModel; baseline: () => LinearModel })
  | undefined;

const results: Array<Record<string, unknown>> = [];
const fmt = (x: number, d = 2) => x.toFixed(d);
console.log(
  `node ${process.version}, load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}, ${runs} runs after a warm-up, medians`,
);
console.log(
  ['size', 'model', 'rows', 'cols', 'nnz', 'wall ms', 'cpu ms', 'µs/nnz wall', 'µs/nnz cpu'].map((h, i) => (i < 2 ? h.padEnd(9) : h.padStart(12))).join(''),
);
for (const size of sizes) {
  const instance = load(size);
  // Large sizes: fewer runs keep the bench short; the median of 3 still drops one outlier.
  const n = size === 'XL' ? Math.min(runs, 3) : runs;
  const plan = time(() => formulate(instance), n);
  const base = baselineInstance(instance);
  const separate = time(() => formulate(base), n);
  const rows: Array<[string, Timing]> = [
    ['plan', plan],
    ['base/sep', separate],
  ];
  if (planBaseline) {
    // Plan + baseline from one pass, as the planner does it now: the plan's formulation and the derived baseline.
    const both = time(() => {
      const made = planBaseline(instance);
      return made.baseline();
    }, n);
    rows.push(['plan+base', { ...both, rows: plan.rows + both.rows, cols: plan.cols + both.cols, nnz: plan.nnz + both.nnz }]);
    rows.push(['base/der', { ...both, wallMs: both.wallMs - plan.wallMs, cpuMs: both.cpuMs - plan.cpuMs }]);
  } else {
    rows.push([
      'plan+base',
      {
        rows: plan.rows + separate.rows,
        cols: plan.cols + separate.cols,
        nnz: plan.nnz + separate.nnz,
        wallMs: plan.wallMs + separate.wallMs,
        cpuMs: plan.cpuMs + separate.cpuMs,
        minWallMs: plan.minWallMs + separate.minWallMs,
      },
    ]);
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
        fmt((t.wallMs * 1000) / t.nnz).padStart(12),
        fmt((t.cpuMs * 1000) / t.nnz).padStart(12),
      ].join(''),
    );
    results.push({ size, model: what, ...t, usPerNnzWall: (t.wallMs * 1000) / t.nnz, usPerNnzCpu: (t.cpuMs * 1000) / t.nnz });
  }
}
if (values.out) writeFileSync(values.out, `${JSON.stringify({ node: process.version, loadavg: loadavg(), runs, results }, null, 2)}\n`);
