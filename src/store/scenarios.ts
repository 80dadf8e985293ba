/**
 * Scenario rows. A scenario's id is the hash of its canonical JSON, so inserting the same content
 * twice is a no-op that reports the existing row rather than an error.
 */
import type { Scenario } from '../schemas/scenario.js';
import type { Db } from './db.js';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from './paging.js';

export interface StoredScenario {
  id: string;
  name: string;
  datasetId: string;
  scenario: Scenario;
  createdAt: string;
}

interface Row {
  seq: number;
  id: string;
  name: string;
  dataset_id: string;
  body: string;
  created_at: string;
}

const fromRow = (row: Row): StoredScenario => ({
  id: row.id,
  name: row.name,
  datasetId: row.dataset_id,
  scenario: JSON.parse(row.body) as Scenario,
  createdAt: row.created_at,
});

export type ScenarioRepository = ReturnType<typeof createScenarioRepository>;

export function createScenarioRepository(db: Db) {
  const insertStmt = db.prepare(
    'INSERT INTO scenarios (id, name, dataset_id, body, created_at) VALUES (@id, @name, @datasetId, @body, @createdAt) ON CONFLICT(id) DO NOTHING',
  );
  const byId = db.prepare('SELECT * FROM scenarios WHERE id = ?');
  const deleteStmt = db.prepare('DELETE FROM scenarios WHERE id = ?');
  const count = db.prepare('SELECT COUNT(*) FROM scenarios').pluck();
  const pageByOffset = db.prepare('SELECT * FROM scenarios ORDER BY seq DESC LIMIT ? OFFSET ?');
  const pageBefore = db.prepare('SELECT * FROM scenarios WHERE seq < ? ORDER BY seq DESC LIMIT ?');

  return {
    /** Inserts unless a scenario with this id exists; returns the stored row and whether it is new. */
    insertIfAbsent(record: { id: string; name: string; datasetId: string; body: string; createdAt: string }): { scenario: StoredScenario; created: boolean } {
      return db.transaction(() => {
        const created = insertStmt.run(record).changes === 1;
        return { scenario: fromRow(byId.get(record.id) as Row), created };
      })();
    },

    findById(id: string): StoredScenario | null {
      const row = byId.get(id) as Row | undefined;
      return row ? fromRow(row) : null;
    },

    /** Returns null when the cursor is not one this API issued. */
    list(page: PageRequest): Page<StoredScenario> | null {
      let rows: Row[];
      if (page.cursor !== undefined) {
        const seq = decodeCursor(page.cursor);
        if (seq === null) return null;
        rows = pageBefore.all(seq, page.limit + 1) as Row[];
      } else {
        rows = pageByOffset.all(page.limit + 1, page.offset ?? 0) as Row[];
      }
      const more = rows.length > page.limit;
      const kept = rows.slice(0, page.limit);
      return {
        rows: kept.map(fromRow),
        total: count.get() as number,
        limit: page.limit,
        offset: page.cursor !== undefined ? null : (page.offset ?? 0),
        nextCursor: more && kept.length ? encodeCursor(kept[kept.length - 1]!.seq) : null,
      };
    },

    /** Deletes the scenario; its jobs and portfolios go with it (ON DELETE CASCADE). */
    delete(id: string): boolean {
      return db.transaction(() => deleteStmt.run(id).changes === 1)();
    },
  };
}
