/**
 * Messages between the solve pool (main thread) and its worker threads. Every message after
 * `ready` names its job, so a late message from a task that was already settled can be ignored.
 */
import type { Dataset } from '../data/schema.js';
import type { Scenario } from '../schemas/scenario.js';
import type { JobError } from '../schemas/api/jobs.js';
import type { PortfolioResult } from '../store/repository.js';

/** Phases a solve goes through inside the worker, in order. */
export type WorkerPhase = 'formulating' | 'solving' | 'baseline' | 'reporting';

export interface SolveRequest {
  jobId: string;
  /** The scenario with the job's solver options already applied. */
  scenario: Scenario;
  datasetId: string;
  /** Sent the first time a worker sees this dataset id; the worker keeps it for later tasks. */
  dataset?: Dataset;
  skipBaseline: boolean;
  /** A member solve of an analysis: its report runs no extra solves (planner `memberReport`). */
  member?: boolean;
}

export type ToWorker = { type: 'solve'; task: SolveRequest };

export type FromWorker =
  | { type: 'ready'; highsVersion: string }
  /**
   * `fallback` is the portfolio to report if this phase overruns and the pool has to terminate the
   * worker: the solve's outcome as `time_limit`, built while the worker could still build it.
   */
  | { type: 'phase'; jobId: string; phase: WorkerPhase; fallback?: PortfolioResult }
  /** A step of a long phase finished (a diagnosis solve): the watchdog restarts the phase's allowance. */
  | { type: 'progress'; jobId: string; step: number }
  /** The portfolio and report checked and serialised in the worker (solve-result.ts). */
  | { type: 'done'; jobId: string; result: PortfolioResult }
  | { type: 'failed'; jobId: string; error: JobError };
