/** GET /portfolios/{id}/report: JSON as stored with the portfolio, Markdown rendered from it, and its errors. */
import { BroadcastChannel } from 'node:worker_threads';
import t from 'tap';
import { parseScenario, planWithReport } from '../../src/planner.js';
import { ReportSchema } from '../../src/schemas/report.js';
import { build, counts, expectProblem, waitForJob } from '../helpers/app.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

t.test('a solved portfolio has a report in JSON and Markdown', async (t) => {
  const app = await build(t, { solver: true });
  const scenario = tinyScenario({
    horizon: { startYear: 2026, endYear: 2027 },
    targets: [{ id: 'zero', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0, penaltyUsdPerT: 1000 }],
  });
  const solved = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario } });
  t.equal(solved.statusCode, 200, 'solved within the wait');
  const id = solved.json().id as string;

  // The sections that need extra solves follow the answer: wait for them, so the two Markdown
  // renderings below read the same, complete report.
  const json = await app.inject({ method: 'GET', url: `/portfolios/${id}/report?wait=600` });
  t.equal(json.statusCode, 200);
  t.equal(json.json().extras?.status, 'complete', 'the extra sections are complete');
  t.match(json.headers['content-type'], /^application\/json/);
  const report = json.json();
  const parsed = ReportSchema.safeParse(report);
  t.ok(parsed.success, 'the stored report matches its schema', parsed.success ? {} : { issues: parsed.error.issues.slice(0, 3) });
  t.equal(report.status, 'optimal');
  t.ok(
    Math.abs(report.duals.primalObjective - report.duals.dualObjective) <= 1e-6 * Math.max(1, Math.abs(report.duals.primalObjective)),
    'strong duality in the served report',
  );
  t.equal(report.totalCostUsd, solved.json().totalCostUsd, 'same cost as the portfolio');

  const md = await app.inject({ method: 'GET', url: `/portfolios/${id}/report?format=markdown` });
  t.equal(md.statusCode, 200);
  t.match(md.headers['content-type'], /^text\/markdown/);
  t.match(md.body, /^# tiny/);
  t.match(md.body, '## Marginal values');
  const markdown = await app.inject({ method: 'GET', url: `/portfolios/${id}/report.md` });
  t.equal(markdown.statusCode, 200);
  t.match(markdown.headers['content-type'], /^text\/markdown/);
  t.equal(markdown.body, md.body, 'report.md is the same Markdown');
});

t.test('report errors are problems and change nothing', async (t) => {
  const app = await build(t);
  const before = await counts(app);
  expectProblem(t, await app.inject({ method: 'GET', url: '/portfolios/00000000-0000-4000-8000-000000000000/report' }), 404, 'unknown portfolio');
  const bad = expectProblem(
    t,
    await app.inject({ method: 'GET', url: '/portfolios/00000000-0000-4000-8000-000000000000/report?format=pdf' }),
    400,
    'unknown format',
  );
  t.match(JSON.stringify(bad.errors), 'format');
  expectProblem(t, await app.inject({ method: 'GET', url: '/portfolios/42/report' }), 400, 'malformed id');
  t.same(await counts(app), before, 'no rows changed');
});

// ---------------------------------------------------------------------------------------------
// The sections that need extra solves come after the answer (issue 13). The test worker
// (fixtures/faulty-worker.ts) holds them until released, or fails or crashes in them, on cue.
// ---------------------------------------------------------------------------------------------

const faultyWorker = { module: './fixtures/faulty-worker', base: import.meta.url };
/** fixtures/faulty-worker.ts's EXTRAS_CHANNEL (that module starts a worker loop when imported). */
const EXTRAS_CHANNEL = 'planner-test-release-extras';
const EXTRA_SECTIONS = ['reducedCosts', 'diagnosis', 'targetPoints'] as const;

/**
 * A case whose report has every extra section: AA's magnet plant is a candidate a year away, so in
 * 2026 its magnets come from the rival and its soft target is left short (a diagnosis); the
 * target gets whole-point costs; BB's candidate stays unbuilt (a reduced-cost probe).
 */
const expansion = (capex: number) => ({ capexUsdPerTpa: capex, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 1, earliestStartYear: 2026, lifetimeYears: 5 });
const plant = (id: string, country: string, extra: Record<string, unknown>) => ({
  id,
  name: id,
  stage: 'magnet',
  country,
  fixedOpexUsdPerTpaYear: 0,
  variableOpexUsdPerT: 1000,
  processes: ['mag_from_met'],
  source: [{ title: 'test fixture' }],
  estimate: false,
  ...extra,
});
const shortDataset = () =>
  tinyDataset({
    plants: { magnet: { status: 'candidate', existingCapacityTpa: { '2026': 0 }, expansion: expansion(100) } },
    add: {
      plants: [
        plant('magnet_bb', 'BB', { status: 'candidate', existingCapacityTpa: { '2026': 0 }, expansion: expansion(150) }),
        plant('magnet_cn', 'CN', { status: 'operating', existingCapacityTpa: { '2026': 1000 } }),
      ],
    },
  });
const shortScenario = (name: string) =>
  tinyScenario({
    name,
    horizon: { startYear: 2026, endYear: 2027 },
    targets: [{ id: 'zero', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0, penaltyUsdPerT: 1000 }],
  });
const shortApp = (t: Parameters<typeof build>[0], setupLimitSeconds?: number) =>
  build(t, { solver: { worker: faultyWorker, ...(setupLimitSeconds ? { setupLimitSeconds } : {}) }, datasets: new Map([['tiny', shortDataset()]]) });
