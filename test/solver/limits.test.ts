/** Both backends honour the time limit and never hand back values from an unfinished solve. */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../src/planner.js';
import { formulateScenario } from '../../src/model/formulate-scenario.js';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import { solveModel, JSLP_MAX_COLUMNS } from '../../src/solver/index.js';

const dataset = loadDataset('quad-2026');
const scenario = (file: string) => parseScenario(JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', file), 'utf8')));
const options = { timeLimitSeconds: 60, mipRelGap: 1e-6, algorithm: 'auto' as const };

t.test('javascript-lp-solver refuses models above its size limit', async (t) => {
  const { model } = formulateScenario(scenario('quad-magnets-50-by-2030.json'), dataset);
  t.ok(model.colNames.length > JSLP_MAX_COLUMNS, 'the reference model is large');
  const result = await solveModel(model, { ...options, backend: 'javascript-lp-solver' });
  t.equal(result.status, 'error');
  t.match(result.message, /limited to .* columns.*Use the highs backend/);
  t.equal(result.columnValues, undefined, 'no values');
});

t.test('javascript-lp-solver is stopped at its time limit', async (t) => {
  const { model } = formulateScenario(scenario('small-us-magnets-2030.json'), dataset);
  const result = await solveModel(model, { ...options, backend: 'javascript-lp-solver', timeLimitSeconds: 0.01 });
  t.equal(result.status, 'time_limit');
  t.equal(result.columnValues, undefined, 'no values');
});

t.test('HiGHS stops at its time limit and returns no values', async (t) => {
  const { model } = formulateScenario(scenario('quad-magnets-50-by-2030.json'), dataset);
  const result = await solveModel(model, { ...options, backend: 'highs', timeLimitSeconds: 1e-4 });
  t.equal(result.status, 'time_limit');
  t.equal(result.columnValues, undefined, 'no values');
});

t.test('HiGHS: interior point and simplex reach the same optimum', async (t) => {
  const { model } = formulateScenario(scenario('india-repm-2030.json'), dataset);
  const simplex = await solveModel(model, { ...options, backend: 'highs', algorithm: 'simplex' });
  const ipm = await solveModel(model, { ...options, backend: 'highs', algorithm: 'ipm' });
  t.equal(ipm.solver.algorithm, 'ipm-no-crossover', 'no duals asked for: no crossover');
  t.ok(Math.abs(simplex.objective! - ipm.objective!) <= 1e-6 * Math.abs(simplex.objective!), `${simplex.objective} vs ${ipm.objective}`);
});

t.test('an infeasible LP is reported as infeasible, not as an error', async (t) => {
  const { model } = formulateScenario(scenario('independence-80-by-2028.json'), dataset);
  const result = await solveModel(model, { ...options, backend: 'highs' });
  t.equal(result.status, 'infeasible');
});
