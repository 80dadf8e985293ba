/**
 * One measurement in a fresh process, so that peak memory belongs to that measurement alone
 * (WebAssembly memory never shrinks, and RSS high-water marks only rise). `bench/run.ts` starts it
 * once per size and backend, one at a time, and reads the JSON line it prints last.
 *
 *   tsx bench/measure.ts <mode> --size REF|S|M|L|XL --seed 1 --limit 120 [--algorithm simplex|ipm|auto] [--mps file]
 *
 * Modes:
 * - `build`: model build time (best of up to 3 builds), size with and without the lean trade
 *   network, and (with --mps) the model written as free MPS for the native solver;
 * - `highs`: HiGHS solve of the model with the given algorithm (WebAssembly compiled and warmed on
 *   a small model first, as the service's workers do at start);
 * - `jslp`: javascript-lp-solver (refuses models above its size limit);
 * - `plan`: the whole pipeline in this process without the service (formulate, solve, portfolio;
 *   what `npm run plan -- --no-baseline` does), warmed with one S plan;
 * - `api`: the service in this process (`buildApp`, one solver worker, SQLite in a temporary
 *   directory) listening on 127.0.0.1, warmed with one S solve, then timed `POST /solve?wait=`.
 *
 * Peak memory: `process.resourceUsage().maxRSS`, the resident-set high-water mark of the whole
 * process (main thread, worker threads and WebAssembly heaps), and for HiGHS the size of its
 * WebAssembly memory after the solve, which is its high-water mark.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateInstance, type Size } from './generator.js';
import { parseScenario, planScenario } from '../src/planner.js';
import { formulateScenario } from '../src/model/formulate-scenario.js';
import { formulate } from '../src/model/formulate.js';
import { modelStats } from '../src/model/builder.js';
import { solveModel } from '../src/solver/index.js';
import { chooseAlgorithm, highsModule } from '../src/solver/highs.js';
import { writeMps } from '../src/model/export/index.js';
import { loadDataset, projectRoot } from '../src/data/load.js';
import type { ScenarioInput } from '../src/schemas/scenario.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    size: { type: 'string', default: 'S' },
    seed: { type: 'string', default: '1' },
    limit: { type: 'string', default: '120' },
    algorithm: { type: 'string', default: 'auto' },
    mps: { type: 'string' },
  },
});
const mode = positionals[0];
const size = values.size as Size;
const seed = Number(values.seed);
const limit = Number(values.limit);
const algorithm = values.algorithm as 'auto' | 'simplex' | 'ipm';

const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;
const emit = (result: Record<string, unknown>) => console.log(JSON.stringify({ mode, size, seed, ...result, peakRssMiB: Math.round(peakRssMiB()) }));

/** REF: the reference scenario the product ships (targets for Quad magnets 2030/2035 on quad-2026). */
export const REFERENCE_SCENARIO = 'models/scenarios/quad-magnets-50-by-2030.json';
const generatedAt = performance.now();
const { dataset, scenario: input } =
  (size as string) === 'REF'
    ? { dataset: loadDataset('quad-2026'), scenario: JSON.parse(readFileSync(join(projectRoot(), REFERENCE_SCENARIO), 'utf8')) as ScenarioInput }
    : generateInstance(size, seed);
const scenario = parseScenario(input);
const generateMs = performance.now() - generatedAt;