const release = (name: string) => {
  const channel = new BroadcastChannel(EXTRAS_CHANNEL);
  channel.postMessage(name);
  channel.close();
};

t.test("POST /solve?wait= answers before the report's extra sections; GET …/report?wait= gives them as planWithReport does", async (t) => {
  const app = await shortApp(t);
  const scenario = shortScenario('extras-hold short of its target');
  const solved = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario } });
  t.equal(solved.statusCode, 200, 'the portfolio is answered while the extras are held');
  const id = solved.json().id as string;

  const pending = (await app.inject({ method: 'GET', url: `/portfolios/${id}/report` })).json();
  t.ok(ReportSchema.safeParse(pending).success, 'the core report matches its schema');
  t.same(pending.extras, { status: 'pending' }, 'its extras are pending');
  t.same([pending.reducedCosts, pending.diagnosis, pending.targetPoints], [[], null, []], 'the extra sections are empty until they come');
  t.ok(pending.marginalValues && pending.binding.length > 0, 'duals and binding limits are there at once');
  const md = await app.inject({ method: 'GET', url: `/portfolios/${id}/report.md` });
  t.match(md.body, /extra solves .* are pending/, 'the Markdown says the extra sections are pending');
  t.match(md.body, /## Why the targets are not met\n\n_The diagnosis is pending/, 'where the diagnosis will be');

  release(scenario.name);
  const answer = await app.inject({ method: 'GET', url: `/portfolios/${id}/report?wait=600` });
  t.equal(answer.statusCode, 200);
  const whole = answer.json();
  t.ok(ReportSchema.safeParse(whole).success, 'the whole report matches its schema');
  t.same(whole.extras, { status: 'complete' }, 'its extras are complete');

  const local = await planWithReport(parseScenario(scenario), shortDataset());
  t.ok(local.report.diagnosis && local.report.targetPoints.length > 0 && local.report.reducedCosts.length > 0, 'the scenario has every extra section');
  for (const section of EXTRA_SECTIONS) t.same(whole[section], local.report[section], `${section}: as planWithReport computes it in process`);
  const { extras: _extras, ...rest } = whole;
  t.same(rest, JSON.parse(JSON.stringify(local.report)), 'the whole report is the in-process one with its extras state');
  t.notMatch((await app.inject({ method: 'GET', url: `/portfolios/${id}/report.md` })).body, /pending/, 'the Markdown no longer says pending');
});

t.test("a failure or crash in the report's extra sections keeps the core report, marked failed", async (t) => {
  const app = await shortApp(t);
  for (const [name, why] of [
    ['extras-fail short', /deliberate extras failure for a test/],
    ['extras-crash short', /crashed computing the report's extra sections/],
  ] as const) {
    const solved = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: shortScenario(name) } });
    t.equal(solved.statusCode, 200, `${name}: the portfolio is answered`);
    const id = solved.json().id as string;
    const report = (await app.inject({ method: 'GET', url: `/portfolios/${id}/report?wait=600` })).json();
    t.ok(ReportSchema.safeParse(report).success, `${name}: the report matches its schema`);
    t.equal(report.extras.status, 'failed', `${name}: extras failed`);
    t.match(report.extras.message, why, `${name}: with why`);
    t.equal(report.status, 'optimal', `${name}: the core report stands`);
    t.ok(report.marginalValues && report.binding.length > 0, `${name}: with its duals and binding limits`);
    t.same([report.reducedCosts, report.diagnosis, report.targetPoints], [[], null, []]);
    t.match((await app.inject({ method: 'GET', url: `/portfolios/${id}/report.md` })).body, /are not available: /, `${name}: the Markdown says so`);
  }
  // The crashed worker was replaced: the next solve gets its whole report.
  const next = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: shortScenario('after the crash') } });
  t.equal(next.statusCode, 200);
  const report = (await app.inject({ method: 'GET', url: `/portfolios/${next.json().id}/report?wait=600` })).json();
  t.equal(report.extras.status, 'complete', 'the next solve has its extras');
});

t.test('a worker computing report extras is busy: the next solve waits for it, then runs', async (t) => {
  const app = await shortApp(t);
  const held = shortScenario('extras-hold first');
  t.equal((await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: held } })).statusCode, 200, 'the first solve is answered');
  const second = await app.inject({ method: 'POST', url: '/solve', payload: { scenario: shortScenario('second') } });
  t.equal(second.statusCode, 202);
  const queued = (await app.inject({ method: 'GET', url: `/jobs/${second.json().id}` })).json();
  t.equal(queued.status, 'queued', "the second waits while the only worker computes the first's extras");
  release(held.name);
  const job = await waitForJob(app, second.json().id);
  t.equal(job.status, 'done', 'and runs once they are done');
});

t.test('report extras that overrun their limit are stopped and marked failed', async (t) => {
  // A limit of 5 s for the phases without a solver time limit; the fixture blocks its thread in the extras.
  const app = await shortApp(t, 5);
  const solved = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario: shortScenario('extras-hang') } });
  t.equal(solved.statusCode, 200);
  const report = (await app.inject({ method: 'GET', url: `/portfolios/${solved.json().id}/report?wait=600` })).json();
  t.equal(report.extras.status, 'failed');
  t.match(report.extras.message, /ran past their limit of 5 s/);
  t.ok(report.marginalValues, 'the core report stands');
});
