/**
 * Load on the service as a separate process (`node dist/server.js`, loopback only, bounded in time):
 * `npm run bench:load [-- --seconds 30 --health-seconds 15 --batch 8 --no-build]`.
 *
 * 1. Seed: store four shipped scenarios and solve each once, plus a few small variants, so there
 *    are portfolios to read.
 * 2. Mixed load: 50 concurrent clients for `--seconds`, split by kind so each kind has its own
 *    latency histogram: 36 read portfolios (`GET /portfolios/{id}`), 4 poll `/health`, 10 submit
 *    small solves (`POST /solve?wait=30`, each a distinct variant of small-us-magnets-2030, so every
 *    one also stores a new scenario). Ten solve clients stay within the pool's capacity (2 workers
 *    + 16 queued), so a 503 there would be a failure; any non-2xx or socket error counts as an error.
 * 3. Back-pressure probe (not a target): 40 solve clients for a few seconds, beyond that capacity,
 *    to show that overload is answered by 503 with Retry-After and by nothing else. These 503s are
 *    counted separately and are not errors.
 * 4. `/health` while both workers solve: two clients keep solving the reference scenario (`fresh=true`:
 *    the same stored scenario and options would otherwise be answered at once from its portfolio)
 *    (quad-magnets-50-by-2030) back to back; four clients poll /health in a loop and only samples
 *    whose own answer says both workers were busy count. This loop is timed by hand rather than
 *    by autocannon because each sample must be filtered on the state in its body.
 * 5. Parallel solves: the same batch of reference solves on a fresh service with SOLVER_WORKERS=1
 *    and with 2, alternated, in this one run; throughput ratio = time(1 worker) / time(2 workers).
 *
 * Results: bench/results/load.json and a summary on stdout. Timings are never asserted in tests.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { projectRoot } from '../src/data/load.js';
import { buildDist, percentile, round, scenarioPath, startService, type ServiceProcess } from './service-process.js';

const { values: args } = parseArgs({
  options: {
    seconds: { type: 'string', default: '30' },
    'health-seconds': { type: 'string' },
    'probe-seconds': { type: 'string' },
    batch: { type: 'string' },
    reps: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
  },
});
const seconds = Number(args.seconds);
const healthSeconds = Number(args['health-seconds'] ?? Math.max(3, Math.min(15, seconds / 2)));
const probeSeconds = Number(args['probe-seconds'] ?? Math.max(2, Math.min(5, seconds / 6)));
const batch = Number(args.batch ?? (seconds >= 20 ? 8 : 4));
const reps = Number(args.reps ?? (seconds >= 20 ? 2 : 1));
for (const [name, value] of Object.entries({ seconds, healthSeconds, probeSeconds, batch, reps })) {
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
}

const READERS = 36;
const HEALTH_CLIENTS = 4;
const SOLVERS = 10;
const PROBE_SOLVERS = 40;
const SEED_SCENARIOS = ['small-us-magnets-2030', 'quad-magnets-50-by-2030', 'india-repm-2030', 'public-pot-3b'];
const REFERENCE = 'quad-magnets-50-by-2030';

const readScenario = (name: string) => JSON.parse(readFileSync(scenarioPath(name), 'utf8')) as Record<string, any>;
const small = readScenario('small-us-magnets-2030');
const reference = readScenario(REFERENCE);

/** A distinct small scenario per call: a different name and target share, so each is stored anew. */
let variantCounter = 0;
function smallVariant(tag: string): Record<string, any> {
  const n = variantCounter++;
  const share = 0.3 + ((n * 37) % 61) / 100; // 0.30 … 0.90
  return { ...small, name: `${small.name} (${tag} ${n})`, targets: small.targets.map((t: any) => ({ ...t, maxUntrustedShare: share })) };
}

const log = (message: string) => process.stdout.write(`${message}\n`);
const load = () => loadavg().map((v) => round(v, 2));

async function post(url: string, body: unknown): Promise<{ status: number; json: any; ms: number }> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await response.json();
  return { status: response.status, json, ms: performance.now() - started };
}

