/**
 * Scenario rows (SQLite). A scenario's id is the hash of its canonical JSON, so inserting the same content
 * twice is a no-op that reports the existing row rather than an error.
 */
import type { Scenario } from '../schemas/scenario.js';
import type { Db } from './db.js';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from './paging.js';
import type { ScenarioRepository } from './repository.js';
import type { StoredScenario } from './records.js';

export type { StoredScenario } from './records.js';

export interface ScenarioDbRow {
  seq: number;
  id: string;
  name: string;
  dataset_id: string;
  body: string;
  created_at: string;
}

export const scenarioFromRow = (row: ScenarioDbRow): StoredScenario => ({
  id: row.id,
  name: row.name,
  datasetId: row.dataset_id,
  scenario: JSON.parse(row.body) as Scenario,
  createdAt: row.created_at,
});

export function createScenarioRepository(db: Db): ScenarioRepository {
  const insertStmt = db.prepare(
    'INSERT INTO scenarios (id, name, dataset_id, body, created_at, owner_key_id) VALUES (@id, @name, @datasetId, @body, @createdAt, @ownerKeyId) ON CONFLICT(id) DO NOTHING',
  );
  const countOwned = db.prepare('SELECT COUNT(*) FROM scenarios WHERE owner_key_id = ?').pluck();
  const byId = db.prepare('SELECT * FROM scenarios WHERE id = ?');
  const deleteStmt = db.prepare('DELETE FROM scenarios WHERE id = ?');
  const count = db.prepare('SELECT COUNT(*) FROM scenarios').pluck();
  const pageByOffset = db.prepare('SELECT * FROM scenarios ORDER BY seq DESC LIMIT ? OFFSET ?');
  const pageBefore = db.prepare('SELECT * FROM scenarios WHERE seq < ? ORDER BY seq DESC LIMIT ?');
  const insert = db.transaction((record: { id: string; name: string; datasetId: string; body: string; createdAt: string; ownerKeyId?: string | null }) => {
    const created = insertStmt.run({ ...record, ownerKeyId: record.ownerKeyId ?? null }).changes === 1;
    return { scenario: scenarioFromRow(byId.get(record.id) as ScenarioDbRow), created };
  });

  return {
    async insertIfAbsent(record) {
      return insert(record);
    },

    async countByOwner(ownerKeyId) {
      return countOwned.get(ownerKeyId) as number;
    },

    async findById(id) {
      const row = byId.get(id) as ScenarioDbRow | undefined;
      return row ? scenarioFromRow(row) : null;
    },

    async list(page) {
      let rows: ScenarioDbRow[];
      if (page.cursor !== undefined) {
        const seq = decodeCursor(page.cursor);
        if (seq === null) return null;
        rows = pageBefore.all(seq, page.limit + 1) as ScenarioDbRow[];
      } else {
        rows = pageByOffset.all(page.limit + 1, page.offset ?? 0) as ScenarioDbRow[];
      }
      return scenarioPage(rows, page, count.get() as number);
    },

    /** Its jobs and portfolios go with it (ON DELETE CASCADE). */
    async delete(id) {
      return deleteStmt.run(id).changes === 1;
    },
  };
}

/** One page from `limit + 1` rows (the extra row only says there is a next page). */
export function scenarioPage(rows: ScenarioDbRow[], page: PageRequest, total: number): Page<StoredScenario> {
  const more = rows.length > page.limit;
  const kept = rows.slice(0, page.limit);
  return {
    rows: kept.map(scenarioFromRow),
    total,
    limit: page.limit,
    offset: page.cursor !== undefined ? null : (page.offset ?? 0),
    nextCursor: more && kept.length ? encodeCursor(Number(kept[kept.length - 1]!.seq)) : null,
  };
}
