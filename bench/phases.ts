/**
 * Where the time of one solve request goes in the worker, phase by phase: `npx tsx bench/phases.ts
 * [scenario.json] [--reps 3] [--baseline]`. Runs `planStaged` (what a solve worker runs) in this
 * process after warming HiGHS, with the phase hook timestamping each phase, then serialises the
 * result as the worker does (`portfolioResult`). The first repetition is cold (its JIT and the
 * dataset's first use); the later ones are warm, like a service that has solved before.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset, projectRoot } from '../src/data/load.js';
import { parseScenario, planStaged } from '../src/planner.js';
import { portfolioResult } from '../src/services/solve-result.js';
import { warmUpHighs } from '../src/solver/warm-up.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { reps: { type: 'string', default: '3' }, baseline: { type: 'boolean', default: false } },
});
const file = positionals[0] ?? join(projectRoot(), 'models', 'scenarios', 'quad-magnets-50-by-2030.json');
const scenario = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
const dataset = loadDataset(scenario.datasetId);
await warmUpHighs();
for (let rep = 1; rep <= Number(values.reps); rep++) {
  const marks: Array<[string, number]> = [];
  const started = performance.now();
  const staged = await planStaged({ scenario, skipBaseline: !values.baseline, member: false }, dataset, {
    onPhase: (phase) => marks.push([phase, performance.now()]),
  });
  marks.push(['core report → done', performance.now()]);
  portfolioResult(staged.portfolio, staged.report);
  marks.push(['serialised', performance.now()]);
  const solveMs = staged.portfolio.solver?.solveMs ?? 0;
  const parts = marks.map(([name, at], i) => `${name} ${Math.round((marks[i + 1]?.[1] ?? at) - at)} ms`);
  const total = marks.at(-1)![1] - started;
  console.log(`rep ${rep}: total ${Math.round(total)} ms, solver ${Math.round(solveMs)} ms (${(total / solveMs).toFixed(2)}×) | ${parts.join(' | ')}`);
}
