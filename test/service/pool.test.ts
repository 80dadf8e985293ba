/**
 * The worker pool under failure, through the API: a crashing worker fails only its own job and is
 * replaced; a solve that ignores its time limit is stopped by the watchdog and reported as
 * `time_limit`; running and queued jobs can be cancelled; a full queue answers 503 with Retry-After;
 * shutdown cancels what it cannot finish. A test worker (fixtures/faulty-worker.ts) misbehaves on cue.
 */
import t from 'tap';
import { connect, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { build, counts, expectProblem, waitForJob } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';
import { parseScenario, planScenario } from '../../src/planner.js';
import { tinyDataset } from '../helpers/tiny-dataset.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { workerEnv, workerExecArgv } from '../../src/workers/spawn.js';

const faultyWorker = { module: './fixtures/faulty-worker', base: import.meta.url };

// A bound, not a measurement: `until` returns as soon as the condition holds, so it is set far
// beyond what the work takes on a loaded machine.
async function until(check: () => Promise<boolean>, timeoutMs = 180_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

const submit = async (app: FastifyInstance, name: string, options: Record<string, unknown> = {}, wait = 0) =>
  app.inject({ method: 'POST', url: `/solve?wait=${wait}`, payload: { scenario: tinyScenario({ name }), options } });

const jobOf = async (app: FastifyInstance, id: string) => (await app.inject({ method: 'GET', url: `/jobs/${id}` })).json();

const workersReady = (app: FastifyInstance, n: number) => until(async () => (await app.inject({ method: 'GET', url: '/health' })).json().solver.ready === n);

// One pool for the tests that leave it idle when they end; starting workers is the slow part. Its
// setup watchdog keeps the default (120 s), far beyond formulating the tiny scenario on a busy
// machine: a short one fired before a deliberate crash and turned worker_crashed into time_limit.
let app: FastifyInstance;
t.before(async () => {
  app = await build(t, { solver: { size: 2, worker: faultyWorker }, config: { solverGraceSeconds: 0.3 } });
});

t.test('a crashing worker fails only its job and is replaced', async (t) => {
  const [crash, normal] = await Promise.all([submit(app, 'crash-1'), submit(app, 'fine-1', {}, 600)]);
  t.equal(normal.statusCode, 200, 'the other solve finished');
  t.equal(normal.json().status, 'optimal');
  const failed = await waitForJob(app, crash.json().id);
  t.equal(failed.status, 'failed');
  t.equal(failed.error.code, 'worker_crashed');
  t.match(failed.error.message, /deliberate crash for a test/, 'the error says what happened');
  t.equal(failed.portfolioId, null);
  t.ok(await workersReady(app, 2), 'the crashed worker was replaced');
  const after = await submit(app, 'fine-2', {}, 600);
  t.equal(after.statusCode, 200, 'the pool keeps solving');
});

t.test('a job that ends failed within the wait is a 422 problem naming the job, never a 202', async (t) => {
  const response = await submit(app, 'crash-waited', {}, 30);
  const problem = expectProblem(t, response, 422);
  t.equal(problem.type, '/problems/solve-failed');
  t.match(problem.detail, /failed \(worker_crashed: .*deliberate crash for a test/);
  const job = await jobOf(app, String(response.headers.location).split('/').pop()!);
  t.match(job, { status: 'failed', error: { code: 'worker_crashed' } }, 'Location is the failed job');
  t.ok(await workersReady(app, 2), 'the crashed worker was replaced');
});

t.test('a solve past its time limit ends as time_limit and frees its worker', async (t) => {
  // The worker hangs for ever (until terminated): only the watchdog can end this solve, so the
  // answer itself shows the watchdog fired, whatever the machine's speed.
  const response = await submit(app, 'hang-solving-1', { timeLimitSeconds: 0.5 }, 600);
  t.equal(response.statusCode, 200, 'the job still yields a portfolio');
  const portfolio = response.json();
  t.equal(portfolio.status, 'time_limit');
  t.match(portfolio.message, /time limit of 0\.5 s plus 0\.3 s grace; the worker was terminated/);
  t.equal(portfolio.totalCostUsd, null, 'no cost from an unfinished solve');
  t.ok(portfolio.model.columns > 0, 'the model statistics are reported');
  t.equal((await jobOf(app, portfolio.jobId)).status, 'done');
  t.ok(await workersReady(app, 2), 'a fresh worker took its place');
  const next = await submit(app, 'fine-after-hang', {}, 600);
  t.equal(next.json().status, 'optimal', 'and the pool solves the next scenario');
});

t.test('a worker stuck before the solve starts fails its job as time_limit', async (t) => {
  // Its own pool with a short setup limit: the only job it gets hangs for ever, so the limit can be
  // short without racing any real work.
  const stuck = await build(t, { solver: { size: 1, worker: faultyWorker, setupLimitSeconds: 1.5 }, config: { solverGraceSeconds: 0.3 } });
  const job = await waitForJob(stuck, (await submit(stuck, 'hang-formulating-1')).json().id, 180_000);
  t.equal(job.status, 'failed');
  t.equal(job.error.code, 'time_limit');
  t.match(job.error.message, /formulating step ran past its time limit of 1\.5 s/);
  t.ok(await workersReady(stuck, 1));
});

t.test('DELETE /jobs/{id} cancels running and queued jobs', async (t) => {
  const running = [
    (await submit(app, 'hang-solving-2a', { timeLimitSeconds: 60 })).json(),
    (await submit(app, 'hang-solving-2b', { timeLimitSeconds: 60 })).json(),
  ];
  const queued = (await submit(app, 'queued-behind-hang')).json();
  t.ok(
    await until(async () => (await Promise.all(running.map((j) => jobOf(app, j.id)))).every((j) => j.progress.phase === 'solving')),
    'both workers are stuck',
  );
  t.equal((await jobOf(app, queued.id)).status, 'queued', 'the third job waits');

  const cancelQueued = await app.inject({ method: 'DELETE', url: `/jobs/${queued.id}` });
  t.equal(cancelQueued.statusCode, 200);
  t.match(cancelQueued.json(), { status: 'cancelled', error: { code: 'cancelled' } });

  const cancelled = await app.inject({ method: 'DELETE', url: `/jobs/${running[0]!.id}` });
  t.equal(cancelled.statusCode, 200);
  t.equal(cancelled.json().status, 'cancelled');
  t.equal((await app.inject({ method: 'DELETE', url: `/jobs/${running[0]!.id}` })).statusCode, 200, 'cancelling again is a no-op');

  // Deleting a scenario stops its running solve as well.
  t.equal((await app.inject({ method: 'DELETE', url: `/scenarios/${running[1]!.scenarioId}` })).statusCode, 204);
  expectProblem(t, await app.inject({ method: 'GET', url: `/jobs/${running[1]!.id}` }), 404, 'its job went with it');

  const before = (await counts(app)).portfolios;
  const next = await submit(app, 'fine-after-cancel', {}, 600);
  t.equal(next.statusCode, 200, 'the terminated workers were replaced');
  t.equal((await app.inject({ method: 'GET', url: '/health' })).json().solver.busy, 0, 'no worker is still on a deleted job');
  t.equal((await jobOf(app, running[0]!.id)).status, 'cancelled', 'a cancelled job stays cancelled');
  t.equal((await counts(app)).portfolios, before + 1, 'cancelled jobs stored no portfolio');
  t.ok(await workersReady(app, 2));
});

t.test('the pool answers what planScenario answers', async (t) => {
  const scenario = tinyScenario({ name: 'same-as-engine' });
  const viaApi = (await submit(app, 'same-as-engine', {}, 600)).json();
  const direct = await planScenario(parseScenario(scenario), tinyDataset());
  // Timings and warm-start facts depend on what each thread solved before: masked.
  const strip = (p: Record<string, any>) => ({
    ...p,
    model: { ...p.model, buildMs: 0 },
    solver: { ...p.solver, solveMs: 0, warmStart: null, iterations: null },
  });
  const { id, scenarioId, jobId, createdAt, links, ...portfolio } = viaApi;
  void [id, scenarioId, jobId, createdAt, links];
  t.same(strip(portfolio), strip(direct), 'identical apart from timings');
});

t.test('a full queue answers 503 with Retry-After; shutdown cancels what it cannot finish', async (t) => {
  const dir = t.testdir();
  const small = await build(t, { dir, solver: { size: 1, maxQueue: 1, worker: faultyWorker }, config: { shutdownGraceSeconds: 0.3 } });
  await small.listen({ host: '127.0.0.1', port: 0 });
  const { port } = small.server.address() as AddressInfo;

  // A solve that waits on a stuck worker keeps this connection open through shutdown, so a second
  // request can be sent on it once shutdown has begun.
  const socket = connect(port, '127.0.0.1');
  const body = JSON.stringify({ scenario: tinyScenario({ name: 'hang-solving-3' }), options: { timeLimitSeconds: 60 } });
  socket.write(
    `POST /solve?wait=600 HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
  let raw = '';
  socket.on('data', (chunk) => (raw += chunk));
  const ended = new Promise((resolve) => socket.on('close', resolve));

  t.ok(await until(async () => (await small.inject({ method: 'GET', url: '/health' })).json().solver.busy === 1), 'the only worker is busy');
  const queued = await submit(small, 'waits');
  t.equal(queued.statusCode, 202);

  const before = await counts(small);
  const refused = await small.inject({ method: 'POST', url: `/scenarios/${queued.json().scenarioId}/solve` });
  const problem = expectProblem(t, refused, 503);
  t.equal(problem.type, '/problems/unavailable');
  t.match(refused.headers['retry-after'], /^\d+$/, 'Retry-After in seconds');
  const refusedInline = await small.inject({ method: 'POST', url: '/solve', payload: { scenario: tinyScenario({ name: 'waits' }) } });
  expectProblem(t, refusedInline, 503, 'inline solve');
  t.match(refusedInline.headers['retry-after'], /^\d+$/);
  t.same(await counts(small), before, 'no job row for a refused solve');
  t.match((await small.inject({ method: 'GET', url: '/health' })).json().solver, { workers: 1, busy: 1, queued: 1, maxQueue: 1 });

  const closed = small.close();
  await new Promise((r) => setTimeout(r, 100));
  socket.write('GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n');
  await closed;
  await ended;
  const [first, second] = raw.split(/(?=HTTP\/1\.1 )/);
  t.match(first, /^HTTP\/1\.1 503 /, 'the request waiting on the solve got an answer: its job ended, so not 202');
  t.match(first, /content-type: application\/problem\+json/i);
  const waitedId = /location: \/jobs\/([0-9a-f-]+)/i.exec(first!)?.[1];
  t.ok(waitedId, 'Location names the cancelled job');
  const waited = { id: waitedId! };
  t.match(second, /^HTTP\/1\.1 503 /, 'a request read during shutdown is refused');
  t.match(second, /content-type: application\/problem\+json/i, 'with a problem document');

  // The database was closed cleanly and says so when opened again.
  const reopened = await build(t, { dir });
  t.match(
    await jobOf(reopened, waited.id),
    { status: 'cancelled', error: { code: 'shutdown' } },
    'the job the waiting request named was cancelled by the shutdown',
  );
  t.match(await jobOf(reopened, queued.json().id), { status: 'cancelled', error: { code: 'shutdown' } });
});

t.test('worker threads start without the parent’s preloads and loader hooks, keeping its other options', async (t) => {
  t.strictSame(
    workerExecArgv([
      '--import',
      'tsx',
      '--import=./test/helpers/typescript.mjs',
      '--enable-source-maps',
      '-r',
      'x.cjs',
      '--loader=y.mjs',
      '--max-semi-space-size=64',
    ]),
    ['--enable-source-maps', '--max-semi-space-size=64'],
  );
  t.strictSame(workerExecArgv([]), []);
});

t.test('worker threads get NODE_OPTIONS without its preloads (a worker runs them again even with its own execArgv)', async (t) => {
  const env = { PATH: '/bin', NODE_OPTIONS: '--import=file:///x/processinfo.mjs --max-old-space-size=4096 -r "/a b/c.cjs" --enable-source-maps' };
  t.strictSame(workerEnv(env), { PATH: '/bin', NODE_OPTIONS: '--max-old-space-size=4096 --enable-source-maps' });
  t.strictSame(workerEnv({ PATH: '/bin', NODE_OPTIONS: '--import tsx' }), { PATH: '/bin' }, 'nothing left: no NODE_OPTIONS');
  t.equal(workerEnv({ NODE_OPTIONS: '--max-old-space-size=4096' }), null, 'nothing to leave out: the default environment');
  t.equal(workerEnv({}), null);
  t.equal(env.NODE_OPTIONS.startsWith('--import'), true, 'the parent environment is not changed');
  // A worker really runs NODE_OPTIONS' preloads unless its environment leaves them out.
  const dir = t.testdir({
    'preload.mjs': 'globalThis.preloaded = true;\n',
    'worker.mjs': "import { parentPort } from 'node:worker_threads';\nparentPort.postMessage(globalThis.preloaded === true);\n",
  });
  const preloaded = (options: WorkerOptions) =>
    new Promise<boolean>((resolve, reject) => {
      const worker = new Worker(pathToFileURL(join(dir, 'worker.mjs')), { execArgv: [], ...options });
      worker.once('message', (value: boolean) => resolve(value));
      worker.once('error', reject);
    });
  const withPreload = { ...process.env, NODE_OPTIONS: `--import=${pathToFileURL(join(dir, 'preload.mjs')).href}` };
  t.equal(await preloaded({ env: withPreload }), true, 'given as it is, the worker runs the preload');
  t.equal(await preloaded({ env: workerEnv(withPreload)! }), false, 'given workerEnv, it does not');
});
