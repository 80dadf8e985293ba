/**
 * Faults on the service as a separate process (`node dist/server.js`, loopback only, bounded):
 * `npm run bench:faults [-- --cycles 20 --no-build]`. Prints PASS/FAIL per check and exits 1 on
 * any FAIL; raw results go to bench/results/faults.json.
 *
 * (a) kill -9 during writes, `--cycles` times: after one warm-up solve per worker, nine clients
 *     write (three POST scenarios with distinct contents; five run small solves that store
 *     portfolios; one queues solves without waiting, acknowledged by 202) and the server is
 *     SIGKILLed at a seeded random moment 300-2500 ms into the burst. After each kill the database file is opened read-only
 *     (better-sqlite3) for `PRAGMA integrity_check` and `foreign_key_check`; after each restart
 *     every write acknowledged with a 2xx so far must read back through the API with the content
 *     that was sent, and no job may be left queued or running.
 * (b) time limit: with ONE worker, the reference scenario with `timeLimitSeconds: 0.5` must come
 *     back as `time_limit`, and a small solve right after must succeed (so the worker was freed).
 * (c) worker death by a real WebAssembly out-of-memory: the service is started from a copy of the
 *     project that also holds the generator's XL dataset, with node's `--wasm-max-mem-pages=2048`
 *     (128 MiB per WebAssembly memory instead of the 2 GiB HiGHS is built with), so the XL model
 *     exhausts HiGHS' memory within seconds rather than minutes, while the shipped scenarios still
 *     fit. The XL job must fail with a clear error, solves running beside it must succeed,
 *     `/health` must stay 200 throughout, and afterwards both workers must solve again.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { projectRoot } from '../src/data/load.js';
import { DATASET_FILES } from '../src/data/schema.js';
import { generateInstance, mulberry32 } from './generator.js';
import { buildDist, round, scenarioPath, startService, type ServiceProcess } from './service-process.js';

const { values: args } = parseArgs({
  options: {
    cycles: { type: 'string', default: '20' },
    'no-build': { type: 'boolean', default: false },
  },
});
const cycles = Number(args.cycles);
if (!Number.isInteger(cycles) || cycles < 1) throw new Error('--cycles must be a positive whole number');

const log = (message: string) => process.stdout.write(`${message}\n`);
const readScenario = (name: string) => JSON.parse(readFileSync(scenarioPath(name), 'utf8')) as Record<string, any>;
const small = readScenario('small-us-magnets-2030');
const reference = readScenario('quad-magnets-50-by-2030');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Check {
  part: string;
  name: string;
  pass: boolean;
  detail: string;
}
const checks: Check[] = [];
function check(part: string, name: string, pass: boolean, detail = ''): boolean {
  checks.push({ part, name, pass, detail });
  log(`  ${pass ? 'PASS' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
  return pass;
}

async function request(method: string, url: string, body?: unknown): Promise<{ status: number; json: any; headers: Headers }> {
  const response = await fetch(url, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null, headers: response.headers };
}

function variant(name: string, n: number): Record<string, any> {
  const share = 0.3 + ((n * 37) % 61) / 100;
  return { ...small, name, targets: small.targets.map((t: any) => ({ ...t, maxUntrustedShare: share })) };
}

// ------------------------------------------------------------------------------------------------
// (a) kill -9 during writes

interface Ack {
  cycle: number;
  kind: 'scenario' | 'portfolio' | 'job';
  id: string;
  /** The scenario name sent (scenario and portfolio writes). */
  name?: string;
  scenarioId?: string;
}

