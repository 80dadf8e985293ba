/**
 * The shared deployment against a real PostgreSQL: an API instance enqueues, worker processes
 * (`npm run worker`'s code, test/queue/fixtures/worker-process.ts) take the jobs. Two workers drain
 * 40 queued solves with each solved exactly once; a worker killed with SIGKILL mid-solve has its
 * job finished by the other; a worker that shuts down hands its unfinished solve back (cancelling,
 * groups and dead letters: cancel.test.ts). No assertion depends on how fast the machine is: every wait is for a state, bounded generously.
 */
import t, { type Test } from 'tap';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from '../../src/data/load.js';
import { parseScenario, planScenario } from '../../src/planner.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import { build, counts, startTestWorker, waitForJob } from '../helpers/app.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';
import { tsNodeArgs } from '../helpers/node-ts.js';

const slowThreads = { module: './fixtures/slow-solve-worker', base: import.meta.url };

const sql = (app: FastifyInstance) => (app.services.store as PostgresStore).pool;

async function until(check: () => Promise<boolean>, timeoutMs = 180_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

const jobOf = async (app: FastifyInstance, id: string) => (await app.inject({ method: 'GET', url: `/jobs/${id}` })).json();

async function submit(app: FastifyInstance, scenario: Record<string, unknown>, options: Record<string, unknown> = {}) {
  const response = await app.inject({ method: 'POST', url: '/solve', payload: { scenario, options } });
  if (response.statusCode !== 202 && response.statusCode !== 200) throw new Error(`solve answered ${response.statusCode}: ${response.body}`);
  return response.json() as { id: string; scenarioId: string; status: string };
}

interface WorkerProcess {
  child: ChildProcess;
  pid: number;
  exited: Promise<number | null>;
  kill(signal: NodeJS.Signals): Promise<number | null>;
}

/** Starts a worker process against the app's database and waits until it takes jobs. */
async function startWorkerProcess(t: Test, app: FastifyInstance, env: Record<string, string> = {}): Promise<WorkerProcess> {
  const config = app.services.config;
  const child = spawn(process.execPath, tsNodeArgs(join(projectRoot(), 'test', 'queue', 'fixtures', 'worker-process.ts')), {
    cwd: projectRoot(),
    env: {
      ...process.env,
      DATABASE_URL: config.databaseUrl!,
      DATABASE_SCHEMA: config.databaseSchema,
      DATABASE_POOL_SIZE: '3',
      SOLVER_WORKERS: '1',
      SOLVER_GRACE_SECONDS: '1',
      WORKER_HEARTBEAT_SECONDS: String(config.workerHeartbeatSeconds),
      WORKER_TIMEOUT_SECONDS: String(config.workerTimeoutSeconds),
      JOB_RETRY_LIMIT: String(config.jobRetryLimit),
      SHUTDOWN_GRACE_SECONDS: '1',
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker not started within 300 s; stderr: ${stderr}`)), 300_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.includes('"queue worker started"')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', () => reject(new Error(`worker exited before starting; stderr: ${stderr}`)));
  });
  return {
    child,
    pid: child.pid!,
    exited,
    async kill(signal) {
      child.kill(signal);
      return exited;
    },
  };
}

const workerIdOf = async (app: FastifyInstance, pid: number) =>
  (await sql(app).query<{ id: string }>('SELECT id FROM workers WHERE pid = $1', [pid])).rows[0]?.id ?? null;

t.test('two worker processes drain 40 queued solves, each solved exactly once', async (t) => {
  const app = await build(t, { store: 'postgres' });
  const workers = [await startWorkerProcess(t, app), await startWorkerProcess(t, app)];
  const health = (await app.inject({ method: 'GET', url: '/health' })).json();
  t.equal(health.queue.workers.length, 2, 'both workers are live before the sweep');

  const scenarios = Array.from({ length: 40 }, (_, i) => tinyScenario({ name: `sweep-${i}`, overrides: { demand: { aa_mag: { baseTonnes: 5 + i } } } }));
  const jobs: Array<{ id: string }> = [];
  for (const scenario of scenarios) jobs.push(await submit(app, scenario, { skipBaseline: true }));
  t.ok(
    await until(async () => (await Promise.all(jobs.map((j) => jobOf(app, j.id)))).every((j) => ['done', 'failed', 'cancelled'].includes(j.status)), 180_000),
    'every job finished',
  );
  const finished = await Promise.all(jobs.map((j) => jobOf(app, j.id)));
  t.same(
    finished.map((j) => [j.status, j.attempts, j.error]),
    finished.map(() => ['done', 1, null]),
    'all done, each on its first attempt',
  );

  const perJob = await sql(app).query<{ job_id: string; n: number }>('SELECT job_id, COUNT(*)::int AS n FROM portfolios GROUP BY job_id');
  t.equal(perJob.rowCount, 40, 'one portfolio for each of the 40 jobs');
  t.ok(
    perJob.rows.every((r) => r.n === 1),
    'and never two',
  );
  t.equal((await counts(app)).portfolios, 40);
  const queue = await sql(app).query<{ state: string; n: number }>(
    `SELECT state, COUNT(*)::int AS n FROM ${app.services.config.databaseSchema}_queue.job WHERE name = 'planner-solve' GROUP BY state`,
  );
  t.same(queue.rows, [{ state: 'completed', n: 40 }], 'every queue entry completed once');
  const solvedBy = await sql(app).query<{ worker_id: string }>('SELECT DISTINCT worker_id FROM jobs');
  t.equal(solvedBy.rowCount, 2, 'both workers took jobs');

  // The answers are the engine's: three of the forty checked against a solve in this process.
  for (const i of [0, 17, 39]) {
    const portfolio = (await app.inject({ method: 'GET', url: `/portfolios/${finished[i].portfolioId}` })).json();
    const expected = await planScenario(parseScenario({ ...scenarios[i], solver: { ...parseScenario(scenarios[i]).solver } }), tinyDataset(), {
      skipBaseline: true,
    });
    t.ok(
      Math.abs(portfolio.totalCostUsd - expected.totalCostUsd!) <= 1e-9 * Math.abs(expected.totalCostUsd!),
      `sweep-${i}: the engine's cost (relative 1e-9: a warm-started worker may differ in the last bits)`,
    );
    t.equal(portfolio.scenarioName, `sweep-${i}`);
  }

  // SIGTERM drains: the workers exit cleanly and leave the live list.
  t.same(await Promise.all(workers.map((w) => w.kill('SIGTERM'))), [0, 0], 'clean exits on SIGTERM');
  t.same((await app.inject({ method: 'GET', url: '/health' })).json().queue.workers, [], 'no live worker left');
});

t.test('a worker killed with SIGKILL mid-solve: its job is retried and finished by the other', async (t) => {
  const app = await build(t, { store: 'postgres' });
  const doomed = await startWorkerProcess(t, app, { SLOW_SOLVES: '1' });
  const doomedId = await workerIdOf(app, doomed.pid);
  const job = await submit(app, tinyScenario({ name: 'slow-then-killed' }));
  t.ok(await until(async () => (await jobOf(app, job.id)).status === 'running'), 'the slow worker took the job');
  t.equal((await sql(app).query('SELECT worker_id FROM jobs WHERE id = $1', [job.id])).rows[0].worker_id, doomedId);

  const survivor = await startWorkerProcess(t, app);
  const survivorId = await workerIdOf(app, survivor.pid);
  t.equal(await doomed.kill('SIGKILL'), null, 'killed');

  const done = await waitForJob(app, job.id, 180_000);
  t.match(done, { status: 'done', attempts: 2, error: null }, 'done on the second attempt');
  const rows = await sql(app).query('SELECT id FROM portfolios WHERE job_id = $1', [job.id]);
  t.equal(rows.rowCount, 1, 'one portfolio');
  t.equal((await sql(app).query('SELECT worker_id FROM jobs WHERE id = $1', [job.id])).rows[0].worker_id, survivorId, 'by the surviving worker');
  const portfolio = (await app.inject({ method: 'GET', url: `/portfolios/${done.portfolioId}` })).json();
  const engineCost = (await planScenario(parseScenario(tinyScenario({ name: 'slow-then-killed' })), tinyDataset())).totalCostUsd!;
  t.ok(Math.abs(portfolio.totalCostUsd - engineCost) <= 1e-9 * Math.abs(engineCost), "the engine's answer (relative 1e-9)");
  const live = (await app.inject({ method: 'GET', url: '/health' })).json().queue.workers.map((w: { id: string }) => w.id);
  t.same(live, [survivorId], 'the dead worker was forgotten');
  t.equal(await survivor.kill('SIGTERM'), 0);
});

t.test('a worker that shuts down mid-solve hands the job back, and another finishes it', async (t) => {
  const app = await build(t, { store: 'postgres' });
  const config = app.services.config;
  const first = await startTestWorker({ ...config, solverWorkers: 1 }, new Map([['tiny', tinyDataset()]]), { worker: slowThreads });
  const job = await submit(app, tinyScenario({ name: 'slow-then-stopped' }));
  t.ok(await until(async () => (await jobOf(app, job.id)).status === 'running'), 'running on the first worker');
  await first.stop();
  t.match(await jobOf(app, job.id), { status: 'queued', attempts: 1 }, 'back in the queue');
  const second = await startTestWorker({ ...config, solverWorkers: 1 }, new Map([['tiny', tinyDataset()]]));
  t.teardown(() => second.stop());
  t.match(await waitForJob(app, job.id, 180_000), { status: 'done', attempts: 2 }, 'finished by the next worker');
});

t.test('a worker stopped after claiming a job, before its solve starts, hands the job back at once', async (t) => {
  const app = await build(t, { store: 'postgres' });
  const config = app.services.config;
  const dataset = tinyDataset();
  // The worker reads the job's dataset between claiming the job and starting its solve: the
  // provider stops the worker right there, the window a shutdown could fall into.
  let started: Awaited<ReturnType<typeof startTestWorker>> | undefined;
  let stopping: Promise<void> | undefined;
  const provider = {
    ids: () => ['tiny'],
    get(id: string) {
      if (started && !stopping) stopping = started.stop();
      return id === 'tiny' ? dataset : null;
    },
  };
  started = await startTestWorker({ ...config, solverWorkers: 1 }, provider);
  const job = await submit(app, tinyScenario({ name: 'claimed-then-stopped' }));
  t.ok(await until(async () => stopping !== undefined), 'the worker claimed the job, then began to stop');
  await stopping;
  t.match(await jobOf(app, job.id), { status: 'queued', attempts: 1 }, 'back in the queue, not left running for the reaper');
  const second = await startTestWorker({ ...config, solverWorkers: 1 }, new Map([['tiny', tinyDataset()]]));
  t.teardown(() => second.stop());
  t.match(await waitForJob(app, job.id, 180_000), { status: 'done', attempts: 2 }, 'finished by the next worker');
});
