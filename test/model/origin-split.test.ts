/**
 * Splitting origins only where something reads the split (`originSplit: 'target-years'`, the inner
 * solves of analyses: src/model/origin-split.ts) must never change the optimum: every shipped
 * scenario and generated instances (S, M) are solved with the split in every year (the default)
 * and with the split only where needed, and the cost without
 * the origin tie-break agrees to 1e-9 (the tie-break exists only in split years, so the objectives
 * differ by it: ≤ 0.01 USD/t). Pooled years' shares are traced (src/analysis/origin-tracing.ts) and
 * marked `pooled`.
 */
import t, { type Test } from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import { formulate } from '../../src/model/formulate.js';
import { resolveScenario, type Instance } from '../../src/model/instance.js';
import { parseScenario } from '../../src/planner.js';
import { solveModel } from '../../src/solver/index.js';
import { costBreakdown } from '../../src/analysis/portfolio.js';
import { dependencyMetrics } from '../../src/analysis/dependency-metrics.js';
import { pooledYears } from '../../src/analysis/origin-tracing.js';
import type { Dataset } from '../../src/data/schema.js';
import { generateInstance } from '../../bench/generator.js';

const scenarioFile = (name: string) => JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', `${name}.json`), 'utf8'));
const highs = { backend: 'highs' as const, timeLimitSeconds: 120, mipRelGap: 1e-6, algorithm: 'auto' as const };

async function compare(t: Test, label: string, input: unknown, dataset: Dataset): Promise<Instance> {
  const instance = resolveScenario(parseScenario(input), dataset);
  const full = formulate(instance);
  const lean = formulate(instance, { originSplit: 'target-years' });
  t.ok(lean.colNames.length <= full.colNames.length, `${label}: no more columns (${lean.colNames.length} ≤ ${full.colNames.length})`);
  const targetYears = new Set(instance.targets.flatMap((x) => x.years));
  t.ok(
    [...pooledYears(lean)].every((y) => !targetYears.has(y)),
    `${label}: no target year is pooled`,
  );
  t.equal(pooledYears(full).size, 0, `${label}: the full split pools nothing`);
  const [a, b] = [await solveModel(full, highs), await solveModel(lean, highs)];
  t.equal(b.status, a.status, `${label}: same status`);
  if (a.status === 'optimal' && b.status === 'optimal') {
    const cost = (model: typeof full, r: typeof a) => r.objective! - costBreakdown(model, r.columnValues!).originTieBreak;
    const [x, y] = [cost(full, a), cost(lean, b)];
    const relative = Math.abs(x - y) / Math.abs(x);
    t.ok(relative < 1e-9, `${label}: same optimum without the tie-break`, { full: x, lean: y, relative });
    // Shares of pooled years are traced and marked; target years stay the optimiser's.
    const metrics = dependencyMetrics(instance, lean, b.columnValues!);
    for (const row of metrics.summary) {
      t.equal(row.shareMethod, pooledYears(lean).has(row.year) ? 'pooled' : 'optimised');
      if (row.untrustedShare !== null && (row.untrustedShare < -1e-9 || row.untrustedShare > 1 + 1e-9)) t.fail(`${label}: share out of [0, 1]`, row);
    }
  }
  return instance;
}

t.test('every shipped scenario: same optimum with origins split only where needed', async (t) => {
  const files = readdirSync(join(projectRoot(), 'models', 'scenarios'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));
  for (const name of files) await compare(t, name, scenarioFile(name), loadDataset(scenarioFile(name).datasetId));
});

t.test('generated instances: same optimum', async (t) => {
  for (const size of ['S', 'M'] as const) {
    const { dataset, scenario } = generateInstance(size, 3);
    await compare(t, `generated ${size}`, scenario, dataset);
  }
});

t.test('a scenario without targets pools every year with target-years; the default pools none', async (t) => {
  const dataset = loadDataset('quad-2026');
  const input = scenarioFile('quad-magnets-50-by-2030');
  input.targets = [];
  const instance = resolveScenario(parseScenario(input), dataset);
  const lean = formulate(instance, { originSplit: 'target-years' });
  t.equal(pooledYears(lean).size, instance.years.length);
  t.notOk(
    lean.colNames.some((n) => n.startsWith('downgrade[')),
    'no downgrade where nothing is split',
  );
  t.equal(pooledYears(formulate(instance)).size, 0, 'the default splits every year');
});
