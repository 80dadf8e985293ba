/**
 * Job rows. State changes are guarded by the current status in the UPDATE itself, so a result that
 * arrives after a job was cancelled cannot turn it back into `done`.
 */
import type { EffectiveSolverOptions, JobError, JobErrorCode, JobPhase, JobStatus } from '../schemas/api.js';
import type { Db } from './db.js';

export interface StoredJob {
  id: string;
  scenarioId: string;
  status: JobStatus;
  phase: JobPhase;
  options: EffectiveSolverOptions;
  error: JobError | null;
  portfolioId: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

interface Row {
  id: string;
  scenario_id: string;
  status: JobStatus;
  phase: JobPhase;
  options: string;
  error_code: string | null;
  error_message: string | null;
  portfolio_id: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
}

const fromRow = (row: Row): StoredJob => ({
  id: row.id,
  scenarioId: row.scenario_id,
  status: row.status,
  phase: row.phase,
  options: JSON.parse(row.options) as EffectiveSolverOptions,
  error: row.error_code ? { code: row.error_code as JobErrorCode, message: row.error_message ?? '' } : null,
  portfolioId: row.portfolio_id,
  createdAt: row.created_at,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

export type JobRepository = ReturnType<typeof createJobRepository>;

export function createJobRepository(db: Db) {
  const insertStmt = db.prepare(
    `INSERT INTO jobs (id, scenario_id, status, phase, options, created_at)
     VALUES (@id, @scenarioId, 'queued', 'queued', @options, @createdAt)`,
  );
  const byId = db.prepare('SELECT * FROM jobs WHERE id = ?');
  const startStmt = db.prepare(`UPDATE jobs SET status = 'running', phase = 'formulating', started_at = ? WHERE id = ? AND status = 'queued'`);
  const phaseStmt = db.prepare(`UPDATE jobs SET phase = ? WHERE id = ? AND status = 'running'`);
  const finishStmt = db.prepare(
    `UPDATE jobs SET status = @status, phase = 'finished', error_code = @errorCode, error_message = @errorMessage,
            portfolio_id = @portfolioId, finished_at = @finishedAt
     WHERE id = @id AND status IN ('queued', 'running')`,
  );
  const activeForScenario = db.prepare(`SELECT id FROM jobs WHERE scenario_id = ? AND status IN ('queued', 'running')`).pluck();
  const interruptStmt = db.prepare(
    `UPDATE jobs SET status = 'failed', phase = 'finished', error_code = 'interrupted',
            error_message = 'the service stopped before this job finished; solve the scenario again', finished_at = ?
     WHERE status IN ('queued', 'running')`,
  );

  return {
    insert(job: { id: string; scenarioId: string; options: EffectiveSolverOptions; createdAt: string }): StoredJob {
      return db.transaction(() => {
        insertStmt.run({ ...job, options: JSON.stringify(job.options) });
        return fromRow(byId.get(job.id) as Row);
      })();
    },

    findById(id: string): StoredJob | null {
      const row = byId.get(id) as Row | undefined;
      return row ? fromRow(row) : null;
    },

    markRunning(id: string, startedAt: string): boolean {
      return startStmt.run(startedAt, id).changes === 1;
    },

    setPhase(id: string, phase: JobPhase): boolean {
      return phaseStmt.run(phase, id).changes === 1;
    },

    /** Moves a queued or running job to a final status; false when it had already finished (or is gone). */
    finish(id: string, outcome: { status: 'done' | 'failed' | 'cancelled'; error?: JobError | null; portfolioId?: string | null; finishedAt: string }): boolean {
      return (
        finishStmt.run({
          id,
          status: outcome.status,
          errorCode: outcome.error?.code ?? null,
          errorMessage: outcome.error?.message ?? null,
          portfolioId: outcome.portfolioId ?? null,
          finishedAt: outcome.finishedAt,
        }).changes === 1
      );
    },

    activeIdsForScenario(scenarioId: string): string[] {
      return activeForScenario.all(scenarioId) as string[];
    },

    /** Fails jobs a previous process left queued or running (their solves died with it). */
    failInterrupted(now: string): number {
      return interruptStmt.run(now).changes;
    },
  };
}
