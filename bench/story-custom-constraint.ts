/**
 * Story 1 (models/scenarios/quad-magnets-50-by-2030.json) with one custom constraint (issue 16):
 * solves the story with and without it and prints the cost difference, the builds that move, the
 * condition's marginal value and, when it makes the story infeasible, the diagnosis (with a
 * 10-minute budget instead of the planner's max(5 s, solve time)).
 *
 *   npx tsx bench/story-custom-constraint.ts '<expression>'
 *   npx tsx bench/story-custom-constraint.ts   # India's quarter share of Quad magnet capacity in 2030
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, projectRoot } from '../src/data/load.js';
import { diagnose } from '../src/analysis/diagnosis.js';
import { parseScenario, planScenario, planWithReport } from '../src/planner.js';
import { formulateScenario } from '../src/model/formulate-scenario.js';
import type { Portfolio } from '../src/schemas/portfolio.js';

const expression = process.argv[2] ?? 'capacity("IN", "magnet", 2030) >= 0.25 * capacity(bloc("QUAD"), "magnet", 2030)';
const dataset = loadDataset('quad-2026');
const story = JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', 'quad-magnets-50-by-2030.json'), 'utf8')) as Record<string, unknown>;
const withCondition = parseScenario({ ...story, constraints: [{ id: 'india_quarter', expression }] });

const started = performance.now();
const without = await planScenario(parseScenario(story), dataset, { skipBaseline: true });
const { portfolio: withIt, report } = await planWithReport(withCondition, dataset, { skipBaseline: true });
const b = (x: number | null) => (x === null ? '–' : `${(x / 1e9).toFixed(3)} B`);
console.log(`expression: ${expression}`);
console.log(`status without / with: ${without.status} / ${withIt.status} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
console.log(
  `total cost without ${b(without.totalCostUsd)}, with ${b(withIt.totalCostUsd)}, difference ${withIt.totalCostUsd === null ? '–' : b(withIt.totalCostUsd - (without.totalCostUsd ?? 0))}`,
);

const key = (x: Portfolio['builds'][number]) => `${x.plant} ${x.buildYear}`;
const before = new Map(without.builds.map((x) => [key(x), x]));
const after = new Map(withIt.builds.map((x) => [key(x), x]));
if (withIt.status === 'optimal') {
  for (const k of [...new Set([...before.keys(), ...after.keys()])].sort()) {
    const x = before.get(k) ?? after.get(k)!;
    const from = before.get(k)?.capacityTpa ?? 0;
    const to = after.get(k)?.capacityTpa ?? 0;
    if (Math.abs(from - to) > 0.5) console.log(`  build ${k} (${x.country} ${x.stage}, online ${x.onlineYear}): ${Math.round(from)} → ${Math.round(to)} t/yr`);
  }
}
for (const m of report.marginalValues?.customConstraints ?? [])
  console.log(`  ${m.constraint}: activity ${m.activity.toFixed(1)} ${m.sense} ${m.limit.toFixed(1)} ${m.unit}; ${m.statement}`);
if (report.diagnosis) {
  console.log(`  planner's diagnosis: ${report.diagnosis.summary}`);
  for (const r of report.diagnosis.remedies) console.log(`    ${r.path}: ${r.change} (plan cost ${b(r.resultingCostUsd)})`);
  const { instance } = formulateScenario(withCondition, dataset);
  const long = await diagnose({
    scenario: withCondition,
    dataset,
    instance,
    status: 'infeasible',
    shortfallT: new Map(),
    solveOptions: { backend: 'highs', timeLimitSeconds: 600, mipRelGap: 1e-6, algorithm: 'auto' },
    maxSolves: 400,
  });
  console.log(`  diagnosis (at most 400 solves): ${long.summary}`);
  for (const r of long.remedies) console.log(`    ${r.path}: ${r.change} (plan cost ${b(r.resultingCostUsd)})`);
}
