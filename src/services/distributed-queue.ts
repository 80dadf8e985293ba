/**
 * The distributed queue: solve jobs in PostgreSQL through pg-boss, shared by every API instance
 * and every worker process (`npm run worker`, src/services/queue-worker.ts) of a deployment.
 *
 * Why pg-boss rather than BullMQ on Redis: the store is already PostgreSQL, so the queue adds no
 * second service to run, back up and secure; and a queue entry lives in the same database as the
 * job row and the portfolio, so a job is enqueued in the transaction that writes its row, and a
 * worker writes the portfolio in the transaction that completes the queue entry (pg-boss accepts
 * the caller's connection for `send`, `complete`, `fail` and `cancel`). With Redis those are two
 * stores and a crash between the two writes loses or duplicates a result. pg-boss takes jobs with
 * `SELECT … FOR UPDATE SKIP LOCKED`, so any number of workers can fetch without taking the same
 * job. Its major version 10 is the last one that supports Node 20 (11 and 12 need Node 22).
 *
 * What pg-boss gives: fetch without double delivery, retries up to a cap, a dead-letter queue,
 * expiry of jobs active for too long. What is added here: worker heartbeats (the `workers` table),
 * so a job whose worker died is retried within `WORKER_TIMEOUT_SECONDS` rather than at its
 * expiry; job rows with progress that API instances read; LISTEN/NOTIFY so a waiting request
 * wakes when its job settles and idle workers wake when a job arrives; cancellation that reaches
 * the worker running the job.
 */
import { hostname } from 'node:os';
import PgBoss from 'pg-boss';
import pg from 'pg';
import type { Config } from '../config.js';
import { unavailable } from '../errors.js';
import type { JobError } from '../schemas/api/jobs.js';
import type { PostgresStore, Sql } from '../store/postgres.js';
import type { JobQueue, QueueHealth, QueueWorkerInfo } from './queue.js';

export const SOLVE_QUEUE = 'planner-solve';
export const DEAD_LETTER_QUEUE = 'planner-solve-dead';
/** NOTIFY channel: a job settled (payload: its id), for requests waiting on it. */
export const SETTLED_CHANNEL = 'planner_settled';
/** NOTIFY channel: work for the workers (payload `job` when one was queued, `cancel` when one was cancelled). */
export const WORK_CHANNEL = 'planner_work';

/** Longest a phase without a solver time limit (formulating, reporting) may take; the pool's default. */
const SETUP_LIMIT_SECONDS = 120;

export interface QueueLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** The payload of a queue entry: the job row is the source of truth for everything else. */
export interface SolveJobData {
  jobId: string;
}

/** pg-boss runs a statement on the caller's connection, so its change commits with the caller's transaction. */
export const inTransaction = (tx: Sql) => ({ db: { executeSql: (text: string, values: unknown[]) => tx.query(text, values) } });

export const queueSchema = (store: PostgresStore) => `${store.schema}_queue`;

/**
 * Starts pg-boss on the store's database (its tables in `<schema>_queue`, installed or migrated on
 * first start) with the solve queue and its dead-letter queue. pg-boss gets its own small pool: its
 * maintenance runs multi-statement transactions that must not share connections with ours.
 */
export async function openBoss(store: PostgresStore, config: Pick<Config, 'databaseUrl' | 'jobRetryLimit'>, log: QueueLogger): Promise<PgBoss> {
  if (!config.databaseUrl) throw new Error('the distributed queue needs DATABASE_URL');
  const boss = new PgBoss({
    connectionString: config.databaseUrl,
    schema: queueSchema(store),
    max: 3,
    application_name: 'allied-midstream-planner-queue',
    // No cron schedules; maintenance (expiry, archiving) runs in every process, coordinated by pg-boss.
    schedule: false,
    supervise: true,
    maintenanceIntervalSeconds: 30,
  });
  boss.on('error', (error: Error) => log.error({ err: error }, 'job queue error'));
  await boss.start();
  await boss.createQueue(DEAD_LETTER_QUEUE);
  await boss.createQueue(SOLVE_QUEUE, { name: SOLVE_QUEUE, retryLimit: config.jobRetryLimit, deadLetter: DEAD_LETTER_QUEUE });
  return boss;
}

/**
 * How long a queue entry may stay active before pg-boss itself gives up on it: a backstop behind
 * the heartbeats, generous enough for the slowest honest solve (two solves and two set-up phases).
 */
export const expireInSeconds = (timeLimitSeconds: number, graceSeconds: number) =>
  Math.ceil(2 * (timeLimitSeconds + graceSeconds) + 2 * SETUP_LIMIT_SECONDS + 60);

export async function notify(sql: Sql, channel: string, payload: string): Promise<void> {
  await sql.query('SELECT pg_notify($1, $2)', [channel, payload]);
}

