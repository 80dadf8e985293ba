/** GET /portfolios/{id}/report: JSON as stored with the portfolio, Markdown rendered from it, and its errors. */
import t from 'tap';
import { ReportSchema } from '../../src/schemas/report.js';
import { build, counts, expectProblem } from '../helpers/app.js';
import { tinyScenario } from '../helpers/tiny-dataset.js';

t.test('a solved portfolio has a report in JSON and Markdown', async (t) => {
  const app = await build(t, { solver: true });
  const scenario = tinyScenario({
    horizon: { startYear: 2026, endYear: 2027 },
    targets: [{ id: 'zero', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0, penaltyUsdPerT: 1000 }],
  });
  const solved = await app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario } });
  t.equal(solved.statusCode, 200, 'solved within the wait');
  const id = solved.json().id as string;

  const json = await app.inject({ method: 'GET', url: `/portfolios/${id}/report` });
  t.equal(json.statusCode, 200);
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
