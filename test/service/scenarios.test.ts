/**
 * Scenario routes without solving: create (201, then 200 for the same content), validation (400),
 * unknown ids (422), body limit (413), media type (415), listing with offset and cursor, read,
 * delete. Every rejected request is checked to leave the database as it was.
 */
import t from 'tap';
import { build, counts, expectProblem } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

const ID = /^[0-9a-f]{64}$/;

t.test('POST /scenarios stores a scenario once per content', async (t) => {
  const app = await build(t);
  const first = await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario() });
  t.equal(first.statusCode, 201);
  const record = first.json();
  t.match(record.id, ID, 'the id is a SHA-256');
  t.equal(first.headers.location, `/scenarios/${record.id}`, 'Location points at the record');
  t.equal(record.scenario.solver.backend, 'highs', 'defaults are filled in');
  t.match(first.headers['x-request-id'], /.+/, 'every answer carries its request id');

  const again = await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario() });
  t.equal(again.statusCode, 200, 'the same content answers 200');
  t.equal(again.json().id, record.id, 'with the stored record');
  t.notOk(again.headers.location, 'and no Location');

  // Spelling out a default, and a different key order, is still the same scenario.
  const explicit = await app.inject({
    method: 'POST',
    url: '/scenarios',
    payload: { horizon: { endYear: 2026, startYear: 2026 }, capexPublicShare: 0, targets: [], datasetId: 'tiny', name: 'tiny' },
  });
  t.equal(explicit.statusCode, 200);
  t.equal(explicit.json().id, record.id, 'canonical JSON ignores key order and explicit defaults');

  const other = await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario({ name: 'other' }) });
  t.equal(other.statusCode, 201);
  t.not(other.json().id, record.id, 'different content, different id');
  t.same(await counts(app), { scenarios: 2, jobs: 0, portfolios: 0, analyses: 0 });
});

t.test('POST /scenarios rejects malformed scenarios with every failing field', async (t) => {
  const app = await build(t);
  const before = await counts(app);
  const response = await app.inject({
    method: 'POST',
    url: '/scenarios',
    payload: { name: '', horizon: { startYear: 2030, endYear: 2020 }, targets: [{ bloc: [], product: 'x', year: 'soon', maxUntrustedShare: 2 }], extra: true },
  });
  const problem = expectProblem(t, response, 400);
  t.equal(problem.type, '/problems/validation');
  const paths = problem.errors.map((e: { path: string }) => e.path).sort();
  t.same(
    paths,
    ['extra', 'horizon.endYear', 'name', 'targets[0].bloc', 'targets[0].maxUntrustedShare', 'targets[0].year'].sort(),
    'each failing field is named',
  );
  t.ok(
    problem.errors.every((e: { in: string; message: string }) => e.in === 'body' && e.message.length > 0),
    'with where and why',
  );
  t.same(await counts(app), before, 'nothing was stored');
});

t.test('POST /scenarios rejects bodies that are not a JSON object', async (t) => {
  const app = await build(t);
  const cases = [
    { label: 'malformed JSON', payload: '{"name": ', headers: { 'content-type': 'application/json' }, status: 400 },
    { label: 'empty JSON body', payload: '', headers: { 'content-type': 'application/json' }, status: 400 },
    { label: 'no body', payload: undefined, headers: {}, status: 400 },
    { label: 'an array', payload: '[]', headers: { 'content-type': 'application/json' }, status: 400 },
    { label: 'prototype poisoning', payload: '{"__proto__": {"x": 1}, "name": "a"}', headers: { 'content-type': 'application/json' }, status: 400 },
    { label: 'plain text', payload: 'name=tiny', headers: { 'content-type': 'text/plain' }, status: 415 },
    { label: 'XML', payload: '<scenario/>', headers: { 'content-type': 'application/xml' }, status: 415 },
  ];
  for (const c of cases) {
    const response = await app.inject({ method: 'POST', url: '/scenarios', headers: c.headers, ...(c.payload === undefined ? {} : { payload: c.payload }) });
    const problem = expectProblem(t, response, c.status, c.label);
    if (c.status === 400) t.ok(problem.errors?.length, `${c.label}: names what is wrong`);
  }
  t.same((await counts(app)).scenarios, 0);
});

t.test('POST /scenarios answers 413 above the 1 MiB body limit', async (t) => {
  const app = await build(t);
  const payload = JSON.stringify(tinyScenario({ description: 'x'.repeat(1024 * 1024) }));
  const problem = expectProblem(t, await app.inject({ method: 'POST', url: '/scenarios', headers: { 'content-type': 'application/json' }, payload }), 413);
  t.equal(problem.type, '/problems/payload-too-large');
  t.same((await counts(app)).scenarios, 0);
});

t.test('POST /scenarios answers 422 naming ids the dataset does not know', async (t) => {
  const app = await build(t);
  const unknownDataset = expectProblem(t, await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario({ datasetId: 'atlantis' }) }), 422);
  t.same(
    unknownDataset.errors.map((e: { path: string }) => e.path),
    ['datasetId'],
  );
  t.match(unknownDataset.errors[0].message, /atlantis/);

  const unknownIds = expectProblem(
    t,
    await app.inject({
      method: 'POST',
      url: '/scenarios',
      payload: tinyScenario({
        overrides: { excludePlants: ['sep', 'ghost_plant'] },
        targets: [{ bloc: ['AA', 'ZZ'], product: 'unobtainium', year: 2026, maxUntrustedShare: 0.5 }],
        budgets: [{ funder: 'nobody' }],
      }),
    }),
    422,
  );
  t.equal(unknownIds.type, '/problems/unknown-reference');
  const paths = unknownIds.errors.map((e: { path: string }) => e.path).sort();
  t.same(paths, ['budgets[0].funder', 'overrides.excludePlants[1]', 'targets[0].bloc[1]', 'targets[0].product'].sort());
  t.match(unknownIds.errors.find((e: { path: string }) => e.path === 'overrides.excludePlants[1]').message, /ghost_plant/);
  t.same((await counts(app)).scenarios, 0, 'nothing was stored');
});

