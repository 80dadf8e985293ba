/**
 * The shared store: PostgreSQL through `pg`, selected with `DATABASE_URL=postgres://…`. Same tables,
 * same behaviour as the SQLite store (src/store/sqlite.ts); every instance and worker process of a
 * deployment uses the same database. The planner's tables live in one schema (`DATABASE_SCHEMA`,
 * default `planner`), set as each connection's search_path, and are brought up to date by numbered
 * migrations recorded in `schema_migrations`. Migrating takes an advisory lock, so processes that
 * start together migrate once.
 *
 * Multi-row changes lock rows in one order — a group's parent before its members — so a member's
 * outcome and a cancellation of its group cannot deadlock. Timestamps and JSON bodies are stored
 * as text, exactly as in SQLite: a scenario's id is the hash of its body, which must round-trip
 * byte for byte.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { JobError } from '../schemas/api/jobs.js';
import { jobFromRow, type JobRow } from './jobs.js';
import { decodeCursor } from './paging.js';
import { portfolioFromRow, rawPortfolioFromRow, summaryPage, type PortfolioDbRow, type PortfolioSummaryDbRow } from './portfolios.js';
import { apiKeyFromRow, type ApiKeyDbRow } from './keys.js';
import type {
  AnalysisRepository,
  ReportExtrasStatus,
  ApiKeyRepository,
  JobOutcome,
  JobRepository,
  NewJob,
  PortfolioRepository,
  ScenarioRepository,
  SettleResult,
  Store,
} from './repository.js';
import { scenarioFromRow, scenarioPage, type ScenarioDbRow } from './scenarios.js';
import { extrasFailedReport } from './report-extras.js';
import { analysisFromRow, type AnalysisDbRow } from './analyses.js';

/** A connection inside a transaction (or the pool itself): whatever can run a query. */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>>;
}