/** Writes until `stop` is set; records every 2xx. Errors from the kill (reset sockets) are expected. */
async function writer(service: ServiceProcess, cycle: number, index: number, acks: Ack[], stopped: () => boolean) {
  for (let n = 0; !stopped(); n++) {
    const name = `fault c${cycle} w${index} n${n}`;
    try {
      if (index < 3) {
        const r = await request('POST', `${service.url}/scenarios`, variant(name, n));
        if (r.status === 200 || r.status === 201) acks.push({ cycle, kind: 'scenario', id: r.json.id, name });
      } else if (index < 8) {
        const r = await request('POST', `${service.url}/solve?wait=10`, { scenario: variant(name, n), options: { skipBaseline: n % 2 === 0 } });
        if (r.status === 200) acks.push({ cycle, kind: 'portfolio', id: r.json.id, name, scenarioId: r.json.scenarioId });
        else if (r.status === 202) acks.push({ cycle, kind: 'job', id: r.json.id });
      } else {
        // A job acknowledged with 202 (not waited for): it must exist after the restart, finished.
        const r = await request('POST', `${service.url}/solve?wait=0`, { scenario: variant(name, n), options: { skipBaseline: true } });
        if (r.status === 202 || r.status === 200) acks.push({ cycle, kind: 'job', id: r.status === 202 ? r.json.id : r.json.jobId });
        await sleep(150);
      }
    } catch {
      return; // The server is gone.
    }
  }
}

function integrity(dbPath: string): { integrity: string; foreignKeyProblems: number } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma('integrity_check') as Array<{ integrity_check: string }>).map((r) => r.integrity_check).join('; ');
    const foreignKeyProblems = (db.pragma('foreign_key_check') as unknown[]).length;
    return { integrity, foreignKeyProblems };
  } finally {
    db.close();
  }
}

/** Every acknowledged write reads back through the API; returns the ones that do not. */
async function missing(service: ServiceProcess, acks: Ack[]): Promise<string[]> {
  const problems: string[] = [];
  for (const ack of acks) {
    if (ack.kind === 'scenario') {
      const r = await request('GET', `${service.url}/scenarios/${ack.id}`);
      if (r.status !== 200 || r.json.name !== ack.name) problems.push(`scenario ${ack.id} (${ack.name}): HTTP ${r.status}`);
    } else if (ack.kind === 'portfolio') {
      const r = await request('GET', `${service.url}/portfolios/${ack.id}`);
      if (r.status !== 200 || r.json.scenarioId !== ack.scenarioId || r.json.scenarioName !== ack.name)
        problems.push(`portfolio ${ack.id} (${ack.name}): HTTP ${r.status}`);
      const s = await request('GET', `${service.url}/scenarios/${ack.scenarioId}`);
      if (s.status !== 200) problems.push(`scenario ${ack.scenarioId} of portfolio ${ack.id}: HTTP ${s.status}`);
    } else {
      const r = await request('GET', `${service.url}/jobs/${ack.id}`);
      if (r.status !== 200) problems.push(`job ${ack.id}: HTTP ${r.status}`);
      else if (r.json.status === 'queued' || r.json.status === 'running') problems.push(`job ${ack.id} still ${r.json.status} after restart`);
    }
  }
  return problems;
}

