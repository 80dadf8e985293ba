/**
 * The analyses' pages in a real browser (Debian's headless Chromium, playwright-core), against the
 * service on 127.0.0.1 with the frontier fixture of issue 14 (test/helpers/analysis-fixtures.ts:
 * market AA, its own magnet plant up to 6 t, BB's beyond, the rival's magnets cheapest). The test
 * stores the scenario from the scenarios page, starts a frontier from its form, waits for it, and
 * checks the cost curve, the knees and the table of points against `GET /frontiers/{id}`; a bad
 * range shows at its field; a running frontier is cancelled with its member solves. Then the
 * stress-test fixture (AA's own magnet plant, BB's as the backup): a portfolio solved from the page
 * is stress-tested beside a second one against disruptions of one's own (the dataset has no
 * library), and every score, time-to-survive and -recover, extra cost and unserved tonne on the
 * page is checked against `GET /stress-tests/{id}`. Last the alternatives fixture (10 t/yr of
 * magnets built in AA or BB): the ranges on the page are those of `GET /alternatives/{id}`. Every
 * wait is for a condition.
 */
import t, { type Test } from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { build } from '../helpers/app.js';
import { alternativesDataset, alternativesScenario, frontierDataset, frontierScenario, stressDataset, stressScenario } from '../helpers/analysis-fixtures.js';
import { launchChromium } from '../../src/scripts/browser.js';
import { projectRoot } from '../../src/data/load.js';

type Json = Record<string, any>;
const LIMIT_MS = 180_000;

const webRoot = join(projectRoot(), 'dist', 'web');
if (!existsSync(join(webRoot, 'index.html'))) {
  t.fail(`the web interface is not built in ${webRoot}: run \`npm run build:web\` (npm test does)`);
  process.exit(1);
}

/** A fixture under its own id, beside the frontier fixture (none has a disruption library). */
const datasetAs = <D extends { meta: object }>(d: D, id: string): D => ({ ...d, meta: { ...d.meta, id } });

let app: FastifyInstance;
let base: string;
let browser: Browser;
let page: Page;

t.before(async () => {
  app = await build(t, {
    datasets: new Map([
      ['tiny', frontierDataset()],
      ['stress', datasetAs(stressDataset(), 'stress')],
      ['alt', datasetAs(alternativesDataset(), 'alt')],
    ]),
    // Scenarios named `hang-solving…` block in the solve phase until cancelled (and so do the
    // frontier members made from them): a frontier long enough to watch and cancel.
    solver: { size: 2, worker: { module: '../service/fixtures/faulty-worker', base: import.meta.url } },
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  page.setDefaultTimeout(LIMIT_MS);
  page.on('pageerror', (error) => t.fail(`error in the page: ${error.message}`));
});
t.teardown(async () => {
  await browser?.close();
});

const api = async (method: 'GET' | 'POST', url: string, payload?: unknown) => {
  const response = await app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Json }) });
  return { status: response.statusCode, body: response.json() as Json };
};

async function open(hash: string, pageName: string): Promise<void> {
  await page.goto(`${base}/#${hash}`);
  await page.waitForSelector(`body[data-page="${pageName}"][data-state="ready"]`);
}

const chartOption = (id: string) =>
  page.evaluate((chartId) => JSON.parse(JSON.stringify((globalThis as any).plannerCharts.option(chartId))), id) as Promise<Json>;

/** Stores a scenario from the scenarios page, as a planner would; answers its id. */
async function storeFromPage(scenario: Json): Promise<string> {
  await open('/scenarios', 'scenarios');
  await page.fill('#scenario-json', JSON.stringify(scenario, null, 2));
  await page.click('#store-scenario');
  const stored = page.locator('#scenario-result [data-scenario]');
  await stored.waitFor();
  return (await stored.getAttribute('data-scenario'))!;
}

async function startFrontier(t: Test, scenarioId: string, range: { from: string; to: string; points: string }): Promise<void> {
  await open(`/frontiers?scenario=${scenarioId}`, 'frontiers');
  t.equal(await page.inputValue('#frontier-scenario'), scenarioId, 'the scenario asked for is selected');
  await page.waitForSelector('#frontier-targets input[data-target]');
  await page.fill('#frontier-from', range.from);
  await page.fill('#frontier-to', range.to);
  await page.fill('#frontier-points', range.points);
  await page.click('#start-frontier');
}

let scenarioId = '';

