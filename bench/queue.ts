/**
 * The shared deployment measured: `npm run bench:queue [-- --solves 40 --rounds 2 --cycles 10 --scenario small-us-magnets-2030 --no-build]`.
 * An API instance (`node dist/server.js`) and worker processes (`node dist/worker.js`, one solver
 * thread each) on PostgreSQL (`DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/test; each
 * run in its own schema, dropped at the end). Raw results go to bench/results/queue.json.
 *
 * (a) Throughput: a sweep of `--solves` solves of small-us-magnets-2030 variants (each with its
 *     baseline, as an API client would ask) is queued at once (concurrent POSTs) and timed from the
 *     first job's start to the last one's finish (the jobs' own timestamps), with 1 and with 2 worker processes, alternating 1, 2, 1, 2 … for `--rounds`
 *     rounds so both see the same machine; the ratio is sweeps per second with two over one.
 * (b) Faults: with two workers, solves keep being queued while a worker is killed with SIGKILL
 *     `--cycles` times (alternating, each time while it holds a job, 50-450 ms after it took it,
 *     seeded) and started again.
 *     Afterwards every job must be done with exactly one portfolio, and no job may be lost (left
 *     queued or running) or failed; retried jobs are counted.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { projectRoot } from '../src/data/load.js';
import { mulberry32 } from './generator.js';
import { buildDist, round, scenarioPath, startService, type ServiceProcess } from './service-process.js';

const { values: args } = parseArgs({
  options: {
    solves: { type: 'string', default: '40' },
    rounds: { type: 'string', default: '2' },
    cycles: { type: 'string', default: '10' },
    scenario: { type: 'string', default: 'small-us-magnets-2030' },
    'no-build': { type: 'boolean', default: false },
  },
});
const solves = Number(args.solves);
const rounds = Number(args.rounds);
const cycles = Number(args.cycles);
const databaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `bench_${randomBytes(4).toString('hex')}`;
const log = (message: string) => process.stdout.write(`${message}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const small = JSON.parse(readFileSync(scenarioPath(args.scenario), 'utf8')) as Record<string, any>;

const env = {
  DATABASE_URL: databaseUrl,
  DATABASE_SCHEMA: schema,
  LOG_LEVEL: 'warn',
  WORKER_HEARTBEAT_SECONDS: '0.5',
  WORKER_TIMEOUT_SECONDS: '3',
  JOB_RETRY_LIMIT: '5',
};

interface Worker {
  child: ChildProcess;
  exited: Promise<void>;
}

/** Worker processes still running: killed if the benchmark itself dies. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

function startWorker(): Promise<Worker> {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist', 'worker.js')], {
    cwd: projectRoot(),
    env: { ...process.env, ...env, SOLVER_WORKERS: '1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  children.add(child);
  void exited.then(() => children.delete(child));
  child.stderr!.resume();
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (chunk) => {
      buffer += chunk;
      if (buffer.includes('"queue worker started"')) {
        buffer = '';
        resolve({ child, exited });
      } else if (buffer.length > 100_000) buffer = buffer.slice(-1000);
    });
    child.once('exit', () => reject(new Error('a worker exited during start-up')));
  });
}

async function request(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const response = await fetch(url, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) });
  const text = await response.text();
  return { status: response.status, json: text ? JSON.parse(text) : null };
}

const variant = (tag: string, n: number) => ({
  ...small,
  name: `${tag}-${n}`,
  targets: small.targets.map((t: any) => ({ ...t, maxUntrustedShare: 0.3 + ((n * 37) % 61) / 100 })),
});

/** Queues `count` solves at once (concurrent POSTs) and returns their job ids. */
async function submitMany(api: ServiceProcess, tag: string, count: number, offset = 0): Promise<string[]> {
  const responses = await Promise.all(Array.from({ length: count }, (_, i) => request('POST', `${api.url}/solve`, { scenario: variant(tag, offset + i) })));
  return responses.map((response) => {
    if (response.status !== 202 && response.status !== 200) throw new Error(`solve answered ${response.status}: ${JSON.stringify(response.json)}`);
    return (response.json.id ?? response.json.jobId) as string;
  });
}

async function settled(api: ServiceProcess): Promise<void> {
  for (;;) {
    const health = (await request('GET', `${api.url}/health`)).json;
    if (health.queue.depth === 0 && health.queue.running === 0) return;
    await sleep(25);
  }
}

/**
 * Queues `count` solves and waits until every job has finished. The time is the draining time the
 * jobs themselves record: from the first job's start to the last one's finish (queueing the
 * requests is not part of it).
 */
async function sweep(api: ServiceProcess, admin: pg.Client, tag: string, count: number): Promise<{ ids: string[]; seconds: number }> {
  const ids = await submitMany(api, tag, count);
  await settled(api);
  const span = await admin.query<{ seconds: number }>(
    `SELECT EXTRACT(EPOCH FROM (MAX(finished_at)::timestamptz - MIN(started_at)::timestamptz))::float8 AS seconds FROM ${schema}.jobs WHERE id = ANY($1)`,
    [ids],
  );
  return { ids, seconds: span.rows[0]!.seconds };
}