export interface PgMigration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: a released migration is never edited, a change is a new migration. */
export const PG_MIGRATIONS: readonly PgMigration[] = [
  {
    version: 1,
    name: 'scenarios, jobs, portfolios',
    sql: `
      CREATE TABLE scenarios (
        seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        name       TEXT NOT NULL,
        dataset_id TEXT NOT NULL,
        body       TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE jobs (
        seq           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id            TEXT NOT NULL UNIQUE,
        scenario_id   TEXT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        status        TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        phase         TEXT NOT NULL,
        options       TEXT NOT NULL,
        error_code    TEXT,
        error_message TEXT,
        portfolio_id  TEXT,
        created_at    TEXT NOT NULL,
        started_at    TEXT,
        finished_at   TEXT
      );
      CREATE INDEX jobs_scenario ON jobs(scenario_id);
      CREATE INDEX jobs_status ON jobs(status);
      CREATE TABLE portfolios (
        seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id             TEXT NOT NULL UNIQUE,
        scenario_id    TEXT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        job_id         TEXT REFERENCES jobs(id) ON DELETE SET NULL,
        status         TEXT NOT NULL,
        total_cost_usd DOUBLE PRECISION,
        body           TEXT NOT NULL,
        created_at     TEXT NOT NULL
      );
      CREATE INDEX portfolios_scenario ON portfolios(scenario_id, seq);
    `,
  },
  {
    version: 2,
    name: 'solver reports',
    sql: `
      CREATE TABLE reports (
        portfolio_id TEXT PRIMARY KEY REFERENCES portfolios(id) ON DELETE CASCADE,
        body         TEXT NOT NULL
      );
    `,
  },
  {
    version: 3,
    name: 'job groups, attempts, one portfolio per job, worker heartbeats',
    sql: `
      ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'solve' CHECK (kind IN ('solve', 'group'));
      ALTER TABLE jobs ADD COLUMN parent_id TEXT REFERENCES jobs(id) ON DELETE CASCADE;
      ALTER TABLE jobs ADD COLUMN worker_id TEXT;
      ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX jobs_parent ON jobs(parent_id);
      CREATE INDEX jobs_worker ON jobs(worker_id) WHERE status = 'running';
      CREATE UNIQUE INDEX portfolios_job ON portfolios(job_id);
      -- One row per live worker process; a worker whose last_seen is older than the worker
      -- timeout is presumed dead and its running jobs go back to the queue.
      CREATE TABLE workers (
        id         TEXT PRIMARY KEY,
        host       TEXT NOT NULL,
        pid        INTEGER NOT NULL,
        slots      INTEGER NOT NULL,
        busy       INTEGER NOT NULL DEFAULT 0,
        highs      TEXT,
        started_at TIMESTAMPTZ NOT NULL DEFAULT now(),
        last_seen  TIMESTAMPTZ NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 4,
    name: 'API keys (hashed) and scenario owners',
    sql: `
      CREATE TABLE api_keys (
        id         TEXT PRIMARY KEY,
        name       TEXT NOT NULL,
        role       TEXT NOT NULL CHECK (role IN ('read', 'write')),
        hash       TEXT NOT NULL UNIQUE,
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
      ALTER TABLE scenarios ADD COLUMN owner_key_id TEXT;
      CREATE INDEX scenarios_owner ON scenarios(owner_key_id);
    `,
  },
  {
    version: 5,
    name: 'analyses',
    sql: `
      CREATE TABLE analyses (
        seq            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id             TEXT NOT NULL UNIQUE,
        kind           TEXT NOT NULL CHECK (kind IN ('frontier', 'stress_test', 'alternatives', 'comparison')),
        scenario_id    TEXT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        status         TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
        request        TEXT NOT NULL,
        group_ids      TEXT NOT NULL,
        members        TEXT NOT NULL,
        planned_solves INTEGER NOT NULL,
        result         TEXT,
        error_code     TEXT,
        error_message  TEXT,
        created_at     TEXT NOT NULL,
        finished_at    TEXT
      );
      CREATE INDEX analyses_status ON analyses(status);
    `,
  },
  {
    version: 6,
    name: 'report extras state',
    sql: `
      ALTER TABLE reports ADD COLUMN extras TEXT CHECK (extras IN ('pending', 'complete', 'failed', 'skipped'));
    `,
  },
];

export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  readonly schema: string;
  readonly pool: pg.Pool;
  /** Runs `fn` in a transaction (or inside `tx` when one is given). */
  withTransaction<T>(fn: (tx: Sql) => Promise<T>, tx?: Sql): Promise<T>;
  readonly jobs: PgJobRepository;
  readonly portfolios: PgPortfolioRepository;
}

/** The portfolio repository; a report's extra sections can be stored inside a caller's transaction (with its NOTIFY). */
export interface PgPortfolioRepository extends PortfolioRepository {
  completeReport(jobId: string, reportJson: string, status: 'complete' | 'failed', tx?: Sql): Promise<string | null>;
}

/** The job repository with an optional transaction to run in, so queue work can join it. */
export interface PgJobRepository extends JobRepository {
  insert(jobs: readonly NewJob[], tx?: Sql): Promise<import('./jobs.js').StoredJob[]>;
  settle(id: string, outcome: JobOutcome, at: string, tx?: Sql): Promise<SettleResult>;
  cancelTree(id: string, error: JobError, at: string, tx?: Sql): Promise<string[]>;
  markRunning(id: string, startedAt: string, workerId?: string | null, tx?: Sql): Promise<boolean>;
  /** A running job goes back to `queued` (its worker was lost and the queue retries it); false when it is no longer running. */
  requeue(id: string, tx?: Sql): Promise<boolean>;
  /** Locks a job (its parent first) for the rest of `tx`; null when there is no such job. */
  lock(id: string, tx: Sql): Promise<JobRow | null>;
  /** A queue worker takes the job: running, on this worker, one more attempt. False once it has finished (or is gone). */
  claim(id: string, workerId: string, startedAt: string, tx?: Sql): Promise<boolean>;
}

const SCHEMA = /^[a-z_][a-z0-9_]{0,40}$/;

/** Applies the migrations not yet recorded; returns the versions applied now. */
export async function migratePostgres(pool: pg.Pool, schema: string, migrations: readonly PgMigration[] = PG_MIGRATIONS): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`planner-migrations:${schema}`]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${schema}.schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const applied = new Set((await client.query<{ version: number }>(`SELECT version FROM ${schema}.schema_migrations`)).rows.map((r) => r.version));
    const newlyApplied: number[] = [];
    for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
      if (applied.has(migration.version)) continue;
      await client.query(`SET LOCAL search_path TO ${schema}`);
      await client.query(migration.sql);
      await client.query(`INSERT INTO ${schema}.schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)`, [
        migration.version,
        migration.name,
        new Date().toISOString(),
      ]);
      newlyApplied.push(migration.version);
    }
    await client.query('COMMIT');
    return newlyApplied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

export async function openPostgresStore(options: { url: string; schema: string; poolSize?: number; applicationName?: string }): Promise<PostgresStore> {
  const { schema } = options;
  if (!SCHEMA.test(schema)) throw new Error(`'${schema}' is not a schema name this store accepts (lower-case SQL identifier)`);
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: options.applicationName ?? 'allied-midstream-planner',
    options: `-c search_path=${schema}`,
  });
  // An idle connection that the server drops must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  try {
    await migratePostgres(pool, schema);
  } catch (error) {
    await pool.end();
    throw error;
  }

  async function withTransaction<T>(fn: (tx: Sql) => Promise<T>, tx?: Sql): Promise<T> {
    if (tx) return fn(tx);
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }

  const one = async <R extends pg.QueryResultRow>(sql: Sql, text: string, values: unknown[]): Promise<R | null> =>
    (await sql.query<R>(text, values)).rows[0] ?? null;

  const scenarios: ScenarioRepository = {
    async insertIfAbsent(record) {
      const inserted = await one<ScenarioDbRow>(
        pool,
        'INSERT INTO scenarios (id, name, dataset_id, body, created_at, owner_key_id) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (id) DO NOTHING RETURNING *',
        [record.id, record.name, record.datasetId, record.body, record.createdAt, record.ownerKeyId ?? null],
      );
      if (inserted) return { scenario: scenarioFromRow(inserted), created: true };
      const existing = await one<ScenarioDbRow>(pool, 'SELECT * FROM scenarios WHERE id = $1', [record.id]);
      return { scenario: scenarioFromRow(existing!), created: false };
    },
    async countByOwner(ownerKeyId) {
      return (await one<{ n: number }>(pool, 'SELECT COUNT(*)::int AS n FROM scenarios WHERE owner_key_id = $1', [ownerKeyId]))!.n;
    },
    async findById(id) {
      const row = await one<ScenarioDbRow>(pool, 'SELECT * FROM scenarios WHERE id = $1', [id]);
      return row ? scenarioFromRow(row) : null;
    },
    async list(page) {
      let rows: ScenarioDbRow[];
      if (page.cursor !== undefined) {
        const seq = decodeCursor(page.cursor);
        if (seq === null) return null;
        rows = (await pool.query<ScenarioDbRow>('SELECT * FROM scenarios WHERE seq < $1 ORDER BY seq DESC LIMIT $2', [seq, page.limit + 1])).rows;
      } else {
        rows = (await pool.query<ScenarioDbRow>('SELECT * FROM scenarios ORDER BY seq DESC LIMIT $1 OFFSET $2', [page.limit + 1, page.offset ?? 0])).rows;
      }
      const total = (await one<{ n: number }>(pool, 'SELECT COUNT(*)::int AS n FROM scenarios', []))!.n;
      return scenarioPage(rows, page, total);
    },
    async delete(id) {
      return withTransaction(async (tx) => {
        // Lock the scenario's active jobs in the usual order before the cascade deletes them.
        await tx.query(`SELECT id FROM jobs WHERE scenario_id = $1 ORDER BY parent_id NULLS FIRST, seq FOR UPDATE`, [id]);
        return ((await tx.query('DELETE FROM scenarios WHERE id = $1', [id])).rowCount ?? 0) === 1;
      });
    },
  };

  const finishRow = async (tx: Sql, id: string, status: string, at: string, error: JobError | null, portfolioId: string | null) =>
    ((
      await tx.query(
        `UPDATE jobs SET status = $2, phase = 'finished', error_code = $3, error_message = $4, portfolio_id = $5, finished_at = $6
         WHERE id = $1 AND status IN ('queued', 'running')`,
        [id, status, error?.code ?? null, error?.message ?? null, portfolioId, at],
      )
    ).rowCount ?? 0) === 1;

  /** Finishes the group above a job once none of its members is active (the caller holds the parent's lock). */
  const settleParent = async (tx: Sql, parentId: string | null, at: string): Promise<string | null> => {
    if (!parentId) return null;
    const active = (await one<{ n: number }>(tx, `SELECT COUNT(*)::int AS n FROM jobs WHERE parent_id = $1 AND status IN ('queued', 'running')`, [parentId]))!
      .n;
    if (active > 0) return null;
    return (await finishRow(tx, parentId, 'done', at, null, null)) ? parentId : null;
  };

  /** Locks a job's parent (if any) and then the job: the one lock order every multi-row change uses. */
  const lockJob = async (tx: Sql, id: string): Promise<JobRow | null> => {
    const parent = await one<{ parent_id: string | null }>(tx, 'SELECT parent_id FROM jobs WHERE id = $1', [id]);
    if (!parent) return null;
    if (parent.parent_id) await tx.query('SELECT id FROM jobs WHERE id = $1 FOR UPDATE', [parent.parent_id]);
    return one<JobRow>(tx, 'SELECT * FROM jobs WHERE id = $1 FOR UPDATE', [id]);
  };

  const jobs: PgJobRepository = {
    async insert(rows, tx) {
      return withTransaction(async (sql) => {
        const stored = [];
        for (const job of rows) {
          const kind = job.kind ?? 'solve';
          const row = await one<JobRow>(
            sql,
            `INSERT INTO jobs (id, scenario_id, kind, parent_id, status, phase, options, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
            [
              job.id,
              job.scenarioId,
              kind,
              job.parentId ?? null,
              kind === 'group' ? 'running' : 'queued',
              kind === 'group' ? 'solving' : 'queued',
              JSON.stringify(job.options),
              job.createdAt,
            ],
          );
          stored.push(jobFromRow(row!));
        }
        return stored;
      }, tx);
    },

    async findById(id) {
      const row = await one<JobRow>(pool, 'SELECT * FROM jobs WHERE id = $1', [id]);
      return row ? jobFromRow(row) : null;
    },

    async markRunning(id, startedAt, workerId = null, tx) {
      const result = await (tx ?? pool).query(
        `UPDATE jobs SET status = 'running', phase = 'formulating', started_at = $2, worker_id = $3, attempts = attempts + 1 WHERE id = $1 AND status = 'queued'`,
        [id, startedAt, workerId],
      );
      return (result.rowCount ?? 0) === 1;
    },

    lock: (id, tx) => lockJob(tx, id),

    async claim(id, workerId, startedAt, tx) {
      const result = await (tx ?? pool).query(
        `UPDATE jobs SET status = 'running', phase = 'formulating', started_at = $2, worker_id = $3, attempts = attempts + 1
         WHERE id = $1 AND status IN ('queued', 'running')`,
        [id, startedAt, workerId],
      );
      return (result.rowCount ?? 0) === 1;
    },

    async requeue(id, tx) {
      const result = await (tx ?? pool).query(`UPDATE jobs SET status = 'queued', phase = 'queued', worker_id = NULL WHERE id = $1 AND status = 'running'`, [
        id,
      ]);
      return (result.rowCount ?? 0) === 1;
    },

    async setPhase(id, phase) {
      return ((await pool.query(`UPDATE jobs SET phase = $2 WHERE id = $1 AND status = 'running'`, [id, phase])).rowCount ?? 0) === 1;
    },

    async settle(id, outcome, at, tx) {
      return withTransaction(async (sql): Promise<SettleResult> => {
        const row = await lockJob(sql, id);
        if (!row || (row.status !== 'queued' && row.status !== 'running')) return { settled: false, portfolioId: null, parentSettled: null };
        let portfolioId: string | null = null;
        if (outcome.status === 'done') {
          portfolioId = randomUUID();
          await sql.query(`INSERT INTO portfolios (id, scenario_id, job_id, status, total_cost_usd, body, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)`, [
            portfolioId,
            row.scenario_id,
            id,
            outcome.result.status,
            outcome.result.totalCostUsd,
            outcome.result.portfolioJson,
            at,
          ]);
          if (outcome.result.reportJson !== undefined)
            await sql.query('INSERT INTO reports (portfolio_id, body, extras) VALUES ($1, $2, $3)', [
              portfolioId,
              outcome.result.reportJson,
              outcome.result.reportExtras ?? null,
            ]);
          await finishRow(sql, id, 'done', at, null, portfolioId);
        } else {
          await finishRow(sql, id, outcome.status, at, outcome.error, null);
        }
        return { settled: true, portfolioId, parentSettled: await settleParent(sql, row.parent_id, at) };
      }, tx);
    },

    async cancelTree(id, error, at, tx) {
      return withTransaction(async (sql) => {
        const root = await lockJob(sql, id);
        if (!root) return [];
        const changed: string[] = [];
        if (await finishRow(sql, id, 'cancelled', at, error, null)) changed.push(id);
        // Members (and their members), parents before children, locked in that order.
        const below = await sql.query<{ id: string; parent_id: string }>(
          `WITH RECURSIVE tree AS (
             SELECT id, parent_id, seq, 1 AS depth FROM jobs WHERE parent_id = $1
             UNION ALL
             SELECT j.id, j.parent_id, j.seq, t.depth + 1 FROM jobs j JOIN tree t ON j.parent_id = t.id
           )
           SELECT j.id, j.parent_id FROM jobs j JOIN tree t ON t.id = j.id
           WHERE j.status IN ('queued', 'running') ORDER BY t.depth, t.seq FOR UPDATE OF j`,
          [id],
        );
        for (const member of below.rows) {
          if (await finishRow(sql, member.id, 'cancelled', at, { code: 'cancelled', message: `its parent job ${member.parent_id} was cancelled` }, null))
            changed.push(member.id);
        }
        if (changed.length) await settleParent(sql, root.parent_id, at);
        return changed;
      }, tx);
    },

    async activeIdsForScenario(scenarioId) {
      return (
        await pool.query<{ id: string }>(`SELECT id FROM jobs WHERE scenario_id = $1 AND status IN ('queued', 'running') ORDER BY seq`, [scenarioId])
      ).rows.map((r) => r.id);
    },

    async memberIds(parentId) {
      return (await pool.query<{ id: string }>('SELECT id FROM jobs WHERE parent_id = $1 ORDER BY seq', [parentId])).rows.map((r) => r.id);
    },

    async activeCounts() {
      const result = { queued: 0, running: 0 };
      const rows = await pool.query<{ status: 'queued' | 'running'; n: number }>(
        `SELECT status, COUNT(*)::int AS n FROM jobs WHERE kind = 'solve' AND status IN ('queued', 'running') GROUP BY status`,
      );
      for (const row of rows.rows) result[row.status] = row.n;
      return result;
    },

    async failInterrupted() {
      // Jobs in the shared store belong to the queue and its workers, never to one process.
      return 0;
    },
  };

  const summaryColumns = `p.seq, p.id, p.scenario_id, p.job_id, p.status, p.total_cost_usd, p.created_at, s.name AS scenario_name, s.dataset_id AS dataset_id`;
  const portfolios: PgPortfolioRepository = {
    async findById(id) {
      const row = await one<PortfolioDbRow>(pool, 'SELECT * FROM portfolios WHERE id = $1', [id]);
      return row ? portfolioFromRow(row) : null;
    },
    async findRawById(id) {
      const row = await one<PortfolioDbRow>(pool, 'SELECT * FROM portfolios WHERE id = $1', [id]);
      return row ? rawPortfolioFromRow(row) : null;
    },
    async findReportJson(id) {
      return (await one<{ body: string }>(pool, 'SELECT body FROM reports WHERE portfolio_id = $1', [id]))?.body ?? null;
    },
    async findReportExtras(id) {
      const row = await one<{ extras: ReportExtrasStatus | null }>(pool, 'SELECT extras FROM reports WHERE portfolio_id = $1', [id]);
      return row ? { status: row.extras } : null;
    },
    async failPendingReports(message, lostAfterSeconds = 0) {
      const pending = await pool.query<{ portfolio_id: string; body: string; worker_id: string | null }>(
        `SELECT r.portfolio_id, r.body, j.worker_id FROM reports r
         JOIN portfolios p ON p.id = r.portfolio_id
         LEFT JOIN jobs j ON j.id = p.job_id
         LEFT JOIN workers w ON w.id = j.worker_id
         WHERE r.extras = 'pending' AND (w.id IS NULL OR w.last_seen < now() - make_interval(secs => $1))`,
        [lostAfterSeconds],
      );
      let failed = 0;
      for (const row of pending.rows) {
        const why = row.worker_id ? `${message} (worker ${row.worker_id})` : message;
        const result = await pool.query(`UPDATE reports SET body = $2, extras = 'failed' WHERE portfolio_id = $1 AND extras = 'pending'`, [
          row.portfolio_id,
          extrasFailedReport(row.body, why),
        ]);
        failed += result.rowCount ?? 0;
      }
      return failed;
    },
    async completeReport(jobId, reportJson, status, tx) {
      const row = await one<{ portfolio_id: string }>(
        tx ?? pool,
        `UPDATE reports SET body = $2, extras = $3
         WHERE extras = 'pending' AND portfolio_id = (SELECT id FROM portfolios WHERE job_id = $1) RETURNING portfolio_id`,
        [jobId, reportJson, status],
      );
      return row?.portfolio_id ?? null;
    },
    async list(filter, page) {
      const scenarioId = filter.scenarioId ?? null;
      const where = 'WHERE ($1::text IS NULL OR p.scenario_id = $1)';
      let rows: PortfolioSummaryDbRow[];
      if (page.cursor !== undefined) {
        const before = decodeCursor(page.cursor);
        if (before === null) return null;
        rows = (
          await pool.query<PortfolioSummaryDbRow>(
            `SELECT ${summaryColumns} FROM portfolios p JOIN scenarios s ON s.id = p.scenario_id ${where} AND p.seq < $2 ORDER BY p.seq DESC LIMIT $3`,
            [scenarioId, before, page.limit + 1],
          )
        ).rows;
      } else {
        rows = (
          await pool.query<PortfolioSummaryDbRow>(
            `SELECT ${summaryColumns} FROM portfolios p JOIN scenarios s ON s.id = p.scenario_id ${where} ORDER BY p.seq DESC LIMIT $2 OFFSET $3`,
            [scenarioId, page.limit + 1, page.offset ?? 0],
          )
        ).rows;
      }
      const total = (await one<{ n: number }>(pool, `SELECT COUNT(*)::int AS n FROM portfolios p ${where}`, [scenarioId]))!.n;
      return summaryPage(rows, page, total);
    },
  };

  const keys: ApiKeyRepository = {
    async insert(record) {
      const row = await one<ApiKeyDbRow>(pool, 'INSERT INTO api_keys (id, name, role, hash, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING *', [
        record.id,
        record.name,
        record.role,
        record.hash,
        record.createdAt,
      ]);
      return apiKeyFromRow(row!);
    },
    async findActiveByHash(hash) {
      const row = await one<ApiKeyDbRow>(pool, 'SELECT * FROM api_keys WHERE hash = $1 AND revoked_at IS NULL', [hash]);
      return row ? apiKeyFromRow(row) : null;
    },
    async list() {
      return (await pool.query<ApiKeyDbRow>('SELECT * FROM api_keys ORDER BY created_at, id')).rows.map(apiKeyFromRow);
    },
    async revoke(id, at) {
      return ((await pool.query('UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL', [id, at])).rowCount ?? 0) === 1;
    },
    async countActive() {
      return (await one<{ n: number }>(pool, 'SELECT COUNT(*)::int AS n FROM api_keys WHERE revoked_at IS NULL', []))!.n;
    },
  };

  const analyses: AnalysisRepository = {
    async insert(record) {
      const row = await one<AnalysisDbRow>(
        pool,
        `INSERT INTO analyses (id, kind, scenario_id, status, request, group_ids, members, planned_solves, created_at)
         VALUES ($1, $2, $3, 'running', $4, '[]', '[]', $5, $6) RETURNING *`,
        [record.id, record.kind, record.scenarioId, JSON.stringify(record.request), record.plannedSolves, record.createdAt],
      );
      return analysisFromRow(row!);
    },
    async findById(id) {
      const row = await one<AnalysisDbRow>(pool, 'SELECT * FROM analyses WHERE id = $1', [id]);
      return row ? analysisFromRow(row) : null;
    },
    async addMembers(id, groupId, members) {
      await withTransaction(async (tx) => {
        const row = await one<AnalysisDbRow>(tx, 'SELECT * FROM analyses WHERE id = $1 FOR UPDATE', [id]);
        if (!row) return;
        const current = analysisFromRow(row);
        await tx.query('UPDATE analyses SET group_ids = $2, members = $3 WHERE id = $1', [
          id,
          JSON.stringify([...current.groupIds, groupId]),
          JSON.stringify([...current.members, ...members]),
        ]);
      });
    },
    async finish(id, outcome, at) {
      const result = await pool.query(
        `UPDATE analyses SET status = $2, result = $3, error_code = $4, error_message = $5, finished_at = $6 WHERE id = $1 AND status = 'running'`,
        [
          id,
          outcome.status,
          outcome.result === undefined ? null : JSON.stringify(outcome.result),
          outcome.error?.code ?? null,
          outcome.error?.message ?? null,
          at,
        ],
      );
      return (result.rowCount ?? 0) === 1;
    },
    async failInterrupted() {
      // In a shared deployment another API process may be running them.
      return 0;
    },
  };

  let closed = false;
  return {
    kind: 'postgres',
    schema,
    pool,
    withTransaction,
    scenarios,
    keys,
    jobs,
    portfolios,
    analyses,
    async ping() {
      await pool.query('SELECT 1');
    },
    async counts() {
      const row = await one<{ scenarios: number; jobs: number; portfolios: number; analyses: number }>(
        pool,
        'SELECT (SELECT COUNT(*)::int FROM scenarios) AS scenarios, (SELECT COUNT(*)::int FROM jobs) AS jobs, (SELECT COUNT(*)::int FROM portfolios) AS portfolios, (SELECT COUNT(*)::int FROM analyses) AS analyses',
        [],
      );
      return row!;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
  };
}
