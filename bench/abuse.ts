/**
 * Fuzz and abuse counts (issue 10): a loopback server (embedded store in a temporary directory, no
 * solver workers, the bundled dataset) receives N mutated scenarios on POST /scenarios, M mutated
 * inline solves on POST /solve and a list of hand-made abuse requests over real HTTP; the answers
 * are counted by status code. Without workers a valid solve is refused with 503 after validation,
 * so on /solve a 503 means "valid, would have been queued". Any 500, any answer that is not
 * problem+json for an error, or any error body over 64 kB is a finding.
 *
 *   npm run bench:abuse [-- --n 1000 --solves 200 --seed 10]
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildApp } from '../src/app.js';
import { loadDataset, projectRoot } from '../src/data/load.js';

const { values } = parseArgs({
  options: { n: { type: 'string', default: '1000' }, solves: { type: 'string', default: '200' }, seed: { type: 'string', default: '10' } },
});
const N = Math.min(20_000, Number(values.n));
const SOLVES = Math.min(5_000, Number(values.solves));

let state = Number(values.seed) >>> 0 || 1;
const random = () => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const root = projectRoot();
const dataset = loadDataset('quad-2026');
const shipped = readdirSync(join(root, 'models', 'scenarios'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(root, 'models', 'scenarios', f), 'utf8')) as Record<string, unknown>)
  .filter((s) => s.datasetId === 'quad-2026'); // the abuse mutates quad-2026's records

const KINDS = ['plants', 'sources', 'demand', 'prices', 'funders', 'laneRules', 'contracts'] as const;
const idsOf = (kind: (typeof KINDS)[number]) => (dataset[kind] as unknown as Array<Record<string, unknown>>).map((r) => String(r.id ?? r.product));
const fieldsOf = (kind: (typeof KINDS)[number]) => [...new Set((dataset[kind] as unknown as Array<Record<string, unknown>>).flatMap((r) => Object.keys(r)))];

const weird = (): unknown =>
  pick<() => unknown>([
    () => null,
    () => true,
    () => -1,
    () => 1e308,
    () => -1e-9,
    () => 2.5,
    () => 'ZZ',
    () => '',
    () => 'unobtainium',
    () => 'x'.repeat(300),
    () => 'bad \ud800 surrogate',
    () => 'line\n# break',
    () => [],
    () => ['ZZ'],
    () => Array.from({ length: 600 }, (_, i) => `c${i}`),
    () => ({}),
    () => ({ unknown: 1 }),
    () => ({ '2026': -5 }),
    () => ({ unobtainium: 1 }),
  ])();

/** All paths to leaves and objects of a JSON value. */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [prefix];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...paths(v, [...prefix, i])));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}

function setAt(target: Record<string, unknown>, path: Array<string | number>, value: unknown, remove = false): void {
  let node: any = target;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1]!;
  if (remove) {
    if (Array.isArray(node)) node.splice(Number(last), 1);
    else delete node[last];
  } else node[last] = value;
}

