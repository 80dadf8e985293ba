/**
 * `npm run worker`'s entry point (src/worker.ts) as a process: without DATABASE_URL it refuses to
 * start and says why; with it, it loads the bundled datasets, registers as a live worker, and exits
 * cleanly on SIGTERM, leaving the live list.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import pg from 'pg';
import { projectRoot } from '../../src/data/load.js';
import { PG_MIGRATIONS } from '../../src/store/postgres.js';
import { postgresFor } from '../helpers/app.js';
import { tsNodeArgs } from '../helpers/node-ts.js';

const entry = join(projectRoot(), 'src', 'worker.ts');
const run = (env: Record<string, string>) =>
  spawn(process.execPath, tsNodeArgs(entry), { cwd: projectRoot(), env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });

t.test('without DATABASE_URL the worker refuses to start, naming the variable', async (t) => {
  const { DATABASE_URL: _unset, ...env } = process.env;
  void _unset;
  const child = spawn(process.execPath, tsNodeArgs(entry), {
    cwd: projectRoot(),
    env: env as Record<string, string>,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  t.equal(code, 2);
  t.match(stderr, /DATABASE_URL: a worker takes jobs from the shared PostgreSQL queue/);
});

t.test('with DATABASE_URL it registers, takes the bundled datasets, and stops on SIGTERM', async (t) => {
  const { url, schema } = await postgresFor(t.testdir());
  const child = run({ DATABASE_URL: url, DATABASE_SCHEMA: schema, SOLVER_WORKERS: '1', DATABASE_POOL_SIZE: '2', LOG_LEVEL: 'info' });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const started = await new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 300 s: ${stderr}`)), 300_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.includes('"queue worker started"')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
  t.match(started, { pid: child.pid, slots: 1 });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  t.teardown(() => client.end());
  const workers = await client.query(`SELECT pid, slots, highs FROM ${schema}.workers`);
  t.match(workers.rows, [{ pid: child.pid, slots: 1, highs: /^\d+\.\d+/ }], 'a live worker row, with the HiGHS version it loaded');
  const versions = await client.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
  t.same(
    versions.rows.map((r) => r.version),
    PG_MIGRATIONS.map((m) => m.version),
    'the store was migrated',
  );
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'clean exit');
  t.equal((await client.query(`SELECT COUNT(*)::int AS n FROM ${schema}.workers`)).rows[0].n, 0, 'and it left the live list');
});
