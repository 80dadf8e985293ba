/**
 * `npm run bench`: model size, build time, solve time per backend, the same plan in process and
 * end to end through the service, peak memory and the ratios between them, for the reference scenario and generated
 * instances of each size, all measured side by side in one run.
 *
 *   npm run bench -- [--sizes REF,S,M,L,XL] [--seed 1] [--limit 120] [--out bench/results/name.json] [--no-clp] [--no-api]
 *
 * REF is the shipped scenario models/scenarios/quad-magnets-50-by-2030.json on quad-2026; S-XL
 * come from bench/generator.ts. Each measurement runs in its own process (bench/measure.ts), one
 * at a time, so peak memory is its own and measurements do not compete for the two cores. Backends:
 * HiGHS dual simplex and HiGHS interior point with crossover (what `auto` picks is marked),
 * javascript-lp-solver (refuses models above 2,500 rows or columns), and native COIN-OR CLP
 * (Debian `coinor-clp`, dual simplex by default) on the same model exported as free MPS. A backend
 * that does not finish within `--limit` seconds is reported as "time limit", not left out.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { projectRoot } from '../src/data/load.js';
import { IPM_ROW_THRESHOLD } from '../src/solver/types.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: 'REF,S,M,L,XL' },
    seed: { type: 'string', default: '1' },
    limit: { type: 'string', default: '120' },
    out: { type: 'string' },
    'no-clp': { type: 'boolean', default: false },
    'no-api': { type: 'boolean', default: false },
  },
});
const sizes = values.sizes
  .split(',')
  .map((s) => s.trim().toUpperCase())
  .filter(Boolean);
const seed = Number(values.seed);
const limit = Number(values.limit);
const root = projectRoot();
const work = mkdtempSync(join(tmpdir(), 'planner-bench-'));

type Json = Record<string, any>;

/** Runs one measurement in a fresh process and returns the JSON line it prints last. */
function measure(mode: string, size: string, extra: string[] = []): Json {
  const started = performance.now();
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(root, 'bench', 'measure.ts'), mode, '--size', size, '--seed', String(seed), '--limit', String(limit), ...extra],
    {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      timeout: (limit * 3 + 120) * 1000,
    },
  );
  const line = run.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .pop();
  if (!line)
    return {
      status: 'error',
      message: `${mode} ${size}: no result (exit ${run.status}, signal ${run.signal}): ${run.stderr.slice(-800)}`,
      wallMs: performance.now() - started,
    };
  return { ...(JSON.parse(line) as Json), wallMs: performance.now() - started };
}

