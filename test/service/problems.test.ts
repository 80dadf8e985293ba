/**
 * The problem catalogue (`PROBLEM_TYPES`) is the only place a problem type is declared: the source
 * names no type URI elsewhere, every problem the OpenAPI document shows and every problem the server
 * sends (here a representative set; `expectProblem` checks the same in every service test) has the
 * catalogue's status and title, and the README and the document list the catalogue as it is.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join, relative } from 'node:path';
import { STATUS_CODES } from 'node:http';
import t from 'tap';
import type { InjectOptions } from 'fastify';
import { buildApp } from '../../src/app.js';
import { projectRoot } from '../../src/data/load.js';
import { PROBLEM_TYPES, problemCatalogueMarkdown, problemTypeUri, type ProblemSlug, type ProblemTypeInfo } from '../../src/schemas/api/problem.js';
import { build, expectProblem, testConfig, tinyDatasets } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

type Json = Record<string, any>;
const entries = Object.entries(PROBLEM_TYPES) as Array<[ProblemSlug, ProblemTypeInfo]>;
const root = projectRoot();
const CATALOGUE_FILE = 'src/schemas/api/problem.ts';

/** RFC 9110 reason phrases where Node still prints the older RFC 7231 ones. */
const RFC_9110_TITLES: Record<number, string> = { 413: 'Content Too Large', 422: 'Unprocessable Content' };

t.test('the catalogue: kebab-case slugs, error statuses, and one title per status (RFC 9110)', async (t) => {
  t.ok(entries.length >= 20, `${entries.length} problem types`);
  for (const [slug, info] of entries) {
    t.match(slug, /^[a-z]+(-[a-z]+)*$/, `${slug}: a kebab-case slug`);
    t.ok(info.status >= 400 && info.status <= 599, `${slug}: an error status`);
    t.equal(info.title, RFC_9110_TITLES[info.status] ?? STATUS_CODES[info.status], `${slug}: the title is the reason phrase of ${info.status}`);
    t.ok(info.when.length > 10 && !info.when.includes('|'), `${slug}: says when it is sent (and fits a table cell)`);
  }
});

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