async function killCycles(dir: string) {
  log(`(a) kill -9 during writes, ${cycles} cycles`);
  const dbPath = join(dir, 'faults.db');
  const logFile = join(dir, 'server-a.log');
  const random = mulberry32(20261123);
  const acks: Ack[] = [];
  const perCycle = [];
  let lost: string[] = [];
  let corrupt = 0;
  let unfinishedJobs = 0;
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const service = await startService({ databasePath: dbPath, workers: 2, logFile });
    // What the previous cycles had acknowledged must be back after this restart.
    const previous = acks.filter((a) => a.cycle === cycle - 1);
    const gone = await missing(service, previous);
    lost = lost.concat(gone);
    unfinishedJobs += gone.filter((g) => g.includes('still')).length;

    // One small solve per worker first, so the burst's solves write portfolios within the kill window.
    await Promise.all(
      [0, 1].map((i) =>
        request('POST', `${service.url}/solve?wait=30`, { scenario: variant(`fault c${cycle} warm-up ${i}`, i), options: { skipBaseline: true } }),
      ),
    );
    const mine: Ack[] = [];
    let stop = false;
    const writers = Array.from({ length: 9 }, (_, i) => writer(service, cycle, i, mine, () => stop));
    const killAfterMs = Math.round(300 + random() * 2200);
    await sleep(killAfterMs);
    await service.kill9();
    stop = true;
    await Promise.all(writers);
    acks.push(...mine);

    const db = integrity(dbPath);
    if (db.integrity !== 'ok' || db.foreignKeyProblems) corrupt++;
    const count = (kind: Ack['kind']) => mine.filter((a) => a.kind === kind).length;
    perCycle.push({
      cycle,
      killAfterMs,
      acknowledged: { scenarios: count('scenario'), portfolios: count('portfolio'), jobs: count('job') },
      previousCycleMissing: gone.length,
      ...db,
    });
    log(
      `  cycle ${String(cycle).padStart(2)}: killed after ${killAfterMs} ms; acknowledged ${count('scenario')} scenarios, ${count('portfolio')} portfolios, ${count('job')} jobs; integrity ${db.integrity}; previous cycle's writes missing: ${gone.length}`,
    );
  }
  // A last restart: everything acknowledged in any cycle is still there.
  const service = await startService({ databasePath: dbPath, workers: 2, logFile });
  let finalMissing: string[];
  let counts: Record<string, number>;
  try {
    finalMissing = await missing(service, acks);
    const health = await request('GET', `${service.url}/health`);
    counts = { healthStatus: health.status };
  } finally {
    await service.stop();
  }
  const finalDb = integrity(dbPath);
  const total = (kind: Ack['kind']) => acks.filter((a) => a.kind === kind).length;
  check(
    'a',
    `every acknowledged write present after each of ${cycles} restarts`,
    lost.length === 0,
    `${acks.length} acknowledged (${total('scenario')} scenarios, ${total('portfolio')} portfolios, ${total('job')} jobs), ${lost.length} missing${lost.length ? `: ${lost.slice(0, 5).join('; ')}` : ''}`,
  );
  check(
    'a',
    'every acknowledged write present after a final restart',
    finalMissing.length === 0,
    `${finalMissing.length} missing${finalMissing.length ? `: ${finalMissing.slice(0, 5).join('; ')}` : ''}`,
  );
  check('a', `PRAGMA integrity_check ok after each kill`, corrupt === 0, `${cycles - corrupt} of ${cycles} ok; foreign keys ok too`);
  check('a', 'no job left queued or running after a restart', unfinishedJobs === 0, `${unfinishedJobs} left`);
  check('a', 'the service still serves after the last restart', counts.healthStatus === 200, `/health ${counts.healthStatus}, integrity ${finalDb.integrity}`);
  check(
    'a',
    'the burst really wrote while being killed',
    total('scenario') > cycles && total('portfolio') > cycles,
    `${total('scenario')} scenarios, ${total('portfolio')} portfolios acknowledged`,
  );
  return {
    cycles,
    acknowledged: { scenarios: total('scenario'), portfolios: total('portfolio'), jobs: total('job') },
    lost,
    finalMissing,
    corruptCycles: corrupt,
    unfinishedJobs,
    finalIntegrity: finalDb,
    perCycle,
  };
}

// ------------------------------------------------------------------------------------------------
// (b) time limit

async function timeLimit(dir: string) {
  log('(b) a solve over its time limit, on a service with ONE worker');
  const service = await startService({ databasePath: join(dir, 'timelimit.db'), workers: 1, logFile: join(dir, 'server-b.log') });
  try {
    const started = performance.now();
    const limited = await request('POST', `${service.url}/solve?wait=60`, { scenario: reference, options: { timeLimitSeconds: 0.5 } });
    const limitedMs = performance.now() - started;
    const status = limited.status === 200 ? limited.json.status : (limited.json?.error?.code ?? limited.json?.status);
    check(
      'b',
      'the reference scenario with timeLimitSeconds 0.5 ends as time_limit',
      status === 'time_limit',
      `HTTP ${limited.status}, status ${status}, ${round(limitedMs, 0)} ms end to end, solver ${round(limited.json?.solver?.solveMs ?? NaN, 0)} ms`,
    );
    const t1 = performance.now();
    const next = await request('POST', `${service.url}/solve?wait=30`, { scenario: variant('after the time limit', 1) });
    const nextMs = performance.now() - t1;
    check(
      'b',
      'a small solve right after succeeds on the freed worker',
      next.status === 200 && next.json.status === 'optimal',
      `HTTP ${next.status}, ${next.json?.status}, ${round(nextMs, 0)} ms`,
    );
    const health = await request('GET', `${service.url}/health`);
    check(
      'b',
      '/health shows the worker idle',
      health.status === 200 && health.json.solver.busy === 0 && health.json.solver.ready === 1,
      JSON.stringify(health.json.solver),
    );
    return {
      limited: { httpStatus: limited.status, status, endToEndMs: round(limitedMs, 0) },
      next: { httpStatus: next.status, status: next.json?.status, endToEndMs: round(nextMs, 0) },
      health: health.json,
    };
  } finally {
    await service.stop();
  }
}