async function seed(service: ServiceProcess): Promise<string[]> {
  const ids: string[] = [];
  const jobs = SEED_SCENARIOS.map(async (name) => {
    const response = await post(`${service.url}/solve?wait=120`, { scenario: readScenario(name) });
    if (response.status !== 200) throw new Error(`seeding ${name}: HTTP ${response.status} ${JSON.stringify(response.json).slice(0, 300)}`);
    ids.push(response.json.id);
  });
  for (let i = 0; i < 6; i++) {
    jobs.push(
      post(`${service.url}/solve?wait=60`, { scenario: smallVariant('seed') }).then((r) => {
        if (r.status !== 200) throw new Error(`seeding a small variant: HTTP ${r.status}`);
        ids.push(r.json.id);
      }),
    );
  }
  await Promise.all(jobs);
  return ids;
}

interface KindResult {
  kind: string;
  connections: number;
  requests: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  statusCodes: Record<string, number>;
  socketErrors: number;
  timeouts: number;
  /** Non-2xx answers other than 503-with-Retry-After, plus socket errors and timeouts. */
  errors: number;
  backPressure503: number;
  /** 503s without a Retry-After header (the documented answer has one): counted as errors. */
  bare503: number;
}

function summarise(kind: string, result: autocannon.Result, counted: { retryAfter503: number; bare503: number }): KindResult {
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) statusCodes[code] = stat.count ?? 0;
  const non2xx = Object.entries(statusCodes)
    .filter(([code]) => !code.startsWith('2'))
    .reduce((sum, [, n]) => sum + n, 0);
  const errors = non2xx - counted.retryAfter503 + result.errors;
  return {
    kind,
    connections: result.connections,
    requests: result.requests.total,
    requestsPerSecond: round(result.requests.total / result.duration, 1),
    latencyMs: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: round(result.latency.mean, 2),
    },
    statusCodes,
    socketErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    errors,
    backPressure503: counted.retryAfter503,
    bare503: counted.bare503,
  };
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

function solveClients(url: string, connections: number, duration: number, tag: string) {
  const counted = { retryAfter503: 0, bare503: 0 };
  const done = run({
    url,
    connections,
    duration,
    timeout: 60,
    requests: [
      {
        method: 'POST',
        path: '/solve?wait=30',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: JSON.stringify({ scenario: smallVariant(tag) }) }),
        onResponse: (status, _body, _context, headers) => {
          if (status !== 503) return;
          const retry = (headers as Record<string, string> | undefined)?.['retry-after'];
          if (retry && Number(retry) > 0) counted.retryAfter503++;
          else counted.bare503++;
        },
      },
    ],
  });
  return { done, counted };
}

async function mixedLoad(service: ServiceProcess, portfolioIds: string[]) {
  let next = 0;
  const readers = run({
    url: service.url,
    connections: READERS,
    duration: seconds,
    requests: [{ method: 'GET', setupRequest: (request) => ({ ...request, path: `/portfolios/${portfolioIds[next++ % portfolioIds.length]}` }) }],
  });
  const health = run({ url: `${service.url}/health`, connections: HEALTH_CLIENTS, duration: seconds });
  const solves = solveClients(service.url, SOLVERS, seconds, 'load');
  const [readResult, healthResult, solveResult] = await Promise.all([readers, health, solves.done]);
  const kinds = [
    summarise('GET /portfolios/{id}', readResult, { retryAfter503: 0, bare503: 0 }),
    summarise('GET /health', healthResult, { retryAfter503: 0, bare503: 0 }),
    summarise('POST /solve?wait=30 (small)', solveResult, solves.counted),
  ];
  const total = kinds.reduce((sum, k) => sum + k.requests, 0);
  return {
    clients: READERS + HEALTH_CLIENTS + SOLVERS,
    seconds,
    requests: total,
    requestsPerSecond: round(total / seconds, 1),
    errors: kinds.reduce((sum, k) => sum + k.errors + k.bare503, 0),
    backPressure503: kinds.reduce((sum, k) => sum + k.backPressure503, 0),
    kinds,
  };
}

