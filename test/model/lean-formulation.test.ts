/**
 * The lean formulation must never change the optimum: the lean trade network
 * (src/model/trade-network.ts) leaves out ship, buy and downgrade columns that cannot carry flow
 * or only re-export what the destination could get as cheaply direct, and capacity rows are written
 * through a stock of online builds where that takes fewer nonzeros (concepts/capacity.ts), and so is
 * construction spend where funders co-finance a plant (concepts/budget.ts). Every
 * shipped scenario and generated instances are solved both ways, and the optima agree to 1e-9.
 */
import t, { type Test } from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import { formulate } from '../../src/model/formulate.js';
import { resolveScenario } from '../../src/model/instance.js';
import { parseScenario } from '../../src/planner.js';
import { solveModel } from '../../src/solver/index.js';
import type { Dataset } from '../../src/data/schema.js';
import { generateInstance } from '../../bench/generator.js';

const scenarioFile = (name: string) => JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', `${name}.json`), 'utf8'));
const highs = { backend: 'highs' as const, timeLimitSeconds: 120, mipRelGap: 1e-6, algorithm: 'auto' as const };

async function compare(t: Test, label: string, input: unknown, dataset: Dataset, expectSmaller: boolean) {
  const instance = resolveScenario(parseScenario(input), dataset);
  const full = formulate(instance, { leanTrade: false, cumulativeCapacity: false, spendColumns: false });
  const lean = formulate(instance);
  const fullNames = new Set(full.colNames);
  t.ok(
    lean.colNames.every((n) => fullNames.has(n) || n.startsWith('online[') || n.startsWith('spend[')),
    `${label}: every lean column is a column of the full model (or an online stock or a spend column)`,
  );
  if (expectSmaller) t.ok(lean.rowValues.length < full.rowValues.length, `${label}: fewer nonzeros (${lean.rowValues.length} < ${full.rowValues.length})`);
  const [a, b] = [await solveModel(full, highs), await solveModel(lean, highs)];
  t.equal(b.status, a.status, `${label}: same status`);
  if (a.status === 'optimal') {
    const relative = Math.abs(a.objective! - b.objective!) / Math.abs(a.objective!);
    t.ok(relative < 1e-9, `${label}: same optimum`, { full: a.objective, lean: b.objective, relative });
  }
}

t.test('every shipped scenario: same optimum (or the same status), fewer nonzeros', async (t) => {
  const files = readdirSync(join(projectRoot(), 'models', 'scenarios'))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));
  // Each scenario on its own dataset (quad-2026 or lithium-2026).
  for (const name of files) await compare(t, name, scenarioFile(name), loadDataset(scenarioFile(name).datasetId), name !== 'small-us-magnets-2030');
});

t.test('a lane closed for a product keeps its re-export routes, and the optimum', async (t) => {
  const dataset = loadDataset('quad-2026');
  const input = scenarioFile('quad-magnets-50-by-2030');
  input.overrides = {
    closedLanes: [
      { from: 'US', to: 'JP', products: ['ndpr_metal'] },
      { from: 'CN', to: 'IN' },
    ],
  };
  await compare(t, 'closed lanes', input, dataset, true);
});

t.test('generated instances: same optimum, fewer nonzeros', async (t) => {
  for (const size of ['S', 'M'] as const) {
    const { dataset, scenario } = generateInstance(size, 3);
    await compare(t, `generated ${size}`, scenario, dataset, true);
    if (size === 'S') continue; // S's plant-years have one funder and short construction: inline is smaller
    const lean = formulate(resolveScenario(parseScenario(scenario), dataset));
    t.ok(
      lean.colNames.some((n) => n.startsWith('spend[')),
      `generated ${size}: co-financed plant-years have spend columns`,
    );
  }
});
