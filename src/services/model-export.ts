/**
 * LP/MPS export of a stored portfolio's model. The model is rebuilt from the portfolio's scenario
 * with the solver options its job ran with (lumpy builds change the model), in a one-shot worker
 * thread (src/workers/export-worker.ts) so the ~300 ms of formulation never runs on the event
 * loop. A separate small worker rather than the solve pool: an export should not wait behind
 * long solves, nor take a solve slot.
 *
 * The rebuilt model is checked against the size the portfolio recorded (rows, columns, nonzeros,
 * integer columns); a mismatch means the dataset changed since the solve and is a 409. A change
 * that keeps the model's size is not detected: the portfolio stores no fingerprint of its model.
 */
import type { Worker } from 'node:worker_threads';
import { conflict, HttpProblem, unavailable } from '../errors.js';
import type { ExportFormat } from '../model/export/index.js';
import type { Scenario } from '../schemas/scenario.js';
import { spawnWorker } from '../workers/spawn.js';
import type { DatasetService } from './datasets.js';
import type { JobService } from './jobs.js';
import type { ModelExportReply, ModelExportRequest } from './model-export-runner.js';
import type { PortfolioService } from './portfolios.js';
import type { ScenarioService } from './scenarios.js';

export interface ModelExportOptions {
  /** Exports formulating at once; more wait in a queue (default 2). */
  maxConcurrent?: number;
  /** Exports that may wait; beyond this a request is a 503 (default 8). */
  maxQueue?: number;
  /** A worker still running after this long is terminated (default 120 s). */
  timeLimitSeconds?: number;
}

export type ModelExportService = ReturnType<typeof createModelExportService>;

export function createModelExportService(
  deps: { portfolios: PortfolioService; jobs: JobService; scenarios: ScenarioService; datasets: DatasetService },
  options: ModelExportOptions = {},
) {
  const maxConcurrent = options.maxConcurrent ?? 2;
  const maxQueue = options.maxQueue ?? 8;
  const timeLimitMs = (options.timeLimitSeconds ?? 120) * 1000;
  const workers = new Set<Worker>();
  const waiting: Array<() => void> = [];
  let running = 0;
  let closed = false;

  async function acquire(): Promise<void> {
    if (running < maxConcurrent) {
      running++;
      return;
    }
    if (waiting.length >= maxQueue) throw unavailable('too many model exports are running; try again shortly', 2);
    await new Promise<void>((resolve) => waiting.push(resolve));
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }

  function runInWorker(request: ModelExportRequest): Promise<ModelExportReply> {
    return new Promise((resolve, reject) => {
      const worker = spawnWorker('../workers/export-worker', import.meta.url, { workerData: { request } });
      workers.add(worker);
      let settled = false;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        workers.delete(worker);
        void worker.terminate();
        action();
      };
      const timer = setTimeout(() => finish(() => reject(unavailable(`the model export did not finish within ${timeLimitMs / 1000} s`, 30))), timeLimitMs);
      worker.once('message', (reply: ModelExportReply) => finish(() => resolve(reply)));
      worker.once('error', (error) => finish(() => reject(error)));
      worker.once('exit', (code) =>
        finish(() => reject(closed ? unavailable('the service is shutting down', 5) : new Error(`the export worker exited with code ${code}`))),
      );
    });
  }

  /** The stored job's options, or null when the job row is gone (portfolios outlive nothing else, but say so). */
  async function jobOptions(jobId: string | null) {
    if (!jobId) return null;
    try {
      return (await deps.jobs.get(jobId)).options;
    } catch (error) {
      if (error instanceof HttpProblem && error.status === 404) return null;
      throw error;
    }
  }

  return {
    /** The model of a stored portfolio as LP or MPS text. 404 unknown portfolio; 409 when it cannot be rebuilt as solved. */
    async export(portfolioId: string, format: ExportFormat): Promise<{ filename: string; text: string }> {
      const stored = await deps.portfolios.get(portfolioId);
      const scenarioRecord = await deps.scenarios.get(stored.scenarioId);
      const options = await jobOptions(stored.jobId);
      let solver: Scenario['solver'] = scenarioRecord.scenario.solver;
      if (options) {
        const { skipBaseline: _skipBaseline, ...effective } = options;
        solver = effective;
      }
      const scenario: Scenario = { ...scenarioRecord.scenario, solver };
      const dataset = deps.datasets.find(scenario.datasetId);
      if (!dataset) throw conflict(`the dataset '${scenario.datasetId}' this portfolio was solved with is no longer available, so its model cannot be rebuilt`);

      const solved = stored.portfolio;
      const comments = [
        `portfolio ${portfolioId}, scenario ${stored.scenarioId}`,
        options
          ? `solver options of job ${stored.jobId}: backend ${options.backend}, mipRelGap ${options.mipRelGap}, lumpyBuilds ${options.lumpyBuilds}`
          : "solver options: the scenario's own (the job record is gone)",
        `the stored solve: status ${solved.status}, objective (totalCostUsd) ${solved.totalCostUsd ?? 'none'}`,
      ];

      await acquire();
      let reply: ModelExportReply;
      try {
        if (closed) throw unavailable('the service is shutting down', 5);
        reply = await runInWorker({ scenario, dataset, format, comments });
      } finally {
        release();
      }
      if (!reply.ok) {
        if (reply.kind === 'invalid_scenario')
          throw conflict(`the portfolio's scenario no longer fits its dataset, so its model cannot be rebuilt: ${reply.message}`);
        throw new Error(`model export failed: ${reply.message}`);
      }
      const was = solved.model;
      const now = reply.stats;
      if (was.rows !== now.rows || was.columns !== now.columns || was.nonzeros !== now.nonzeros || was.integerColumns !== now.integerColumns) {
        throw conflict(
          `the model rebuilt from the scenario (${now.rows} rows, ${now.columns} columns, ${now.nonzeros} nonzeros, ${now.integerColumns} integer) ` +
            `differs from the one solved (${was.rows}, ${was.columns}, ${was.nonzeros}, ${was.integerColumns}): the dataset '${scenario.datasetId}' changed since; solve the scenario again`,
        );
      }
      return { filename: `portfolio-${portfolioId}.${format}`, text: reply.text };
    },

    /** Terminates running export workers; queued exports are refused. */
    async close(): Promise<void> {
      closed = true;
      for (const resolve of waiting.splice(0)) resolve();
      await Promise.allSettled([...workers].map((w) => w.terminate()));
    },
  };
}
