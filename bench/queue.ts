/**
 * The shared deployment measured: `npm run bench:queue [-- --solves 40 --rounds 2 --cycles 10 --no-build]`.
 * An API instance (`node dist/server.js`) and worker processes (`node dist/worker.js`, one solver
 * thread each) on PostgreSQL (`DATABASE_URL`, default postgres://postgres@127.0.0.1:5432/test; each
 * run in its own schema, dropped at the end). Raw results go to bench/results/queue.json.
 *
 * (a) Throughput: a sweep of `--solves` solves of small-us-magnets-2030 variants (each with its
 *     baseline, as an API client would ask) is queued at once and timed from the first POST to the
 *     last job done, with 1 and with 2 worker processes, alternating 1, 2, 1, 2 … for `--rounds`
 *     rounds so both see the same machine; the ratio is sweeps per second with two over one.
 * (b) Faults: with two workers, a sweep is queued and a worker is killed with SIGKILL `--cycles`
 *     times (alternating, at seeded random moments while jobs run) and started again each time.
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
const small = JSON.parse(readFileSync(scenarioPath('small-us-magnets-2030'), 'utf8')) as Record<string, any>;

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

function startWorker(): Promise<Worker> {
  const child = spawn(process.execPath, [join(projectRoot(), 'dist', 'worker.js')], {
    cwd: projectRoot(),
    env: { ...process.env, ...env, SOLVER_WORKERS: '1', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.once('exit', () => child.kill('SIGKILL'));
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

/** Queues `count` solves and waits until every job has finished; returns the job ids and the elapsed time. */
async function sweep(api: ServiceProcess, tag: string, count: number, during?: (ids: string[]) => Promise<void>): Promise<{ ids: string[]; seconds: number }> {
  const started = performance.now();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const response = await request('POST', `${api.url}/solve`, { scenario: variant(tag, i) });
    if (response.status !== 202 && response.status !== 200) throw new Error(`solve answered ${response.status}: ${JSON.stringify(response.json)}`);
    ids.push(response.json.id ?? response.json.jobId);
  }
  const extra = during ? during(ids) : Promise.resolve();
  for (;;) {
    const health = (await request('GET', `${api.url}/health`)).json;
    if (health.queue.depth === 0 && health.queue.running === 0) break;
    await sleep(25);
  }
  const seconds = (performance.now() - started) / 1000;
  await extra;
  return { ids, seconds };
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
  };
  try {
    // Warm-up: one worker, a few solves (the first solve of a process builds caches).
    log(`schema ${schema}; API at ${api.url}`);
    let workers = [await startWorker()];
    await sweep(api, 'warm', 4);

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
        const { seconds } = await sweep(api, `r${round_}-w${n}`, solves);
        timings[String(n) as '1' | '2'].push(seconds);
        log(`  round ${round_ + 1}: ${n} worker${n > 1 ? 's' : ''}: ${solves} solves in ${round(seconds, 2)} s (${round(solves / seconds, 2)} solves/s)`);
      }
    }
    const rate = (n: '1' | '2') => (solves * timings[n].length) / timings[n].reduce((a, b) => a + b, 0);
    const ratio = rate('2') / rate('1');
    log(`throughput: 1 worker ${round(rate('1'), 2)} solves/s, 2 workers ${round(rate('2'), 2)} solves/s, ratio ${round(ratio, 2)}`);
    result.throughput = { secondsOneWorker: timings['1'].map((s) => round(s, 2)), secondsTwoWorkers: timings['2'].map((s) => round(s, 2)), solvesPerSecondOne: round(rate('1'), 3), solvesPerSecondTwo: round(rate('2'), 3), ratio: round(ratio, 3) };

    // (b) kill -9 cycles during a sweep.
    while (workers.length < 2) workers.push(await startWorker());
    const random = mulberry32(7);
    let kills = 0;
    const killer = async (ids: string[]) => {
      for (let cycle = 0; cycle < cycles; cycle++) {
        // Wait until something is running, then kill a worker at a random moment 100-900 ms later.
        for (;;) {
          const health = (await request('GET', `${api.url}/health`)).json;
          if (health.queue.running > 0 || (health.queue.depth === 0 && health.queue.running === 0)) break;
          await sleep(20);
        }
        const done = (await request('GET', `${api.url}/health`)).json.queue;
        if (done.depth === 0 && done.running === 0) break;
        await sleep(100 + Math.floor(random() * 800));
        const victim = workers[cycle % 2]!;
        victim.child.kill('SIGKILL');
        await victim.exited;
        kills++;
        workers[cycle % 2] = await startWorker();
      }
      void ids;
    };
    const faults = await sweep(api, 'faults', Math.max(solves, cycles * 4), killer);
    const rows = await admin.query<{ status: string; n: number; retried: number }>(
      `SELECT status, COUNT(*)::int AS n, COUNT(*) FILTER (WHERE attempts > 1)::int AS retried FROM ${schema}.jobs WHERE id = ANY($1) GROUP BY status`,
      [faults.ids],
    );
    const perJob = await admin.query<{ n: number }>(`SELECT COUNT(*)::int AS n FROM ${schema}.portfolios WHERE job_id = ANY($1) GROUP BY job_id`, [faults.ids]);
    const byStatus = Object.fromEntries(rows.rows.map((r) => [r.status, r.n]));
    const retried = rows.rows.reduce((a, r) => a + r.retried, 0);
    const lost = faults.ids.length - (byStatus.done ?? 0);
    const duplicates = perJob.rows.filter((r) => r.n > 1).length;
    log(`faults: ${kills} kill -9 cycles during a sweep of ${faults.ids.length} solves; done ${byStatus.done ?? 0}, lost ${lost}, retried ${retried}, jobs with two portfolios ${duplicates}, in ${round(faults.seconds, 1)} s`);
    result.faults = { kills, jobs: faults.ids.length, byStatus, lost, retried, portfolios: perJob.rows.length, jobsWithTwoPortfolios: duplicates, seconds: round(faults.seconds, 1) };
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
