/**
 * The planner's pages in a real browser: Debian's headless Chromium (playwright-core) against the
 * service on 127.0.0.1, serving the built pages (`npm run build:web`, which `npm test` runs first)
 * and a two-country version of the tiny dataset. The test works as a planner would: it shows each
 * validation error at its field, uploads a scenario file, solves it with live progress, cancels a
 * solve, then checks the portfolio page's charts against the API (every Sankey node and link
 * recomputed here from the portfolio's flows and production, every trajectory point) and the
 * comparison page's deltas against `POST /comparisons`. Every wait is for a condition.
 */
import t from 'tap';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { FastifyInstance } from 'fastify';
import { build, waitForJob } from '../helpers/app.js';
import { tradeDataset, tradeScenario } from '../helpers/trade-dataset.js';
import { launchChromium } from '../../src/scripts/browser.js';
import { projectRoot } from '../../src/data/load.js';

type Json = Record<string, any>;
/** Generous: a busy two-core machine; these are limits on waiting for conditions, not delays. */
const LIMIT_MS = 120_000;

const webRoot = join(projectRoot(), 'dist', 'web');
if (!existsSync(join(webRoot, 'index.html'))) {
  t.fail(`the web interface is not built in ${webRoot}: run \`npm run build:web\` (npm test does)`);
  process.exit(1);
}

let app: FastifyInstance;
let base: string;
let browser: Browser;
let page: Page;

