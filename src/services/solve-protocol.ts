/**
 * Messages between the solve pool (main thread) and its worker threads. Every message after
 * `ready` names its job, so a late message from a task that was already settled can be ignored.
 */
import type { Dataset } from '../data/schema.js';
import type { JobError } from '../schemas/api/jobs.js';
import type { PlanPhase, SolveRequest } from '../solve-request.js';
import type { PortfolioResult } from '../store/repository.js';

/** A solve as the pool sends it to a worker thread: the job's request, and the dataset the first time this worker sees its id. */
export interface WorkerTask {
  jobId: string;
  request: SolveRequest;
  datasetId: string;
  /** Sent the first time a worker sees this dataset id; the worker keeps it for later tasks. */
  dataset?: Dataset;
}

export type ToWorker = { type: 'solve'; task: WorkerTask };

export type FromWorker =
  | { type: 'ready'; highsVersion: string }
  /**
   * `fallback` is the portfolio to report if this phase overruns and the pool has to terminate the
   * worker: the solve's outcome as `time_limit`, built while the worker could still build it.
   */
  | { type: 'phase'; jobId: string; phase: PlanPhase; fallback?: PortfolioResult }
  /** A step of a long phase finished (a diagnosis solve): the watchdog restarts the phase's allowance. */
  | { type: 'progress'; jobId: string; step: number }
  /**
   * The portfolio and report checked and serialised in the worker (solve-result.ts). `extras`: the
   * report's sections that need extra solves are still to come (`report.extras.status` is
   * `pending`); the worker computes them next and sends `report-extras`, and takes no other solve
   * until then.
   */
  | { type: 'done'; jobId: string; result: PortfolioResult; extras?: boolean }
  /**
   * The whole report once its extra sections are computed (`complete`), or the core report marked
   * `failed` with the error's message when computing them threw. Progress during them is `progress`.
   */
  | { type: 'report-extras'; jobId: string; status: 'complete' | 'failed'; reportJson: string }
  | { type: 'failed'; jobId: string; error: JobError };
