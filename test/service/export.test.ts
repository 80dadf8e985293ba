/**
 * GET /portfolios/{id}/model.lp and .mps: the served file, read back by HiGHS' own LP/MPS parser
 * and solved by each backend, reproduces the portfolio's totalCostUsd; the model is rebuilt with
 * the job's solver options (a lumpy-builds solve exports a MIP); names are the model's names;
 * unknown portfolios are 404 and models that can no longer be rebuilt as solved are 409.
 */
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import type { Dataset } from '../../src/data/schema.js';
import { parseScenario } from '../../src/planner.js';
import { formulateScenario } from '../../src/model/formulate-scenario.js';
import { solveModel, type SolverRunOptions } from '../../src/solver/index.js';
import { build, expectProblem } from '../helpers/app.js';
import { readExport } from '../helpers/read-export.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
const options = (backend: SolverRunOptions['backend']): SolverRunOptions => ({ backend, timeLimitSeconds: 60, mipRelGap: 0, algorithm: 'auto' });

// A magnet plant that has to be built, with a minimum efficient size: lumpy builds make it a MIP.
const lumpyDataset = () =>
  tinyDataset({
    plants: {
      magnet: {
        existingCapacityTpa: { '2026': 0 },
        expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 40, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 1 },
      },
    },
  });

async function solvePortfolio(app: FastifyInstance, scenario: Record<string, unknown>, solve: Record<string, unknown> = {}) {
  const created = (await app.inject({ method: 'POST', url: '/scenarios', payload: scenario })).json();
  const response = await app.inject({ method: 'POST', url: `/scenarios/${created.id}/solve?wait=600`, payload: { skipBaseline: true, ...solve } });
  if (response.statusCode !== 200) throw new Error(`solve answered ${response.statusCode}: ${response.body}`);
  return response.json();
}

t.test('the served LP and MPS reproduce the portfolio objective, with the model names', async (t) => {
  const datasets = new Map<string, Dataset>([['tiny', lumpyDataset()]]);
  const app = await build(t, { solver: true, datasets });
  for (const [label, solve] of [
    ['LP solve', {}],
    ['lumpy-builds solve (MIP), option given at solve time', { lumpyBuilds: true, mipRelGap: 0 }],
  ] as const) {
    const portfolio = await solvePortfolio(app, tinyScenario({ name: label }), solve);
    t.equal(portfolio.status, 'optimal', `${label}: solved`);
    const expected = formulateScenario(parseScenario({ ...tinyScenario({ name: label }), solver: solve }), datasets.get('tiny')!).model;
    t.equal(
      expected.colInteger.some((v) => v === 1),
      'lumpyBuilds' in solve,
      `${label}: the reference model is ${'lumpyBuilds' in solve ? 'a MIP' : 'an LP'}`,
    );

    for (const format of ['lp', 'mps'] as const) {
      const response = await app.inject({ method: 'GET', url: `/portfolios/${portfolio.id}/model.${format}` });
      t.equal(response.statusCode, 200, `${label} ${format}: 200`);
      t.equal(response.headers['content-type'], 'text/plain; charset=utf-8', `${format}: plain text`);
      t.equal(response.headers['content-disposition'], `attachment; filename="portfolio-${portfolio.id}.${format}"`, `${format}: an attachment`);
      t.match(response.body, new RegExp(`portfolio ${portfolio.id}`), `${format}: the header names the portfolio`);

      const back = await readExport(response.body, format);
      t.same([...back.colNames].sort(), [...expected.colNames].sort(), `${label} ${format}: column names are the model's`);
      t.same([...back.rowNames].sort(), [...expected.rowNames].sort(), `${label} ${format}: row names are the model's`);
      t.equal(
        back.colInteger.some((v) => v === 1),
        'lumpyBuilds' in solve,
        `${label} ${format}: integer columns iff the job solved with lumpy builds`,
      );
      // javascript-lp-solver once per solve (on the LP file) keeps the test short; HiGHS reads both.
      for (const backend of format === 'lp' ? (['highs', 'javascript-lp-solver'] as const) : (['highs'] as const)) {
        const result = await solveModel(back, options(backend));
        t.ok(
          close(result.objective ?? NaN, portfolio.totalCostUsd),
          `${label} ${format}: ${backend} on the served file ${result.objective} = totalCostUsd ${portfolio.totalCostUsd}`,
        );
      }
      if (format === 'lp') {
        const again = await app.inject({ method: 'GET', url: `/portfolios/${portfolio.id}/model.${format}` });
        t.equal(again.body, response.body, `${format}: the same file every time`);
      }
    }
  }
});

t.test('errors are problem documents', async (t) => {
  const datasets = new Map<string, Dataset>([['tiny', lumpyDataset()]]);
  const app = await build(t, { solver: true, datasets });
  for (const format of ['lp', 'mps']) {
    expectProblem(
      t,
      await app.inject({ method: 'GET', url: `/portfolios/00000000-0000-4000-8000-000000000000/model.${format}` }),
      404,
      `${format} unknown portfolio`,
    );
    const bad = expectProblem(t, await app.inject({ method: 'GET', url: `/portfolios/42/model.${format}` }), 400, `${format} malformed id`);
    t.same(
      bad.errors.map((e: { path: string }) => e.path),
      ['id'],
    );
  }

  const portfolio = await solvePortfolio(app, tinyScenario({ name: 'to be changed' }));
  t.equal((await app.inject({ method: 'GET', url: `/portfolios/${portfolio.id}/model.lp` })).statusCode, 200, 'exportable as solved');
  // The dataset changes under the stored portfolio: without the magnet expansion the model has no build columns.
  datasets.set('tiny', tinyDataset());
  const changed = expectProblem(t, await app.inject({ method: 'GET', url: `/portfolios/${portfolio.id}/model.mps` }), 409, 'dataset changed');
  t.match(changed.detail, /differs from the one solved/);
  datasets.delete('tiny');
  const gone = expectProblem(t, await app.inject({ method: 'GET', url: `/portfolios/${portfolio.id}/model.lp` }), 409, 'dataset gone');
  t.match(gone.detail, /no longer available/);
});
