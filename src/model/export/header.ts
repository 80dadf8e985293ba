/** The comment block at the top of an exported file: where the model came from and how to read it. */
import type { ModelStats } from '../builder.js';
import type { Scenario } from '../../schemas/scenario.js';

export function exportHeader(scenario: Scenario, stats: ModelStats, extra: readonly string[] = []): string[] {
  const solver = scenario.solver;
  return [
    `Allied midstream planner model: ${scenario.name}`,
    `dataset ${scenario.datasetId}, horizon ${scenario.horizon.startYear}-${scenario.horizon.endYear}, lumpyBuilds ${solver.lumpyBuilds}`,
    `${stats.rows} rows, ${stats.columns} columns, ${stats.nonzeros} nonzeros, ${stats.integerColumns} integer columns`,
    'objective total_cost: minimise total discounted cost, USD 2026',
    ...(stats.integerColumns > 0 ? [`MIP: the planner solves it with mipRelGap ${solver.mipRelGap}`] : []),
    "names: the model's names with [ ] written as ( ) and any other character outside A-Z a-z 0-9 _ . , as %HH (UTF-8);",
    'a leading character that LP readers would misread is %-encoded too (src/model/export/names.ts)',
    ...extra,
  ];
}