t.before(async () => {
  app = await build(t, {
    datasets: new Map([['tiny', tradeDataset()]]),
    // The test worker solves like the real one, except that scenarios named `hang-solving…` block in
    // the solve phase until cancelled: a solve long enough to watch and cancel, without a clock.
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

let portfolioA = '';
let portfolioB = '';

t.test('the service serves the pages at / from its own origin', async (t) => {
  const response = await fetch(`${base}/`);
  t.equal(response.status, 200);
  t.match(response.headers.get('content-type'), /^text\/html/);
  const html = await response.text();
  t.notMatch(html, /https?:\/\//, 'no resource from another origin');
  const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
  t.ok(asset, 'the script is a bundled asset');
  t.equal((await fetch(`${base}${asset}`)).status, 200);
  const missing = await fetch(`${base}/no-such-page`);
  t.equal(missing.status, 404);
  t.match(missing.headers.get('content-type'), /application\/problem\+json/, 'unknown paths still answer problem+json');
});

t.test('validation errors are shown at their fields', async (t) => {
  await open('/scenarios', 'scenarios');
  const submit = async (scenario: Json) => {
    await page.fill('#scenario-json', JSON.stringify(scenario, null, 2));
    await page.click('#store-scenario');
    await page.waitForSelector('#scenario-problems .error');
  };

  // Malformed (400): a share above 1 and a required field left out.
  const { name: _name, ...noName } = tradeScenario({ targets: [{ bloc: ['AA'], product: 'mag', year: 2027, maxUntrustedShare: 1.5 }] });
  void _name;
  const malformed = await api('POST', '/scenarios', noName);
  t.equal(malformed.status, 400);
  await submit(noName);
  for (const error of malformed.body.errors as Array<{ path: string; message: string }>) {
    const field = page.locator(`.field[data-path="${error.path}"]`);
    t.equal(await field.count(), 1, `a field for ${error.path}`);
    t.equal((await field.locator('.field-error').textContent())?.trim(), error.message, `${error.path}: the service's message at the field`);
  }
  t.ok(
    malformed.body.errors.some((e: Json) => e.path === 'targets[0].maxUntrustedShare'),
    'the share is one of them',
  );
  t.equal(await page.getAttribute('.field[data-path="targets[0].maxUntrustedShare"] input', 'aria-invalid'), 'true');
  t.equal(await page.locator('.field[data-path="name"].missing').count(), 1, 'the missing name has a field of its own');

  // Well-formed but unknown to the dataset (422).
  const unknown = tradeScenario({ targets: [{ bloc: ['AA'], product: 'unobtainium', year: 2027, maxUntrustedShare: 0.5 }] });
  const reference = await api('POST', '/scenarios', unknown);
  t.equal(reference.status, 422);
  await submit(unknown);
  t.equal(
    (await page.locator('.field[data-path="targets[0].product"] .field-error').textContent())?.trim(),
    reference.body.errors[0].message,
    'unknown product at targets[0].product',
  );
  t.equal(await page.inputValue('.field[data-path="targets[0].product"] input'), 'unobtainium');

  // Not JSON at all: the error is at the text box.
  await page.fill('#scenario-json', '{ "name": ');
  await page.click('#store-scenario');
  await page.waitForSelector('#scenario-json-error:not([hidden])');
  t.match(await page.textContent('#scenario-json-error'), /Not valid JSON/);
  t.equal((await api('GET', '/scenarios')).body.total, 0, 'nothing was stored');
});

t.test('a scenario file is uploaded, stored and solved with live progress', async (t) => {
  await open('/scenarios', 'scenarios');
  await page.setInputFiles('#scenario-file', { name: 'two-country.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(tradeScenario())) });
  await page.waitForFunction(() => ((globalThis as any).document.querySelector('#scenario-json')?.value ?? '').includes('Two-country magnets'));
  await page.click('#store-and-solve');
  const link = page.locator('.job a[data-portfolio]');
  await link.waitFor();
  portfolioA = (await link.getAttribute('data-portfolio'))!;
  const portfolio = await api('GET', `/portfolios/${portfolioA}`);
  t.equal(portfolio.status, 200);
  t.match(portfolio.body, { scenarioName: 'Two-country magnets', status: 'optimal' });
  t.equal(await page.locator('.job [data-status="done"]').count(), 1, 'the job is shown done');
  t.equal(await page.locator(`#scenario-list td:has-text("Two-country magnets")`).count(), 1, 'the scenario is listed');
  t.equal(await page.locator(`#portfolio-list a[data-portfolio="${portfolioA}"]`).count(), 1, 'so is its portfolio');
});

t.test('a running solve shows its phase and can be cancelled', async (t) => {
  await open('/scenarios', 'scenarios');
  await page.fill('#scenario-json', JSON.stringify(tradeScenario({ name: 'hang-solving: cancel me' })));
  await page.click('#store-and-solve');
  const status = page.locator('.job .job-status[data-status="running"]');
  await page.waitForSelector('.job .phases li.current:has-text("Solving")');
  await status.waitFor();
  const jobId = (await status.getAttribute('data-job'))!;
  t.equal((await api('GET', `/jobs/${jobId}`)).body.progress.phase, 'solving', 'the page shows the phase the API reports');
  await page.click('.job button.cancel');
  await page.waitForSelector(`.job .job-status[data-job="${jobId}"][data-status="cancelled"]`);
  const job = await waitForJob(app, jobId, LIMIT_MS);
  t.match(job, { status: 'cancelled', error: { code: 'cancelled' } });
});

/** The Sankey recomputed from the API's portfolio: flows as they are, home links from production. */
function expectedSankey(portfolio: Json, dataset: Json, year: number) {
  const stageOf = new Map<string, { stage: string; final: boolean }>(dataset.products.map((p: Json) => [p.id, { stage: p.stage, final: p.final }]));
  const next = (stage: string, final: boolean) => (final ? 'market' : { separation: 'metal', metal: 'magnet', magnet: 'market' }[stage]!);
  const links = new Map<string, number>();
  const add = (source: string, target: string, origin: string, basis: string, tonnes: number) => {
    const key = `${source}|${target}|${origin}|${basis}`;
    links.set(key, (links.get(key) ?? 0) + tonnes);
  };
  const exports = new Map<string, number>();
  for (const f of portfolio.flows.filter((f: Json) => f.year === year)) {
    if (f.kind === 'feed') {
      add(`mine:${f.from}`, `separation:${f.to}`, f.origin, 'feed', f.tonnes);
      continue;
    }
    const p = stageOf.get(f.product)!;
    add(`${p.stage}:${f.from}`, `${next(p.stage, p.final)}:${f.to}`, f.origin, f.kind, f.tonnes);
    if (f.kind === 'ship' || f.kind === 'sell')
      exports.set(`${p.stage}|${f.from}|${f.origin}`, (exports.get(`${p.stage}|${f.from}|${f.origin}`) ?? 0) + f.tonnes);
  }
  const made = new Map<string, number>();
  for (const r of portfolio.production.filter((r: Json) => r.year === year)) {
    made.set(`${r.stage}|${r.country}|trusted`, (made.get(`${r.stage}|${r.country}|trusted`) ?? 0) + r.trustedOutputT);
    made.set(`${r.stage}|${r.country}|untrusted`, (made.get(`${r.stage}|${r.country}|untrusted`) ?? 0) + r.untrustedOutputT);
  }
  // Kept at home, per country and stage: untrusted exports beyond the untrusted output left as
  // downgraded trusted content.
  for (const place of new Set([...made.keys()].map((k) => k.split('|').slice(0, 2).join('|')))) {
    const [stage, country] = place.split('|') as [string, string];
    const m = (o: string) => made.get(`${place}|${o}`) ?? 0;
    const x = (o: string) => exports.get(`${place}|${o}`) ?? 0;
    const final = [...stageOf.values()].some((p) => p.stage === stage && p.final);
    const keptU = m('untrusted') - x('untrusted');
    const keptT = m('trusted') - x('trusted') - Math.max(0, -keptU);
    if (keptT >= 1e-6) add(`${stage}:${country}`, `${next(stage, final)}:${country}`, 'trusted', 'home', keptT);
    if (keptU >= 1e-6) add(`${stage}:${country}`, `${next(stage, final)}:${country}`, 'untrusted', 'home', keptU);
  }
  const nodeIn = new Map<string, number>();
  const nodeOut = new Map<string, number>();
  for (const [key, tonnes] of links) {
    const [source, target] = key.split('|') as [string, string];
    nodeOut.set(source, (nodeOut.get(source) ?? 0) + tonnes);
    nodeIn.set(target, (nodeIn.get(target) ?? 0) + tonnes);
  }
  const nodes = new Map([...new Set([...nodeIn.keys(), ...nodeOut.keys()])].map((id) => [id, Math.max(nodeIn.get(id) ?? 0, nodeOut.get(id) ?? 0)]));
  return { links, nodes };
}

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));

t.test('the portfolio page draws the API’s flows and trajectories', async (t) => {
  const portfolio = (await api('GET', `/portfolios/${portfolioA}`)).body;
  const dataset = (await api('GET', `/datasets/${portfolio.datasetId}`)).body;
  await open(`/portfolios/${portfolioA}`, 'portfolio');
  t.equal(await page.textContent('h1'), 'Two-country magnets');

  const years = (await page.locator('#flow-year option').allTextContents()).map(Number);
  t.same(years, [...new Set(portfolio.flows.map((f: Json) => f.year))].sort(), 'a year for every year with flows');
  t.equal(await page.inputValue('#flow-year'), '2027', 'the first target year is shown first');
  let kinds = new Set<string>();
  for (const year of years) {
    await page.selectOption('#flow-year', String(year));
    await page.waitForSelector(`#flows-h:has-text("${year}")`);
    const series = (await chartOption('sankey')).series[0];
    const expected = expectedSankey(portfolio, dataset, year);
    const drawn = new Map<string, number>();
    for (const l of series.links)
      drawn.set(`${l.source}|${l.target}|${l.origin}|${l.basis}`, (drawn.get(`${l.source}|${l.target}|${l.origin}|${l.basis}`) ?? 0) + l.value);
    t.same([...drawn.keys()].sort(), [...expected.links.keys()].sort(), `${year}: the same links`);
    for (const [key, tonnes] of expected.links) t.ok(close(drawn.get(key) ?? Number.NaN, tonnes), `${year} ${key}: ${drawn.get(key)} = ${tonnes}`);
    t.same(series.data.map((n: Json) => n.name).sort(), [...expected.nodes.keys()].sort(), `${year}: the same nodes`);
    for (const n of series.data) t.ok(close(n.value, expected.nodes.get(n.name)!), `${year} node ${n.name}: ${n.value}`);
    kinds = new Set([...kinds, ...series.links.map((l: Json) => `${l.basis}/${l.origin}`)]);
    t.ok(await page.locator('#sankey svg text:has-text("Alpha")').count(), `${year}: country names are drawn`);
  }
  const seen = [...kinds];
  for (const basis of ['feed', 'ship', 'buy', 'sell', 'home'])
    t.ok(
      seen.some((k) => k.startsWith(`${basis}/`)),
      `${basis} links were checked`,
    );
  for (const origin of ['trusted', 'untrusted'])
    t.ok(
      seen.some((k) => k.endsWith(`/${origin}`)),
      `${origin} links were checked`,
    );

  t.equal(portfolio.dependency.length, 1);
  const trajectory = await chartOption('trajectory-0');
  const points = portfolio.dependency[0].points as Json[];
  t.same(
    trajectory.series.map((s: Json) => s.name),
    ['With this portfolio', 'No new builds (baseline)', 'Limit'],
  );
  t.same(
    trajectory.series[0].data,
    points.map((p) => [p.year, p.portfolioShare]),
    'portfolio shares',
  );
  t.same(
    trajectory.series[1].data,
    points.map((p) => [p.year, p.baselineShare]),
    'baseline shares',
  );
  t.same(
    trajectory.series[2].data,
    points.map((p) => [p.year, p.limit]),
    'limits',
  );

  const timeline = await chartOption('timeline');
  t.equal(timeline.yAxis[0].data.length, portfolio.builds.length, 'one timeline row per build');
  t.equal(Number(await page.getAttribute('#cost .num', 'data-value')), portfolio.totalCostUsd, 'the total cost keeps its exact value');
  const links = await page.locator('.links a').evaluateAll((as) => as.map((a) => (a as any).getAttribute('href') as string));
  for (const path of [
    `/portfolios/${portfolioA}/export?format=csv`,
    `/portfolios/${portfolioA}/report?format=markdown`,
    `/portfolios/${portfolioA}/model.lp`,
    `/portfolios/${portfolioA}/model.mps`,
  ]) {
    t.ok(links.includes(path), `links ${path}`);
  }
  // The downloads answer (the LP and MPS files are rebuilt in a worker and tested in test/service/export.test.ts).
  for (const path of [`/portfolios/${portfolioA}/export?format=csv`, `/portfolios/${portfolioA}/report?format=markdown`]) {
    t.equal((await fetch(`${base}${path}`)).status, 200, `${path} answers`);
  }
});

t.test('the comparison page lists the deltas of POST /comparisons', async (t) => {
  const b = await api('POST', '/solve?wait=600', {
    scenario: tradeScenario({
      name: 'Dearer magnets, public money',
      capexPublicShare: 0.5,
      budgets: [{ funder: 'fund_a', totalUsd: 1e6 }],
      overrides: { plants: { magnet: { expansion: { capexUsdPerTpa: 1000 } } } },
    }),
  });
  t.equal(b.status, 200);
  portfolioB = b.body.id;
  const comparison = (await api('POST', '/comparisons', { portfolioIds: [portfolioA, portfolioB] })).body;

  await open(`/compare?ids=${portfolioA},${portfolioB}`, 'comparison');
  const shown = new Map(
    (await page
      .locator('[data-delta]')
      .evaluateAll((els) => els.map((e) => [(e as any).getAttribute('data-delta'), (e as any).getAttribute('data-value')]))) as Array<[string, string]>,
  );
  const expected = new Map<string, number | null>();
  for (const x of comparison.totals) {
    expected.set(`total:${x.portfolioId}`, x.deltaUsd);
    expected.set(`total-pct:${x.portfolioId}`, x.deltaPct);
  }
  for (const row of comparison.costBreakdown) for (const v of row.values) expected.set(`cost:${row.category}:${v.portfolioId}`, v.deltaUsd);
  for (const row of comparison.budgets) for (const v of row.values) expected.set(`budget:${row.funder}:${v.portfolioId}`, v.deltaUsd);
  for (const d of comparison.dependency)
    for (const p of d.points) for (const v of p.values) expected.set(`share:${d.target}:${p.year}:${v.portfolioId}`, v.deltaShare);
  for (const row of comparison.capacity) {
    for (const v of row.values) {
      const key = `capacity:${row.country}:${row.stage}:${v.portfolioId}`;
      // Rows where nothing is built in any portfolio are left out of the page.
      if (row.values.some((x: Json) => x.builtTpa !== 0 || x.builtDeltaTpa !== 0 || x.operatingDeltaTpa !== 0)) expected.set(key, v.builtDeltaTpa);
    }
  }
  t.same([...shown.keys()].sort(), [...expected.keys()].sort(), 'every delta of the comparison, and only those');
  for (const [key, value] of expected) t.equal(shown.get(key), value === null ? '' : String(value), `${key} = ${value}`);
  t.ok(
    [...expected.values()].some((v) => v !== 0 && v !== null),
    'some deltas are not zero',
  );

  const differences = await page.locator('[data-difference]').evaluateAll((els) => els.map((e) => (e as any).getAttribute('data-difference') as string));
  t.same(differences.sort(), comparison.buildDifferences.map((d: Json) => `${d.plant}:${d.difference}`).sort(), 'the builds that differ');

  const overlay = await chartOption('compare-trajectory-0');
  const points = comparison.dependency[0].points as Json[];
  for (const [i, id] of [portfolioA, portfolioB].entries()) {
    t.same(
      overlay.series[i].data,
      points.map((p) => [p.year, p.values.find((v: Json) => v.portfolioId === id).share]),
      `trajectory of portfolio ${i + 1}`,
    );
  }
});
