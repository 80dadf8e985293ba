/**
 * Groups in embedded mode (the PostgreSQL queue's are in test/queue/cancel.test.ts): a parent job
 * with member solves finishes once its members have, whatever their outcomes; cancelling it
 * cancels the members still queued or running, and the pool stops the running one.
 */
import t from 'tap';
import { parseScenario } from '../../src/planner.js';
import { build, waitForJob } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

const faultyWorker = { module: './fixtures/faulty-worker', base: import.meta.url };

t.test('a group finishes with its members; a cancelled group cancels its members', async (t) => {
  const app = await build(t, { solver: { size: 1, worker: faultyWorker }, config: { solverWorkers: 1 } });
  const { jobs, scenarios } = app.services;
  const stored = async (name: string) => (await scenarios.create(parseScenario(tinyScenario({ name })))).scenario;
  const parent = await stored('analysis');

  const fine = await jobs.submitGroup({ scenario: parent, options: {} }, [
    { scenario: await stored('member-a'), options: { skipBaseline: true } },
    { scenario: await stored('crash-member'), options: {} },
  ]);
  t.match(fine.parent, { kind: 'group', status: 'running' });
  t.match(await jobs.wait(fine.parent.id, 60), { status: 'done', portfolioId: null }, 'done once both members finished');
  t.same(
    (await jobs.members(fine.parent.id)).map((m) => m.status),
    ['done', 'failed'],
    'whatever each member ended with',
  );

  const slow = await jobs.submitGroup({ scenario: parent, options: {} }, [
    { scenario: await stored('hang-solving-member-1'), options: { timeLimitSeconds: 60 } },
    { scenario: await stored('hang-solving-member-2'), options: { timeLimitSeconds: 60 } },
  ]);
  const deadline = Date.now() + 180_000;
  while ((await jobs.members(slow.parent.id))[0]!.phase !== 'solving' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
  const cancelled = await app.inject({ method: 'DELETE', url: `/jobs/${slow.parent.id}` });
  t.match(cancelled.json(), { kind: 'group', status: 'cancelled' });
  const members = await jobs.members(slow.parent.id);
  t.same(
    members.map((m) => m.status),
    ['cancelled', 'cancelled'],
  );
  t.ok(
    members.every((m) => m.error?.message === `its parent job ${slow.parent.id} was cancelled`),
    'saying why',
  );
  const next = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: tinyScenario({ name: 'after-group' }) } });
  t.equal(next.statusCode, 200, 'the running member was stopped and its worker replaced');
  t.match(await waitForJob(app, members[0]!.id), { status: 'cancelled' }, 'and the member stays cancelled');
});