t.test('a bad range is shown at its field and starts nothing', async (t) => {
  scenarioId = await storeFromPage({ ...frontierScenario(), name: 'Frontier fixture' });
  t.equal(await page.locator('#scenario-list a[href^="#/frontiers?scenario="]').count(), 1, 'the scenario list links to its frontier');
  await startFrontier(t, scenarioId, { from: '150', to: '0', points: '3' });
  await page.waitForSelector('#frontier-problems .error');
  const reference = await api('POST', '/frontiers', { scenarioId, from: 1.5, to: 0, points: 3 });
  t.equal(reference.status, 422);
  t.equal(await page.getAttribute('#frontier-from', 'aria-invalid'), 'true', 'the loosest limit is marked');
  t.equal((await page.textContent('[data-error-for="from"]'))?.trim(), reference.body.errors[0].message, 'with the service’s message');
  t.equal(await page.locator('body[data-page="frontiers"]').count(), 1, 'still on the form');
});

t.test('a frontier runs from its form and its curve is the API’s', async (t) => {
  await startFrontier(t, scenarioId, { from: '100', to: '0', points: '6' });
  await page.waitForSelector('body[data-page="frontier"][data-state="ready"]');
  const id = /#\/frontiers\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await page.waitForSelector(`#analysis-status[data-analysis="${id}"][data-status="done"]`);
  await page.waitForSelector('#frontier-chart[data-chart="frontier"]');
  const frontier = (await api('GET', `/frontiers/${id}`)).body;
  t.equal(frontier.status, 'done');
  t.match(frontier.request, { scenarioId, from: 1, to: 0, points: 6 }, 'the form asked for shares, not percent');
  const points = frontier.result.points as Json[];
  t.equal(points.length, 6);

  const option = await chartOption('frontier');
  const [curve, knees] = option.series as Json[];
  t.equal(curve!.name, 'Total cost');
  t.same(
    curve!.data,
    points.map((p) => [p.limit, p.totalCostUsd]),
    'every point of the curve is the API’s (limit, total cost)',
  );
  t.ok(
    points.every((p) => typeof p.totalCostUsd === 'number'),
    'every point has a cost',
  );
  t.equal(knees!.name, 'Knee');
  t.same(
    knees!.data,
    frontier.result.knees.map((k: Json) => [k.limit, points.find((p) => p.limit === k.limit)!.totalCostUsd]),
    'the knees are marked where the API puts them',
  );
  t.ok(frontier.result.knees.length >= 1, 'the fixture has a knee');
  t.equal(option.xAxis[0].inverse, true, 'tighter limits to the right');
  t.match(option.xAxis[0].name, /%/, 'the limit axis has its unit');
  t.match(option.yAxis[0].name, /USD bn/, 'the cost axis has its unit');
  t.same(option.legend[0].data, ['Total cost', 'Knee']);
  t.ok(option.title[0].text, 'the chart has a title');

  const cell = async (key: string) => page.getAttribute(`[data-cell="${key}"]`, 'data-value');
  for (const [i, p] of points.entries()) {
    t.equal(await cell(`limit:${i}`), String(p.limit), `row ${i}: limit`);
    t.equal(await cell(`cost:${i}`), String(p.totalCostUsd), `row ${i}: total cost`);
    t.equal(await cell(`per-point:${i}`), p.costPerPointUsd === null ? '' : String(p.costPerPointUsd), `row ${i}: cost per point`);
  }
  const binding = await page.locator('#points small.binding').allTextContents();
  t.same(
    binding.map((x) => x.replace(/ and \d+ more$/, '')),
    points.map((p) => (p.newlyBinding.length ? p.newlyBinding.slice(0, 3).join(', ') : p.bindingLimits.length ? 'nothing new' : '—')),
    'what each step runs into: the limits binding there and not at the looser point',
  );
  const linked = await page.locator('#points a[data-portfolio]').evaluateAll((as) => as.map((a) => (a as any).getAttribute('data-portfolio') as string));
  t.same(
    linked,
    points.map((p) => p.portfolioId),
    'each point links its member portfolio',
  );
  const knee = await page.locator('[data-knee]').evaluateAll((els) => els.map((e) => Number((e as any).getAttribute('data-knee'))));
  t.same(
    knee,
    frontier.result.knees.map((k: Json) => k.limit),
    'each knee in words',
  );
  const entering = points.flatMap((p) => p.buildsEntering.map((b: Json) => b.plant));
  for (const plant of new Set(entering)) t.ok(await page.locator(`#points td:has-text("${plant}")`).count(), `${plant} is listed as entering`);

  await page.click(`#points a[data-portfolio="${points[0]!.portfolioId}"]`);
  await page.waitForSelector('body[data-page="portfolio"][data-state="ready"]');
  t.match(await page.textContent('h1'), /frontier point/, 'a member portfolio opens on the portfolio page');

  await open('/frontiers', 'frontiers');
  t.equal(await page.locator(`a[href="#/frontiers/${id}"]`).count(), 1, 'the form lists the frontier started from this browser');
});

