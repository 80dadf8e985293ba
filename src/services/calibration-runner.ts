/**
 * The worker side of a dataset's calibration (src/analysis/calibration.ts): one HiGHS solve of the
 * observed years. Runs in a one-shot worker thread (src/workers/calibration-worker.ts) so the solve
 * never blocks the service's event loop; the CLI calls `calibrate` directly.
 */
import type { Dataset } from '../data/schema.js';
import { calibrate, type CalibrationReport } from '../analysis/calibration.js';
import { solveModel } from '../solver/index.js';

export type CalibrationReply = { ok: true; report: CalibrationReport } | { ok: false; message: string };

/** Never throws: a failure is a reply. */
export async function runCalibration(dataset: Dataset): Promise<CalibrationReply> {
  try {
    const report = await calibrate(dataset, (model) => solveModel(model, { backend: 'highs', timeLimitSeconds: 600, mipRelGap: 1e-6, algorithm: 'auto' }));
    return { ok: true, report };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
