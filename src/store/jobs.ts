/**
 * Job rows (SQLite). State changes are guarded by the current status in the UPDATE itself, so a
 * result that arrives after a job was cancelled cannot turn it back into `done`, and each change
 * that touches several rows runs in one transaction (better-sqlite3 transactions are synchronous,
 * so nothing else can run in between).
 */
import { randomUUID } from 'node:crypto';
import type { EffectiveSolverOptions, JobError, JobErrorCode, JobPhase, JobStatus } from '../schemas/api/jobs.js';
import type { Db } from './db.js';
import type { JobOutcome, JobRepository, NewJob, SettleResult } from './repository.js';
import type { StoredJob } from './records.js';

export type { StoredJob } from './records.js';

export interface JobRow {
  id: string;
  scenario_id: string;
  kind: 'solve' | 'group';
  parent_id: string | null;
  status: JobStatus;
  phase: JobPhase;
  options: string;
  error_code: string | null;
  error_message: string | null;
  portfolio_id: string | null;
  worker_id: string | null;
  attempts: number;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export const jobFromRow = (row: JobRow): StoredJob => ({
  id: row.id,
  scenarioId: row.scenario_id,
  kind: row.kind,
  parentId: row.parent_id,
  status: row.status,
  phase: row.phase,
  options: JSON.parse(row.options) as EffectiveSolverOptions,
  error: row.error_code ? { code: row.error_code as JobErrorCode, message: row.error_message ?? '' } : null,
  portfolioId: row.portfolio_id,
  attempts: Number(row.attempts),
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

export function createJobRepository(db: Db): JobRepository {
  const insertStmt = db.prepare(
    `INSERT INTO jobs (id, scenario_id, kind, parent_id, status, phase, options, created_at)
     VALUES (@id, @scenarioId, @kind, @parentId, @status, @phase, @options, @createdAt)`,
  );
  const byId = db.prepare('SELECT * FROM jobs WHERE id = ?');
  const startStmt = db.prepare(
    `UPDATE jobs SET status = 'running', phase = 'formulating', started_at = ?, worker_id = ?, attempts = attempts + 1 WHERE id = ? AND status = 'queued'`,
  );
  const phaseStmt = db.prepare(`UPDATE jobs SET phase = ? WHERE id = ? AND status = 'running'`);
  const finishStmt = db.prepare(
    `UPDATE jobs SET status = @status, phase = 'finished', error_code = @errorCode, error_message = @errorMessage,
            portfolio_id = @portfolioId, finished_at = @finishedAt
     WHERE id = @id AND status IN ('queued', 'running')`,
  );
  const insertPortfolio = db.prepare(
    `INSERT INTO portfolios (id, scenario_id, job_id, status, total_cost_usd, body, created_at)
     VALUES (@id, @scenarioId, @jobId, @status, @totalCostUsd, @body, @createdAt)`,
  );
  const insertReport = db.prepare('INSERT INTO reports (portfolio_id, body, extras) VALUES (?, ?, ?)');
  const activeMembers = db.prepare(`SELECT COUNT(*) FROM jobs WHERE parent_id = ? AND status IN ('queued', 'running')`).pluck();
  const activeChildren = db.prepare(`SELECT id FROM jobs WHERE parent_id = ? AND status IN ('queued', 'running') ORDER BY seq`).pluck();
  const members = db.prepare('SELECT id FROM jobs WHERE parent_id = ? ORDER BY seq').pluck();
  const activeForScenario = db.prepare(`SELECT id FROM jobs WHERE scenario_id = ? AND status IN ('queued', 'running')`).pluck();
  const counts = db.prepare(`SELECT status, COUNT(*) AS n FROM jobs WHERE kind = 'solve' AND status IN ('queued', 'running') GROUP BY status`);
  const interruptStmt = db.prepare(
    `UPDATE jobs SET status = 'failed', phase = 'finished', error_code = 'interrupted',
            error_message = 'the service stopped before this job finished; solve the scenario again', finished_at = ?
     WHERE status IN ('queued', 'running')`,
  );

  const finishRow = (id: string, status: JobStatus, at: string, error: JobError | null, portfolioId: string | null) =>
    finishStmt.run({ id, status, errorCode: error?.code ?? null, errorMessage: error?.message ?? null, portfolioId, finishedAt: at }).changes === 1;

  /** Finishes the group above a job once none of its members is active any more. */
  const settleParent = (parentId: string | null, at: string): string | null => {
    if (!parentId) return null;
    if ((activeMembers.get(parentId) as number) > 0) return null;
    return finishRow(parentId, 'done', at, null, null) ? parentId : null;
  };

  const settle = db.transaction((id: string, outcome: JobOutcome, at: string): SettleResult => {
    const row = byId.get(id) as JobRow | undefined;
    if (!row || (row.status !== 'queued' && row.status !== 'running')) return { settled: false, portfolioId: null, parentSettled: null };
    let portfolioId: string | null = null;
    if (outcome.status === 'done') {
      portfolioId = randomUUID();
      insertPortfolio.run({
        id: portfolioId,
        scenarioId: row.scenario_id,
        jobId: id,
        status: outcome.result.status,
        totalCostUsd: outcome.result.totalCostUsd,
        body: outcome.result.portfolioJson,
        createdAt: at,
      });
      if (outcome.result.reportJson !== undefined) insertReport.run(portfolioId, outcome.result.reportJson, outcome.result.reportExtras ?? null);
      finishRow(id, 'done', at, null, portfolioId);
    } else {
      finishRow(id, outcome.status, at, outcome.error, null);
    }
    return { settled: true, portfolioId, parentSettled: settleParent(row.parent_id, at) };
  });

  const cancelTree = db.transaction((id: string, error: JobError, at: string): string[] => {
    const changed: string[] = [];
    const visit = (jobId: string, jobError: JobError) => {
      if (finishRow(jobId, 'cancelled', at, jobError, null)) changed.push(jobId);
      for (const child of activeChildren.all(jobId) as string[]) visit(child, { code: 'cancelled', message: `its parent job ${jobId} was cancelled` });
    };
    visit(id, error);
    const row = byId.get(id) as JobRow | undefined;
    if (changed.length && row) settleParent(row.parent_id, at);
    return changed;
  });

  const insertAll = db.transaction((jobs: readonly NewJob[]) =>
    jobs.map((job) => {
      const kind = job.kind ?? 'solve';
      insertStmt.run({
        id: job.id,
        scenarioId: job.scenarioId,
        kind,
        parentId: job.parentId ?? null,
        // A group has no work of its own: it is running from the moment its members exist.
        status: kind === 'group' ? 'running' : 'queued',
        phase: kind === 'group' ? 'solving' : 'queued',
        options: JSON.stringify(job.options),
        createdAt: job.createdAt,
      });
      return jobFromRow(byId.get(job.id) as JobRow);
    }),
  );

  return {
    async insert(jobs) {
      return insertAll(jobs);
    },

    async findById(id) {
      const row = byId.get(id) as JobRow | undefined;
      return row ? jobFromRow(row) : null;
    },

    async markRunning(id, startedAt, workerId = null) {
      return startStmt.run(startedAt, workerId, id).changes === 1;
    },

    async setPhase(id, phase) {
      return phaseStmt.run(phase, id).changes === 1;
    },

    async settle(id, outcome, at) {
      return settle(id, outcome, at);
    },

    async cancelTree(id, error, at) {
      return cancelTree(id, error, at);
    },

    async activeIdsForScenario(scenarioId) {
      return activeForScenario.all(scenarioId) as string[];
    },

    async memberIds(parentId) {
      return members.all(parentId) as string[];
    },

    async activeCounts() {
      const result = { queued: 0, running: 0 };
      for (const row of counts.all() as Array<{ status: 'queued' | 'running'; n: number }>) result[row.status] = row.n;
      return result;
    },

    async failInterrupted(now) {
      return interruptStmt.run(now).changes;
    },
  };
}
