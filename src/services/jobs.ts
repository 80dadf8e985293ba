/**
 * Solve jobs: a row per solve request, run by the worker pool, finished in one transaction that
 * stores the portfolio and marks the job done together. Clients either poll the job or wait on it
 * for a bounded time; waiting is an in-memory promise, never a loop over the database.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../store/db.js';
import type { JobRepository, StoredJob } from '../store/jobs.js';
import type { PortfolioRepository } from '../store/portfolios.js';
import type { StoredScenario } from '../store/scenarios.js';
import type { EffectiveSolverOptions, JobError, JobPhase, SolveOptions } from '../schemas/api.js';
import type { Scenario } from '../schemas/scenario.js';
import { conflict, notFound, unavailable, unprocessable } from '../errors.js';
import type { DatasetProvider } from './datasets.js';
import { PoolFullError, PoolUnavailableError, type SolveOutcome, type SolvePool, type TaskHandle } from './pool.js';

export const TERMINAL = new Set(['done', 'failed', 'cancelled']);

/** Rough share of the work done when a phase starts; the baseline solve is about as long as the main one. */
export const PHASE_FRACTION: Record<JobPhase, number> = {
  queued: 0,
  formulating: 0.05,
  solving: 0.15,
  baseline: 0.6,
  reporting: 0.9,
  finished: 1,
};

export interface JobLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type JobService = ReturnType<typeof createJobService>;