async function main(): Promise<void> {
  if (!args['no-build']) buildDist();
  const admin = new pg.Client({ connectionString: databaseUrl });
  await admin.connect();
  const api = await startService({ databasePath: ':unused:', env: { ...env, LOG_LEVEL: 'warn' } });
  const result: Record<string, unknown> = {
    when: new Date().toISOString(),
    cpus: availableParallelism(),
    loadAverageBefore: loadavg().map((l) => round(l, 2)),
    solves,
    scenario: args.scenario,
  };
  try {
    // Warm-up: one worker, a few solves (the first solve of a process builds caches).
    log(`schema ${schema}; API at ${api.url}`);
    let workers = [await startWorker()];
    await sweep(api, admin, 'warm', 4);

    // (a) throughput, 1 and 2 worker processes side by side.
    const timings: Record<'1' | '2', number[]> = { '1': [], '2': [] };
    for (let round_ = 0; round_ < rounds; round_++) {
      for (const n of [1, 2] as const) {
        while (workers.length < n) workers.push(await startWorker());
        while (workers.length > n) {
          const w = workers.pop()!;
          w.child.kill('SIGTERM');
          await w.exited;
        }
        const { seconds } = await sweep(api, admin, `r${round_}-w${n}`, solves);
        timings[String(n) as '1' | '2'].push(seconds);
        log(`  round ${round_ + 1}: ${n} worker${n > 1 ? 's' : ''}: ${solves} solves in ${round(seconds, 2)} s (${round(solves / seconds, 2)} solves/s)`);
      }
    }
    const rate = (n: '1' | '2') => (solves * timings[n].length) / timings[n].reduce((a, b) => a + b, 0);
    const ratio = rate('2') / rate('1');
    log(`throughput: 1 worker ${round(rate('1'), 2)} solves/s, 2 workers ${round(rate('2'), 2)} solves/s, ratio ${round(ratio, 2)}`);
    result.throughput = {
      secondsOneWorker: timings['1'].map((s) => round(s, 2)),
      secondsTwoWorkers: timings['2'].map((s) => round(s, 2)),
      solvesPerSecondOne: round(rate('1'), 3),
      solvesPerSecondTwo: round(rate('2'), 3),
      ratio: round(ratio, 3),
    };

    // (b) kill -9 cycles during a sweep: jobs keep coming while a worker that holds one is killed.
    while (workers.length < 2) workers.push(await startWorker());
    const random = mulberry32(7);
    const faultIds: string[] = [];
    let kills = 0;
    const faultsStarted = performance.now();
    while (kills < cycles) {
      const depth = (await request('GET', `${api.url}/health`)).json.queue.depth as number;
      if (depth < 6) faultIds.push(...(await submitMany(api, 'faults', 8, faultIds.length)));
      const victim = workers[kills % 2]!;
      // Kill it while it holds a job: mid-solve, 50-450 ms after it took one.
      const holding = await admin.query(
        `SELECT 1 FROM ${schema}.jobs j JOIN ${schema}.workers w ON w.id = j.worker_id WHERE j.status = 'running' AND w.pid = $1`,
        [victim.child.pid],
      );
      if (!holding.rowCount) {
        await sleep(20);
        continue;
      }
      await sleep(50 + Math.floor(random() * 400));
      victim.child.kill('SIGKILL');
      await victim.exited;
      kills++;
      workers[(kills - 1) % 2] = await startWorker();
    }
    await settled(api);
    const faults = { ids: faultIds, seconds: (performance.now() - faultsStarted) / 1000 };
    const rows = await admin.query<{ status: string; n: number; retried: number }>(
      `SELECT status, COUNT(*)::int AS n, COUNT(*) FILTER (WHERE attempts > 1)::int AS retried FROM ${schema}.jobs WHERE id = ANY($1) GROUP BY status`,
      [faults.ids],
    );
    const perJob = await admin.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${schema}.portfolios WHERE job_id = ANY($1) GROUP BY job_id`, [faults.ids]);
    const byStatus = Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
    const retried = rows.rows.reduce((a, r) => a + r.retried, 0);
    const lost = faults.ids.length - (byStatus.done ?? 0);
    const duplicates = perJob.rows.filter((r) => r.n > 1).length;
    log(
      `faults: ${kills} kill -9 cycles of a worker holding a job, during a sweep of ${faults.ids.length} solves; done ${byStatus.done ?? 0}, lost ${lost}, retried ${retried}, jobs with two portfolios ${duplicates}, in ${round(faults.seconds, 1)} s`,
    );
    result.faults = {
      kills,
      jobs: faults.ids.length,
      byStatus,
      lost,
      retried,
      portfolios: perJob.rows.length,
      jobsWithTwoPortfolios: duplicates,
      seconds: round(faults.seconds, 1),
    };
    log(`${lost === 0 && duplicates === 0 && perJob.rows.length === faults.ids.length ? 'PASS' : 'FAIL'} 0 jobs lost, each solved into exactly one portfolio`);

    for (const w of workers) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    workers = [];
  } finally {
    await api.stop();
    await admin.query(`DROP SCHEMA IF EXISTS ${schema}, ${schema}_queue CASCADE`).catch(() => {});
    await admin.end();
  }
  result.loadAverageAfter = loadavg().map((l) => round(l, 2));
  mkdirSync(join(projectRoot(), 'bench', 'results'), { recursive: true });
  writeFileSync(join(projectRoot(), 'bench', 'results', 'queue.json'), `${JSON.stringify(result, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
