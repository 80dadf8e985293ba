/**
 * The cost of a frontier against one solve (issue 14's bench): `npx tsx bench/frontier.ts [--points 20] [--scenario quad-magnets-50-by-2030]`.
 * Both in this process, one after the other, on the same warm HiGHS runtime:
 * - one solve: `planWithReport` of the scenario (report included, no baseline), with the thread's
 *   kept bases cleared first, so it starts cold as a first request would; best of three; and one
 *   plain solve (`planScenario`: the portfolio without a report), likewise;
 * - the frontier: `runFrontier` over `--points` limits from 80 % to 0 % with `localMembers` (the
 *   same `planWithReport` per member), bases cleared once before it: the first point formulates the
 *   scenario once (its template), every later point changes only the target rows' coefficients
 *   and re-solves the kept HiGHS model from the basis the previous point left (issue 14).
 * Prints both times and their ratio; also the frontier with basis reuse switched off (still made
 * in place, each point solved cold), for what the kept basis buys; `--per-point` prints each
 * point's time, HiGHS time and iterations. The suite asserts no timing; this is a command.
 *
 * `--origin-split`: instead, the frontier with members split by origin only in target years (the
 * default for analysis members, src/model/origin-split.ts) against every year, side by side in
 * this process (bases kept, templates cleared before each; run alternately `--rounds` times, best
 * of each), with the ratio, the member model sizes and whether every point's cost without the
 * origin tie-break agrees to 1e-9.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { loadDataset, projectRoot } from '../src/data/load.js';
import { parseScenario, planScenario, planWithReport } from '../src/planner.js';
import { runFrontier } from '../src/analysis/frontier.js';
import { localMembers } from '../src/services/local-members.js';
import type { MemberOutcome } from '../src/analysis/members.js';
import { clearBasisCache, setBasisReuse } from '../src/solver/highs.js';
import { clearFormulationTemplates } from '../src/planner.js';
import type { OriginSplit } from '../src/model/origin-split.js';

const { values: args } = parseArgs({
  options: {
    points: { type: 'string', default: '20' },
    scenario: { type: 'string', default: 'quad-magnets-50-by-2030' },
    'per-point': { type: 'boolean', default: false },
    'origin-split': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '2' },
  },
});
const points = Number(args.points);
const scenario = parseScenario(JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', `${args.scenario}.json`), 'utf8')));
const dataset = loadDataset(scenario.datasetId);

await planWithReport(scenario, dataset, { skipBaseline: true }); // compile and warm the runtime
if (args['origin-split']) {
  await compareOriginSplit();
  process.exit(0);
}
const singles: number[] = [];
for (let i = 0; i < 3; i++) {
  clearBasisCache();
  const t0 = performance.now();
  await planWithReport(scenario, dataset, { skipBaseline: true });
  singles.push(performance.now() - t0);
}
const single = Math.min(...singles);
const plains: number[] = [];
for (let i = 0; i < 3; i++) {
  clearBasisCache();
  const t0 = performance.now();
  await planScenario(scenario, dataset, { skipBaseline: true });
  plains.push(performance.now() - t0);
}
const plain = Math.min(...plains);

async function frontier(reuse: boolean): Promise<{ ms: number; monotone: boolean; costs: Array<number | null> }> {
  clearBasisCache();
  setBasisReuse(reuse);
  const t0 = performance.now();
  let last = t0;
  const perPoint = (outcome: MemberOutcome) => {
    const now = performance.now();
    const s = outcome.portfolio?.solver;
    if (args['per-point'] && s)
      console.log(
        `  ${outcome.label}: ${(now - last).toFixed(0)} ms (model ${outcome.portfolio!.model.buildMs.toFixed(0)} ms, HiGHS ${s.solveMs.toFixed(0)} ms, ${s.iterations ?? '?'} iterations${s.warmStart ? ', warm' : ''})`,
      );
    last = now;
  };
  const result = await runFrontier(
    { scenario, from: 0.8, to: 0, points },
    localMembers(() => dataset, perPoint),
  );
  const ms = performance.now() - t0;
  setBasisReuse(true);
  return { ms, monotone: result.monotone, costs: result.points.map((p) => p.totalCostUsd) };
}
const warm = await frontier(true);
const cold = await frontier(false);
const same = warm.costs.every((c, i) => (c === null ? cold.costs[i] === null : Math.abs(c - cold.costs[i]!) <= 1e-9 * Math.abs(c)));
const r = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
console.log(
  `load average ${loadavg()
    .map((v) => v.toFixed(1))
    .join(' ')}`,
);
console.log(`one solve as the service answers it (report, no baseline, cold basis; best of 3): ${r(single)}`);
console.log(`one plain solve (portfolio only, cold basis; best of 3): ${r(plain)}`);
console.log(
  `${points}-point frontier, bases kept:   ${r(warm.ms)}  = ${(warm.ms / single).toFixed(1)}x one solve, ${(warm.ms / plain).toFixed(1)}x one plain solve (monotone: ${warm.monotone})`,
);
console.log(
  `${points}-point frontier, bases cleared: ${r(cold.ms)}  = ${(cold.ms / single).toFixed(1)}x one solve, ${(cold.ms / plain).toFixed(1)}x one plain solve`,
);
console.log(`kept bases: ${(cold.ms / warm.ms).toFixed(2)}x faster; same costs at every point (1e-9): ${same}`);

/** The frontier with members split by origin in target years only against every year (see the header). */
async function compareOriginSplit(): Promise<void> {
  const run = async (originSplit: OriginSplit) => {
    clearBasisCache();
    clearFormulationTemplates(dataset);
    const t0 = performance.now();
    const outcomes: MemberOutcome[] = [];
    const result = await runFrontier(
      { scenario, from: 0.8, to: 0, points },
      localMembers(
        () => dataset,
        (o) => outcomes.push(o),
        { originSplit },
      ),
    );
    const ms = performance.now() - t0;
    const costs = outcomes.map((o) => (o.portfolio?.status === 'optimal' ? o.portfolio.totalCostUsd! - o.portfolio.costBreakdown!.originTieBreakUsd : null));
    const model = outcomes[0]?.portfolio?.model;
    const buildMs = outcomes.reduce((s, o) => s + (o.portfolio?.model.buildMs ?? 0), 0);
    const solveMs = outcomes.reduce((s, o) => s + (o.portfolio?.solver.solveMs ?? 0), 0);
    return { ms, buildMs, solveMs, costs, monotone: result.monotone, size: model ? `${model.rows} × ${model.columns} (${model.nonzeros} nnz)` : '?' };
  };
  const rounds = Number(args.rounds);
  const best: Record<OriginSplit, Awaited<ReturnType<typeof run>> | null> = { 'target-years': null, 'every-year': null };
  for (let i = 0; i < rounds; i++) {
    const order: OriginSplit[] = i % 2 === 0 ? ['target-years', 'every-year'] : ['every-year', 'target-years'];
    for (const mode of order) {
      const r = await run(mode);
      console.log(`  round ${i + 1} ${mode}: ${r.ms.toFixed(0)} ms`);
      if (!best[mode] || r.ms < best[mode]!.ms) best[mode] = r;
    }
  }
  const pooled = best['target-years']!;
  const full = best['every-year']!;
  const same = full.costs.every((c, i) => (c === null ? pooled.costs[i] === null : Math.abs(c - pooled.costs[i]!) <= 1e-9 * Math.abs(c)));
  console.log(
    `load average ${loadavg()
      .map((v) => v.toFixed(1))
      .join(' ')}`,
  );
  const line = (label: string, r: typeof full) =>
    `${points}-point frontier, members split ${label}: ${r.ms.toFixed(0)} ms (best of ${rounds}; formulating ${r.buildMs.toFixed(0)} ms, HiGHS ${r.solveMs.toFixed(0)} ms; member model ${r.size}; monotone: ${r.monotone})`;
  console.log(line('every year  ', full));
  console.log(line('target years', pooled));
  console.log(`ratio target-years / every-year: ${(pooled.ms / full.ms).toFixed(2)}; same cost without tie-break at every point (1e-9): ${same}`);
}
