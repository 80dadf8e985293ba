/**
 * Solving through the API with real worker threads: stored and inline solves, waiting and polling,
 * jobs, portfolios and their CSV export, comparisons, and deleting a scenario with its results.
 * Expected costs come from calling the engine directly, not from constants.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { parseScenario, planScenario } from '../../src/planner.js';
import { build, counts, expectProblem, testStore, waitForJob } from '../helpers/app.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

let app: FastifyInstance;
t.before(async () => {
  // Two threads: the first test checks that every thread of the pool is warm before the app is ready.
  app = await build(t, { solver: true, config: { solverWorkers: 2 } });
});

const expectedCost = async (scenario: Record<string, unknown>) => (await planScenario(parseScenario(scenario), tinyDataset())).totalCostUsd;

const createScenario = async (scenario: Record<string, unknown>) => (await app.inject({ method: 'POST', url: '/scenarios', payload: scenario })).json();

t.test('the pool is warm before the app is ready', async (t) => {
  const health = (await app.inject({ method: 'GET', url: '/health' })).json();
  if (testStore === 'postgres') {
    // A shared deployment's API runs no solver threads; the worker beside it (in this process) does.
    t.match(health, {
      status: 'ok',
      solver: { enabled: false },
      queue: { mode: 'distributed', depth: 0, running: 0, workers: [{ slots: 2, busy: 0, pid: process.pid }] },
    });
  } else {
    t.match(health, {
      status: 'ok',
      solver: { enabled: true, workers: 2, ready: 2, busy: 0, queued: 0, maxQueue: 16 },
      queue: { mode: 'embedded', workers: [{ slots: 2 }] },
    });
  }
  const version = (await app.inject({ method: 'GET', url: '/version' })).json();
  t.match(version.solvers.highs, /^\d+\.\d+/, 'HiGHS version reported by the warmed workers');
});

t.test('POST /scenarios/{id}/solve?wait= answers with the portfolio', async (t) => {
  const scenario = await createScenario(tinyScenario());
  const response = await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve?wait=600` });
  t.equal(response.statusCode, 200, 'solved within the wait');
  const portfolio = response.json();
  t.equal(portfolio.status, 'optimal');
  const engineCost = (await expectedCost(tinyScenario()))!;
  t.ok(Math.abs(portfolio.totalCostUsd - engineCost) <= 1e-9 * Math.abs(engineCost), 'the cost the engine computes (relative 1e-9)');
  t.equal(portfolio.scenarioId, scenario.id);
  t.equal(response.headers['content-location'], `/portfolios/${portfolio.id}`);
  t.equal(portfolio.baseline.status, 'optimal', 'the baseline was solved too');

  const job = (await app.inject({ method: 'GET', url: `/jobs/${portfolio.jobId}` })).json();
  t.match(job, { status: 'done', portfolioId: portfolio.id, progress: { phase: 'finished', fraction: 1 }, error: null });
  t.equal(job.links.portfolio, `/portfolios/${portfolio.id}`);
  t.ok(job.startedAt && job.finishedAt, 'start and end are recorded');
});

t.test('solving a stored scenario again with the same options returns its finished portfolio (200) unless fresh=true', async (t) => {
  const scenario = await createScenario(tinyScenario({ name: 'again' }));
  const first = (await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve?wait=30`, payload: { skipBaseline: true } })).json();
  const before = await counts(app);
  const again = await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve`, payload: { skipBaseline: true } });
  t.equal(again.statusCode, 200, 'no wait needed: the job already finished');
  t.equal(again.json().id, first.id);
  t.equal(again.headers['content-location'], `/portfolios/${first.id}`);
  t.same(await counts(app), before, 'no new job');
  t.equal(first.baseline.status, 'not_run', 'a skipped baseline says not_run');

  const other = await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve?wait=30`, payload: { skipBaseline: false } });
  t.equal(other.statusCode, 200);
  t.not(other.json().id, first.id, 'other options: another solve');
  const fresh = await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve?wait=30&fresh=true`, payload: { skipBaseline: true } });
  t.equal(fresh.statusCode, 200);
  t.not(fresh.json().id, first.id, 'fresh=true: solved again');
  t.equal(fresh.json().totalCostUsd, first.totalCostUsd, 'to the same answer');
  expectProblem(t, await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve?fresh=maybe` }), 400, 'fresh is true or false');
});

t.test('POST /scenarios/{id}/solve without wait answers 202 with the job', async (t) => {
  const scenario = await createScenario(tinyScenario({ name: 'no-wait' }));
  const response = await app.inject({
    method: 'POST',
    url: `/scenarios/${scenario.id}/solve`,
    payload: { backend: 'javascript-lp-solver', skipBaseline: true, timeLimitSeconds: 20 },
  });
  t.equal(response.statusCode, 202);
  const job = response.json();
  t.equal(response.headers.location, `/jobs/${job.id}`);
  t.match(job.status, /^(queued|running)$/);
  t.match(job.options, { backend: 'javascript-lp-solver', skipBaseline: true, timeLimitSeconds: 20, algorithm: 'auto' }, 'options override the scenario');

  const done = await waitForJob(app, job.id);
  t.equal(done.status, 'done');
  const portfolio = (await app.inject({ method: 'GET', url: done.links.portfolio })).json();
  t.equal(portfolio.solver.name, 'javascript-lp-solver', 'the requested backend solved it');
  t.equal(portfolio.baseline.totalCostUsd, null, 'no baseline when skipped');
  const highsCost = (await expectedCost(tinyScenario()))!;
  t.ok(
    Math.abs(portfolio.totalCostUsd - highsCost) <= 1e-8 * Math.max(1, Math.abs(highsCost)),
    `same optimum (relative 1e-8) as HiGHS: ${portfolio.totalCostUsd} vs ${highsCost}`,
  );
});

t.test('solve options are validated; unknown scenarios are 404', async (t) => {
  const scenario = await createScenario(tinyScenario({ name: 'options' }));
  const before = await counts(app);
  for (const [payload, path] of [
    [{ timeLimitSeconds: 0 }, 'timeLimitSeconds'],
    [{ backend: 'cplex' }, 'backend'],
    [{ turbo: true }, 'turbo'],
    [[1, 2], '(root)'],
  ] as const) {
    const problem = expectProblem(
      t,
      await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve`, payload: payload as object }),
      400,
      JSON.stringify(payload),
    );
    t.same(
      problem.errors.map((e: { path: string }) => e.path),
      [path],
    );
  }
  const badWait = expectProblem(t, await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve?wait=forever` }), 400, 'wait');
  t.same(
    badWait.errors.map((e: { path: string; in: string }) => [e.path, e.in]),
    [['wait', 'query']],
  );
  expectProblem(t, await app.inject({ method: 'POST', url: `/scenarios/${'0'.repeat(64)}/solve` }), 404, 'unknown scenario');
  expectProblem(t, await app.inject({ method: 'POST', url: '/scenarios/zzz/solve' }), 400, 'malformed id');
  expectProblem(
    t,
    await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve`, headers: { 'content-type': 'text/csv' }, payload: 'a,b' }),
    415,
    'media type',
  );
  const big = JSON.stringify({ backend: 'highs', pad: 'x'.repeat(1024 * 1024) });
  expectProblem(
    t,
    await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve`, headers: { 'content-type': 'application/json' }, payload: big }),
    413,
    'too large',
  );
  t.same(await counts(app), before, 'no job was created');
});

t.test('POST /solve stores and solves an inline scenario', async (t) => {
  const scenario = tinyScenario({ name: 'inline' });
  const response = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario, options: { timeLimitSeconds: 30 } } });
  t.equal(response.statusCode, 200);
  const portfolio = response.json();
  t.equal(portfolio.totalCostUsd, await expectedCost(scenario));
  const stored = (await app.inject({ method: 'GET', url: `/scenarios/${portfolio.scenarioId}` })).json();
  t.equal(stored.name, 'inline', 'the scenario was stored on the way');

  const again = await app.inject({ method: 'POST', url: '/solve', payload: { scenario, options: { timeLimitSeconds: 30 } } });
  t.equal(again.statusCode, 200, 'the same scenario and options again: the finished portfolio at once, without waiting');
  t.equal(again.json().id, portfolio.id, 'the existing portfolio');

  const accepted = await app.inject({ method: 'POST', url: '/solve?fresh=true', payload: { scenario, options: { timeLimitSeconds: 30 } } });
  t.equal(accepted.statusCode, 202, 'fresh=true: a new job');
  t.not(accepted.json().id, portfolio.jobId);
  t.equal(accepted.json().scenarioId, portfolio.scenarioId, 'same content, same scenario');
  await waitForJob(app, accepted.json().id);

  const before = await counts(app);
  const invalid = expectProblem(
    t,
    await app.inject({ method: 'POST', url: '/solve', payload: { scenario: { name: 'x' }, options: { backend: 'gurobi' } } }),
    400,
  );
  t.same(invalid.errors.map((e: { path: string }) => e.path).sort(), ['options.backend', 'scenario.horizon']);
  const unknown = expectProblem(
    t,
    await app.inject({ method: 'POST', url: '/solve', payload: { scenario: tinyScenario({ trustedCountries: ['AA', 'QQ'] }) } }),
    422,
  );
  t.same(
    unknown.errors.map((e: { path: string }) => e.path),
    ['scenario.trustedCountries[1]'],
    'paths point into the request body',
  );
  expectProblem(t, await app.inject({ method: 'POST', url: '/solve', headers: { 'content-type': 'application/xml' }, payload: '<x/>' }), 415);
  const big = JSON.stringify({ scenario: tinyScenario({ description: 'x'.repeat(1024 * 1024) }) });
  expectProblem(t, await app.inject({ method: 'POST', url: '/solve', headers: { 'content-type': 'application/json' }, payload: big }), 413);
  t.same(await counts(app), before, 'rejected requests change nothing');
});

t.test('GET /jobs/{id} and DELETE /jobs/{id}', async (t) => {
  const missing = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
  expectProblem(t, await app.inject({ method: 'GET', url: `/jobs/${missing}` }), 404, 'unknown job');
  expectProblem(t, await app.inject({ method: 'GET', url: '/jobs/7' }), 400, 'malformed job id');
  expectProblem(t, await app.inject({ method: 'DELETE', url: `/jobs/${missing}` }), 404, 'cancel unknown job');
  expectProblem(t, await app.inject({ method: 'DELETE', url: '/jobs/7' }), 400, 'cancel malformed job id');

  const scenario = await createScenario(tinyScenario({ name: 'finished' }));
  const portfolio = (await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve?wait=600` })).json();
  const conflict = expectProblem(t, await app.inject({ method: 'DELETE', url: `/jobs/${portfolio.jobId}` }), 409, 'cancel a finished job');
  t.match(conflict.detail, /already finished/);
});

t.test('portfolios: list, filter, read, export', async (t) => {
  const a = await createScenario(tinyScenario({ name: 'pa' }));
  const b = await createScenario(tinyScenario({ name: 'pb' }));
  const pa = (await app.inject({ method: 'POST', url: `/scenarios/${a.id}/solve?wait=600` })).json();
  const pb = (await app.inject({ method: 'POST', url: `/scenarios/${b.id}/solve?wait=600` })).json();

  const all = (await app.inject({ method: 'GET', url: '/portfolios?limit=100' })).json();
  t.ok(all.items.some((p: { id: string }) => p.id === pa.id) && all.items.some((p: { id: string }) => p.id === pb.id), 'both listed');
  t.equal(all.items[0].id, pb.id, 'newest first');
  const onlyA = (await app.inject({ method: 'GET', url: `/portfolios?scenarioId=${a.id}` })).json();
  t.same(
    onlyA.items.map((p: { id: string }) => p.id),
    [pa.id],
    'filtered by scenario',
  );
  t.match(onlyA.items[0], { scenarioName: 'pa', datasetId: 'tiny', status: 'optimal', totalCostUsd: pa.totalCostUsd });
  const firstPage = (await app.inject({ method: 'GET', url: '/portfolios?limit=1' })).json();
  const secondPage = (await app.inject({ method: 'GET', url: `/portfolios?limit=1&cursor=${firstPage.nextCursor}` })).json();
  t.not(secondPage.items[0].id, firstPage.items[0].id, 'cursor paging');
  expectProblem(t, await app.inject({ method: 'GET', url: '/portfolios?scenarioId=nope' }), 400, 'bad filter');
  expectProblem(t, await app.inject({ method: 'GET', url: '/portfolios?cursor=%21' }), 400, 'bad cursor');

  const got = (await app.inject({ method: 'GET', url: `/portfolios/${pa.id}` })).json();
  t.same(got, pa, 'the stored portfolio is the one the solve returned');
  expectProblem(t, await app.inject({ method: 'GET', url: '/portfolios/3fa85f64-5717-4562-b3fc-2c963f66afa6' }), 404, 'unknown portfolio');
  expectProblem(t, await app.inject({ method: 'GET', url: '/portfolios/abc' }), 400, 'malformed portfolio id');

  const csv = await app.inject({ method: 'GET', url: `/portfolios/${pa.id}/export?format=csv` });
  t.equal(csv.statusCode, 200);
  t.match(csv.headers['content-type'], /^text\/csv/);
  t.match(csv.headers['content-disposition'], /attachment; filename="portfolio-.*-all\.csv"/);
  const lines = csv.body.trimEnd().split('\r\n');
  t.match(lines[0], /^record,plant,/);
  t.equal(lines.length, 1 + pa.builds.length + pa.flows.length, 'one line per build and flow');
  const flows = (await app.inject({ method: 'GET', url: `/portfolios/${pa.id}/export?format=csv&table=flows` })).body.trimEnd().split('\r\n');
  t.equal(flows[0], 'kind,product,origin,from,to,year,tonnes,source,plant');
  t.equal(flows.length, 1 + pa.flows.length);
  const builds = (await app.inject({ method: 'GET', url: `/portfolios/${pa.id}/export?format=csv&table=builds` })).body.trimEnd().split('\r\n');
  t.match(builds[0], /^plant,name,country,stage,status,buildYear/);
  const noFormat = expectProblem(t, await app.inject({ method: 'GET', url: `/portfolios/${pa.id}/export` }), 400, 'format is required');
  t.same(
    noFormat.errors.map((e: { path: string }) => e.path),
    ['format'],
  );
  expectProblem(t, await app.inject({ method: 'GET', url: `/portfolios/${pa.id}/export?format=xlsx` }), 400, 'unknown format');
  expectProblem(t, await app.inject({ method: 'GET', url: '/portfolios/3fa85f64-5717-4562-b3fc-2c963f66afa6/export?format=csv' }), 404, 'export unknown');
});

t.test('POST /comparisons', async (t) => {
  // A second scenario with twice the demand: it must cost more than the first.
  const base = await createScenario(tinyScenario({ name: 'cmp-base' }));
  const more = await createScenario(tinyScenario({ name: 'cmp-more', overrides: { demand: { aa_mag: { baseTonnes: 20 } } } }));
  const p1 = (await app.inject({ method: 'POST', url: `/scenarios/${base.id}/solve?wait=600` })).json();
  const p2 = (await app.inject({ method: 'POST', url: `/scenarios/${more.id}/solve?wait=600` })).json();
  const response = await app.inject({ method: 'POST', url: '/comparisons', payload: { portfolioIds: [p1.id, p2.id] } });
  t.equal(response.statusCode, 200);
  const comparison = response.json();
  t.same(
    comparison.portfolios.map((p: { id: string }) => p.id),
    [p1.id, p2.id],
  );
  t.equal(comparison.totals[0].deltaUsd, 0);
  t.equal(comparison.totals[1].deltaUsd, p2.totalCostUsd - p1.totalCostUsd);
  t.ok(comparison.totals[1].deltaUsd > 0, 'more demand costs more');

  const missing = '3fa85f64-5717-4562-b3fc-2c963f66afa6';
  const unknown = expectProblem(t, await app.inject({ method: 'POST', url: '/comparisons', payload: { portfolioIds: [p1.id, missing] } }), 422);
  t.same(
    unknown.errors.map((e: { path: string }) => e.path),
    ['portfolioIds[1]'],
  );
  for (const payload of [{ portfolioIds: [p1.id] }, { portfolioIds: [p1.id, p1.id] }, { portfolioIds: [p1.id, 'x'] }, {}]) {
    const problem = expectProblem(t, await app.inject({ method: 'POST', url: '/comparisons', payload }), 400, JSON.stringify(payload));
    t.match(problem.errors[0].path, /^portfolioIds/);
  }
  expectProblem(t, await app.inject({ method: 'POST', url: '/comparisons', headers: { 'content-type': 'text/plain' }, payload: 'x' }), 415);
  expectProblem(
    t,
    await app.inject({
      method: 'POST',
      url: '/comparisons',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ portfolioIds: ['x'.repeat(1024 * 1024)] }),
    }),
    413,
  );
});

t.test('DELETE /scenarios/{id} removes its jobs and portfolios', async (t) => {
  const scenario = await createScenario(tinyScenario({ name: 'to-delete' }));
  const portfolio = (await app.inject({ method: 'POST', url: `/scenarios/${scenario.id}/solve?wait=600` })).json();
  const before = await counts(app);
  t.equal((await app.inject({ method: 'DELETE', url: `/scenarios/${scenario.id}` })).statusCode, 204);
  expectProblem(t, await app.inject({ method: 'GET', url: `/portfolios/${portfolio.id}` }), 404, 'portfolio gone');
  expectProblem(t, await app.inject({ method: 'GET', url: `/jobs/${portfolio.jobId}` }), 404, 'job gone');
  t.same(await counts(app), { ...before, scenarios: before.scenarios - 1, jobs: before.jobs - 1, portfolios: before.portfolios - 1 });
});
