/**
 * The SQLite database: opened with WAL (readers never wait for the single writer) and foreign keys
 * on (SQLite leaves them off per connection), then brought up to date by numbered migrations that
 * are recorded in `schema_migrations`, each applied in its own transaction.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Append only: a released migration is never edited, a change is a new migration. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'scenarios, jobs, portfolios',
    sql: `
      CREATE TABLE scenarios (
        seq        INTEGER PRIMARY KEY AUTOINCREMENT,
        id         TEXT NOT NULL UNIQUE,          -- SHA-256 of the canonical scenario JSON
        name       TEXT NOT NULL,
        dataset_id TEXT NOT NULL,
        body       TEXT NOT NULL,                 -- the canonical scenario JSON
        created_at TEXT NOT NULL
      );

      CREATE TABLE jobs (
        seq          INTEGER PRIMARY KEY AUTOINCREMENT,
        id           TEXT NOT NULL UNIQUE,
        scenario_id  TEXT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
        phase        TEXT NOT NULL,
        options      TEXT NOT NULL,
        error_code   TEXT,
        error_message TEXT,
        portfolio_id TEXT,
        created_at   TEXT NOT NULL,
        started_at   TEXT,
        finished_at  TEXT
      );
      CREATE INDEX jobs_scenario ON jobs(scenario_id);
      CREATE INDEX jobs_status ON jobs(status);

      CREATE TABLE portfolios (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        id             TEXT NOT NULL UNIQUE,
        scenario_id    TEXT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        job_id         TEXT REFERENCES jobs(id) ON DELETE SET NULL,
        status         TEXT NOT NULL,
        total_cost_usd REAL,
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
    name: 'job groups, attempts, one portfolio per job',
    sql: `
      ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'solve' CHECK (kind IN ('solve', 'group'));
      ALTER TABLE jobs ADD COLUMN parent_id TEXT REFERENCES jobs(id) ON DELETE CASCADE;
      ALTER TABLE jobs ADD COLUMN worker_id TEXT;
      ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX jobs_parent ON jobs(parent_id);
      -- A job yields at most one portfolio, whatever happens to the process that solved it.
      CREATE UNIQUE INDEX portfolios_job ON portfolios(job_id);
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
        hash       TEXT NOT NULL UNIQUE,          -- SHA-256 (hex) of the key; the key itself is never stored
        created_at TEXT NOT NULL,
        revoked_at TEXT
      );
      -- The key that first stored a scenario, for its storage quota (NULL: stored on loopback).
      ALTER TABLE scenarios ADD COLUMN owner_key_id TEXT;
      CREATE INDEX scenarios_owner ON scenarios(owner_key_id);
    `,
  },
  {
    version: 5,
    name: 'analyses',
    sql: `
      CREATE TABLE analyses (
        seq            INTEGER PRIMARY KEY AUTOINCREMENT,
        id             TEXT NOT NULL UNIQUE,
        kind           TEXT NOT NULL CHECK (kind IN ('frontier', 'stress_test', 'alternatives', 'comparison')),
        scenario_id    TEXT NOT NULL REFERENCES scenarios(id) ON DELETE CASCADE,
        status         TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'cancelled')),
        request        TEXT NOT NULL,
        group_ids      TEXT NOT NULL,            -- JSON array of the group jobs it submitted
        members        TEXT NOT NULL,            -- JSON array of { label, jobId }
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
      -- State of a report's sections that need extra solves (issue 13): 'pending' while the solve
      -- worker computes them after the job finished, then 'complete' or 'failed'; 'skipped' for an
      -- analysis member. NULL: a report stored whole, before the split.
      ALTER TABLE reports ADD COLUMN extras TEXT CHECK (extras IN ('pending', 'complete', 'failed', 'skipped'));
    `,
  },
];

/** Opens (creating the folder and file if needed) and migrates the database. `:memory:` works too. */
export function openDatabase(path: string, migrations: readonly Migration[] = MIGRATIONS): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // A second process (or a test reopening the file) may hold the write lock briefly.
    db.pragma('busy_timeout = 5000');
    migrate(db, migrations);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS): number[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    applied_at TEXT NOT NULL
  )`);
  const applied = new Set(db.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
  const newlyApplied: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
  for (const migration of [...migrations].sort((a, b) => a.version - b.version)) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      record.run(migration.version, migration.name, new Date().toISOString());
    })();
    newlyApplied.push(migration.version);
  }
  return newlyApplied;
}

/** Row counts of the data tables (tests use it to prove a rejected request changed nothing). */
export function tableCounts(db: Db): Record<'scenarios' | 'jobs' | 'portfolios' | 'analyses', number> {
  const count = (table: string) => db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number;
  return { scenarios: count('scenarios'), jobs: count('jobs'), portfolios: count('portfolios'), analyses: count('analyses') };
}