// ------------------------------------------------------------------------------------------------
// (c) a worker that dies: WebAssembly out of memory on an oversized instance

const WASM_PAGES = 2048; // × 64 KiB = 128 MiB

/** A copy of the project (package.json, dist/, data/) whose data/reference also holds the XL dataset. */
function projectWithDataset(dir: string): { root: string; datasetId: string; scenario: Record<string, any> } {
  const source = projectRoot();
  const root = join(dir, 'project');
  mkdirSync(join(root, 'data', 'reference'), { recursive: true });
  cpSync(join(source, 'package.json'), join(root, 'package.json'));
  cpSync(join(source, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(source, 'data', 'reference', 'quad-2026'), join(root, 'data', 'reference', 'quad-2026'), { recursive: true });
  symlinkSync(join(source, 'node_modules'), join(root, 'node_modules'));
  const { dataset, scenario } = generateInstance('XL', 1);
  const folder = join(root, 'data', 'reference', dataset.meta.id);
  mkdirSync(folder);
  for (const [field, file] of Object.entries(DATASET_FILES)) {
    writeFileSync(join(folder, file), JSON.stringify((dataset as unknown as Record<string, unknown>)[field], null, 1));
  }
  return { root, datasetId: dataset.meta.id, scenario: scenario as Record<string, any> };
}

async function workerDeath(dir: string) {
  log(`(c) a worker that dies: HiGHS out of WebAssembly memory on the XL instance (node --wasm-max-mem-pages=${WASM_PAGES})`);
  const { root, datasetId, scenario } = projectWithDataset(dir);
  const service = await startService({
    root,
    databasePath: join(dir, 'oom.db'),
    workers: 2,
    logFile: join(dir, 'server-c.log'),
    nodeArgs: [`--wasm-max-mem-pages=${WASM_PAGES}`],
  });
  try {
    const datasets = await request('GET', `${service.url}/datasets`);
    if (!datasets.json.items?.some?.((d: any) => d.id === datasetId) && !JSON.stringify(datasets.json).includes(datasetId)) {
      throw new Error(`the service does not list dataset ${datasetId}`);
    }
    const started = performance.now();
    const submitted = await request('POST', `${service.url}/solve?wait=0`, { scenario, options: { skipBaseline: true } });
    if (submitted.status !== 202) throw new Error(`XL submit: HTTP ${submitted.status} ${JSON.stringify(submitted.json).slice(0, 300)}`);
    const jobId = submitted.json.id as string;

    // Beside it: other solves back to back, and /health polled, until the XL job ends.
    let finished: any = null;
    const others: Array<{ status: number; solveStatus: string }> = [];
    const healthCodes: number[] = [];
    const deadline = Date.now() + 240_000;
    const sideSolves = (async () => {
      for (let n = 0; !finished && Date.now() < deadline; n++) {
        const body = n % 3 === 2 ? { scenario: reference } : { scenario: variant(`beside the oversized solve ${n}`, n) };
        const r = await request('POST', `${service.url}/solve?wait=120`, body);
        others.push({ status: r.status, solveStatus: r.json?.status });
      }
    })();
    while (!finished && Date.now() < deadline) {
      const health = await request('GET', `${service.url}/health`);
      healthCodes.push(health.status);
      const job = await request('GET', `${service.url}/jobs/${jobId}`);
      if (['done', 'failed', 'cancelled'].includes(job.json.status)) finished = job.json;
      else await sleep(200);
    }
    await sideSolves;
    const xlSeconds = (performance.now() - started) / 1000;
    let outcome = finished
      ? `${finished.status} after ${round(xlSeconds, 1)} s: ${finished.error?.code}: ${finished.error?.message}`
      : 'did not finish in 240 s';
    if (finished?.status === 'done' && finished.portfolioId) {
      const portfolio = await request('GET', `${service.url}/portfolios/${finished.portfolioId}`);
      outcome = `done after ${round(xlSeconds, 1)} s with a portfolio of status ${portfolio.json?.status}: ${portfolio.json?.message}`;
    }
    check(
      'c',
      'the oversized job fails with a clear out-of-memory error',
      finished?.status === 'failed' && finished.error?.code === 'worker_crashed' && /out of memory/.test(finished.error?.message ?? ''),
      outcome,
    );
    const okOthers = others.filter((o) => o.status === 200 && o.solveStatus === 'optimal').length;
    check('c', 'solves beside it completed', others.length > 0 && okOthers === others.length, `${okOthers} of ${others.length} optimal`);
    check(
      'c',
      '/health answered 200 throughout',
      healthCodes.every((c) => c === 200),
      `${healthCodes.length} polls, codes ${[...new Set(healthCodes)].join(',')}`,
    );
    const alive = service.child.exitCode === null && service.child.signalCode === null;
    check('c', 'the server process is still the same, alive', alive, `pid ${service.pid}`);
    // Both workers (the replacement included) take a reference solve each.
    let ready = 0;
    for (let i = 0; i < 100 && ready !== 2; i++) {
      ready = (await request('GET', `${service.url}/health`)).json.solver.ready;
      if (ready !== 2) await sleep(100);
    }
    const after = await Promise.all(Array.from({ length: 4 }, () => request('POST', `${service.url}/solve?wait=120`, { scenario: reference })));
    const afterOk = after.filter((r) => r.status === 200 && r.json.status === 'optimal').length;
    check(
      'c',
      'afterwards both workers solve the reference scenario',
      ready === 2 && afterOk === after.length,
      `${ready} workers ready; ${afterOk} of ${after.length} reference solves optimal`,
    );
    return {
      datasetId,
      wasmMaxMiB: (WASM_PAGES * 64) / 1024,
      job: finished,
      xlSeconds: round(xlSeconds, 1),
      besideSolves: others.length,
      besideOptimal: okOthers,
      healthPolls: healthCodes.length,
      afterOptimal: afterOk,
    };
  } finally {
    await service.stop();
  }
}

// ------------------------------------------------------------------------------------------------

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'planner-faults-'));
  const startedAt = new Date().toISOString();
  if (!args['no-build']) {
    log('building dist/ (npm run build)…');
    buildDist();
  }
  const results: Record<string, unknown> = { benchmark: 'faults', startedAt };
  const parts: Array<[string, (dir: string) => Promise<unknown>]> = [
    ['killCycles', killCycles],
    ['timeLimit', timeLimit],
    ['workerDeath', workerDeath],
  ];
  for (const [name, part] of parts) {
    try {
      results[name] = await part(dir);
    } catch (error) {
      check(name, `${name} ran to the end`, false, error instanceof Error ? error.message : String(error));
    }
  }
  const failed = checks.filter((c) => !c.pass);
  log(`\n${failed.length ? 'FAIL' : 'PASS'}: ${checks.length - failed.length} of ${checks.length} checks passed`);
  for (const c of failed) log(`  FAIL (${c.part}) ${c.name}: ${c.detail}`);
  Object.assign(results, { finishedAt: new Date().toISOString(), checks, pass: failed.length === 0 });
  const out = join(projectRoot(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'faults.json'), `${JSON.stringify(results, null, 2)}\n`);
  log('results: bench/results/faults.json');
  if (failed.length) log(`server logs kept in ${dir}`);
  else rmSync(dir, { recursive: true, force: true });
  process.exitCode = failed.length ? 1 : 0;
}

await main();
