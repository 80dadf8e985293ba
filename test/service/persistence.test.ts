/**
 * The database file outlives the process: records survive close and reopen, migrations run once,
 * and jobs a crashed process left behind are marked failed at the next start.
 */
import t from 'tap';
import Database from 'better-sqlite3';
import { build, counts, dbPathIn, expectProblem } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';
import { MIGRATIONS } from '../../src/store/db.js';

t.test('records survive closing and reopening the same database file', async (t) => {
  const dir = t.testdir();
  const first = await build(t, { dir, solver: { size: 1 } });
  const portfolio = (await first.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: tinyScenario() } })).json();
  const scenario = (await first.inject({ method: 'GET', url: `/scenarios/${portfolio.scenarioId}` })).json();
  const job = (await first.inject({ method: 'GET', url: `/jobs/${portfolio.jobId}` })).json();
  const before = await counts(first);
  await first.close();

  const second = await build(t, { dir });
  t.same(await counts(second), before, 'same rows');
  t.same((await second.inject({ method: 'GET', url: `/scenarios/${scenario.id}` })).json(), scenario, 'the scenario');
  t.same((await second.inject({ method: 'GET', url: `/jobs/${job.id}` })).json(), job, 'the job');
  t.same((await second.inject({ method: 'GET', url: `/portfolios/${portfolio.id}` })).json(), portfolio, 'the portfolio');
  const again = await second.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario() });
  t.equal(again.statusCode, 200, 'the content hash still finds the scenario');
  await second.close();

  const raw = new Database(dbPathIn(dir), { readonly: true });
  t.teardown(() => raw.close());
  const versions = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
  t.same(
    versions,
    MIGRATIONS.map((m) => m.version),
    'each migration applied once',
  );
  t.equal(raw.pragma('journal_mode', { simple: true }), 'wal', 'WAL journal');
});

t.test('jobs left running by a crashed process are failed at the next start', async (t) => {
  const dir = t.testdir();
  const first = await build(t, { dir });
  const scenario = (await first.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario() })).json();
  await first.close();

  // Simulate a process that died mid-solve: a running job row with nobody working on it.
  const raw = new Database(dbPathIn(dir));
  raw
    .prepare(
      `INSERT INTO jobs (id, scenario_id, status, phase, options, created_at, started_at)
     VALUES ('11111111-2222-4333-8444-555555555555', ?, 'running', 'solving', '{"backend":"highs","timeLimitSeconds":60,"mipRelGap":0.000001,"algorithm":"auto","lumpyBuilds":false,"skipBaseline":false}', '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')`,
    )
    .run(scenario.id);
  raw.close();

  const second = await build(t, { dir });
  const job = (await second.inject({ method: 'GET', url: '/jobs/11111111-2222-4333-8444-555555555555' })).json();
  t.match(job, { status: 'failed', error: { code: 'interrupted', message: /stopped before this job finished/ } });
});

t.test('a stored scenario whose dataset is gone cannot be solved (422)', async (t) => {
  const dir = t.testdir();
  const first = await build(t, { dir });
  const scenario = (await first.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario() })).json();
  await first.close();

  const second = await build(t, { dir, datasets: new Map() });
  const problem = expectProblem(t, await second.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve` }), 422);
  t.same(
    problem.errors.map((e: { path: string }) => e.path),
    ['datasetId'],
  );
  t.equal((await counts(second)).jobs, 0);
});

t.test('the database folder is created on first start', async (t) => {
  const dir = t.testdir();
  const app = await build(t, { config: { databasePath: `${dir}/nested/deeper/planner.db` } });
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
});