t.test('a running frontier shows its member solves and is cancelled with them', async (t) => {
  const hanging = await storeFromPage({ ...frontierScenario(), name: 'hang-solving frontier' });
  await startFrontier(t, hanging, { from: '100', to: '0', points: '2' });
  await page.waitForSelector('body[data-page="frontier"][data-state="ready"]');
  await page.waitForSelector('#analysis-status[data-status="running"]');
  await page.waitForSelector('li.member[data-status="running"]');
  const id = await page.getAttribute('#analysis-status', 'data-analysis');
  await page.click('#cancel-analysis');
  await page.waitForSelector(`#analysis-status[data-analysis="${id}"][data-status="cancelled"]`);
  const deadline = Date.now() + LIMIT_MS;
  let frontier = (await api('GET', `/frontiers/${id}`)).body;
  while (frontier.members.some((m: Json) => m.status === 'running' || m.status === 'queued') && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    frontier = (await api('GET', `/frontiers/${id}`)).body;
  }
  t.equal(frontier.status, 'cancelled');
  t.same(
    frontier.members.map((m: Json) => m.status),
    frontier.members.map(() => 'cancelled'),
    'its member solves are cancelled',
  );
  t.equal(await page.locator('#frontier-chart').count(), 0, 'no curve for a cancelled frontier');
});

