/**
 * The edge answers every error as problem+json with bounded size: 405 with Allow for a wrong
 * method, 414 for an overlong path segment, 431 for oversized headers, 400 for a broken URL, a
 * clear problem for `__proto__`, capped error lists with the count left out, bounded list sizes,
 * lone surrogates refused, Markdown escaped, and expected 503s logged as warnings without stacks.
 */
import { Writable } from 'node:stream';
import { connect } from 'node:net';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { MAX_LISTED_ERRORS } from '../../src/errors.js';
import { mdText } from '../../src/analysis/report-markdown.js';
import { build, counts, expectProblem, tinyDatasets } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

const SCENARIO_ID = 'a'.repeat(64);

t.test('a wrong method on an existing route is 405 with Allow; an unknown path stays 404', async (t) => {
  const app = await build(t);
  for (const [method, url, allow] of [
    ['PUT', '/scenarios', 'GET, HEAD, POST'],
    ['PATCH', `/scenarios/${SCENARIO_ID}`, 'DELETE, GET, HEAD'],
    ['OPTIONS', '/scenarios', 'GET, HEAD, POST'],
    ['DELETE', '/health', 'GET, HEAD'],
  ] as const) {
    const response = await app.inject({ method, url });
    const body = expectProblem(t, response, 405, `${method} ${url}`);
    t.equal(response.headers.allow, allow, `${method} ${url}: Allow lists the methods`);
    t.equal(body.type, '/problems/method-not-allowed');
  }
  expectProblem(t, await app.inject({ method: 'PUT', url: '/no/such/thing' }), 404, 'unknown path');
});

t.test('an overlong path segment is 414 and a broken URL 400, both problem documents', async (t) => {
  const app = await build(t);
  const long = expectProblem(t, await app.inject({ method: 'GET', url: `/scenarios/${'a'.repeat(500)}` }), 414, 'long segment');
  t.ok(long.instance.length <= 300, 'the instance is cut');
  expectProblem(t, await app.inject({ method: 'GET', url: '/scenarios/%E0%A4%A' }), 400, 'broken percent-encoding');
});

/** Sends raw bytes to a listening server and returns the raw answer. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
  });
}

t.test('what the HTTP parser refuses is answered as problem+json too', async (t) => {
  const app = await build(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  for (const [label, request, status] of [
    ['long URL', `GET /scenarios?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`, 431],
    ['large header', `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['not HTTP', 'GARBAGE\r\n\r\n', 400],
  ] as const) {
    const answer = await raw(port, request);
    t.match(answer, new RegExp(`^HTTP/1.1 ${status} `), `${label}: ${status}`);
    t.match(answer, /content-type: application\/problem\+json/i, `${label}: problem+json`);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    t.equal(body.status, status, `${label}: the body says ${status}`);
  }
});

t.test('a __proto__ key is refused with a problem that says so', async (t) => {
  const app = await build(t);
  const payload = `{"__proto__": {"admin": true}, ${JSON.stringify(tinyScenario()).slice(1)}`;
  const body = expectProblem(t, await app.inject({ method: 'POST', url: '/scenarios', headers: { 'content-type': 'application/json' }, payload }), 400);
  t.equal(body.type, '/problems/forbidden-key');
  t.match(body.detail, /__proto__/);
  const broken = expectProblem(
    t,
    await app.inject({ method: 'POST', url: '/scenarios', headers: { 'content-type': 'application/json' }, payload: '{"name": ' }),
    400,
  );
  t.equal(broken.type, '/problems/malformed-json', 'invalid JSON is still reported as such');
  t.same((await counts(app)).scenarios, 0);
});

t.test('error lists are capped with the count of what was left out', async (t) => {
  const app = await build(t);
  const ghosts = Array.from({ length: 300 }, (_, i) => `ghost_${i}`);
  const response = await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario({ overrides: { excludePlants: ghosts } }) });
  const body = expectProblem(t, response, 422);
  t.equal(body.errors.length, MAX_LISTED_ERRORS, 'at most the cap');
  t.equal(body.errorsOmitted, 300 - MAX_LISTED_ERRORS, 'the rest is counted');
  t.ok(body.detail.length < 2000, 'the detail is short');
  t.match(body.detail, /and 290 more/);
  t.ok(response.body.length < 20_000, `the whole answer is small (${response.body.length} bytes)`);
  t.same((await counts(app)).scenarios, 0);
});

t.test('lists longer than any dataset are refused by the schema', async (t) => {
  const app = await build(t);
  const many = Array.from({ length: 501 }, (_, i) => `c${i}`);
  for (const [label, scenario, path] of [
    ['bloc', tinyScenario({ targets: [{ bloc: many, product: 'mag', year: 2026, maxUntrustedShare: 0.5 }] }), 'targets[0].bloc'],
    ['trusted countries', tinyScenario({ trustedCountries: many }), 'trustedCountries'],
    [
      'targets',
      tinyScenario({ targets: Array.from({ length: 201 }, () => ({ bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0.5 })) }),
      'targets',
    ],
    [
      'overridden plants',
      tinyScenario({ overrides: { plants: Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`p${i}`, {}])) } }),
      'overrides.plants',
    ],
  ] as const) {
    const body = expectProblem(t, await app.inject({ method: 'POST', url: '/scenarios', payload: scenario }), 400, label);
    t.ok(
      body.errors.some((e: { path: string }) => e.path === path),
      `${label}: ${path} is named`,
    );
  }
  t.same((await counts(app)).scenarios, 0);
});

t.test('a name that is not well-formed Unicode is refused; a well-formed one is kept as sent', async (t) => {
  const app = await build(t);
  const payload = JSON.stringify(tinyScenario({ name: 'x' })).replace('"name":"x"', '"name":"bad \\ud800 name"');
  const body = expectProblem(t, await app.inject({ method: 'POST', url: '/scenarios', headers: { 'content-type': 'application/json' }, payload }), 400);
  t.ok(body.errors.some((e: { path: string; message: string }) => e.path === 'name' && /surrogate/.test(e.message)));
  const good = await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario({ name: 'Magnets 🧲 2030' }) });
  t.equal(good.statusCode, 201);
  t.equal(good.json().scenario.name, 'Magnets 🧲 2030');
});

t.test('Markdown from names cannot break the report', async (t) => {
  t.equal(mdText('Plan\n# injected'), 'Plan \\# injected', 'a newline cannot start a heading');
  t.equal(mdText('a|b *c* [d](e)'), 'a\\|b \\*c\\* \\[d\\](e)', 'punctuation is escaped');
});

t.test('an expected 503 is logged as a warning without a stack', async (t) => {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildApp({
    datasets: tinyDatasets(),
    config: { databasePath: ':memory:' },
    pool: false,
    webRoot: false,
    logger: { level: 'info', stream },
  });
  t.teardown(() => app.close());
  await app.ready();
  const created = await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario() });
  const response = await app.inject({ method: 'POST', url: `/scenarios/${created.json().id}/solve` });
  expectProblem(t, response, 503);
  const logged = lines.filter((l) => l.status === 503);
  t.equal(logged.length, 1, 'one line for the refusal');
  t.equal(logged[0]!.level, 40, 'at warn level');
  t.notOk('err' in logged[0]!, 'without an error object or stack');
  t.notOk(
    lines.some((l) => l.level === 50),
    'nothing at error level',
  );
});
