/**
 * Keys beyond loopback (issue 10): the service refuses to start without a key, answers 401 without
 * one, 403 for a read key that writes, counts a rate limit and a storage quota per key, and keeps
 * keys hashed at rest. On loopback: no key, but the Host allow-list and the security headers.
 */
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { StartupError } from '../../src/edge.js';
import { createKey, hashKey } from '../../src/services/keys.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { build, counts, expectProblem, testConfig, tinyDatasets } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

/** A directory whose SQLite store holds a write key and a read key. */
async function withKeys(dir: string) {
  const store = openSqliteStore(join(dir, 'planner.db'));
  try {
    const write = await createKey(store.keys, { name: 'alice', role: 'write' });
    const read = await createKey(store.keys, { name: 'bob', role: 'read' });
    const rows = store.db.prepare('SELECT hash FROM api_keys').pluck().all() as string[];
    return { write: write.key, read: read.key, readId: read.record.id, rows };
  } finally {
    await store.close();
  }
}

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

t.test('beyond loopback without any key the service refuses to start and says why', async (t) => {
  const dir = t.testdir();
  const error = await buildApp({
    datasets: tinyDatasets(),
    config: testConfig({ databasePath: join(dir, 'planner.db'), host: '0.0.0.0', requireKeys: true, allowedHosts: null }),
    pool: false,
    logger: false,
  }).then(
    () => null,
    (e: unknown) => e,
  );
  t.type(error, StartupError);
  t.match((error as Error).message, /requires API keys.*npm run keys -- create/);
});

t.test('keys are required, hashed at rest, with roles', async (t) => {
  const dir = t.testdir();
  const keys = await withKeys(dir);
  t.notOk(keys.rows.includes(keys.write), 'the key itself is not stored');
  t.ok(keys.rows.includes(hashKey(keys.write)), 'its SHA-256 is');
  const app = await build(t, { dir, store: 'sqlite', config: { host: '0.0.0.0', requireKeys: true, allowedHosts: null } });

  const anonymous = await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario() });
  expectProblem(t, anonymous, 401, 'no key');
  t.match(anonymous.headers['www-authenticate'], /^Bearer/);
  expectProblem(t, await app.inject({ method: 'GET', url: '/scenarios' }), 401, 'no key to read');
  expectProblem(t, await app.inject({ method: 'GET', url: '/scenarios', headers: bearer(`amp_${'x'.repeat(43)}`) }), 401, 'unknown key');
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'health needs no key');

  expectProblem(t, await app.inject({ method: 'POST', url: '/scenarios', headers: bearer(keys.read), payload: tinyScenario() }), 403, 'read key writes');
  t.equal((await counts(app)).scenarios, 0, 'nothing stored without a write key');
  const created = await app.inject({ method: 'POST', url: '/scenarios', headers: bearer(keys.write), payload: tinyScenario() });
  t.equal(created.statusCode, 201, 'the write key creates');
  const listed = await app.inject({ method: 'GET', url: '/scenarios', headers: { 'x-api-key': keys.read } });
  t.equal(listed.statusCode, 200, 'the read key reads (X-API-Key works too)');

  await app.services.store.keys.revoke(keys.readId, new Date().toISOString());
  expectProblem(t, await app.inject({ method: 'GET', url: '/scenarios', headers: bearer(keys.read) }), 401, 'revoked key');
});

t.test('the rate limit and the storage quota count per key', async (t) => {
  const dir = t.testdir();
  const keys = await withKeys(dir);
  const app = await build(t, {
    dir,
    store: 'sqlite',
    config: { host: '0.0.0.0', requireKeys: true, allowedHosts: null, rateLimitPerMinute: 3, scenarioQuotaPerKey: 1 },
  });
  t.equal((await app.inject({ method: 'POST', url: '/scenarios', headers: bearer(keys.write), payload: tinyScenario({ name: 'a' }) })).statusCode, 201);
  t.equal(
    (await app.inject({ method: 'POST', url: '/scenarios', headers: bearer(keys.write), payload: tinyScenario({ name: 'a' }) })).statusCode,
    200,
    'the same content again costs nothing',
  );
  const over = expectProblem(
    t,
    await app.inject({ method: 'POST', url: '/scenarios', headers: bearer(keys.write), payload: tinyScenario({ name: 'b' }) }),
    403,
    'over quota',
  );
  t.equal(over.type, '/problems/quota-exceeded');
  t.equal((await counts(app)).scenarios, 1);

  const limited = await app.inject({ method: 'GET', url: '/scenarios', headers: bearer(keys.write) });
  const body = expectProblem(t, limited, 429, 'fourth request in the minute');
  t.equal(body.type, '/problems/rate-limited');
  t.match(limited.headers['retry-after'], /^\d+$/);
  t.equal((await app.inject({ method: 'GET', url: '/scenarios', headers: bearer(keys.read) })).statusCode, 200, 'another key has its own budget');
});

t.test('on loopback: no key, a Host allow-list, security headers, no CORS', async (t) => {
  const app = await build(t);
  const ok = await app.inject({ method: 'GET', url: '/scenarios', headers: { host: '127.0.0.1:3000', origin: 'http://evil.example' } });
  t.equal(ok.statusCode, 200, 'no key needed');
  t.match(ok.headers['content-security-policy'], /script-src 'self'/);
  t.equal(ok.headers['x-content-type-options'], 'nosniff');
  t.notOk(ok.headers['access-control-allow-origin'], 'no CORS header');
  t.equal((await app.inject({ method: 'GET', url: '/scenarios', headers: { host: '[::1]:3000' } })).statusCode, 200, 'IPv6 loopback');
  const rebound = await app.inject({ method: 'GET', url: '/scenarios', headers: { host: 'evil.example' } });
  const problem = expectProblem(t, rebound, 421, 'another Host (DNS rebinding)');
  t.equal(problem.type, '/problems/host-not-allowed');
});
