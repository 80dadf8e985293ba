/**
 * A worker process of a shared deployment (`npm run worker`, src/worker.ts): takes solve jobs from
 * the PostgreSQL queue and runs them on its own SolvePool — one solver thread per core by default
 * (`SOLVER_WORKERS`) — on as many machines as wanted, all pointing at the same database.
 *
 * Each slot loops: fetch one job (pg-boss, `FOR UPDATE SKIP LOCKED`) and claim its row in one
 * transaction, solve, then write the outcome and complete the queue entry in one transaction. The worker's heartbeat row
 * (`workers`) tells the others it is alive; when it stops, any process retries its running jobs.
 * A job whose row is no longer running on this worker (cancelled, or handed to another worker
 * after a missed heartbeat) has its solve stopped. Outcomes:
 *
 * - a portfolio, or a verdict on the scenario (`invalid_scenario`, `solve_error`, `time_limit`):
 *   final, written with the completion, never retried;
 * - a crashed solver thread (`worker_crashed`): retried, up to `JOB_RETRY_LIMIT`, then failed and
 *   dead-lettered — a crash says nothing about the scenario, and another machine may manage;
 * - cancelled: the row already says so; nothing is written.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import type { Config } from '../config.js';
import type { JobError } from '../schemas/api/jobs.js';
import type { PostgresStore } from '../store/postgres.js';
import type { DatasetProvider } from './datasets.js';
import {
  inTransaction,
  listen,
  notify,
  openBoss,
  reapLostWorkers,
  retryOrDeadLetter,
  SETTLED_CHANNEL,
  SOLVE_QUEUE,
  WORK_CHANNEL,
  type QueueLogger,
  type SolveJobData,
} from './distributed-queue.js';
import { extrasReport, outcomeOf } from './embedded-queue.js';
import type { SolvePool, TaskHandle } from './pool.js';
import { requestFromRow } from '../solve-request.js';

class StopTaking extends Error {}

/** Thread crashes are infrastructure failures: the job goes back to the queue. */
const RETRYABLE = new Set<JobError['code']>(['worker_crashed']);

export interface QueueWorker {
  readonly id: string;
  /** Jobs this worker is solving now. */
  running(): string[];
  /**
   * Stops taking jobs; running solves get `graceMs` to finish; the rest go back to the queue (a
   * retry) and their threads are stopped. Then the heartbeat row is removed.
   */
  stop(graceMs: number): Promise<void>;
}

