/**
 * Analyses as resources through the API: a frontier is created (202), its member solves are jobs
 * of a group with stored scenarios and portfolios, it is read as JSON and Markdown; bad requests
 * are 422 naming the field with nothing stored; cancelling a running analysis cancels its member
 * solves. Runs on SQLite with the embedded queue, and on PostgreSQL with the pg-boss queue when
 * PLANNER_TEST_STORE=postgres.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { build, counts, expectProblem } from '../helpers/app.js';
import { alternativesDataset, alternativesScenario, frontierDataset, frontierScenario, stressDataset, stressScenario } from '../helpers/analysis-fixtures.js';

const faultyWorker = { module: './fixtures/faulty-worker', base: import.meta.url };
const datasets = () => new Map([['tiny', frontierDataset()]]);

async function storeScenario(app: FastifyInstance, name: string): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/scenarios', payload: { ...frontierScenario(), name } });
  return response.json().id;
}

export async function settle(app: FastifyInstance, url: string, timeoutMs = 120_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const body = (await app.inject({ method: 'GET', url })).json();
    if (body.status !== 'running' || Date.now() > deadline) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
}

t.test('a frontier is a resource with linked member solves', async (t) => {
  const app = await build(t, { solver: true, datasets: datasets() });
  const scenarioId = await storeScenario(app, 'frontier');
  const created = await app.inject({ method: 'POST', url: '/frontiers', payload: { scenarioId, from: 1, to: 0, points: 3 } });
  t.equal(created.statusCode, 202);
  const body = created.json();
  t.equal(created.headers.location, `/frontiers/${body.id}`);
  t.match(body, { kind: 'frontier', status: 'running', progress: { solvesPlanned: 3 } });
  const done = await settle(app, `/frontiers/${body.id}`);
  t.equal(done.status, 'done', 'finished');
  t.equal(done.progress.fraction, 1);
  t.equal(done.members.length, 3, 'one member solve per point');
  t.ok(
    done.members.every((m: any) => m.status === 'done' && m.portfolioId),
    'each one a stored portfolio',
  );
  t.same(
    done.result.points.map((p: any) => p.portfolioId),
    done.members.map((m: any) => m.portfolioId),
    'linked from the points',
  );
  const member = (await app.inject({ method: 'GET', url: `/jobs/${done.members[0].jobId}` })).json();
  t.equal(member.parentId, done.links.groups[0].split('/').pop(), 'a member of the analysis’ group job');
  const portfolio = (await app.inject({ method: 'GET', url: done.members[2].links.portfolio })).json();
  t.equal(portfolio.totalCostUsd, done.result.points[2].totalCostUsd);
  const markdown = await app.inject({ method: 'GET', url: `/frontiers/${body.id}?format=markdown` });
  t.match(markdown.headers['content-type'], /^text\/markdown/);
  t.match(markdown.body, /\| limit \| status \| total cost/);
  t.equal((await app.inject({ method: 'GET', url: `/stress-tests/${body.id}` })).statusCode, 404, 'a frontier is not a stress test');
});

t.test('bad requests are 422 naming the field, and start nothing', async (t) => {
  const app = await build(t, { datasets: datasets(), config: { analysisMaxSolves: 5 } });
  const scenarioId = await storeScenario(app, 'frontier');
  const before = await counts(app);
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ scenarioId, from: 1.5, to: 0, points: 3 }, 'from'],
    [{ scenarioId, from: 1, to: -0.5, points: 3 }, 'to'],
    [{ scenarioId, from: 1, to: 0, points: 6 }, 'points'],
    [{ scenarioId, targets: ['nope'], from: 1, to: 0, points: 3 }, 'targets[0]'],
    [{ scenarioId: 'a'.repeat(64), from: 1, to: 0, points: 3 }, 'scenarioId'],
  ];
  for (const [payload, path] of cases) {
    const problem = expectProblem(t, await app.inject({ method: 'POST', url: '/frontiers', payload }), 422, path);
    t.same(
      problem.errors.map((e: any) => e.path),
      [path],
    );
  }
  t.same(await counts(app), before, 'nothing stored');
});

t.test('cancelling a running analysis cancels its member solves', async (t) => {
  const app = await build(t, { solver: { size: 1, worker: faultyWorker }, datasets: datasets(), config: { solverWorkers: 1 } });
  const scenarioId = await storeScenario(app, 'hang-solving frontier');
  const body = (await app.inject({ method: 'POST', url: '/frontiers', payload: { scenarioId, from: 1, to: 0, points: 2 } })).json();
  const deadline = Date.now() + 60_000;
  let view = body;
  while (!view.members.some((m: any) => m.status === 'running') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    view = (await app.inject({ method: 'GET', url: `/frontiers/${body.id}` })).json();
  }
  t.ok(
    view.members.some((m: any) => m.status === 'running'),
    'a member solve is running',
  );
  const cancelled = await app.inject({ method: 'DELETE', url: `/frontiers/${body.id}` });
  t.equal(cancelled.statusCode, 200);
  t.equal(cancelled.json().status, 'cancelled');
  const after = await settle(app, `/frontiers/${body.id}`);
  t.equal(after.status, 'cancelled', 'stays cancelled');
  t.same(
    after.members.map((m: any) => m.status),
    ['cancelled', 'cancelled'],
    'and so are its member solves',
  );
  const group = (await app.inject({ method: 'GET', url: after.links.groups[0] })).json();
  t.equal(group.status, 'cancelled', 'with their group');
  t.equal((await app.inject({ method: 'DELETE', url: `/frontiers/${body.id}` })).json().status, 'cancelled', 'cancelling again is a no-op');
});

t.test('a stress test of a stored portfolio through the API', async (t) => {
  const app = await build(t, { solver: true, datasets: new Map([['tiny', stressDataset()]]) });
  const solved = await app.inject({ method: 'POST', url: '/solve?wait=60', payload: { scenario: stressScenario(), options: { skipBaseline: true } } });
  t.equal(solved.statusCode, 200);
  const portfolioId = solved.json().id;
  const outage = { id: 'aa_out', name: 'AA magnet plant out', kind: 'outage', fromYear: 2027, years: 3, plants: ['magnet'] };
  const bad = await app.inject({
    method: 'POST',
    url: '/stress-tests',
    payload: {
      portfolioId,
      custom: [
        { ...outage, fromYear: 2035 },
        { ...outage, id: 'x', plants: ['nope'] },
      ],
    },
  });
  t.same(
    expectProblem(t, bad, 422).errors.map((e: any) => e.path),
    ['custom[0].fromYear', 'custom[1].plants[0]'],
    'years outside the horizon, unknown ids',
  );
  t.same(
    expectProblem(t, await app.inject({ method: 'POST', url: '/stress-tests', payload: { portfolioId, disruptions: ['nope'] } }), 422).errors.map(
      (e: any) => e.path,
    ),
    ['disruptions[0]'],
  );
  const created = await app.inject({ method: 'POST', url: '/stress-tests', payload: { portfolioId, custom: [outage], members: ['AA'] } });
  t.equal(created.statusCode, 202);
  const done = await settle(app, `/stress-tests/${created.json().id}`);
  t.equal(done.status, 'done');
  t.same(
    done.members.map((m: any) => m.label),
    ['reference', 'aa_out'],
    'the reference run and one per disruption',
  );
  const row = done.result.portfolios[0].disruptions[0];
  t.match(row.members[0], { country: 'AA', timeToSurviveYears: 1, timeToRecoverYears: 3 }, 'as solved by hand (test/analysis/stress-test.test.ts)');
  t.equal(row.portfolioId, done.members[1].portfolioId, 'linked to its member portfolio');
  const member = (await app.inject({ method: 'GET', url: `/portfolios/${row.portfolioId}` })).json();
  t.same(member.builds, [], 'the member solved with the portfolio’s builds fixed (none here)');
  const markdown = await app.inject({ method: 'GET', url: `/stress-tests/${created.json().id}?format=markdown` });
  t.match(markdown.body, /AA magnet plant out/);
});

t.test('alternatives through the API: ranges linked to member portfolios; a slack ≤ 0 or too many solves is a 422', async (t) => {
  const app = await build(t, { solver: true, datasets: new Map([['tiny', alternativesDataset()]]), config: { analysisMaxSolves: 8 } });
  const scenarioId = (await app.inject({ method: 'POST', url: '/scenarios', payload: alternativesScenario() })).json().id;
  const share = { id: 'aa_share', kind: 'capacity_share', countries: ['AA'], stage: 'magnet' };
  const before = await counts(app);
  t.same(
    expectProblem(t, await app.inject({ method: 'POST', url: '/alternatives', payload: { scenarioId, slacks: [0], quantities: [share] } }), 422).errors.map(
      (e: any) => e.path,
    ),
    ['slacks[0]'],
  );
  t.same(
    expectProblem(t, await app.inject({ method: 'POST', url: '/alternatives', payload: { scenarioId, slacks: [0.02], quantities: [share] } }), 422).errors.map(
      (e: any) => e.path,
    ),
    ['quantities'],
    '1 + 2 × 6 solves is more than the cap of 8',
  );
  t.same(await counts(app), before, 'nothing stored');
  const created = await app.inject({
    method: 'POST',
    url: '/alternatives',
    payload: { scenarioId, slacks: [0.02], quantities: [{ id: 'bb', kind: 'new_capacity', countries: ['BB'] }] },
  });
  t.equal(created.statusCode, 202);
  const done = await settle(app, `/alternatives/${created.json().id}`);
  t.equal(done.status, 'done');
  t.equal(done.members.length, 3, 'the optimum, then one solve per extreme');
  const range = done.result.ranges[0];
  t.ok(range.max.value > 5.2 && range.max.value < 5.24, 'BB’s new capacity reaches 340/65 t/yr (test/analysis/alternatives.test.ts)');
  const extreme = (await app.inject({ method: 'GET', url: `/portfolios/${range.max.portfolioId}` })).json();
  t.ok(extreme.totalCostUsd <= range.maxTotalCostUsd * (1 + 1e-9), 'the extreme is a stored portfolio within the slack');
});

t.test('POST /comparisons: the input difference always; with attribution an analysis whose parts sum to the whole', async (t) => {
  const app = await build(t, { solver: true, datasets: datasets() });
  const before = frontierScenario();
  const after = { ...structuredClone(before), name: 'after', overrides: { ...before.overrides, plants: { magnet: { variableOpexUsdPerT: 1500 } } } };
  after.targets[0]!.maxUntrustedShare = 0.2;
  const solve = async (scenario: unknown) =>
    (await app.inject({ method: 'POST', url: '/solve?wait=60', payload: { scenario, options: { skipBaseline: true } } })).json().id;
  const ids = [await solve(before), await solve(after)];
  const plain = await app.inject({ method: 'POST', url: '/comparisons', payload: { portfolioIds: ids } });
  t.equal(plain.statusCode, 200);
  t.same(
    plain.json().inputDifferences[0].changes.map((c: any) => c.path),
    ['overrides.plants.magnet', 'targets[0].maxUntrustedShare'],
  );
  t.same(
    expectProblem(
      t,
      await app.inject({
        method: 'POST',
        url: '/comparisons',
        payload: { portfolioIds: [ids[0], ids[1], ids[0]].slice(0, 2).concat(['1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d']), attribution: 'auto' },
      }),
      422,
    ).errors.map((e: any) => e.path),
    ['portfolioIds'],
  );
  const created = await app.inject({ method: 'POST', url: '/comparisons', payload: { portfolioIds: ids, attribution: 'auto' } });
  t.equal(created.statusCode, 202);
  const done = await settle(app, `/comparisons/${created.json().id}`);
  t.equal(done.status, 'done');
  t.equal(done.members.length, 4, 'Shapley: 2^2 member solves');
  const a = done.result.attribution;
  t.equal(a.method, 'shapley');
  t.ok(Math.abs(a.parts.reduce((s: number, p: any) => s + p.usd, 0) - a.totalDifferenceUsd) < 1e-6, 'the parts sum to the total difference');
  t.ok(Math.abs(a.parts[1].usd - 10249.92) < 0.01, 'as solved by hand (test/analysis/explain.test.ts)');
  t.ok(done.result.costDifference.length > 0 && Array.isArray(done.result.decisionDifference));
  t.match((await app.inject({ method: 'GET', url: `/comparisons/${created.json().id}?format=markdown` })).body, /The parts sum to the difference/);
});
