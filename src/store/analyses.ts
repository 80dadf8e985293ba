/**
 * Analysis rows (issue 14: frontiers, stress tests, near-optimal alternatives, explained
 * comparisons). An analysis is orchestrated by the API process that created it: it submits its
 * member solves as job groups and records here which jobs they are (with a label each) and, at the
 * end, its result. The member solves are ordinary jobs with stored scenarios and portfolios.
 * Shared by the SQLite repository below and the PostgreSQL one (src/store/postgres.ts).
 */
import type { Db } from './db.js';
import type { AnalysisRepository } from './repository.js';
import type { AnalysisKind, AnalysisMemberRef, AnalysisStatus, StoredAnalysis } from './records.js';

export type { AnalysisKind, AnalysisMemberRef, AnalysisStatus, StoredAnalysis } from './records.js';

export interface AnalysisDbRow {
  id: string;
  kind: AnalysisKind;
  scenario_id: string;
  status: AnalysisStatus;
  request: string;
  group_ids: string;
  members: string;
  planned_solves: number;
  result: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  finished_at: string | null;
}

export const analysisFromRow = (row: AnalysisDbRow): StoredAnalysis => ({
  id: row.id,
  kind: row.kind,
  scenarioId: row.scenario_id,
  status: row.status,
  request: JSON.parse(row.request),
  groupIds: JSON.parse(row.group_ids) as string[],
  members: JSON.parse(row.members) as AnalysisMemberRef[],
  plannedSolves: Number(row.planned_solves),
  result: row.result === null ? null : JSON.parse(row.result),
  error: row.error_code ? { code: row.error_code, message: row.error_message ?? '' } : null,
  createdAt: row.created_at,
  finishedAt: row.finished_at,
});

export function createAnalysisRepository(db: Db): AnalysisRepository {
  const insert = db.prepare(
    `INSERT INTO analyses (id, kind, scenario_id, status, request, group_ids, members, planned_solves, created_at)
     VALUES (@id, @kind, @scenarioId, 'running', @request, '[]', '[]', @plannedSolves, @createdAt)`,
  );
  const byId = db.prepare('SELECT * FROM analyses WHERE id = ?');
  const setMembers = db.prepare('UPDATE analyses SET group_ids = ?, members = ? WHERE id = ?');
  const finish = db.prepare(
    `UPDATE analyses SET status = @status, result = @result, error_code = @code, error_message = @message, finished_at = @at
     WHERE id = @id AND status = 'running'`,
  );
  const failRunning = db.prepare(
    `UPDATE analyses SET status = 'failed', error_code = 'interrupted', error_message = @message, finished_at = @at WHERE status = 'running'`,
  );
  const find = (id: string) => {
    const row = byId.get(id) as AnalysisDbRow | undefined;
    return row ? analysisFromRow(row) : null;
  };
  return {
    async insert(record) {
      insert.run({ ...record, request: JSON.stringify(record.request) });
      return find(record.id)!;
    },
    async findById(id) {
      return find(id);
    },
    async addMembers(id, groupId, members) {
      db.transaction(() => {
        const current = find(id);
        if (!current) return;
        setMembers.run(JSON.stringify([...current.groupIds, groupId]), JSON.stringify([...current.members, ...members]), id);
      })();
    },
    async finish(id, outcome, at) {
      const info = finish.run({
        id,
        status: outcome.status,
        result: outcome.result === undefined ? null : JSON.stringify(outcome.result),
        code: outcome.error?.code ?? null,
        message: outcome.error?.message ?? null,
        at,
      });
      return info.changes === 1;
    },
    async failInterrupted(at) {
      return failRunning.run({ at, message: 'the process that ran this analysis stopped before it finished' }).changes;
    },
  };
}
