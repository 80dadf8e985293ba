/**
 * Health, version, datasets, request ids, unknown routes, documentation routes and configuration.
 */
import t from 'tap';
import { build, expectProblem, testStore } from '../helpers/app.js';
import { ConfigError, loadConfig } from '../../src/config.js';
import { DatasetSchema } from '../../src/schemas/api/datasets.js';

t.test('GET /health reports the store, the queue and the pool', async (t) => {
  const app = await build(t);
  const ok = await app.inject({ method: 'GET', url: '/health' });
  t.equal(ok.statusCode, 200);
  const mode = testStore === 'postgres' ? 'distributed' : 'embedded';
  t.match(ok.json(), {
    status: 'ok',
    database: { kind: testStore, ok: true },
    solver: { enabled: false },
    queue: { mode, depth: 0, running: 0, deadLetter: 0, workers: [] },
  });

  // A database that stops answering makes the service degraded.
  await app.services.store.close();
  const down = await app.inject({ method: 'GET', url: '/health' });
  t.equal(down.statusCode, 503);
  t.match(down.json(), { status: 'degraded', database: { kind: testStore, ok: false, error: /not open|after calling end/ } });
});

t.test('GET /version', async (t) => {
  const app = await build(t);
  const response = await app.inject({ method: 'GET', url: '/version' });
  t.equal(response.statusCode, 200);
  t.match(response.json(), {
    name: 'allied-midstream-planner',
    version: /^\d+\.\d+\.\d+/,
    node: process.version,
    solvers: { highs: null },
    datasets: ['tiny'],
  });
});

t.test('GET /datasets and /datasets/{id}', async (t) => {
  const app = await build(t);
  const list = (await app.inject({ method: 'GET', url: '/datasets' })).json();
  t.match(list.items, [{ id: 'tiny', title: 'tiny', counts: { plants: 3, countries: 3 }, links: { self: '/datasets/tiny' } }]);
  const dataset = await app.inject({ method: 'GET', url: '/datasets/tiny' });
  t.equal(dataset.statusCode, 200);
  const body = dataset.json();
  t.ok(DatasetSchema.safeParse(body).success, 'the full dataset');
  t.ok(
    body.plants.every((p: { source: unknown[] }) => p.source.length > 0),
    'with the sources of every record',
  );
  expectProblem(t, await app.inject({ method: 'GET', url: '/datasets/atlantis' }), 404, 'unknown dataset');
  const bad = expectProblem(t, await app.inject({ method: 'GET', url: '/datasets/no%20such' }), 400, 'malformed id');
  t.same(
    bad.errors.map((e: { path: string }) => e.path),
    ['id'],
  );
});

t.test('unknown routes, request ids, documentation', async (t) => {
  const app = await build(t);
  const missing = expectProblem(t, await app.inject({ method: 'GET', url: '/nowhere?x=1' }), 404);
  t.equal(missing.instance, '/nowhere', 'instance is the path');
  const wrongMethod = await app.inject({ method: 'PUT', url: '/scenarios' });
  expectProblem(t, wrongMethod, 405, 'wrong method');
  t.equal(wrongMethod.headers.allow, 'GET, HEAD, POST', 'Allow names the methods');

  const echoed = await app.inject({ method: 'GET', url: '/version', headers: { 'x-request-id': 'trace-42' } });
  t.equal(echoed.headers['x-request-id'], 'trace-42', 'a plain client request id is kept');
  const replaced = await app.inject({ method: 'GET', url: '/version', headers: { 'x-request-id': 'bad id\u0000'.repeat(10) } });
  t.match(replaced.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'an unsafe one is replaced');
  const problem = expectProblem(t, await app.inject({ method: 'GET', url: '/jobs/1', headers: { 'x-request-id': 'trace-43' } }), 400);
  t.equal(problem.requestId, 'trace-43', 'problems carry the request id');

  const spec = await app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(spec.statusCode, 200);
  t.equal(spec.json().openapi, '3.1.0');
  const docs = await app.inject({ method: 'GET', url: '/docs/' });
  t.equal(docs.statusCode, 200);
  t.match(docs.headers['content-type'], /text\/html/, 'Swagger UI');
});

t.test('configuration comes from the environment, checked', async (t) => {
  const defaults = loadConfig({});
  t.match(defaults, { host: '127.0.0.1', port: 3000, databasePath: 'var/planner.db', logLevel: 'info', solverQueue: 16 });
  t.ok(defaults.solverWorkers >= 1, 'one worker per core by default');
  t.match(loadConfig({ HOST: '0.0.0.0', PORT: '8080', DATABASE_PATH: '/tmp/x.db', LOG_LEVEL: 'debug', SOLVER_WORKERS: '3', PORT_UNUSED: 'x' }), {
    host: '0.0.0.0',
    port: 8080,
    databasePath: '/tmp/x.db',
    logLevel: 'debug',
    solverWorkers: 3,
  });
  t.equal(loadConfig({ PORT: '' }).port, 3000, 'an empty variable counts as unset');
  const error = t.throws(() => loadConfig({ PORT: '70000', LOG_LEVEL: 'loud', SOLVER_GRACE_SECONDS: 'soon' })) as ConfigError;
  t.ok(error instanceof ConfigError);
  t.match(error.issues.join('\n'), /PORT[\s\S]*LOG_LEVEL[\s\S]*SOLVER_GRACE_SECONDS/, 'names every bad variable');
});

t.test('DATABASE_URL switches to PostgreSQL and the shared queue; its settings are checked', async (t) => {
  t.match(
    loadConfig({}),
    { databaseUrl: null, databaseSchema: 'planner', jobRetryLimit: 2, workerHeartbeatSeconds: 2, workerTimeoutSeconds: 20 },
    'SQLite by default',
  );
  t.match(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/planner', DATABASE_SCHEMA: 'team_a', JOB_RETRY_LIMIT: '4', WORKER_TIMEOUT_SECONDS: '60' }), {
    databaseUrl: 'postgres://u@db:5432/planner',
    databaseSchema: 'team_a',
    jobRetryLimit: 4,
    workerTimeoutSeconds: 60,
  });
  const error = t.throws(() => loadConfig({ DATABASE_URL: 'mysql://db/planner', DATABASE_SCHEMA: 'Drop Table', JOB_RETRY_LIMIT: '-1' })) as ConfigError;
  t.match(error.issues.join('\n'), /DATABASE_URL[\s\S]*DATABASE_SCHEMA[\s\S]*JOB_RETRY_LIMIT/, 'names every bad variable');
});
