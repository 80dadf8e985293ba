/**
 * Model size and solve time of every shipped scenario on each backend, measured side by side in
 * one run: `npm run bench:scenarios`. javascript-lp-solver runs only where the model is within its
 * stated size limit; larger models are reported as refused, not skipped silently.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario, solveOptionsFor } from '../src/planner.js';
import { formulateScenario } from '../src/model/formulate-scenario.js';
import { loadDataset, projectRoot } from '../src/data/load.js';
import { solveModel } from '../src/solver/index.js';
import { highsModule } from '../src/solver/highs.js';

await highsModule(); // pay the WebAssembly compile before timing
const dir = join(projectRoot(), 'models', 'scenarios');
const rows: string[] = [
  '| scenario | rows | columns | nonzeros | build ms | HiGHS ms | HiGHS status | jsLP ms | jsLP status | jsLP / HiGHS |',
  '|---|---|---|---|---|---|---|---|---|---|',
];
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()) {
  const scenario = parseScenario(JSON.parse(readFileSync(join(dir, file), 'utf8')));
  const { model, buildMs } = formulateScenario(scenario, loadDataset(scenario.datasetId));
  const highs = await solveModel(model, solveOptionsFor(scenario, 'highs'));
  const jslp = await solveModel(model, { ...solveOptionsFor(scenario, 'javascript-lp-solver'), timeLimitSeconds: 60 });
  const ratio = jslp.status === 'optimal' ? (jslp.solver.solveMs / highs.solver.solveMs).toFixed(1) : '—';
  rows.push(
    `| ${file} | ${highs.stats.rows} | ${highs.stats.columns} | ${highs.stats.nonzeros} | ${buildMs.toFixed(0)} | ${highs.solver.solveMs.toFixed(0)} | ${highs.status} | ${jslp.status === 'error' ? '—' : jslp.solver.solveMs.toFixed(0)} | ${jslp.status === 'error' ? 'refused (size)' : jslp.status} | ${ratio} |`,
  );
}
console.log(rows.join('\n'));
