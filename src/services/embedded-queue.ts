/**
 * The embedded queue: solves run on this process's SolvePool (worker threads) and their outcomes
 * are written to the store as they arrive. Jobs live as long as the process: at the next start the
 * ones it left unfinished are marked failed (`interrupted`).
 */
import { hostname } from 'node:os';
import { unavailable } from '../errors.js';
import type { JobError } from '../schemas/api/jobs.js';
import type { JobOutcome, Store } from '../store/repository.js';
import { PoolFullError, PoolUnavailableError, type ExtrasOutcome, type SolveOutcome, type SolvePool, type TaskHandle } from './pool.js';
import { extrasFailedReport } from '../store/report-extras.js';
import type { JobQueue, QueueHealth, Submission } from './queue.js';

export interface QueueLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * The report to store once a job's extra report sections settle (null: nothing to store): the
 * worker's, or the core report marked failed when the worker could not send one.
 */
export function extrasReport(done: SolveOutcome, extras: ExtrasOutcome): { reportJson: string; status: 'complete' | 'failed' } | null {
  if (extras.kind === 'none' || done.kind !== 'done') return null;
  if (extras.kind === 'complete') return { reportJson: extras.reportJson, status: 'complete' };
  if (extras.reportJson !== undefined) return { reportJson: extras.reportJson, status: 'failed' };
  if (done.result.reportJson === undefined) return null;
  return { reportJson: extrasFailedReport(done.result.reportJson, extras.message), status: 'failed' };
}

/** A pool outcome as the store records it. */
export const outcomeOf = (outcome: SolveOutcome): JobOutcome =>
  outcome.kind === 'done' ? { status: 'done', result: outcome.result } : { status: outcome.kind, error: outcome.error };

export function createEmbeddedQueue(deps: { store: Store; pool: SolvePool | null; log: QueueLogger; now?: () => Date }): JobQueue {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const handles = new Map<string, TaskHandle>();
  const listeners: Array<(jobId: string) => void> = [];
  const startedAt = new Date().toISOString();
  let closed = false;

  const notify = (...ids: Array<string | null>) => {
    for (const id of ids) if (id) for (const listener of listeners) listener(id);
  };

  /** Records a pool outcome. The job may have been cancelled or deleted meanwhile; then nothing changes. */
  async function record(jobId: string, outcome: SolveOutcome): Promise<void> {
    handles.delete(jobId);
    if (closed) return;
    try {
      const result = await deps.store.jobs.settle(jobId, outcomeOf(outcome), now());
      if (result.settled) {
        deps.log.info(
          { jobId, outcome: outcome.kind, ...(outcome.kind === 'done' ? { solveStatus: outcome.result.status } : { error: outcome.error }) },
          'job finished',
        );
      }
      notify(jobId, result.parentSettled);
    } catch (error) {
      deps.log.error({ err: error, jobId }, 'could not record a job outcome');
      notify(jobId);
    }
  }

  /** Stores a job's report with its extra sections (after the job was recorded done) and wakes whoever waits on the job. */
  async function recordExtras(jobId: string, done: SolveOutcome, extras: ExtrasOutcome): Promise<void> {
    const report = extrasReport(done, extras);
    if (!report || closed) return;
    try {
      const portfolioId = await deps.store.portfolios.completeReport(jobId, report.reportJson, report.status);
      if (portfolioId) {
        deps.log.info({ jobId, portfolioId, extras: report.status, ...(extras.kind === 'failed' ? { reason: extras.message } : {}) }, 'report extras stored');
      }
      notify(jobId);
    } catch (error) {
      deps.log.error({ err: error, jobId }, 'could not store a report’s extra sections');
    }
  }

  let submitting: Promise<void> = Promise.resolve();

  async function submitNow(entries: readonly Submission[]) {
    const pool = deps.pool;
    if (!pool) throw unavailable('this process does not run solves', 30);
    queue.assertCanAccept(entries.filter((e) => e.task).length);
    const rows = await deps.store.jobs.insert(entries.map((e) => e.row));
    for (const { task } of entries) {
      if (!task) continue;
      const jobId = task.jobId;
      const handle = pool.submit(task, {
        onStart: () => {
          if (!closed) void deps.store.jobs.markRunning(jobId, now(), null);
        },
        onPhase: (phase) => {
          if (!closed) void deps.store.jobs.setPhase(jobId, phase);
        },
      });
      handles.set(jobId, handle);
      void handle.done.then(async (outcome) => {
        await record(jobId, outcome);
        // The portfolio row exists now; the report's extra sections come after it.
        await recordExtras(jobId, outcome, await handle.extras);
      });
    }
    return rows;
  }

  const queue: JobQueue = {
    mode: 'embedded',

    assertCanAccept(count) {
      const pool = deps.pool;
      if (!pool) throw unavailable('this process does not run solves', 30);
      try {
        pool.assertCanAccept(count);
      } catch (error) {
        if (error instanceof PoolFullError) throw unavailable('the solve queue is full; try again later', error.retryAfterSeconds);
        if (error instanceof PoolUnavailableError) throw unavailable(error.message, 30);
        throw error;
      }
    },

    submit(entries) {
      // One submission at a time: the capacity check, the rows and the pool's queue change together,
      // so two requests cannot both pass the check and overfill the pool (which would leave a row
      // for a solve that was refused).
      const run = submitting.then(() => submitNow(entries));
      submitting = run.then(
        () => undefined,
        () => undefined,
      );
      return run;
    },

    async cancel(id, error: JobError) {
      // The rows change first so the answer to this request already says `cancelled`; the pool's
      // own (later) outcome then finds finished jobs and is ignored.
      const changed = await deps.store.jobs.cancelTree(id, error, now());
      for (const jobId of changed) {
        const handle = handles.get(jobId);
        handles.delete(jobId);
        handle?.cancel(jobId === id ? error : { code: 'cancelled', message: `its parent job ${id} was cancelled` });
      }
      notify(...changed);
      return changed;
    },

    onSettled(listener) {
      listeners.push(listener);
    },

    async health(): Promise<QueueHealth> {
      const stats = deps.pool?.stats();
      return {
        mode: 'embedded',
        depth: stats?.queued ?? 0,
        running: stats?.busy ?? 0,
        deadLetter: 0,
        workers: stats
          ? [{ id: 'embedded', host: hostname(), pid: process.pid, slots: stats.workers, busy: stats.busy, startedAt, lastSeenSecondsAgo: 0 }]
          : [],
      };
    },

    async highsVersion() {
      return deps.pool?.highsVersion ?? null;
    },

    async start() {
      await deps.pool?.start();
    },

    async drain(graceMs) {
      await deps.pool?.drain(graceMs);
      // Outcomes settle on promise callbacks; let them write before the store closes.
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
    },

    async close() {
      closed = true;
      await deps.pool?.close();
    },
  };
  return queue;
}
