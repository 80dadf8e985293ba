/**
 * HiGHS out of WebAssembly memory, through the API. Emscripten aborts the runtime; the solver
 * catches that as status `error` ("Aborted()"), but the runtime is left unusable. The job must
 * fail with a clear `worker_crashed` error, the worker must be replaced rather than reused, and
 * other jobs must be unaffected. The workers here run with a 24 MiB WebAssembly cap
 * (fixtures/capped-memory-worker.ts) so that the reference scenario reaches it in a second.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { build, waitForJob } from '../helpers/app.js';
import { loadDataset, projectRoot } from '../../src/data/load.js';

const scenario = (name: string) => JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', `${name}.json`), 'utf8'));
const cappedWorker = { module: './fixtures/capped-memory-worker', base: import.meta.url };

const solve = (app: FastifyInstance, body: Record<string, unknown>, wait: number) => app.inject({ method: 'POST', url: `/solve?wait=${wait}`, payload: body });

async function workersReady(app: FastifyInstance, n: number): Promise<boolean> {
  const deadline = Date.now() + 180_000;
  while (Date.now() < deadline) {
    if ((await app.inject({ method: 'GET', url: '/health' })).json().solver.ready === n) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

t.test('a solve that runs HiGHS out of memory fails only its job, and its worker is replaced', async (t) => {
  const app = await build(t, {
    datasets: new Map([['quad-2026', loadDataset('quad-2026')]]),
    solver: { size: 2, worker: cappedWorker },
  });
  const small = { scenario: scenario('small-us-magnets-2030'), options: { skipBaseline: true } };
  const big = { scenario: scenario('quad-magnets-50-by-2030'), options: { skipBaseline: true } };

  const [oversized, other] = await Promise.all([solve(app, big, 0), solve(app, small, 600)]);
  t.equal(other.statusCode, 200, 'the other solve finished');
  t.equal(other.json().status, 'optimal');
  t.equal(oversized.statusCode, 202);
  const job = await waitForJob(app, oversized.json().id, 180_000);
  t.equal(job.status, 'failed', 'the out-of-memory job failed instead of yielding an error portfolio');
  t.equal(job.error?.code, 'worker_crashed');
  t.match(job.error?.message, /WebAssembly runtime aborted with \d+ MiB of memory in use, most likely out of memory/, 'the error says what happened');
  t.equal(job.portfolioId, null, 'no portfolio was stored for it');
  t.ok(await workersReady(app, 2), 'the worker was replaced');

  // Both workers take a job each: neither is the aborted runtime.
  const after = await Promise.all([solve(app, small, 600), solve(app, { ...small, scenario: { ...small.scenario, name: 'small again' } }, 600)]);
  t.same(
    after.map((r) => [r.statusCode, r.json().status]),
    [
      [200, 'optimal'],
      [200, 'optimal'],
    ],
    'the pool keeps solving',
  );
  const health = (await app.inject({ method: 'GET', url: '/health' })).json();
  t.equal(health.status, 'ok');
});
