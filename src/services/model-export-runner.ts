/**
 * The worker side of model export: formulates a scenario exactly as a solve does
 * (`formulateScenario`) and writes the model as LP or MPS text. Formulating the reference
 * scenarios takes a few hundred milliseconds of CPU, so the service runs this in a worker thread
 * (src/workers/export-worker.ts), never on its event loop; the CLI calls it directly.
 */
import type { Dataset } from '../data/schema.js';
import { modelStats, type ModelStats } from '../model/builder.js';
import { exportHeader } from '../model/export/header.js';
import { writeLp, writeMps, type ExportFormat } from '../model/export/index.js';
import { ScenarioError } from '../model/instance.js';
import { formulateScenario } from '../model/formulate-scenario.js';
import type { Scenario } from '../schemas/scenario.js';

export interface ModelExportRequest {
  scenario: Scenario;
  dataset: Dataset;
  format: ExportFormat;
  /** Extra header lines after the standard ones (the service names the portfolio and its solve). */
  comments: string[];
}

export type ModelExportReply = { ok: true; text: string; stats: ModelStats } | { ok: false; kind: 'invalid_scenario' | 'error'; message: string };

export function buildModelExport(request: ModelExportRequest): { text: string; stats: ModelStats } {
  const { model } = formulateScenario(request.scenario, request.dataset);
  const stats = modelStats(model);
  const comments = exportHeader(request.scenario, stats, request.comments);
  return { text: request.format === 'lp' ? writeLp(model, { comments }) : writeMps(model, { comments }), stats };
}

/** Never throws: a failure is a reply, so the main thread can tell a bad scenario from a crash. */
export function runModelExport(request: ModelExportRequest): ModelExportReply {
  try {
    return { ok: true, ...buildModelExport(request) };
  } catch (error) {
    const message =
      error instanceof ScenarioError ? error.issues.map((i) => `${i.path}: ${i.message}`).join('; ') : error instanceof Error ? error.message : String(error);
    return { ok: false, kind: error instanceof ScenarioError ? 'invalid_scenario' : 'error', message };
  }
}