t.test('POST /scenarios answers 422 naming bad instrument fields (issue 15)', async (t) => {
  const app = await build(t);
  const problem = expectProblem(
    t,
    await app.inject({
      method: 'POST',
      url: '/scenarios',
      payload: tinyScenario({
        floors: { enabled: true, maxFloorUsdPerT: 1000, caps: [{ plant: 'magnet', maxFloorUsdPerT: 5000 }] },
        stockpiles: [{ holder: 'nobody', product: 'unobtainium', maxStockT: 10 }],
        recycling: { enabled: true, paths: [{ country: 'AA', product: 'ox', kind: 'swarf', tonnesPerYear: { '2026': 1 } }] },
      }),
    }),
    422,
  );
  const paths = problem.errors.map((e: { path: string }) => e.path).sort();
  t.same(paths, ['floors.caps[0].maxFloorUsdPerT', 'recycling.paths[0].product', 'stockpiles[0].holder', 'stockpiles[0].product'].sort());
  const negative = expectProblem(
    t,
    await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario({ floors: { enabled: true, maxFloorUsdPerT: -1 } }) }),
    422,
  );
  t.same(
    negative.errors.map((e: { path: string }) => e.path),
    ['floors.maxFloorUsdPerT'],
    'a floor bound below zero',
  );
  t.same((await counts(app)).scenarios, 0, 'nothing was stored');
});

t.test('GET /scenarios pages with offset and with cursor', async (t) => {
  const app = await build(t);
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    ids.push((await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario({ name: `s${i}` }) })).json().id);
  }
  const newestFirst = [...ids].reverse();

  const page1 = (await app.inject({ method: 'GET', url: '/scenarios?limit=2' })).json();
  t.same(
    page1.items.map((s: { id: string }) => s.id),
    newestFirst.slice(0, 2),
  );
  t.equal(page1.total, 5);
  t.equal(page1.offset, 0);
  t.type(page1.nextCursor, 'string');

  const byOffset = (await app.inject({ method: 'GET', url: '/scenarios?limit=2&offset=2' })).json();
  t.same(
    byOffset.items.map((s: { id: string }) => s.id),
    newestFirst.slice(2, 4),
  );

  const seen: string[] = [];
  let cursor: string | null = null;
  do {
    const page: { items: Array<{ id: string }>; nextCursor: string | null; offset: number | null } = (
      await app.inject({ method: 'GET', url: `/scenarios?limit=2${cursor ? `&cursor=${cursor}` : ''}` })
    ).json();
    seen.push(...page.items.map((s) => s.id));
    if (cursor) t.equal(page.offset, null, 'a cursor page has no offset');
    cursor = page.nextCursor;
  } while (cursor);
  t.same(seen, newestFirst, 'following cursors visits every scenario once');

  t.equal((await app.inject({ method: 'GET', url: '/scenarios' })).json().limit, 20, 'default page size');

  for (const [query, path] of [
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=ten', 'limit'],
    ['offset=-1', 'offset'],
    ['offset=1&cursor=czE', 'cursor'],
    ['cursor=not*a*cursor', 'cursor'],
    ['cursor=bm9wZQ', 'cursor'],
    ['colour=blue', 'colour'],
  ] as const) {
    const problem = expectProblem(t, await app.inject({ method: 'GET', url: `/scenarios?${query}` }), 400, query);
    t.ok(
      problem.errors.some((e: { path: string; in: string }) => e.path === path && e.in === 'query'),
      `${query} names ${path}`,
    );
  }
});

t.test('GET and DELETE /scenarios/{id}', async (t) => {
  const app = await build(t);
  const created = (await app.inject({ method: 'POST', url: '/scenarios', payload: tinyScenario() })).json();

  const got = await app.inject({ method: 'GET', url: `/scenarios/${created.id}` });
  t.equal(got.statusCode, 200);
  t.same(got.json(), created, 'reads back what was stored');

  const missing = 'f'.repeat(64);
  expectProblem(t, await app.inject({ method: 'GET', url: `/scenarios/${missing}` }), 404, 'GET unknown');
  const bad = expectProblem(t, await app.inject({ method: 'GET', url: '/scenarios/not-a-hash' }), 400, 'GET malformed id');
  t.same(
    bad.errors.map((e: { path: string; in: string }) => [e.path, e.in]),
    [['id', 'params']],
  );

  const deleted = await app.inject({ method: 'DELETE', url: `/scenarios/${created.id}` });
  t.equal(deleted.statusCode, 204);
  t.equal(deleted.body, '');
  expectProblem(t, await app.inject({ method: 'GET', url: `/scenarios/${created.id}` }), 404, 'gone after delete');
  expectProblem(t, await app.inject({ method: 'DELETE', url: `/scenarios/${created.id}` }), 404, 'DELETE twice');
  expectProblem(t, await app.inject({ method: 'DELETE', url: '/scenarios/XYZ' }), 400, 'DELETE malformed id');
  t.same((await counts(app)).scenarios, 0);
});