t.test('a stress test runs from its form; its scores and unserved demand are the API’s', async (t) => {
  await open('/scenarios', 'scenarios');
  await page.fill('#scenario-json', JSON.stringify({ ...stressScenario(), datasetId: 'stress', name: 'Stress fixture' }, null, 2));
  await page.click('#store-and-solve');
  const link = page.locator('.job a[data-portfolio]');
  await link.waitFor();
  const a = (await link.getAttribute('data-portfolio'))!;
  const solvedB = await api('POST', '/solve?wait=60', {
    scenario: { ...stressScenario(), datasetId: 'stress', name: 'Stress fixture, again' },
    options: { skipBaseline: true },
  });
  t.equal(solvedB.status, 200);
  const b = solvedB.body.id as string;

  const outage = (id: string, plant: string, extra: Json = {}) => ({
    id,
    name: `${plant} out`,
    kind: 'outage',
    fromYear: 2027,
    years: 3,
    plants: [plant],
    ...extra,
  });
  const fill = async (custom: unknown[]) => {
    await open(`/stress-tests?portfolio=${a}`, 'stress-tests');
    t.equal(await page.inputValue('#stress-portfolio'), a, 'the portfolio asked for is selected');
    await page.waitForSelector('#stress-library-empty');
    await page.selectOption('#stress-compare', b);
    await page.fill('#stress-custom', JSON.stringify(custom));
    await page.fill('#stress-members', 'AA');
    await page.click('#start-stress-test');
  };

  // A disruption outside the horizon: 422 at the field, nothing started.
  await fill([outage('late', 'magnet', { fromYear: 2035 })]);
  await page.waitForSelector('#stress-problems .error');
  const reference = await api('POST', '/stress-tests', { portfolioId: a, custom: [outage('late', 'magnet', { fromYear: 2035 })], members: ['AA'] });
  t.equal(reference.status, 422);
  t.equal(await page.getAttribute('#stress-custom', 'aria-invalid'), 'true', 'the disruptions field is marked');
  t.match(await page.textContent(`[data-error-for="${reference.body.errors[0].path}"]`), reference.body.errors[0].message, 'with the service’s message');

  await fill([outage('aa_out', 'magnet'), outage('bb_out', 'magnet_bb')]);
  await page.waitForSelector('body[data-page="stress-test"][data-state="ready"]');
  const id = /#\/stress-tests\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await page.waitForSelector(`#analysis-status[data-analysis="${id}"][data-status="done"]`);
  await page.waitForSelector('#stress-0 table.stress-scores');
  const test = (await api('GET', `/stress-tests/${id}`)).body;
  t.equal(test.status, 'done');
  t.match(test.request, { portfolioId: a, compareWith: b, members: ['AA'] });
  const result = test.result as Json;
  t.equal(result.portfolios.length, 2, 'both portfolios');

  const cell = async (key: string) => page.getAttribute(`[data-cell="${key}"]`, 'data-value');
  const text = (v: number | null) => (v === null ? '' : String(v));
  let checked = 0;
  for (const [i, p] of (result.portfolios as Json[]).entries()) {
    t.equal(await page.getAttribute(`#stress-${i}`, 'data-portfolio'), p.portfolioId, `section ${i} is portfolio ${i + 1}`);
    t.equal(await cell(`overall:${i}`), text(p.overallScore), `${i}: overall score`);
    t.equal(await cell(`reference:${i}`), text(p.referenceCostUsd), `${i}: cost without a disruption`);
    for (const d of p.disruptions as Json[]) {
      const key = `${i}:${d.disruption}`;
      t.equal(await cell(`score:${key}`), text(d.score), `${key}: score`);
      t.equal(await cell(`extra:${key}`), text(d.extraCostUsd), `${key}: extra cost`);
      t.equal(await cell(`unserved:${key}`), text(d.unservedT), `${key}: unserved`);
      t.equal(await cell(`risk:${key}`), text(d.riskExposureIndex), `${key}: risk exposure`);
      for (const m of d.members as Json[]) {
        t.equal(await cell(`tts:${key}:${m.country}`), text(m.timeToSurviveYears), `${key} ${m.country}: time-to-survive`);
        t.equal(await cell(`ttr:${key}:${m.country}`), text(m.timeToRecoverYears), `${key} ${m.country}: time-to-recover`);
      }
      for (const u of d.unserved as Json[]) {
        t.equal(await cell(`unserved:${key}:${u.country}:${u.year}`), String(u.tonnes), `${key}: ${u.country} ${u.year} unserved`);
        checked++;
      }
    }
    t.equal(
      await page.locator(`#stress-${i} .unserved-table [data-cell]`).count(),
      p.disruptions.reduce((n: number, d: Json) => n + d.unserved.length, 0),
      `${i}: a cell for every unserved row, and only those`,
    );
    const short = (p.disruptions as Json[]).filter((d) => d.unserved.length);
    const years = [...new Set(short.flatMap((d) => d.unserved.map((u: Json) => u.year as number)))].sort((x, y) => x - y);
    const chart = await chartOption(`unserved-${i}`);
    t.same(chart.xAxis[0].data, years.map(String), `${i}: the chart's years`);
    t.same(
      chart.series.map((s: Json) => [s.name, s.data]),
      short.map((d) => [d.name, years.map((y) => d.unserved.filter((u: Json) => u.year === y).reduce((sum: number, u: Json) => sum + u.tonnes, 0))]),
      `${i}: the chart's bars are the API's unserved tonnes by year`,
    );
  }
  t.ok(checked >= 2, 'the outage of AA’s plant leaves demand unserved (2028 and 2029, test/analysis/stress-test.test.ts)');
  const aa = result.portfolios[0].disruptions.find((d: Json) => d.disruption === 'aa_out');
  t.match(aa.members[0], { country: 'AA', timeToSurviveYears: 1, timeToRecoverYears: 3 }, 'as solved by hand');

  t.ok(result.sideBySide, 'two portfolios side by side');
  for (const row of result.sideBySide as Json[]) {
    for (const i of [0, 1]) {
      t.equal(await cell(`side:${row.disruption}:score:${i}`), text(row.scores[i]), `side by side ${row.disruption}: score ${i}`);
      t.equal(await cell(`side:${row.disruption}:extra:${i}`), text(row.extraCostUsd[i]), `side by side ${row.disruption}: extra cost ${i}`);
      t.equal(await cell(`side:${row.disruption}:unserved:${i}`), text(row.unservedT[i]), `side by side ${row.disruption}: unserved ${i}`);
    }
  }
  const linked = await page
    .locator('#stress-0 table.stress-scores a[data-portfolio]')
    .evaluateAll((as) => as.map((x) => (x as any).getAttribute('data-portfolio') as string));
  t.same(
    linked,
    result.portfolios[0].disruptions.map((d: Json) => d.portfolioId),
    'each disruption links its member portfolio',
  );
});