async function backPressureProbe(service: ServiceProcess) {
  const probe = solveClients(service.url, PROBE_SOLVERS, probeSeconds, 'probe');
  const result = summarise(`POST /solve?wait=30 (small), ${PROBE_SOLVERS} clients`, await probe.done, probe.counted);
  // Let the queue the probe filled drain before the next phase.
  for (let i = 0; i < 600; i++) {
    const health = (await (await fetch(`${service.url}/health`)).json()) as any;
    if (health.solver.queued === 0 && health.solver.busy === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return { seconds: probeSeconds, ...result };
}

/** Two clients keep both workers on the reference scenario while four others time /health. */
async function healthWhileSolving(service: ServiceProcess) {
  let stop = false;
  let solvesDone = 0;
  const solveLoop = async () => {
    while (!stop) {
      const response = await post(`${service.url}/solve?wait=120&fresh=true`, { scenario: reference });
      if (response.status !== 200) throw new Error(`reference solve: HTTP ${response.status}`);
      solvesDone++;
    }
  };
  const solvers = [solveLoop(), solveLoop()];
  // Wait until both workers are busy before sampling.
  for (let i = 0; i < 200; i++) {
    const health = (await (await fetch(`${service.url}/health`)).json()) as any;
    if (health.solver.busy === 2) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const busy: number[] = [];
  const all: number[] = [];
  const failures: string[] = [];
  const deadline = performance.now() + healthSeconds * 1000;
  const poll = async () => {
    while (performance.now() < deadline) {
      const started = performance.now();
      try {
        const response = await fetch(`${service.url}/health`);
        const body = (await response.json()) as any;
        const ms = performance.now() - started;
        all.push(ms);
        if (response.status !== 200) failures.push(`HTTP ${response.status}`);
        if (body.solver?.busy === 2) busy.push(ms);
      } catch (error) {
        failures.push(String(error));
      }
    }
  };
  await Promise.all(Array.from({ length: HEALTH_CLIENTS }, poll));
  stop = true;
  await Promise.all(solvers);
  return {
    seconds: healthSeconds,
    clients: HEALTH_CLIENTS,
    referenceSolvesCompleted: solvesDone,
    samples: all.length,
    samplesWithBothWorkersBusy: busy.length,
    shareBothBusy: round(busy.length / Math.max(1, all.length), 3),
    latencyMsBothBusy: { p50: round(percentile(busy, 50), 2), p99: round(percentile(busy, 99), 2), max: round(Math.max(...busy), 2) },
    latencyMsAll: { p50: round(percentile(all, 50), 2), p99: round(percentile(all, 99), 2) },
    errors: failures.length,
  };
}

/** The same batch of reference solves, all submitted at once, on a fresh service with `workers` workers. */
async function solveBatch(dir: string, workers: number, rep: number) {
  const service = await startService({ databasePath: join(dir, `batch-${workers}-${rep}.db`), workers, logFile: join(dir, 'server.log') });
  try {
    // One untimed solve first so the dataset is in every worker and the scenario is stored.
    await Promise.all(Array.from({ length: workers }, () => post(`${service.url}/solve?wait=120&fresh=true`, { scenario: reference })));
    const started = performance.now();
    const answers = await Promise.all(Array.from({ length: batch }, () => post(`${service.url}/solve?wait=300&fresh=true`, { scenario: reference })));
    const seconds = (performance.now() - started) / 1000;
    const bad = answers.filter((a) => a.status !== 200 || a.json.status !== 'optimal');
    if (bad.length) throw new Error(`${bad.length} of the batch's solves did not end optimal`);
    const solveMs = answers.map((a) => a.json.solver.solveMs as number);
    return {
      workers,
      rep,
      solves: batch,
      seconds: round(seconds, 2),
      solvesPerSecond: round(batch / seconds, 3),
      medianSolveMs: round(percentile(solveMs, 50), 0),
      loadavg: load(),
    };
  } finally {
    await service.stop();
  }
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'planner-load-'));
  const startedAt = new Date().toISOString();
  if (!args['no-build']) {
    log('building dist/ (npm run build)…');
    buildDist();
  }
  log(
    `load benchmark: ${READERS + HEALTH_CLIENTS + SOLVERS} clients for ${seconds} s; health-under-solves ${healthSeconds} s; parallel batch ${batch} × ${reps}; loadavg ${load().join(' ')}`,
  );
  const service = await startService({ databasePath: join(dir, 'load.db'), workers: 2, logFile: join(dir, 'server.log') });
  let mixed: Awaited<ReturnType<typeof mixedLoad>>;
  let probe: Awaited<ReturnType<typeof backPressureProbe>>;
  let health: Awaited<ReturnType<typeof healthWhileSolving>>;
  try {
    const t0 = performance.now();
    const portfolioIds = await seed(service);
    log(`seeded ${portfolioIds.length} portfolios in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    mixed = await mixedLoad(service, portfolioIds);
    log(`mixed load: ${mixed.requests} requests, ${mixed.requestsPerSecond} req/s, errors ${mixed.errors}, 503 ${mixed.backPressure503}`);
    for (const k of mixed.kinds) {
      log(
        `  ${k.kind.padEnd(30)} ${String(k.connections).padStart(3)} clients ${String(k.requests).padStart(7)} req ${String(k.requestsPerSecond).padStart(8)} req/s  p50 ${k.latencyMs.p50} ms  p99 ${k.latencyMs.p99} ms  max ${k.latencyMs.max} ms  errors ${k.errors}  503 ${k.backPressure503}  codes ${JSON.stringify(k.statusCodes)}`,
      );
    }
    probe = await backPressureProbe(service);
    log(
      `back-pressure probe (${PROBE_SOLVERS} solve clients, ${probeSeconds} s): codes ${JSON.stringify(probe.statusCodes)}, 503 with Retry-After ${probe.backPressure503}, bare 503 ${probe.bare503}, other errors ${probe.errors}`,
    );
    health = await healthWhileSolving(service);
    log(
      `/health while both workers solve: p50 ${health.latencyMsBothBusy.p50} ms, p99 ${health.latencyMsBothBusy.p99} ms, max ${health.latencyMsBothBusy.max} ms over ${health.samplesWithBothWorkersBusy} samples (${(health.shareBothBusy * 100).toFixed(0)} % of all), ${health.referenceSolvesCompleted} reference solves, errors ${health.errors}`,
    );
  } finally {
    await service.stop();
  }

  const batches: Array<Awaited<ReturnType<typeof solveBatch>>> = [];
  for (let rep = 1; rep <= reps; rep++) {
    for (const workers of [1, 2]) {
      const result = await solveBatch(dir, workers, rep);
      batches.push(result);
      log(
        `batch of ${batch} reference solves, ${workers} worker(s), rep ${rep}: ${result.seconds} s (${result.solvesPerSecond} solves/s, median solve ${result.medianSolveMs} ms)`,
      );
    }
  }
  const best = (workers: number) => Math.min(...batches.filter((b) => b.workers === workers).map((b) => b.seconds));
  const speedup = round(best(1) / best(2), 2);
  log(`two workers vs one: ${speedup}× the throughput (best of ${reps}: ${best(1)} s vs ${best(2)} s)`);

  const targets = {
    healthP99UnderSolvesBelow50Ms: { value: health.latencyMsBothBusy.p99, met: health.latencyMsBothBusy.p99 < 50 },
    twoWorkersAtLeast1_8x: { value: speedup, met: speedup >= 1.8 },
    zeroErrorsUnderLoad: { value: mixed.errors, met: mixed.errors === 0 },
  };
  log('targets:');
  for (const [name, t] of Object.entries(targets)) log(`  ${t.met ? 'MET    ' : 'NOT MET'} ${name}: ${t.value}`);

  const results = {
    benchmark: 'load',
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadavgAtEnd: load() },
    options: {
      seconds,
      healthSeconds,
      probeSeconds,
      batch,
      reps,
      readers: READERS,
      healthClients: HEALTH_CLIENTS,
      solvers: SOLVERS,
      probeSolvers: PROBE_SOLVERS,
    },
    mixed,
    backPressureProbe: probe,
    healthWhileBothWorkersSolve: health,
    parallelSolves: { scenario: REFERENCE, batches, bestSecondsOneWorker: best(1), bestSecondsTwoWorkers: best(2), throughputRatio: speedup },
    targets,
  };
  const out = join(projectRoot(), 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'load.json'), `${JSON.stringify(results, null, 2)}\n`);
  log(`results: bench/results/load.json`);
  rmSync(dir, { recursive: true, force: true });
}

await main();
