/**
 * Model sizes with origins split in every year (`originSplit: 'every-year'`, the default: plans and
 * baselines) and only where targets read them (`'target-years'`: the inner solves of analyses,
 * src/model/origin-split.ts), and optionally one HiGHS solve of each, side by side in the same run:
 *   npx tsx bench/sizes.ts REF L XL          sizes only
 *   npx tsx bench/sizes.ts --solve REF       sizes and one warm solve each way (ratio)
 * REF is the shipped reference scenario; S…XL come from bench/generator.ts with seed 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, projectRoot } from '../src/data/load.js';
import { modelStats } from '../src/model/builder.js';
import { formulate } from '../src/model/formulate.js';
import { resolveScenario } from '../src/model/instance.js';
import { parseScenario } from '../src/planner.js';
import { solveModel } from '../src/solver/index.js';
import { generateInstance, type Size } from './generator.js';

const REFERENCE_SCENARIO = 'models/scenarios/quad-magnets-50-by-2030.json';
const args = process.argv.slice(2);
const solve = args.includes('--solve');
const sizes = args.filter((a) => !a.startsWith('--'));
const fmt = (n: number) => n.toLocaleString('en-US');
const highs = { backend: 'highs' as const, timeLimitSeconds: 600, mipRelGap: 1e-6, algorithm: 'auto' as const };

for (const size of sizes.length ? sizes : ['REF']) {
  const { dataset, scenario } =
    size === 'REF'
      ? { dataset: loadDataset('quad-2026'), scenario: JSON.parse(readFileSync(join(projectRoot(), REFERENCE_SCENARIO), 'utf8')) }
      : generateInstance(size as Size, 1);
  const instance = resolveScenario(parseScenario(scenario), dataset);
  const full = formulate(instance, { originSplit: 'every-year' });
  const lean = formulate(instance, { originSplit: 'target-years' });
  const line = (m: typeof full) => {
    const s = modelStats(m);
    return `${fmt(s.rows)} × ${fmt(s.columns)} (${fmt(s.nonzeros)} nnz)`;
  };
  console.log(`${size}: every-year ${line(full)} → target-years ${line(lean)}`);
  if (!solve) continue;
  // One warm-up solve, then each form once, alternating order does not matter much at this size.
  await solveModel(lean, highs);
  const time = async (m: typeof full) => {
    const started = performance.now();
    const r = await solveModel(m, highs);
    return { ms: performance.now() - started, status: r.status, objective: r.objective };
  };
  const a = await time(full);
  const b = await time(lean);
  console.log(
    `${size}: HiGHS ${a.ms.toFixed(0)} ms (every-year, ${a.status}) vs ${b.ms.toFixed(0)} ms (target-years, ${b.status}): ratio ${(b.ms / a.ms).toFixed(2)}`,
  );
}
