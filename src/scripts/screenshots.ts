/**
 * `npm run screenshots`: pictures of each page for the README, written to src/web/screenshots/.
 * Starts the service in this process with the bundled dataset, solves story 1
 * (`quad-magnets-50-by-2030`), its 30 %-by-2030 variant and story 3 (`public-pot-3b`, solved from
 * the page so its progress shows), and photographs the pages in headless Chromium:
 *
 * - scenarios.png: the scenario list, a validation error shown at its field, a solve in progress;
 * - portfolio.png: story 1's portfolio; portfolio-print.png: its first page as printed (A4 landscape);
 * - comparison.png: the three portfolios side by side;
 * - frontier.png: story 1's 2030 targets swept from 80 % to 20 % in 7 points, started from its form;
 *   frontier-print.png: its first page as printed;
 * - stress-test.png: story 1 beside its 30 % variant against the quad-2026 disruption library;
 * - alternatives.png: the small scenario (US magnets, 2030) within 2, 5 and 10 % of its least cost:
 *   the US share of new magnet capacity, new separation capacity and public money, least and most.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../data/load.js';
import { launchChromium } from './browser.js';
import { shippedScenario, startDemoService } from './demo-service.js';

const OUT = join(projectRoot(), 'src', 'web', 'screenshots');
const LIMIT_MS = 300_000;

async function main(): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  const service = await startDemoService();
  const browser = await launchChromium();
  try {
    const story1 = shippedScenario('quad-magnets-50-by-2030');
    const variant = {
      ...story1,
      name: 'Story 1, 30 % by 2030',
      targets: (story1.targets as Array<Record<string, unknown>>).map((t, i) => (i === 0 ? { ...t, maxUntrustedShare: 0.3 } : t)),
    };
    const story3 = shippedScenario('public-pot-3b');
    process.stdout.write('solving story 1 and its variant…\n');
    const a = await service.solve(story1);
    const b = await service.solve(variant);
    const stored3 = await service.app.inject({ method: 'POST', url: '/scenarios', payload: story3 });
    const story3Id = stored3.json().id as string;

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(LIMIT_MS);
    page.on('pageerror', (error) => process.stderr.write(`error in the page: ${error.message}\n`));
    const open = async (hash: string, name: string) => {
      await page.goto(`${service.url}/#${hash}`);
      await page.waitForSelector(`body[data-page="${name}"][data-state="ready"]`);
    };

    process.stdout.write('scenarios…\n');
    await open('/scenarios', 'scenarios');
    // Two mistakes the service names by path: a horizon that ends before it starts, a share above 1.
    await page.fill(
      '#scenario-json',
      JSON.stringify(
        { ...story1, horizon: { startYear: 2026, endYear: 2020 }, targets: [{ ...(story1.targets as object[])[0], maxUntrustedShare: 1.5 }] },
        null,
        2,
      ),
    );
    await page.click('#store-scenario');
    await page.waitForSelector('.field.invalid');
    await page.click(`button[data-solve="${story3Id}"]`);
    await page.waitForSelector('.job .job-status[data-status="running"]');
    await page.screenshot({ path: join(OUT, 'scenarios.png'), fullPage: true });
    await page.waitForSelector('.job a[data-portfolio]');
    const c = (await page.getAttribute('.job a[data-portfolio]', 'data-portfolio'))!;

    process.stdout.write('portfolio…\n');
    await open(`/portfolios/${a}`, 'portfolio');
    await page.screenshot({ path: join(OUT, 'portfolio.png'), fullPage: true });
    // The first printed page: A4 landscape less 12 mm margins is 273 × 186 mm, 1032 × 703 px at 96 dpi.
    await page.setViewportSize({ width: 1032, height: 703 });
    await page.emulateMedia({ media: 'print' });
    await open(`/portfolios/${a}`, 'portfolio');
    await page.screenshot({ path: join(OUT, 'portfolio-print.png') });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1400, height: 900 });

    process.stdout.write('comparison…\n');
    await open(`/compare?ids=${a},${b},${c}`, 'comparison');
    await page.screenshot({ path: join(OUT, 'comparison.png'), fullPage: true });

    process.stdout.write('frontier (7 solves)…\n');
    const scenario1 = (await service.app.inject({ method: 'GET', url: `/portfolios/${a}` })).json().scenarioId as string;
    await open(`/frontiers?scenario=${scenario1}`, 'frontiers');
    await page.waitForSelector('#frontier-targets input[data-target]');
    for (const target of ['quad_magnets_2030', 'quad_magnets_ht_2030']) await page.check(`#frontier-targets input[data-target="${target}"]`);
    await page.fill('#frontier-from', '80');
    await page.fill('#frontier-to', '20');
    await page.fill('#frontier-points', '7');
    await page.click('#start-frontier');
    await page.waitForSelector('body[data-page="frontier"][data-state="ready"]');
    await page.waitForSelector('#analysis-status[data-status="done"], #analysis-status[data-status="failed"]');
    await page.waitForSelector('#frontier-chart[data-chart="frontier"]');
    const frontierHash = new URL(page.url()).hash.slice(1);
    await page.screenshot({ path: join(OUT, 'frontier.png'), fullPage: true });
    await page.setViewportSize({ width: 1032, height: 703 });
    await page.emulateMedia({ media: 'print' });
    await open(frontierHash, 'frontier');
    await page.screenshot({ path: join(OUT, 'frontier-print.png') });
    await page.emulateMedia({ media: 'screen' });
    await page.setViewportSize({ width: 1400, height: 900 });

    process.stdout.write('stress test (14 solves)…\n');
    await open(`/stress-tests?portfolio=${a}`, 'stress-tests');
    await page.waitForSelector('#stress-library input[data-disruption]');
    await page.selectOption('#stress-compare', b);
    await page.click('#start-stress-test');
    await page.waitForSelector('body[data-page="stress-test"][data-state="ready"]');
    await page.waitForSelector('#analysis-status[data-status="done"], #analysis-status[data-status="failed"]');
    await page.waitForSelector('#stress-0 table.stress-scores');
    await page.screenshot({ path: join(OUT, 'stress-test.png'), fullPage: true });

    // The small scenario (one year): near-optimal solves of story 1 take longer than its 60 s limit here.
    process.stdout.write('alternatives of the small scenario…\n');
    const small = await service.app.inject({ method: 'POST', url: '/scenarios', payload: shippedScenario('small-us-magnets-2030') });
    await open(`/alternatives?scenario=${small.json().id as string}`, 'alternatives-start');
    await page.waitForFunction(() =>
      (
        (globalThis as unknown as { document: { querySelector(s: string): { value?: string } | null } }).document.querySelector('#alt-quantities')?.value ?? ''
      ).includes('capacity_share'),
    );
    await page.fill('#alt-slacks', '2, 5, 10');
    await page.click('#start-alternatives');
    await page.waitForSelector('body[data-page="alternatives"][data-state="ready"]');
    await page.waitForSelector('#analysis-status[data-status="done"], #analysis-status[data-status="failed"]');
    await page.waitForSelector('table.alternative-ranges');
    await page.screenshot({ path: join(OUT, 'alternatives.png'), fullPage: true });
    process.stdout.write(`written to ${OUT}\n`);
  } finally {
    await browser.close();
    await service.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