if (mode === 'build') {
  let best = Infinity;
  let built = formulateScenario(scenario, dataset);
  for (let run = 0; run < 3; run++) {
    if (run > 0) built = formulateScenario(scenario, dataset);
    best = Math.min(best, built.buildMs);
    if (best > 2000) break; // large sizes: one or two builds say enough
  }
  const stats = modelStats(built.model);
  const full = modelStats(formulate(built.instance, { leanTrade: false }));
  let mpsBytes: number | undefined;
  let mpsWriteMs: number | undefined;
  if (values.mps) {
    const started = performance.now();
    const text = writeMps(built.model, { comments: [`bench/generator.ts size ${size} seed ${seed}`] });
    writeFileSync(values.mps, text);
    mpsWriteMs = performance.now() - started;
    mpsBytes = Buffer.byteLength(text);
  }
  emit({ generateMs, buildMs: best, ...stats, withoutLean: full, autoAlgorithm: chooseAlgorithm(built.model, 'auto'), mpsBytes, mpsWriteMs });
} else if (mode === 'highs' || mode === 'jslp') {
  const { model } = formulateScenario(scenario, dataset);
  const highs = await highsModule();
  if (mode === 'highs') {
    // Warm the solver on a small model, as a service worker is warm before its first real solve.
    const small = generateInstance('S', seed);
    await solveModel(formulateScenario(parseScenario(small.scenario), small.dataset).model, {
      backend: 'highs',
      timeLimitSeconds: 30,
      mipRelGap: 1e-6,
      algorithm: 'simplex',
    });
  }
  const result = await solveModel(model, {
    backend: mode === 'highs' ? 'highs' : 'javascript-lp-solver',
    timeLimitSeconds: limit,
    mipRelGap: 1e-6,
    algorithm,
  });
  emit({
    status: result.status,
    objective: result.objective ?? null,
    solveMs: result.solver.solveMs,
    algorithm: result.solver.algorithm ?? null,
    message: result.message ?? null,
    ...result.stats,
    ...(mode === 'highs' ? { wasmMiB: Math.round(highs.memoryBytes / 1024 / 1024) } : {}),
  });
} else if (mode === 'plan') {
  // The same pipeline without the service: formulate, solve, build the portfolio (npm run plan --no-baseline).
  const small = generateInstance('S', seed + 1);
  await planScenario(parseScenario(small.scenario), small.dataset, { skipBaseline: true });
  const started = performance.now();
  const portfolio = await planScenario({ ...scenario, solver: { ...scenario.solver, timeLimitSeconds: limit, algorithm } }, dataset, { skipBaseline: true });
  emit({
    planMs: performance.now() - started,
    status: portfolio.status,
    objective: portfolio.totalCostUsd,
    solveMs: portfolio.solver.solveMs,
    buildMs: portfolio.model.buildMs,
    algorithm: portfolio.solver.algorithm ?? null,
  });
} else if (mode === 'api') {
  const { buildApp } = await import('../src/app.js');
  const dir = mkdtempSync(join(tmpdir(), 'planner-bench-'));
  const warm = generateInstance('S', seed + 1);
  const app = await buildApp({
    datasets: new Map([
      [dataset.meta.id, dataset],
      [warm.dataset.meta.id, warm.dataset],
    ]),
    config: { databasePath: join(dir, 'bench.db'), solverWorkers: 1, maxWaitSeconds: limit + 60, solverGraceSeconds: 30, logLevel: 'warn' },
    logger: false,
  });
  try {
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    const solve = async (body: unknown) => {
      const started = performance.now();
      const response = await fetch(`${address}/solve?wait=${limit + 30}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      return { ms: performance.now() - started, status: response.status, bytes: text.length, body: JSON.parse(text) as Record<string, any> };
    };
    const options = { skipBaseline: true, timeLimitSeconds: limit, algorithm };
    const warmup = await solve({ scenario: warm.scenario, options });
    if (warmup.status !== 200) throw new Error(`warm-up solve answered ${warmup.status}: ${JSON.stringify(warmup.body).slice(0, 500)}`);
    const measured = await solve({ scenario: input, options });
    const portfolio = measured.body.portfolio ?? measured.body;
    emit({
      httpStatus: measured.status,
      e2eMs: measured.ms,
      responseBytes: measured.bytes,
      status: portfolio.status ?? measured.body.status ?? null,
      objective: portfolio.totalCostUsd ?? null,
      workerSolveMs: portfolio.solver?.solveMs ?? null,
      workerBuildMs: portfolio.model?.buildMs ?? null,
      algorithm: portfolio.solver?.algorithm ?? null,
    });
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.error('usage: tsx bench/measure.ts build|highs|jslp|plan|api --size REF|S|M|L|XL [--seed N] [--limit s] [--algorithm auto|simplex|ipm] [--mps file]');
  process.exit(2);
}
