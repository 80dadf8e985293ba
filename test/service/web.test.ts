/**
 * The web interface is served at / from the service's own origin (src/routes/web.ts): the built
 * files with cache headers, problem+json for everything else, a 503 that says how to build it
 * when it is not built, and nothing of it in the OpenAPI document.
 */
import t from 'tap';
import { join } from 'node:path';
import { expectProblem } from '../helpers/app.js';
import { buildApp } from '../../src/app.js';

const built = {
  'index.html': '<!doctype html><title>planner</title><script type="module" src="/assets/index-abc123.js"></script>',
  assets: { 'index-abc123.js': 'console.log("planner")' },
};

t.test('the built pages are served at / with their assets (200)', async (t) => {
  const dir = t.testdir({ web: built });
  const app = await buildApp({ config: { databasePath: ':memory:' }, pool: false, logger: false, webRoot: join(dir, 'web') });
  t.teardown(() => app.close());
  const index = await app.inject({ method: 'GET', url: '/' });
  t.equal(index.statusCode, 200);
  t.match(index.headers['content-type'], /^text\/html/);
  t.equal(index.headers['cache-control'], 'no-cache', 'the page is revalidated');
  t.match(index.body, /<title>planner<\/title>/);
  const asset = await app.inject({ method: 'GET', url: '/assets/index-abc123.js' });
  t.equal(asset.statusCode, 200);
  t.match(asset.headers['content-type'], /javascript/);
  t.match(asset.headers['cache-control'], /immutable/, 'hashed assets are cached for good');
  expectProblem(t, await app.inject({ method: 'GET', url: '/assets/missing.js' }), 404, 'missing asset');
  expectProblem(t, await app.inject({ method: 'GET', url: '/nowhere' }), 404, 'unknown path');
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200, 'API routes are untouched');
  const document = (await app.inject({ method: 'GET', url: '/openapi.json' })).json();
  t.notOk(document.paths['/'] ?? document.paths['/*'], 'the pages are not in the OpenAPI document');
});

t.test('without built pages / says how to build them (503)', async (t) => {
  const dir = t.testdir({});
  const app = await buildApp({ config: { databasePath: ':memory:' }, pool: false, logger: false, webRoot: join(dir, 'nothing') });
  t.teardown(() => app.close());
  const problem = expectProblem(t, await app.inject({ method: 'GET', url: '/' }), 503);
  t.match(problem.detail, /npm run build:web/);
});