/**
 * A job whose attempt ended without a verdict (its worker died, its solver thread crashed, or its
 * worker shut down before finishing): back to the queue while pg-boss has retries left, otherwise
 * failed and copied to the dead-letter queue. Runs inside the caller's transaction; the caller
 * holds nothing else. Returns what happened.
 */
export async function retryOrDeadLetter(
  store: PostgresStore,
  boss: PgBoss,
  tx: Sql,
  jobId: string,
  error: JobError,
  at: string,
  /** Act only while this worker still holds the job (the reaper's check). */
  heldBy?: string,
): Promise<'retried' | 'dead-lettered' | 'gone'> {
  // Our row first (after its parent, the usual lock order), so two processes acting on the same job take turns.
  const row = await store.jobs.lock(jobId, tx);
  if (row?.status !== 'running' || (heldBy !== undefined && row.worker_id !== heldBy)) return 'gone';
  const entry = await boss.getJobById<SolveJobData>(SOLVE_QUEUE, jobId, { ...inTransaction(tx), includeArchive: false });
  if (entry?.state !== 'active') return 'gone';
  if (entry.retryCount < entry.retryLimit) {
    await store.jobs.requeue(jobId, tx);
    await boss.fail(SOLVE_QUEUE, jobId, { code: error.code, message: error.message }, inTransaction(tx));
    await notify(tx, WORK_CHANNEL, 'job');
    return 'retried';
  }
  const attempts = entry.retryCount + 1;
  const final: JobError = {
    code: error.code,
    message: `${error.message}; given up after ${attempts} attempt${attempts === 1 ? '' : 's'}, the job is in the dead-letter queue '${DEAD_LETTER_QUEUE}'`,
  };
  const result = await store.jobs.settle(jobId, { status: 'failed', error: final }, at, tx);
  await boss.fail(SOLVE_QUEUE, jobId, { code: error.code, message: final.message }, inTransaction(tx));
  await notify(tx, SETTLED_CHANNEL, jobId);
  if (result.parentSettled) await notify(tx, SETTLED_CHANNEL, result.parentSettled);
  return 'dead-lettered';
}

/**
 * Retries the running jobs of workers that stopped reporting (no heartbeat within `timeoutSeconds`)
 * and forgets those workers. Any process may run this; the job row's lock and its re-checked holder
 * make two reapers running at once handle each job once.
 */
export async function reapLostWorkers(store: PostgresStore, boss: PgBoss, timeoutSeconds: number, log: QueueLogger): Promise<number> {
  const lost = await store.pool.query<{ id: string; worker_id: string; host: string | null; silent: number | null }>(
    `SELECT j.id, j.worker_id, w.host, EXTRACT(EPOCH FROM now() - w.last_seen)::float8 AS silent
     FROM jobs j LEFT JOIN workers w ON w.id = j.worker_id
     WHERE j.status = 'running' AND j.kind = 'solve' AND j.worker_id IS NOT NULL
       AND (w.id IS NULL OR w.last_seen < now() - make_interval(secs => $1))`,
    [timeoutSeconds],
  );
  let retried = 0;
  for (const job of lost.rows) {
    const outcome = await store.withTransaction(async (tx) => {
      const where = job.host ? `on ${job.host}` : '';
      const silence = job.silent === null ? 'is gone' : `sent no heartbeat for ${Math.round(job.silent)} s`;
      const error: JobError = { code: 'worker_lost', message: `the worker running this job (${job.worker_id} ${where}) ${silence}`.replace(' )', ')') };
      return retryOrDeadLetter(store, boss, tx, job.id, error, new Date().toISOString(), job.worker_id);
    });
    if (outcome !== 'gone') {
      retried++;
      log.warn({ jobId: job.id, workerId: job.worker_id, outcome }, 'job of a lost worker handed back to the queue');
    }
  }
  // Reports whose extra sections a lost worker was computing (its job is done already).
  const failed = await store.portfolios.failPendingReports("the worker computing the report's extra sections stopped sending heartbeats", timeoutSeconds);
  if (failed) log.warn({ reports: failed }, 'report extras of a lost worker marked failed');
  await store.pool.query(`DELETE FROM workers WHERE last_seen < now() - make_interval(secs => $1)`, [timeoutSeconds]);
  return retried;
}

export async function liveWorkers(store: PostgresStore, timeoutSeconds: number): Promise<QueueWorkerInfo[]> {
  const rows = await store.pool.query<{ id: string; host: string; pid: number; slots: number; busy: number; started_at: Date; silent: number }>(
    `SELECT id, host, pid, slots, busy, started_at, EXTRACT(EPOCH FROM now() - last_seen)::float8 AS silent
     FROM workers WHERE last_seen >= now() - make_interval(secs => $1) ORDER BY started_at, id`,
    [timeoutSeconds],
  );
  return rows.rows.map((r) => ({
    id: r.id,
    host: r.host,
    pid: r.pid,
    slots: r.slots,
    busy: r.busy,
    startedAt: r.started_at.toISOString(),
    lastSeenSecondsAgo: Math.max(0, Math.round(r.silent * 10) / 10),
  }));
}

