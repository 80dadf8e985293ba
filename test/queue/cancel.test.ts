/**
 * The shared deployment against a real PostgreSQL, with a queue worker in this process beside the
 * API instance: cancelled jobs and groups stop where they run, a group finishes with its members, a
 * crash retried past its cap ends in the dead-letter queue, and records outlive an API instance.
 * Every wait is for a state, bounded generously; nothing asserts a duration.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { parseScenario } from '../../src/planner.js';
import type { PostgresStore } from '../../src/store/postgres.js';
import { build, counts, waitForJob } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

const slowThreads = { module: './fixtures/slow-solve-worker', base: import.meta.url };
const faultyThreads = { module: '../service/fixtures/faulty-worker', base: import.meta.url };

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

t.test('cancelling queued and running jobs stops them where they run', async (t) => {
  const app = await build(t, { store: 'postgres', solver: { worker: slowThreads }, config: { solverWorkers: 1 } });
  const running = await submit(app, tinyScenario({ name: 'slow-cancel-running' }));
  t.ok(await until(async () => (await jobOf(app, running.id)).status === 'running'), 'the only slot is busy');
  const queued = await submit(app, tinyScenario({ name: 'slow-cancel-queued' }));
  t.equal((await jobOf(app, queued.id)).status, 'queued');

  for (const job of [queued, running]) {
    const response = await app.inject({ method: 'DELETE', url: `/jobs/${job.id}` });
    t.equal(response.statusCode, 200);
    t.match(response.json(), { status: 'cancelled', error: { code: 'cancelled' } });
  }
  const states = await sql(app).query<{ id: string; state: string }>(
    `SELECT id::text, state::text FROM ${app.services.config.databaseSchema}_queue.job WHERE id = ANY($1::uuid[]) ORDER BY id`,
    [[running.id, queued.id]],
  );
  t.same(
    states.rows.map((r) => r.state),
    ['cancelled', 'cancelled'],
    'the queue entries are cancelled',
  );
  const next = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: tinyScenario({ name: 'after-cancel' }) } });
  t.equal(next.statusCode, 200, 'the slot was freed: the worker stopped the cancelled solve');
  t.equal((await counts(app)).portfolios, 1, 'cancelled jobs stored nothing');
  t.match(await jobOf(app, running.id), { status: 'cancelled' }, 'and stay cancelled');
});

t.test('a group finishes with its members; a cancelled group cancels its members', async (t) => {
  const app = await build(t, { store: 'postgres', solver: { worker: slowThreads }, config: { solverWorkers: 1 } });
  const { jobs, scenarios } = app.services;
  const stored = async (name: string) => (await scenarios.create(parseScenario(tinyScenario({ name })))).scenario;

  const parent = await stored('analysis');
  const fast = await jobs.submitGroup({ scenario: parent, options: {} }, [
    { scenario: await stored('member-a'), options: { skipBaseline: true } },
    { scenario: await stored('member-b'), options: { skipBaseline: true } },
  ]);
  t.match(fast.parent, { kind: 'group', status: 'running', parentId: null });
  t.same(
    fast.members.map((m) => [m.kind, m.parentId, m.status]),
    [
      ['solve', fast.parent.id, 'queued'],
      ['solve', fast.parent.id, 'queued'],
    ],
  );
  const finishedGroup = await jobs.wait(fast.parent.id, 60);
  t.match(finishedGroup, { status: 'done', portfolioId: null }, 'the group is done once both members are');
  t.same(
    (await jobs.members(fast.parent.id)).map((m) => m.status),
    ['done', 'done'],
  );

  const slow = await jobs.submitGroup({ scenario: parent, options: {} }, [
    { scenario: await stored('slow-member-1'), options: {} },
    { scenario: await stored('slow-member-2'), options: {} },
    { scenario: await stored('slow-member-3'), options: {} },
  ]);
  t.ok(await until(async () => (await jobs.members(slow.parent.id)).some((m) => m.status === 'running')), 'a member is running');
  const cancelled = await app.inject({ method: 'DELETE', url: `/jobs/${slow.parent.id}` });
  t.match(cancelled.json(), { kind: 'group', status: 'cancelled' });
  const members = await jobs.members(slow.parent.id);
  t.same(
    members.map((m) => m.status),
    ['cancelled', 'cancelled', 'cancelled'],
    'every member is cancelled',
  );
  t.ok(
    members.every((m) => m.error?.message === `its parent job ${slow.parent.id} was cancelled`),
    'saying why',
  );
  const next = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: tinyScenario({ name: 'after-group' }) } });
  t.equal(next.statusCode, 200, 'the running member was stopped on its worker');
});

t.test('a solve whose thread keeps crashing is retried up to the cap, then dead-lettered', async (t) => {
  const app = await build(t, { store: 'postgres', solver: { worker: faultyThreads }, config: { solverWorkers: 1, jobRetryLimit: 1 } });
  const job = await submit(app, tinyScenario({ name: 'crash-every-time' }));
  const failed = await waitForJob(app, job.id, 180_000);
  t.match(failed, { status: 'failed', attempts: 2, portfolioId: null, error: { code: 'worker_crashed' } }, 'failed after two attempts');
  t.match(failed.error.message, /deliberate crash for a test.*given up after 2 attempts, the job is in the dead-letter queue 'planner-solve-dead'/);
  t.equal((await app.inject({ method: 'GET', url: '/health' })).json().queue.deadLetter, 1, 'one job in the dead-letter queue');
  const fine = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: tinyScenario({ name: 'fine' }) } });
  t.equal(fine.json().status, 'optimal', 'other jobs are unaffected');
});

t.test('records outlive the API instance: a new one on the same schema reads them', async (t) => {
  const dir = t.testdir();
  const first = await build(t, { store: 'postgres', dir, solver: true });
  const portfolio = (await first.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: tinyScenario() } })).json();
  const before = await counts(first);
  await first.close();
  const second = await build(t, { store: 'postgres', dir });
  t.same(await counts(second), before);
  t.same((await second.inject({ method: 'GET', url: `/portfolios/${portfolio.id}` })).json(), portfolio, 'the portfolio');
  t.equal((await second.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario() })).statusCode, 200, 'the content hash still finds the scenario');
});