t.test('no source file but the catalogue names a problem type or a reason phrase as a title', async (t) => {
  const titles = [...new Set(entries.map(([, info]) => info.title))];
  let scanned = 0;
  for (const path of sourceFiles(join(root, 'src'))) {
    const file = relative(root, path);
    if (file === CATALOGUE_FILE) continue;
    const text = readFileSync(path, 'utf8');
    scanned++;
    t.notMatch(text, /\/problems\//, `${file}: no problem type URI written by hand`);
    t.notMatch(text, /new HttpProblem\(\s*\d/, `${file}: no problem built from a status instead of a slug`);
    for (const title of titles) t.notOk(text.includes(`'${title}'`), `${file}: no title '${title}' written by hand`);
  }
  t.ok(scanned > 50, `${scanned} files scanned`);
});

t.test('the README and the OpenAPI description list the catalogue as it is', async (t) => {
  const table = problemCatalogueMarkdown();
  t.equal(table.split('\n').length, entries.length + 2, 'one row per problem type');
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  t.ok(readme.includes(table), 'README.md has the table (paste problemCatalogueMarkdown() under "Problem types")', { expected: table });
  const document = JSON.parse(readFileSync(join(root, 'openapi', 'openapi.json'), 'utf8')) as Json;
  t.ok(String(document.info.description).includes(table), 'the committed OpenAPI document describes every problem type');
});

t.test('every problem example in the OpenAPI document is a catalogue entry sent with its status', async (t) => {
  const document = JSON.parse(readFileSync(join(root, 'openapi', 'openapi.json'), 'utf8')) as Json;
  let checked = 0;
  const seen = new Set<string>();
  for (const [path, operations] of Object.entries(document.paths as Json)) {
    for (const [method, operation] of Object.entries(operations as Json)) {
      for (const [status, response] of Object.entries((operation.responses ?? {}) as Json)) {
        const example = response.content?.['application/problem+json']?.example;
        if (!example) continue;
        const slug = String(example.type).replace(/^\/problems\//, '') as ProblemSlug;
        const info: ProblemTypeInfo | undefined = PROBLEM_TYPES[slug];
        t.ok(info && example.type === problemTypeUri(slug), `${method} ${path} ${status}: ${example.type} is in the catalogue`);
        if (info)
          t.same([example.status, example.title, Number(status)], [info.status, info.title, info.status], `${method} ${path} ${status}: status and title`);
        seen.add(slug);
        checked++;
      }
    }
  }
  t.ok(checked >= 40, `${checked} problem examples`);
  t.ok(seen.size >= 6, `${seen.size} kinds of problem shown: ${[...seen].join(', ')}`);
});

t.test('what the server sends: status, type and title from the catalogue (representative cases)', async (t) => {
  const app = await build(t);
  const cases: Array<[string, InjectOptions, ProblemSlug]> = [
    ['unknown route', { method: 'GET', url: '/no/such/thing' }, 'not-found'],
    ['unknown scenario', { method: 'GET', url: `/scenarios/${'a'.repeat(64)}` }, 'not-found'],
    ['wrong method', { method: 'PUT', url: '/scenarios' }, 'method-not-allowed'],
    ['invalid body', { method: 'POST', url: '/scenarios', payload: { name: 1 } }, 'validation'],
    ['invalid query', { method: 'GET', url: '/scenarios?limit=0' }, 'validation'],
    ['broken JSON', { method: 'POST', url: '/scenarios', headers: { 'content-type': 'application/json' }, payload: '{"name":' }, 'malformed-json'],
    [
      '__proto__ key',
      { method: 'POST', url: '/scenarios', headers: { 'content-type': 'application/json' }, payload: '{"__proto__":{"x":1}}' },
      'forbidden-key',
    ],
    ['not JSON', { method: 'POST', url: '/scenarios', headers: { 'content-type': 'text/plain' }, payload: 'hello' }, 'unsupported-media-type'],
    [
      'too large',
      { method: 'POST', url: '/scenarios', headers: { 'content-type': 'application/json' }, payload: `{"name":"${'x'.repeat(1_100_000)}"}` },
      'payload-too-large',
    ],
    ['long segment', { method: 'GET', url: `/scenarios/${'a'.repeat(500)}` }, 'uri-too-long'],
    ['broken URL', { method: 'GET', url: '/scenarios/%E0%A4%A' }, 'bad-url'],
    ['unknown dataset', { method: 'POST', url: '/scenarios', payload: tinyScenario({ datasetId: 'nope' }) }, 'unknown-reference'],
    [
      'unknown product',
      {
        method: 'POST',
        url: '/scenarios',
        payload: tinyScenario({ targets: [{ id: 'x', bloc: ['US'], product: 'unobtainium', year: 2030, maxUntrustedShare: 0.5 }] }),
      },
      'unknown-reference',
    ],
  ];
  for (const [label, request, slug] of cases) {
    const body = expectProblem(t, await app.inject(request), PROBLEM_TYPES[slug].status, label);
    t.equal(body.type, problemTypeUri(slug), `${label}: ${slug}`);
  }
});

t.test('the web interface unbuilt is a 503 web-not-built', async (t) => {
  const dir = t.testdir();
  const app = await buildApp({
    datasets: tinyDatasets(),
    config: testConfig({ databasePath: join(dir, 'planner.db') }),
    pool: false,
    logger: false,
    webRoot: dir,
  });
  t.teardown(() => app.close());
  const body = expectProblem(t, await app.inject({ method: 'GET', url: '/' }), 503, 'unbuilt web interface');
  t.equal(body.type, problemTypeUri('web-not-built'));
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

t.test("what Node's HTTP parser refuses: the catalogue's status and title, in the status line too", async (t) => {
  const app = await build(t);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const port = (app.server.address() as { port: number }).port;
  for (const [label, request, slug] of [
    ['large header', `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 'header-fields-too-large'],
    ['not HTTP', 'GARBAGE\r\n\r\n', 'bad-request'],
    [
      'chunk extensions too large',
      `POST /scenarios HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n1;${'a'.repeat(20_000)}\r\n{\r\n`,
      'payload-too-large',
    ],
  ] as const) {
    const { status, title } = PROBLEM_TYPES[slug];
    const answer = await raw(port, request);
    t.match(answer, new RegExp(`^HTTP/1.1 ${status} ${title}\r\n`), `${label}: ${status} ${title}`);
    const body = JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4));
    t.same([body.type, body.status, body.title], [problemTypeUri(slug), status, title], `${label}: the body is the catalogue's ${slug}`);
  }
});