function clpVersion(): string | null {
  try {
    const out = execFileSync('clp', ['-stop'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return /Coin LP version ([\d.]+)/.exec(out)?.[1] ?? 'unknown';
  } catch {
    return null;
  }
}

/** Native CLP on the exported MPS, under /usr/bin/time for its peak memory. */
function runClp(mps: string): Json {
  const args = ['-v', 'clp', mps, '-seconds', String(limit), '-solve'];
  const started = performance.now();
  const run = spawnSync('/usr/bin/time', args, { encoding: 'utf8', timeout: (limit + 60) * 1000, maxBuffer: 64 * 1024 * 1024 });
  const wallMs = performance.now() - started;
  const out = `${run.stdout}\n${run.stderr}`;
  const optimal = /Optimal objective\s+([-\d.e+]+)\s+-\s+(\d+) iterations time ([\d.]+)/.exec(out);
  const imported = /imported from .* in ([\d.]+) seconds/.exec(out);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(out);
  const stopped = /Stopped on (time|iterations)|time limit|seconds/i.test(out) && !optimal;
  return {
    status: optimal ? 'optimal' : stopped ? 'time_limit' : run.signal ? 'killed' : 'error',
    objective: optimal ? Number(optimal[1]) : null,
    iterations: optimal ? Number(optimal[2]) : null,
    solveMs: optimal ? Number(optimal[3]) * 1000 : null,
    readMs: imported ? Number(imported[1]) * 1000 : null,
    wallMs,
    peakRssMiB: rss ? Math.round(Number(rss[1]) / 1024) : null,
    ...(optimal
      ? {}
      : {
          message: out
            .split('\n')
            .filter((l) => !/^\s*\d+\s+Obj/.test(l))
            .slice(-6)
            .join(' | '),
        }),
  };
}

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '—' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v)} ms`);
const ratio = (a: number | null | undefined, b: number | null | undefined) => (a && b ? (a / b).toFixed(2) : '—');
const relDiff = (a: number | null | undefined, b: number | null | undefined) =>
  a !== null && a !== undefined && b !== null && b !== undefined ? Math.abs(a - b) / Math.max(1, Math.abs(a)) : null;
const outcome = (r: Json | undefined) =>
  !r
    ? 'not run'
    : r.status === 'optimal'
      ? ms(r.solveMs)
      : r.status === 'time_limit'
        ? `time limit (${limit} s)`
        : r.message?.includes('limited to')
          ? 'refused (size)'
          : r.status;

const clp = values['no-clp'] ? null : clpVersion();
/** What was measured: the commit, and how many files differed from it (others may be mid-change in a shared tree). */
function gitState(): { commit: string; modifiedFiles: number } | null {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const status = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
    return { commit, modifiedFiles: status.split('\n').filter(Boolean).length };
  } catch {
    return null;
  }
}
const machine = {
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
  freeMemoryGiBAtStart: Math.round((freemem() / 2 ** 30) * 10) / 10,
  loadAverageAtStart: loadavg().map((v) => Math.round(v * 100) / 100),
  node: process.version,
  clp,
};
console.error(
  `bench: sizes ${sizes.join(',')}, seed ${seed}, limit ${limit} s, load average ${machine.loadAverageAtStart.join(' ')}${clp ? `, CLP ${clp}` : ', CLP not installed (apt-get install coinor-clp)'}`,
);

const results: Json[] = [];
for (const size of sizes) {
  const mps = join(work, `${size}.mps`);
  const build = measure('build', size, clp ? ['--mps', mps] : []);
  if (build.status === 'error') {
    results.push({ size, build });
    console.error(`${size}: build failed: ${build.message}`);
    continue;
  }
  console.error(`${size}: ${build.rows} rows × ${build.columns} columns, build ${ms(build.buildMs)}`);
  const simplex = measure('highs', size, ['--algorithm', 'simplex']);
  console.error(`${size}: HiGHS simplex ${outcome(simplex)}`);
  const ipm = measure('highs', size, ['--algorithm', 'ipm']);
  console.error(`${size}: HiGHS ipm ${outcome(ipm)}`);
  const auto = build.autoAlgorithm === 'ipm' ? ipm : simplex;
  const jslp = measure('jslp', size);
  console.error(`${size}: javascript-lp-solver ${outcome(jslp)}`);
  const native = clp ? runClp(mps) : null;
  if (native) console.error(`${size}: CLP ${outcome(native)}`);
  // Issue 13's yardstick at L: native CLP on the model as the project exported it when that work
  // started (bench/fixtures/L-seed1-issue13-start.mps.gz), beside our solve of today's model.
  const startFixture = join(root, 'bench', 'fixtures', `${size}-seed${seed}-issue13-start.mps.gz`);
  let nativeAtStart: Json | null = null;
  if (clp && existsSync(startFixture)) {
    const unpacked = join(work, `${size}-issue13-start.mps`);
    writeFileSync(unpacked, gunzipSync(readFileSync(startFixture)));
    nativeAtStart = runClp(unpacked);
    rmSync(unpacked, { force: true });
    console.error(`${size}: CLP on the issue-13 start model ${outcome(nativeAtStart)}`);
  }
  const plan = values['no-api'] ? null : measure('plan', size, ['--algorithm', 'auto']);
  const api = values['no-api'] ? null : measure('api', size, ['--algorithm', 'auto']);
  if (plan) console.error(`${size}: in-process plan ${ms(plan.planMs)} (${plan.status})`);
  if (api) console.error(`${size}: end to end ${ms(api.e2eMs)} (HTTP ${api.httpStatus}, ${api.status})`);
  rmSync(mps, { force: true });
  results.push({
    size,
    model: {
      rows: build.rows,
      columns: build.columns,
      nonzeros: build.nonzeros,
      withoutLean: build.withoutLean,
      generateMs: build.generateMs,
      buildMs: build.buildMs,
      mpsBytes: build.mpsBytes,
      peakRssMiB: build.peakRssMiB,
    },
    autoAlgorithm: build.autoAlgorithm,
    highs: { simplex, ipm },
    jslp,
    clp: native,
    clpOnIssue13StartModel: nativeAtStart,
    plan,
    api,
    ratios: {
      buildOverSolve: auto.status === 'optimal' ? build.buildMs / auto.solveMs : null,
      e2eOverSolve: api && api.status === 'optimal' && auto.status === 'optimal' ? api.e2eMs / auto.solveMs : null,
      e2eOverPlan: api && api.status === 'optimal' && plan?.status === 'optimal' ? api.e2eMs / plan.planMs : null,
      ipmOverSimplex: ipm.status === 'optimal' && simplex.status === 'optimal' ? ipm.solveMs / simplex.solveMs : null,
      highsOverJslp: jslp.status === 'optimal' && auto.status === 'optimal' ? auto.solveMs / jslp.solveMs : null,
      highsOverClp: native?.status === 'optimal' && auto.status === 'optimal' ? auto.solveMs / native.solveMs : null,
      autoOverClpOnIssue13Start: nativeAtStart?.status === 'optimal' && auto.status === 'optimal' ? auto.solveMs / nativeAtStart.solveMs : null,
      bestHighsOverClp:
        native?.status === 'optimal' && (simplex.status === 'optimal' || ipm.status === 'optimal')
          ? Math.min(...[simplex, ipm].filter((r) => r.status === 'optimal').map((r) => r.solveMs)) / native.solveMs
          : null,
    },
    objectiveAgreement: {
      simplexVsIpm: relDiff(simplex.objective, ipm.objective),
      highsVsClp: relDiff(auto.objective, native?.objective),
      highsVsJslp: relDiff(auto.objective, jslp.objective),
      highsVsApi: relDiff(auto.objective, api?.objective),
    },
  });
}
rmSync(work, { recursive: true, force: true });

const report = {
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  finishedAt: new Date().toISOString(),
  git: gitState(),
  seed,
  limitSeconds: limit,
  ipmRowThreshold: IPM_ROW_THRESHOLD,
  machine: { ...machine, loadAverageAtEnd: loadavg().map((v) => Math.round(v * 100) / 100) },
  peakMemory:
    'peakRssMiB: resident-set high-water mark of the measuring process (node, model, solver; for api the whole service with its worker); wasmMiB: HiGHS WebAssembly memory after the solve (its high-water mark); CLP: max RSS from /usr/bin/time',
  results,
};
const out = values.out ?? join(root, 'bench', 'results', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
mkdirSync(join(out, '..'), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);

const lines = [
  '| size | rows × cols (nnz) | cols without lean | build | HiGHS simplex | HiGHS IPM | auto | jsLP | CLP | in-process plan | end to end (API) | peak RSS HiGHS auto / API / CLP | build/solve | e2e/solve | e2e/plan | IPM/simplex | HiGHS/jsLP | HiGHS/CLP (auto; best) |',
  '|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|',
];
for (const r of results) {
  if (!r.model) {
    lines.push(`| ${r.size} | build failed | | | | | | | | | | | | | | | | |`);
    continue;
  }
  const auto = r.autoAlgorithm === 'ipm' ? r.highs.ipm : r.highs.simplex;
  lines.push(
    `${[
      r.size,
      `${r.model.rows} × ${r.model.columns} (${r.model.nonzeros})`,
      r.model.withoutLean.columns,
      ms(r.model.buildMs),
      outcome(r.highs.simplex),
      outcome(r.highs.ipm),
      r.autoAlgorithm,
      outcome(r.jslp),
      r.clp ? outcome(r.clp) : 'not installed',
      r.plan ? (r.plan.status === 'optimal' ? ms(r.plan.planMs) : r.plan.status) : 'not run',
      r.api ? (r.api.status === 'optimal' ? ms(r.api.e2eMs) : `${r.api.status ?? 'error'} (HTTP ${r.api.httpStatus ?? '—'})`) : 'not run',
      `${auto.peakRssMiB ?? '—'} (wasm ${auto.wasmMiB ?? '—'}) / ${r.api?.peakRssMiB ?? '—'} / ${r.clp?.peakRssMiB ?? '—'} MiB`,
      ratio(r.ratios.buildOverSolve, 1),
      ratio(r.ratios.e2eOverSolve, 1),
      ratio(r.ratios.e2eOverPlan, 1),
      ratio(r.ratios.ipmOverSimplex, 1),
      r.jslp.status === 'optimal' ? ratio(r.ratios.highsOverJslp, 1) : outcome(r.jslp),
      `${ratio(r.ratios.highsOverClp, 1)}; ${ratio(r.ratios.bestHighsOverClp, 1)}`,
    ]
      .join(' | ')
      .replace(/^/, '| ')} |`,
  );
}
for (const r of results)
  if (r.clpOnIssue13StartModel)
    lines.push(
      `\n${r.size}: native CLP on the model exported at the start of issue 13 ${outcome(r.clpOnIssue13StartModel)}; ` +
        `our auto solve of today's model / that: ${ratio(r.ratios.autoOverClpOnIssue13Start, 1)} (target ≤ 1.0)`,
    );
console.log(lines.join('\n'));
console.log(`\nresults: ${out}`);
