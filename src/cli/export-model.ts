/**
 * `--export-lp <file>` / `--export-mps <file>` of `npm run plan`: writes the scenario's model (the
 * one the plan solves, same names as GET /portfolios/{id}/model.lp) before planning.
 */
import { writeFileSync } from 'node:fs';
import { DatasetError, loadDataset } from '../data/load.js';
import type { ExportFormat } from '../model/export/index.js';
import { ScenarioError } from '../model/instance.js';
import { parseScenario } from '../planner.js';
import { buildModelExport } from '../services/model-export-runner.js';

/** Writes each requested file; returns the exit code (2 for an invalid scenario), messages on stderr. */
export function exportModelFiles(input: unknown, targets: Partial<Record<ExportFormat, string>>, scenarioFile: string): number {
  try {
    const scenario = parseScenario(input);
    const dataset = loadDataset(scenario.datasetId);
    for (const format of ['lp', 'mps'] as const) {
      const path = targets[format];
      if (!path) continue;
      const { text, stats } = buildModelExport({ scenario, dataset, format, comments: [`scenario file: ${scenarioFile}`] });
      writeFileSync(path, text);
      process.stderr.write(`wrote ${path} (${format.toUpperCase()}: ${stats.rows} rows, ${stats.columns} columns, ${stats.integerColumns} integer)\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof ScenarioError || error instanceof DatasetError) {
      process.stderr.write(`invalid scenario ${scenarioFile}: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
