/**
 * A dataset's calibration as the service serves it: computed once per dataset in a one-shot worker
 * thread (the observed years' solve takes a fraction of a second, but never on the event loop) and
 * kept, since a bundled dataset does not change while the service runs. A failed run is not kept,
 * so the next request tries again.
 */
import type { CalibrationReport } from '../analysis/calibration.js';
import { unavailable } from '../errors.js';
import { spawnWorker } from '../workers/spawn.js';
import type { CalibrationReply } from './calibration-runner.js';
import type { DatasetService } from './datasets.js';

export type CalibrationService = ReturnType<typeof createCalibrationService>;

export function createCalibrationService(deps: { datasets: DatasetService; timeLimitSeconds?: number }) {
  const cache = new Map<string, Promise<CalibrationReport>>();
  const timeLimitMs = (deps.timeLimitSeconds ?? 300) * 1000;

  function run(id: string): Promise<CalibrationReport> {
    const dataset = deps.datasets.get(id); // 404 when unknown
    return new Promise<CalibrationReport>((resolve, reject) => {
      const worker = spawnWorker('../workers/calibration-worker', import.meta.url, { workerData: { dataset } });
      let settled = false;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        void worker.terminate();
        action();
      };
      const timer = setTimeout(() => finish(() => reject(unavailable(`the calibration did not finish within ${timeLimitMs / 1000} s`, 30))), timeLimitMs);
      worker.once('message', (reply: CalibrationReply) => finish(() => (reply.ok ? resolve(reply.report) : reject(new Error(reply.message)))));
      worker.once('error', (error) => finish(() => reject(error)));
      worker.once('exit', (code) => finish(() => reject(new Error(`the calibration worker exited with code ${code}`))));
    });
  }

  return {
    /** The calibration of a dataset (404 for an unknown id). */
    async get(id: string): Promise<CalibrationReport> {
      let pending = cache.get(id);
      if (!pending) {
        pending = run(id);
        cache.set(id, pending);
        pending.catch(() => cache.delete(id));
      }
      return pending;
    },
  };
}