/**
 * A dedicated connection that LISTENs on `channels` and reconnects when it drops (the callers also
 * re-check on a timer, so a notification lost while reconnecting only delays them).
 */
export function listen(url: string, schema: string, channels: readonly string[], onMessage: (channel: string, payload: string) => void, log: QueueLogger) {
  let client: pg.Client | null = null;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const connect = async () => {
    if (stopped) return;
    const next = new pg.Client({ connectionString: url, application_name: 'allied-midstream-planner-listen', options: `-c search_path=${schema}` });
    next.on('notification', (message) => onMessage(message.channel, message.payload ?? ''));
    next.on('error', () => {});
    next.on('end', () => {
      if (client === next) client = null;
      if (!stopped) timer = setTimeout(() => void connect(), 1000);
    });
    try {
      await next.connect();
      for (const channel of channels) await next.query(`LISTEN ${channel}`);
      if (stopped) {
        await next.end();
        return;
      }
      client = next;
    } catch (error) {
      log.warn({ err: error }, 'could not listen for queue notifications; retrying');
      await next.end().catch(() => {});
    }
  };
  return {
    start: connect,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await client?.end().catch(() => {});
      client = null;
    },
  };
}

export async function createDistributedQueue(deps: { store: PostgresStore; config: Config; log: QueueLogger; now?: () => Date }): Promise<JobQueue> {
  const { store, config, log } = deps;
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const boss = await openBoss(store, config, log);
  const listeners: Array<(jobId: string) => void> = [];
  const settled = (id: string) => {
    for (const listener of listeners) listener(id);
  };
  const listener = listen(config.databaseUrl!, store.schema, [SETTLED_CHANNEL], (_channel, payload) => settled(payload), log);
  let reaper: NodeJS.Timeout | null = null;
  let reaping = false;
  let accepting = true;

  return {
    mode: 'distributed',

    assertCanAccept() {
      // The queue is a table: it has no capacity limit of its own. Only a closing instance refuses.
      if (!accepting) throw unavailable('the service is shutting down', 5);
    },

    async submit(entries) {
      return store.withTransaction(async (tx) => {
        const rows = await store.jobs.insert(
          entries.map((e) => e.row),
          tx,
        );
        for (const { task } of entries) {
          if (!task) continue;
          const data: SolveJobData = { jobId: task.jobId };
          await boss.send(SOLVE_QUEUE, data, {
            id: task.jobId,
            retryLimit: config.jobRetryLimit,
            deadLetter: DEAD_LETTER_QUEUE,
            expireInSeconds: expireInSeconds(task.request.scenario.solver.timeLimitSeconds, config.solverGraceSeconds),
            ...inTransaction(tx),
          });
        }
        await notify(tx, WORK_CHANNEL, 'job');
        return rows;
      });
    },

    async cancel(id, error) {
      const changed = await store.withTransaction(async (tx) => {
        const ids = await store.jobs.cancelTree(id, error, now(), tx);
        if (ids.length) {
          await boss.cancel(SOLVE_QUEUE, ids, inTransaction(tx));
          for (const jobId of ids) await notify(tx, SETTLED_CHANNEL, jobId);
          await notify(tx, WORK_CHANNEL, 'cancel');
        }
        return ids;
      });
      return changed;
    },

    onSettled(callback) {
      listeners.push(callback);
    },

    async health(): Promise<QueueHealth> {
      const [counts, deadLetter, workers] = await Promise.all([
        store.jobs.activeCounts(),
        boss.getQueueSize(DEAD_LETTER_QUEUE, { before: 'completed' }),
        liveWorkers(store, config.workerTimeoutSeconds),
      ]);
      return { mode: 'distributed', depth: counts.queued, running: counts.running, deadLetter, workers };
    },

    async highsVersion() {
      const row = await store.pool.query<{ highs: string | null }>('SELECT highs FROM workers WHERE highs IS NOT NULL ORDER BY last_seen DESC LIMIT 1');
      return row.rows[0]?.highs ?? null;
    },

    async start() {
      await listener.start();
      // Every instance watches for lost workers, so jobs are retried even when no worker is left to notice.
      reaper = setInterval(() => {
        if (reaping) return;
        reaping = true;
        reapLostWorkers(store, boss, config.workerTimeoutSeconds, log)
          .catch((error: unknown) => log.error({ err: error }, 'could not check for lost workers'))
          .finally(() => (reaping = false));
      }, config.workerHeartbeatSeconds * 1000);
      reaper.unref();
    },

    async drain() {
      // An API instance runs no solves: queued and running jobs stay with the queue and its workers.
      accepting = false;
    },

    async close() {
      accepting = false;
      if (reaper) clearInterval(reaper);
      while (reaping) await new Promise((r) => setTimeout(r, 20));
      await listener.stop();
      await boss.stop({ graceful: false, close: true, wait: true });
    },
  };
}

export const workerHost = () => hostname();
