/**
 * How long the portfolio page takes to render for the reference scenario (story 1,
 * `models/scenarios/quad-magnets-50-by-2030.json`) in headless Chromium.
 *
 * `npm run bench:web [-- --runs 5 --out bench/results/web-render.json]`
 *
 * The service runs in this process with the bundled dataset; the scenario is solved once through
 * the API. Each run opens `#/portfolios/{id}` in a fresh browser context (cold cache: the page, its
 * script and every API answer are fetched again) and reads the page's own timings: navigation start
 * to `performance.mark('portfolio-rendered')` (set when every chart is drawn and painted, the
 * moment `body[data-state=ready]` is set), and when the last of the API answers it needs
 * (portfolio, dataset, scenario, report) arrived. Not a test: nothing is asserted.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { launchChromium } from '../src/scripts/browser.js';
import { shippedScenario, startDemoService } from '../src/scripts/demo-service.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, out: { type: 'string' } } });
const runs = Number(values.runs);

interface Run {
  renderedMs: number;
  lastApiAnswerMs: number;
  scriptLoadedMs: number;
  chartsAfterDataMs: number;
  bytes: Record<string, number>;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  const service = await startDemoService();
  const browser = await launchChromium();
  try {
    const solveStarted = Date.now();
    const id = await service.solve(shippedScenario('quad-magnets-50-by-2030'));
    process.stdout.write(`story 1 solved in ${((Date.now() - solveStarted) / 1000).toFixed(1)} s (portfolio ${id})\n`);
    const results: Run[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      await page.goto(`${service.url}/#/portfolios/${id}`);
      await page.waitForSelector('body[data-page="portfolio"][data-state="ready"]', { timeout: 300_000 });
      const run = (await page.evaluate(() => {
        const perf = (globalThis as any).performance;
        const rendered = perf.getEntriesByName('portfolio-rendered')[0].startTime as number;
        const resources = perf.getEntriesByType('resource') as Array<{ name: string; responseEnd: number; encodedBodySize: number; initiatorType: string }>;
        const api = resources.filter((r) => /\/(portfolios|datasets|scenarios)\//.test(new URL(r.name).pathname));
        const script = resources.find((r) => /\/assets\/.*\.js$/.test(new URL(r.name).pathname));
        const lastApi = Math.max(...api.map((r) => r.responseEnd));
        return {
          renderedMs: rendered,
          lastApiAnswerMs: lastApi,
          scriptLoadedMs: script?.responseEnd ?? 0,
          chartsAfterDataMs: rendered - lastApi,
          bytes: Object.fromEntries(
            [...api, ...(script ? [script] : [])].map((r) => [new URL(r.name).pathname.replace(/[0-9a-f]{64}|[0-9a-f-]{36}/g, '{id}'), r.encodedBodySize]),
          ),
        };
      })) as Run;
      results.push(run);
      process.stdout.write(
        `run ${i + 1}: rendered at ${run.renderedMs.toFixed(0)} ms (script ${run.scriptLoadedMs.toFixed(0)} ms, last API answer ${run.lastApiAnswerMs.toFixed(0)} ms, charts ${run.chartsAfterDataMs.toFixed(0)} ms after)\n`,
      );
      await context.close();
    }
    const summary = {
      scenario: 'models/scenarios/quad-magnets-50-by-2030.json',
      runs,
      date: new Date().toISOString(),
      loadAverage: loadavg(),
      medianRenderedMs: median(results.map((r) => r.renderedMs)),
      minRenderedMs: Math.min(...results.map((r) => r.renderedMs)),
      maxRenderedMs: Math.max(...results.map((r) => r.renderedMs)),
      medianLastApiAnswerMs: median(results.map((r) => r.lastApiAnswerMs)),
      medianChartsAfterDataMs: median(results.map((r) => r.chartsAfterDataMs)),
      bytes: results[0]?.bytes,
      results,
    };
    process.stdout.write(
      `\nportfolio page, story 1: rendered in ${summary.medianRenderedMs.toFixed(0)} ms median (min ${summary.minRenderedMs.toFixed(0)}, max ${summary.maxRenderedMs.toFixed(0)}) over ${runs} cold loads; ` +
        `data in by ${summary.medianLastApiAnswerMs.toFixed(0)} ms, charts drawn ${summary.medianChartsAfterDataMs.toFixed(0)} ms after; load average ${summary.loadAverage.map((x) => x.toFixed(2)).join(' ')}\n`,
    );
    process.stdout.write(`bytes: ${JSON.stringify(summary.bytes)}\n`);
    if (values.out) writeFileSync(values.out, `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    await browser.close();
    await service.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
