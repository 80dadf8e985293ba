/**
 * The embedded store: one SQLite file (src/store/db.ts opens and migrates it) behind the
 * repository interface. better-sqlite3 is synchronous; its calls are short and each multi-row
 * change is one synchronous transaction, so wrapping them as promises keeps them atomic.
 */
import { openDatabase, tableCounts, type Db } from './db.js';
import { createJobRepository } from './jobs.js';
import { createPortfolioRepository } from './portfolios.js';
import type { Store } from './repository.js';
import { createScenarioRepository } from './scenarios.js';
import { createAnalysisRepository } from './analyses.js';

export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly db: Db;
}

export function openSqliteStore(path: string): SqliteStore {
  const db = openDatabase(path);
  const ping = db.prepare('SELECT 1').pluck();
  return {
    kind: 'sqlite',
    db,
    scenarios: createScenarioRepository(db),
    jobs: createJobRepository(db),
    portfolios: createPortfolioRepository(db),
    analyses: createAnalysisRepository(db),
    async ping() {
      ping.get();
    },
    async counts() {
      return tableCounts(db);
    },
    async close() {
      if (db.open) db.close();
    },
  };
}