function mutate(base: Record<string, unknown>): Record<string, unknown> {
  const scenario = structuredClone(base);
  const mutations = 1 + Math.floor(random() * 3);
  for (let m = 0; m < mutations; m++) {
    const kind = pick(KINDS);
    switch (Math.floor(random() * 6)) {
      case 0: {
        const path = pick(paths(scenario).filter((p) => p.length > 0));
        setAt(scenario, path, weird());
        break;
      }
      case 1: {
        const path = pick(paths(scenario).filter((p) => p.length > 0));
        setAt(scenario, path, undefined, true);
        break;
      }
      case 2:
        scenario[pick(['surprise', 'nmae', 'overides', 'targets'])] = weird();
        break;
      case 3: {
        // An override of a real record: a real field with an odd value, or a misspelt field.
        const overrides = ((scenario.overrides as Record<string, unknown> | undefined) ?? {}) as Record<string, Record<string, unknown>>;
        const id = random() < 0.8 ? pick(idsOf(kind)) : `ghost_${Math.floor(random() * 1000)}`;
        const field = random() < 0.8 ? pick(fieldsOf(kind)) : `${pick(fieldsOf(kind))}x`;
        overrides[kind] = { ...(overrides[kind] ?? {}), [id]: { [field]: weird() } };
        scenario.overrides = overrides;
        break;
      }
      case 4: {
        // An override with a valid-looking value naming an unknown id inside a reference field.
        const overrides = ((scenario.overrides as Record<string, unknown> | undefined) ?? {}) as Record<string, Record<string, unknown>>;
        const references: Record<string, Record<string, unknown>> = {
          plants: { country: 'ZZ' },
          sources: { country: 'ZZ' },
          demand: { gradeMix: { unobtainium: 1 } },
          prices: { priceUsdPerT: { '2026': 1 } },
          funders: { eligibleCountries: ['ZZ'] },
          laneRules: { active: false },
          contracts: { plant: 'ghost' },
        };
        overrides[kind] = { ...(overrides[kind] ?? {}), [pick(idsOf(kind))]: references[kind]! };
        scenario.overrides = overrides;
        break;
      }
      default:
        scenario.name = `${String(scenario.name)} ${Math.floor(random() * 1e6)}`;
    }
  }
  return scenario;
}