export function createJobService(deps: {
  db: Db;
  jobs: JobRepository;
  portfolios: PortfolioRepository;
  datasets: DatasetProvider;
  /** Null when this process does not solve (the OpenAPI generator); solve requests then get 503. */
  pool: SolvePool | null;
  log: JobLogger;
  now?: () => Date;
}) {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const handles = new Map<string, TaskHandle>();
  const waiters = new Map<string, Set<() => void>>();
  let accepting = true;
  let closed = false;

  const notify = (jobId: string) => {
    const set = waiters.get(jobId);
    if (!set) return;
    waiters.delete(jobId);
    for (const wake of set) wake();
  };

  /** Records a pool outcome. The job may have been cancelled or deleted meanwhile; then nothing changes. */
  function finish(jobId: string, outcome: SolveOutcome): void {
    handles.delete(jobId);
    if (closed) return;
    const at = now();
    try {
      deps.db.transaction(() => {
        const job = deps.jobs.findById(jobId);
        if (!job || TERMINAL.has(job.status)) return;
        if (outcome.kind === 'done') {
          const portfolioId = randomUUID();
          deps.portfolios.insert({ id: portfolioId, scenarioId: job.scenarioId, jobId, portfolio: outcome.portfolio, createdAt: at, ...(outcome.report ? { report: outcome.report } : {}) });
          deps.jobs.finish(jobId, { status: 'done', portfolioId, finishedAt: at });
        } else {
          deps.jobs.finish(jobId, { status: outcome.kind, error: outcome.error, finishedAt: at });
        }
      })();
      deps.log.info({ jobId, outcome: outcome.kind, ...(outcome.kind === 'done' ? { solveStatus: outcome.portfolio.status } : { error: outcome.error }) }, 'job finished');
    } catch (error) {
      deps.log.error({ err: error, jobId }, 'could not record a job outcome');
    } finally {
      notify(jobId);
    }
  }

  function effectiveOptions(scenario: Scenario, options: SolveOptions): EffectiveSolverOptions {
    const { skipBaseline, ...solver } = options;
    return { ...scenario.solver, ...solver, skipBaseline: skipBaseline ?? false };
  }

  function get(id: string): StoredJob {
    const job = deps.jobs.findById(id);
    if (!job) throw notFound('job', id);
    return job;
  }

  function cancelJob(job: StoredJob, error: JobError): StoredJob {
    // The row changes first so the answer to this request already says `cancelled`; the pool's own
    // (later) outcome then finds a finished job and is ignored.
    deps.jobs.finish(job.id, { status: 'cancelled', error, finishedAt: now() });
    const handle = handles.get(job.id);
    handles.delete(job.id);
    handle?.cancel(error);
    notify(job.id);
    return get(job.id);
  }

  return {
    effectiveOptions,

    /** Marks jobs a previous process left unfinished as failed; call once at start. */
    recoverInterrupted(): number {
      return deps.jobs.failInterrupted(now());
    },

    /** Queues a solve of a stored scenario. Throws 503 (with Retry-After) when the queue is full. */
    submit(stored: StoredScenario, options: SolveOptions): StoredJob {
      // What is wrong with the request is reported before whether the service can take it.
      const dataset = deps.datasets.get(stored.datasetId);
      if (!dataset) {
        throw unprocessable('unknown-reference', `the scenario's dataset '${stored.datasetId}' is no longer available`, [
          { path: 'datasetId', message: `unknown dataset '${stored.datasetId}'` },
        ]);
      }
      const pool = deps.pool;
      if (!accepting || !pool) throw unavailable(pool ? 'the service is shutting down' : 'this process does not run solves', 30);
      const effective = effectiveOptions(stored.scenario, options);
      const { skipBaseline, ...solver } = effective;
      const scenario: Scenario = { ...stored.scenario, solver };
      // Ask the pool first so a full queue leaves no job row behind. Nothing can change between the
      // check and the submit: both run synchronously on this thread.
      try {
        pool.assertCanAccept();
      } catch (error) {
        if (error instanceof PoolFullError) throw unavailable('the solve queue is full; try again later', error.retryAfterSeconds);
        if (error instanceof PoolUnavailableError) throw unavailable(error.message, 30);
        throw error;
      }
      const jobId = randomUUID();
      const job = deps.jobs.insert({ id: jobId, scenarioId: stored.id, options: effective, createdAt: now() });
      const handle = pool.submit(
        { jobId, scenario, dataset, skipBaseline },
        {
          onStart: () => {
            if (!closed) deps.jobs.markRunning(jobId, now());
          },
          onPhase: (phase) => {
            if (!closed) deps.jobs.setPhase(jobId, phase);
          },
        },
      );
      handles.set(jobId, handle);
      void handle.done.then((outcome) => finish(jobId, outcome));
      return deps.jobs.findById(jobId) ?? job;
    },

    get,

    /** Cancels a queued or running job; 409 when it already finished with a result. */
    cancel(id: string): StoredJob {
      const job = get(id);
      if (job.status === 'cancelled') return job;
      if (job.status === 'done' || job.status === 'failed') throw conflict(`job '${id}' already finished (${job.status}); there is nothing to cancel`);
      return cancelJob(job, { code: 'cancelled', message: 'cancelled by a DELETE /jobs request' });
    },

    cancelForScenario(scenarioId: string): void {
      for (const id of deps.jobs.activeIdsForScenario(scenarioId)) {
        const job = deps.jobs.findById(id);
        if (job) cancelJob(job, { code: 'cancelled', message: 'the scenario was deleted' });
      }
    },

    /** Resolves with the job once it finishes or `seconds` pass, whichever is first. */
    async wait(id: string, seconds: number): Promise<StoredJob> {
      const job = get(id);
      if (TERMINAL.has(job.status) || seconds <= 0) return job;
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        waiters.set(id, set);
        const wake = () => {
          clearTimeout(timer);
          set.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, seconds * 1000);
        set.add(wake);
      });
      return get(id);
    },

    /** Stops accepting solves, lets running ones finish within `graceMs`, cancels the rest. */
    async shutdown(graceMs: number): Promise<void> {
      accepting = false;
      await deps.pool?.drain(graceMs);
      // Outcomes settle on promise callbacks; let them write before the database closes.
      await new Promise((r) => setImmediate(r));
    },

    /** After this no outcome is written (the database is about to close). */
    close(): void {
      closed = true;
      for (const id of [...waiters.keys()]) notify(id);
    },
  };
}
