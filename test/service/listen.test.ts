/** The app on a real socket: 127.0.0.1, port chosen by the OS. */
import t from 'tap';
import type { AddressInfo } from 'node:net';
import { build } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

t.test('serves HTTP on 127.0.0.1', async (t) => {
  const app = await build(t);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { address, port } = app.server.address() as AddressInfo;
  t.equal(address, '127.0.0.1');
  const base = `http://127.0.0.1:${port}`;

  const health = await fetch(`${base}/health`);
  t.equal(health.status, 200);
  t.equal(((await health.json()) as { status: string }).status, 'ok');

  const created = await fetch(`${base}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tinyScenario()) });
  t.equal(created.status, 201);
  t.match(created.headers.get('location'), /^\/scenarios\/[0-9a-f]{64}$/);

  const invalid = await fetch(`${base}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"name": 1}' });
  t.equal(invalid.status, 400);
  t.match(invalid.headers.get('content-type'), /^application\/problem\+json/);
  t.ok(invalid.headers.get('x-request-id'), 'request id header');

  const tooBig = await fetch(`${base}/scenarios`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(1024 * 1024 + 1) });
  t.equal(tooBig.status, 413, 'body limit over the wire');
});