function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(request));
    let data = '';
    socket.on('data', (chunk) => (data += chunk));
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
  });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'abuse-'));
  const app = await buildApp({
    datasets: new Map([['quad-2026', dataset]]),
    config: { databasePath: join(dir, 'planner.db'), logLevel: 'silent' },
    pool: false,
    webRoot: false,
    logger: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as { port: number }).port;
  const base = `http://127.0.0.1:${port}`;
  const findings: string[] = [];
  const tally = (counts: Map<number, number>, status: number) => counts.set(status, (counts.get(status) ?? 0) + 1);

  async function send(counts: Map<number, number>, label: string, url: string, init: RequestInit): Promise<void> {
    const response = await fetch(`${base}${url}`, init);
    const text = await response.text();
    tally(counts, response.status);
    if (response.status >= 500 && response.status !== 503) findings.push(`${label}: ${response.status} ${text.slice(0, 200)}`);
    if (response.status >= 400 && !/^application\/problem\+json/.test(response.headers.get('content-type') ?? ''))
      findings.push(`${label}: ${response.status} is not problem+json`);
    if (response.status >= 400 && text.length > 64_000) findings.push(`${label}: ${response.status} error body of ${text.length} bytes`);
  }

  const scenarios = new Map<number, number>();
  for (let i = 0; i < N; i++) {
    await send(scenarios, `scenario ${i}`, '/scenarios', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(mutate(pick(shipped))),
    });
  }
  const solves = new Map<number, number>();
  for (let i = 0; i < SOLVES; i++) {
    await send(solves, `solve ${i}`, '/solve', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ scenario: mutate(pick(shipped)), options: { skipBaseline: true } }),
    });
  }

  const json = { 'content-type': 'application/json' };
  const valid = JSON.stringify(shipped[0]);
  const cases: Array<[string, string, RequestInit]> = [
    ['PUT collection', '/scenarios', { method: 'PUT' }],
    ['PATCH item', `/scenarios/${'a'.repeat(64)}`, { method: 'PATCH' }],
    ['OPTIONS', '/scenarios', { method: 'OPTIONS' }],
    ['DELETE health', '/health', { method: 'DELETE' }],
    ['unknown path', '/admin', { method: 'GET' }],
    ['traversal', '/..%2f..%2fetc%2fpasswd', { method: 'GET' }],
    ['broken percent-encoding', '/scenarios/%E0%A4%A', { method: 'GET' }],
    ['NUL in path', '/scenarios/%00', { method: 'GET' }],
    ['long segment', `/scenarios/${'a'.repeat(500)}`, { method: 'GET' }],
    ['bad id', '/scenarios/not-a-hash', { method: 'GET' }],
    ['bad job id', '/jobs/123', { method: 'GET' }],
    ['bad query', '/scenarios?limit=-1', { method: 'GET' }],
    ['offset and cursor', '/scenarios?offset=1&cursor=abc', { method: 'GET' }],
    ['garbage cursor', '/scenarios?cursor=zzzz', { method: 'GET' }],
    ['bad JSON', '/scenarios', { method: 'POST', headers: json, body: '{"name": ' }],
    ['empty body', '/scenarios', { method: 'POST', headers: json, body: '' }],
    ['text body', '/scenarios', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hello' }],
    ['form body', '/scenarios', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=1' }],
    ['__proto__', '/scenarios', { method: 'POST', headers: json, body: `{"__proto__": {"x": 1}, ${valid.slice(1)}` }],
    ['constructor.prototype', '/scenarios', { method: 'POST', headers: json, body: `{"constructor": {"prototype": {"x": 1}}, ${valid.slice(1)}` }],
    ['array body', '/scenarios', { method: 'POST', headers: json, body: '[]' }],
    ['number body', '/scenarios', { method: 'POST', headers: json, body: '42' }],
    ['deep nesting', '/scenarios', { method: 'POST', headers: json, body: '['.repeat(5000) + ']'.repeat(5000) }],
    ['body over 1 MiB', '/scenarios', { method: 'POST', headers: json, body: `{"name": "${'x'.repeat(1_100_000)}"}` }],
    [
      '60,000 unknown plants',
      '/scenarios',
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ ...shipped[0], overrides: { excludePlants: Array.from({ length: 60_000 }, (_, i) => `p${i}`) } }),
      },
    ],
    [
      '10,000 targets',
      '/scenarios',
      {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          ...shipped[0],
          targets: Array.from({ length: 10_000 }, () => ({ bloc: ['US'], product: 'x', year: 2030, maxUntrustedShare: 0.5 })),
        }),
      },
    ],
    ['lone surrogate name', '/scenarios', { method: 'POST', headers: json, body: valid.replace(/"name":"[^"]*"/, '"name":"a\\udc00b"') }],
    [
      'grade mix unknown product',
      '/scenarios',
      { method: 'POST', headers: json, body: JSON.stringify({ ...shipped[0], overrides: { demand: { us_magnets: { gradeMix: { unobtainium: 1 } } } } }) },
    ],
    ['compare one', '/comparisons', { method: 'POST', headers: json, body: '{"portfolioIds": ["00000000-0000-4000-8000-000000000000"]}' }],
  ];
  const abuse = new Map<number, number>();
  for (const [label, url, init] of cases) await send(abuse, label, url, init);
  for (const [label, request] of [
    ['long URL', `GET /scenarios?x=${'a'.repeat(20_000)} HTTP/1.1\r\nHost: localhost\r\n\r\n`],
    ['large header', `GET /health HTTP/1.1\r\nHost: localhost\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['not HTTP', 'GARBAGE\r\n\r\n'],
    ['other Host (DNS rebinding)', 'GET /scenarios HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n'],
  ] as const) {
    const answer = await raw(port, request);
    const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
    tally(abuse, status);
    if (!/content-type: application\/problem\+json/i.test(answer)) findings.push(`${label}: ${status} is not problem+json`);
  }

  const stored = (await app.services.store.counts()).scenarios;
  await app.close();
  rmSync(dir, { recursive: true, force: true });
  const show = (counts: Map<number, number>) =>
    [...counts.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([s, n]) => `${s}: ${n}`)
      .join(', ');
  console.log(`mutated scenarios (POST /scenarios, n=${N}): ${show(scenarios)}`);
  console.log(`mutated inline solves (POST /solve, n=${SOLVES}, no workers: 503 = valid): ${show(solves)}`);
  console.log(`hand-made abuse cases (n=${cases.length + 4}): ${show(abuse)}`);
  console.log(`scenarios stored: ${stored}; findings: ${findings.length}`);
  for (const finding of findings) console.log(`  - ${finding}`);
  process.exitCode = findings.length ? 1 : 0;
}

await main();