export async function startQueueWorker(deps: {
  store: PostgresStore;
  pool: SolvePool;
  datasets: DatasetProvider;
  config: Pick<Config, 'databaseUrl' | 'jobRetryLimit' | 'workerHeartbeatSeconds' | 'workerTimeoutSeconds'>;
  log: QueueLogger;
  /** Idle slots look for work at least this often even without a notification (seconds, default 1). */
  pollSeconds?: number;
}): Promise<QueueWorker> {
  const { store, pool, datasets, config, log } = deps;
  const id = randomUUID();
  const slots = pool.stats().workers;
  const pollMs = (deps.pollSeconds ?? 1) * 1000;
  const now = () => new Date().toISOString();
  const running = new Map<string, TaskHandle>();
  /**
   * Jobs this worker claimed and has not yet settled or handed back: a job is claimed (its row
   * says running, held by this worker) a few reads before its solve starts, and a shutdown in
   * between must hand it back too, not leave it to the reaper.
   */
  const claimed = new Set<string>();
  /** Finished jobs whose report's extra sections a solver thread is still computing. */
  const finishing = new Set<string>();
  const wakers = new Set<() => void>();
  let stopping = false;

  await pool.start();
  const boss: PgBoss = await openBoss(store, config, log);

  const beat = () =>
    store.pool.query(
      `INSERT INTO workers (id, host, pid, slots, busy, highs) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET last_seen = now(), busy = EXCLUDED.busy`,
      [id, hostname(), process.pid, slots, running.size, pool.highsVersion],
    );
  await beat();

  /** Stops the solves whose rows say they are no longer this worker's to run. */
  async function checkCancelled(): Promise<void> {
    const ids = [...running.keys()];
    if (!ids.length) return;
    const rows = await store.pool.query<{ id: string; status: string; worker_id: string | null }>('SELECT id, status, worker_id FROM jobs WHERE id = ANY($1)', [
      ids,
    ]);
    const current = new Map(rows.rows.map((r) => [r.id, r]));
    for (const jobId of ids) {
      const row = current.get(jobId);
      if (row && row.status === 'running' && row.worker_id === id) continue;
      const handle = running.get(jobId);
      running.delete(jobId);
      handle?.cancel({ code: 'cancelled', message: row ? `the job is ${row.status} and no longer this worker's` : 'the job was deleted' });
      log.info({ jobId, status: row?.status ?? 'deleted' }, 'stopped a solve that is no longer this worker’s');
    }
  }

  const wakeAll = () => {
    for (const wake of [...wakers]) wake();
  };
  const listener = listen(
    config.databaseUrl!,
    store.schema,
    [WORK_CHANNEL],
    (_channel, payload) => {
      if (payload === 'cancel') void checkCancelled().catch((error: unknown) => log.error({ err: error }, 'could not check for cancelled jobs'));
      else wakeAll();
    },
    log,
  );
  await listener.start();

  let ticking = false;
  const heartbeat = setInterval(() => {
    if (ticking) return;
    ticking = true;
    (async () => {
      await beat();
      await checkCancelled();
      await reapLostWorkers(store, boss, config.workerTimeoutSeconds, log);
    })()
      .catch((error: unknown) => log.error({ err: error }, 'heartbeat failed'))
      .finally(() => (ticking = false));
  }, config.workerHeartbeatSeconds * 1000);

  /** Writes a final outcome and completes the queue entry in one transaction. */
  async function finish(jobId: string, outcome: Parameters<typeof outcomeOf>[0] & { kind: 'done' | 'failed' }): Promise<void> {
    await store.withTransaction(async (tx) => {
      const result = await store.jobs.settle(jobId, outcomeOf(outcome), now(), tx);
      await boss.complete(SOLVE_QUEUE, jobId, { outcome: outcome.kind, portfolioId: result.portfolioId }, inTransaction(tx));
      if (result.settled) await notify(tx, SETTLED_CHANNEL, jobId);
      if (result.parentSettled) await notify(tx, SETTLED_CHANNEL, result.parentSettled);
    });
  }

  /**
   * Takes the next job: the queue entry is fetched and the job row claimed in one transaction, so a
   * worker that dies in between leaves the entry queued rather than active with nobody on it (the
   * heartbeat reaper finds running rows, not entries). An entry whose job already finished (an
   * earlier attempt's worker was only presumed dead) or was deleted with its scenario is completed
   * on the spot. Returns the job id, or null when there is nothing to do.
   */
  async function take(): Promise<string | null> {
    return store.withTransaction(async (tx) => {
      const [entry] = await boss.fetch<SolveJobData>(SOLVE_QUEUE, { batchSize: 1, ...inTransaction(tx) });
      if (!entry) return null;
      if (stopping) {
        // Fetched while stopping: leave it to another worker (the rollback puts it back as it was).
        throw new StopTaking();
      }
      const jobId = entry.data.jobId;
      if (await store.jobs.claim(jobId, id, now(), tx)) return jobId;
      await boss.complete(SOLVE_QUEUE, entry.id, { outcome: 'skipped' }, inTransaction(tx));
      return null;
    });
  }

  async function run(jobId: string): Promise<void> {
    const row = await store.jobs.findById(jobId);
    if (row?.status !== 'running') return;
    const scenario = await store.scenarios.findById(row.scenarioId);
    const dataset = scenario ? datasets.get(scenario.datasetId) : undefined;
    if (!scenario || !dataset) {
      const error: JobError = { code: 'unavailable', message: `this worker (${hostname()}) has no dataset '${scenario?.datasetId ?? '?'}'` };
      await finish(jobId, { kind: 'failed', error });
      return;
    }
    // Stopping: no new solve starts; stop() hands the claimed job back.
    if (stopping) return;
    const handle = pool.submit(
      { jobId, request: requestFromRow(scenario.scenario, row.options, row.parentId !== null), dataset },
      { onPhase: (phase) => void store.jobs.setPhase(jobId, phase).catch(() => {}) },
    );
    running.set(jobId, handle);
    log.info({ jobId, attempt: row.attempts }, 'solving');
    const outcome = await handle.done;
    running.delete(jobId);
    if (outcome.kind === 'cancelled') return;
    if (outcome.kind === 'failed' && RETRYABLE.has(outcome.error.code)) {
      const result = await store.withTransaction((tx) => retryOrDeadLetter(store, boss, tx, jobId, outcome.error, now(), id));
      log.warn({ jobId, error: outcome.error, result }, 'solve attempt failed');
      return;
    }
    await finish(jobId, outcome);
    log.info(
      { jobId, outcome: outcome.kind, ...(outcome.kind === 'done' ? { solveStatus: outcome.result.status } : { error: outcome.error }) },
      'job finished',
    );
    // The report's extra sections (issue 13): the solver thread computes them after answering and
    // stays busy meanwhile, so this slot takes its next job only once they are stored.
    finishing.add(jobId);
    const extras = await handle.extras.finally(() => finishing.delete(jobId));
    const report = extrasReport(outcome, extras);
    if (!report) return;
    await store.withTransaction(async (tx) => {
      const portfolioId = await store.portfolios.completeReport(jobId, report.reportJson, report.status, tx);
      if (portfolioId) await notify(tx, SETTLED_CHANNEL, jobId);
    });
    log.info({ jobId, extras: report.status }, 'report extras stored');
  }

  const idle = () =>
    new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, pollMs);
      wakers.add(wake);
    });

  async function slot(index: number): Promise<void> {
    while (!stopping) {
      try {
        const jobId = await take();
        if (!jobId) {
          await idle();
          continue;
        }
        claimed.add(jobId);
        await run(jobId);
        // A solve cut short by the shutdown stays claimed for stop() to hand back.
        if (!stopping) claimed.delete(jobId);
      } catch (error) {
        if (error instanceof StopTaking) break;
        log.error({ err: error, slot: index }, 'worker slot error');
        await idle();
      }
    }
  }
  /**
   * Hands every claimed, unfinished job back to the queue (or to the dead letters past its retry
   * limit). Only while this worker still holds it: a job already settled, handed back or taken by
   * another worker is left alone, so a second pass is harmless.
   */
  async function handBack(): Promise<void> {
    for (const jobId of [...claimed]) {
      try {
        const result = await store.withTransaction((tx) =>
          retryOrDeadLetter(store, boss, tx, jobId, { code: 'worker_lost', message: 'its worker shut down before the solve finished' }, now(), id),
        );
        if (result !== 'gone') log.warn({ jobId, result }, 'handed an unfinished solve back to the queue');
        claimed.delete(jobId);
      } catch (error) {
        log.error({ err: error, jobId }, 'could not hand a solve back; the reaper will');
      }
    }
  }

  const loops = Array.from({ length: slots }, (_, i) => slot(i));
  log.info({ workerId: id, host: hostname(), pid: process.pid, slots }, 'queue worker started');

  return {
    id,
    running: () => [...running.keys()],

    async stop(graceMs) {
      if (stopping) return;
      stopping = true;
      wakeAll();
      const deadline = Date.now() + graceMs;
      // Report extras in progress get the same grace; past it the pool marks them failed.
      while ((running.size || finishing.size) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
      await handBack();
      await pool.drain(0, { code: 'shutdown', message: 'the worker shut down' });
      await Promise.allSettled(loops);
      // A job claimed while the first pass ran: no slot takes another once the loops have ended.
      await handBack();
      clearInterval(heartbeat);
      while (ticking) await new Promise((r) => setTimeout(r, 20));
      await listener.stop();
      await store.pool.query('DELETE FROM workers WHERE id = $1', [id]).catch(() => {});
      await boss.stop({ graceful: false, close: true, wait: true });
      await pool.close();
      log.info({ workerId: id }, 'queue worker stopped');
    },
  };
}