t.test('alternatives run from their form; the ranges on the page are the API’s', async (t) => {
  const scenario = await storeFromPage({ ...alternativesScenario(), datasetId: 'alt', name: 'Alternatives fixture' });
  await open(`/alternatives?scenario=${scenario}`, 'alternatives-start');
  t.equal(await page.inputValue('#alt-scenario'), scenario, 'the scenario asked for is selected');
  await page.waitForFunction(() => ((globalThis as any).document.querySelector('#alt-quantities')?.value ?? '').includes('new_capacity'));
  t.match(await page.inputValue('#alt-quantities'), /public_spending/, 'quantities are suggested');
  const quantities = [
    { id: 'aa_share', kind: 'capacity_share', countries: ['AA'], stage: 'magnet' },
    { id: 'bb_magnets', kind: 'new_capacity', countries: ['BB'], stages: ['magnet'] },
  ];
  await page.fill('#alt-slacks', '2');
  await page.fill('#alt-quantities', JSON.stringify(quantities));
  await page.click('#start-alternatives');
  await page.waitForSelector('body[data-page="alternatives"][data-state="ready"]');
  const id = /#\/alternatives\/([0-9a-f-]{36})/.exec(page.url())![1]!;
  await page.waitForSelector(`#analysis-status[data-analysis="${id}"][data-status="done"]`);
  await page.waitForSelector('table.alternative-ranges');
  const alt = (await api('GET', `/alternatives/${id}`)).body;
  t.match(alt.request, { scenarioId: scenario, slacks: [0.02] }, 'the slack in % was sent as a fraction');
  const cell = async (key: string) => page.getAttribute(`[data-cell="${key}"]`, 'data-value');
  const text = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  t.equal(await cell('optimum'), text(alt.result.optimum.totalCostUsd), 'the least cost');
  t.equal(alt.result.ranges.length, 2);
  for (const r of alt.result.ranges as Json[]) {
    const key = `${r.quantity}:${r.slack}`;
    t.equal(await cell(`cap:${key}`), text(r.maxTotalCostUsd), `${key}: cost cap`);
    t.equal(await cell(`optimum:${key}`), text(r.optimumValue), `${key}: at the optimum`);
    t.equal(await cell(`min:${key}`), text(r.min?.value), `${key}: least`);
    t.equal(await cell(`max:${key}`), text(r.max?.value), `${key}: most`);
  }
  const share = alt.result.ranges.find((r: Json) => r.quantity === 'aa_share');
  t.ok(share.min.value < share.max.value, 'a share with room to move (test/analysis/alternatives.test.ts solves it by hand)');
  t.match(await page.textContent(`[data-cell="max:aa_share:0.02"]`), /%/, 'a share reads in percent');
  const linked = await page
    .locator('table.alternative-ranges a[data-portfolio]')
    .evaluateAll((as) => as.map((x) => (x as any).getAttribute('data-portfolio') as string));
  t.same(
    linked,
    (alt.result.ranges as Json[]).flatMap((r) => [r.min?.portfolioId, r.max?.portfolioId].filter(Boolean)),
    'each extreme links its portfolio',
  );
});

t.test('the comparison page explains the cost difference of two portfolios as the API does', async (t) => {
  const solve = async (limit: number) => {
    const answer = await api('POST', '/solve?wait=60', {
      scenario: { ...frontierScenario(), name: 'Explain fixture', targets: [{ ...frontierScenario().targets[0], maxUntrustedShare: limit }] },
      options: { skipBaseline: true },
    });
    t.equal(answer.status, 200, `solved with the limit at ${limit}`);
    return answer.body.id as string;
  };
  const a = await solve(1);
  const b = await solve(0.3);
  await open(`/compare?ids=${a},${b}`, 'comparison');
  await page.click('#explain');
  await page.waitForSelector('#explain-progress #analysis-status[data-status="done"]');
  await page.waitForSelector('table.attribution');
  const id = new URLSearchParams(new URL(page.url()).hash.split('?')[1]).get('explain')!;
  const explained = (await api('GET', `/comparisons/${id}`)).body;
  t.equal(explained.status, 'done');
  t.same(explained.request.portfolioIds, [a, b]);
  const attribution = explained.result.attribution as Json;
  const shown = async () =>
    new Map(
      (await page
        .locator('[data-explain]')
        .evaluateAll((els) => els.map((e) => [(e as any).getAttribute('data-explain'), (e as any).getAttribute('data-value')]))) as Array<[string, string]>,
    );
  const expected = new Map<string, string>([
    ['before', String(attribution.beforeCostUsd)],
    ['after', String(attribution.afterCostUsd)],
    ['total', String(attribution.totalDifferenceUsd)],
    ['residual', String(attribution.residualUsd)],
    ...(attribution.parts as Json[]).map((p) => [`part:${p.change}`, String(p.usd)] as [string, string]),
  ]);
  t.same(await shown(), expected, 'the costs, the difference, each change’s part and the residual are the API’s');
  t.ok(
    (attribution.parts as Json[]).some((p) => p.path === 'targets[0].maxUntrustedShare'),
    'the limit is the change',
  );
  t.ok(attribution.totalDifferenceUsd > 0, 'a tighter limit costs more');

  await page.reload();
  await page.waitForSelector('body[data-page="comparison"][data-state="ready"]');
  await page.waitForSelector('table.attribution');
  t.same(await shown(), expected, 'a reload shows the same explanation (its id is in the address)');
});
