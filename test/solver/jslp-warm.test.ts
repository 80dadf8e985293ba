/**
 * javascript-lp-solver keeps a warm worker thread: consecutive solves reuse it, concurrent ones get
 * one each, and one that ran out of time is terminated and replaced, never reused. Answers stay
 * those of HiGHS.
 */
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../src/planner.js';
import { formulateScenario } from '../../src/model/formulate-scenario.js';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import { solveModel } from '../../src/solver/index.js';
import { jslpWorkersStarted } from '../../src/solver/jslp.js';

const dataset = loadDataset('quad-2026');
const scenario = parseScenario(JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', 'small-us-magnets-2030.json'), 'utf8')));
const { model } = formulateScenario(scenario, dataset);
const options = { timeLimitSeconds: 120, mipRelGap: 1e-6, algorithm: 'auto' as const };
const close = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

t.test('solves reuse one warm worker; a timed-out one is replaced', async (t) => {
  const highs = await solveModel(model, { ...options, backend: 'highs' });
  const before = jslpWorkersStarted();
  const first = await solveModel(model, { ...options, backend: 'javascript-lp-solver' });
  const second = await solveModel(model, { ...options, backend: 'javascript-lp-solver' });
  t.equal(jslpWorkersStarted(), before + 1, 'two solves in a row, one worker');
  for (const result of [first, second])
    t.ok(result.status === 'optimal' && close(result.objective!, highs.objective!), `optimal, as HiGHS (${result.objective} vs ${highs.objective})`);

  const both = await Promise.all([0, 1].map(() => solveModel(model, { ...options, backend: 'javascript-lp-solver' })));
  t.equal(jslpWorkersStarted(), before + 2, 'two at once: a second worker');
  t.ok(both.every((r) => r.status === 'optimal' && close(r.objective!, highs.objective!)));

  const cut = await solveModel(model, { ...options, backend: 'javascript-lp-solver', timeLimitSeconds: 0.01 });
  t.equal(cut.status, 'time_limit');
  const after = await solveModel(model, { ...options, backend: 'javascript-lp-solver' });
  t.ok(after.status === 'optimal' && close(after.objective!, highs.objective!), 'the next solve is right');
  t.equal(jslpWorkersStarted(), before + 2, 'it ran on the idle warm worker');
  const third = await Promise.all([0, 1].map(() => solveModel(model, { ...options, backend: 'javascript-lp-solver' })));
  t.equal(jslpWorkersStarted(), before + 3, 'the terminated worker was not kept: two at once start a new one');
  t.ok(third.every((r) => r.status === 'optimal'));
});
