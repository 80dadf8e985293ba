/**
 * The portfolio record is served as the stored text with the record fields appended (issue 13: the
 * main thread never parses or re-serialises a portfolio). The text must parse to exactly the
 * record the object view gives, and the record fields must win over any same-named stored member.
 */
import t from 'tap';
import { portfolioRecordJson, portfolioRecordView } from '../../src/routes/views.js';
import { parseScenario, planScenario } from '../../src/planner.js';
import { portfolioResult } from '../../src/services/solve-result.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

t.test('the record text parses to the record view of the same stored portfolio', async (t) => {
  const portfolio = await planScenario(parseScenario(tinyScenario()), tinyDataset());
  const result = portfolioResult(portfolio);
  t.equal(result.status, portfolio.status);
  t.equal(result.totalCostUsd, portfolio.totalCostUsd);
  const row = {
    id: '11111111-1111-4111-8111-111111111111',
    scenarioId: '22222222-2222-4222-8222-222222222222',
    jobId: null,
    createdAt: '2026-12-01T00:00:00.000Z',
  };
  const text = portfolioRecordJson({ ...row, body: result.portfolioJson });
  t.same(JSON.parse(text), portfolioRecordView({ ...row, portfolio }));
});

t.test('record fields win over stored members of the same name, and odd bodies are refused', async (t) => {
  const row = { id: 'a', scenarioId: 'b', jobId: 'c', createdAt: 'd' };
  t.match(JSON.parse(portfolioRecordJson({ ...row, body: '{"id":"stale","x":1}\n' })), { id: 'a', x: 1, links: { self: '/portfolios/a' } });
  t.same(Object.keys(JSON.parse(portfolioRecordJson({ ...row, body: '{}' }))), ['id', 'scenarioId', 'jobId', 'createdAt', 'links']);
  t.throws(() => portfolioRecordJson({ ...row, body: '[1]' }), /not stored as a JSON object/);
});

t.test('a portfolio that does not match its schema is refused in the worker', async (t) => {
  const portfolio = await planScenario(parseScenario(tinyScenario()), tinyDataset());
  t.throws(() => portfolioResult({ ...portfolio, status: 'bogus' as never }), /does not match its schema/);
});
