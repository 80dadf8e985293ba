/** Portfolio rows: the engine's portfolio JSON plus the scenario and job it came from. */
import type { Portfolio } from '../schemas/portfolio.js';
import type { Report } from '../schemas/report.js';
import type { Db } from './db.js';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from './paging.js';

export interface StoredPortfolio {
  id: string;
  scenarioId: string;
  jobId: string | null;
  portfolio: Portfolio;
  createdAt: string;
}

export interface PortfolioSummaryRow {
  id: string;
  scenarioId: string;
  jobId: string | null;
  scenarioName: string;
  datasetId: string;
  status: Portfolio['status'];
  totalCostUsd: number | null;
  createdAt: string;
}

interface Row {
  seq: number;
  id: string;
  scenario_id: string;
  job_id: string | null;
  status: Portfolio['status'];
  total_cost_usd: number | null;
  body: string;
  created_at: string;
}

interface SummaryRow extends Omit<Row, 'body'> {
  scenario_name: string;
  dataset_id: string;
}

const fromRow = (row: Row): StoredPortfolio => ({
  id: row.id,
  scenarioId: row.scenario_id,
  jobId: row.job_id,
  portfolio: JSON.parse(row.body) as Portfolio,
  createdAt: row.created_at,
});

const summaryFromRow = (row: SummaryRow): PortfolioSummaryRow => ({
  id: row.id,
  scenarioId: row.scenario_id,
  jobId: row.job_id,
  scenarioName: row.scenario_name,
  datasetId: row.dataset_id,
  status: row.status,
  totalCostUsd: row.total_cost_usd,
  createdAt: row.created_at,
});

export type PortfolioRepository = ReturnType<typeof createPortfolioRepository>;

export function createPortfolioRepository(db: Db) {
  const insertStmt = db.prepare(
    `INSERT INTO portfolios (id, scenario_id, job_id, status, total_cost_usd, body, created_at)
     VALUES (@id, @scenarioId, @jobId, @status, @totalCostUsd, @body, @createdAt)`,
  );
  const byId = db.prepare('SELECT * FROM portfolios WHERE id = ?');
  const insertReport = db.prepare('INSERT INTO reports (portfolio_id, body) VALUES (?, ?)');
  const reportById = db.prepare('SELECT body FROM reports WHERE portfolio_id = ?').pluck();
  // Listing reads the summary columns only; the body can be megabytes for a long horizon.
  const summaryColumns = `p.seq, p.id, p.scenario_id, p.job_id, p.status, p.total_cost_usd, p.created_at,
                          s.name AS scenario_name, s.dataset_id AS dataset_id`;
  const from = 'FROM portfolios p JOIN scenarios s ON s.id = p.scenario_id';
  const filter = 'WHERE (@scenarioId IS NULL OR p.scenario_id = @scenarioId)';
  const pageByOffset = db.prepare(`SELECT ${summaryColumns} ${from} ${filter} ORDER BY p.seq DESC LIMIT @limit OFFSET @offset`);
  const pageBefore = db.prepare(`SELECT ${summaryColumns} ${from} ${filter} AND p.seq < @before ORDER BY p.seq DESC LIMIT @limit`);
  const count = db.prepare(`SELECT COUNT(*) FROM portfolios p ${filter}`).pluck();

  return {
    /** Inserts inside the caller's transaction when there is one (better-sqlite3 nests as savepoints). */
    insert(record: { id: string; scenarioId: string; jobId: string | null; portfolio: Portfolio; createdAt: string; report?: Report }): void {
      db.transaction(() => {
      insertStmt.run({
        id: record.id,
        scenarioId: record.scenarioId,
        jobId: record.jobId,
        status: record.portfolio.status,
        totalCostUsd: record.portfolio.totalCostUsd,
        body: JSON.stringify(record.portfolio),
        createdAt: record.createdAt,
      });
      if (record.report) insertReport.run(record.id, JSON.stringify(record.report));
      })();
    },

    /** The stored solver report as JSON text, or null (a solve cut short at its time limit has none). */
    findReportJson(id: string): string | null {
      return (reportById.get(id) as string | undefined) ?? null;
    },

    findById(id: string): StoredPortfolio | null {
      const row = byId.get(id) as Row | undefined;
      return row ? fromRow(row) : null;
    },

    /** Returns null when the cursor is not one this API issued. */
    list(filterBy: { scenarioId?: string | undefined }, page: PageRequest): Page<PortfolioSummaryRow> | null {
      const scenarioId = filterBy.scenarioId ?? null;
      let rows: SummaryRow[];
      if (page.cursor !== undefined) {
        const before = decodeCursor(page.cursor);
        if (before === null) return null;
        rows = pageBefore.all({ scenarioId, before, limit: page.limit + 1 }) as SummaryRow[];
      } else {
        rows = pageByOffset.all({ scenarioId, limit: page.limit + 1, offset: page.offset ?? 0 }) as SummaryRow[];
      }
      const more = rows.length > page.limit;
      const kept = rows.slice(0, page.limit);
      return {
        rows: kept.map(summaryFromRow),
        total: count.get({ scenarioId }) as number,
        limit: page.limit,
        offset: page.cursor !== undefined ? null : (page.offset ?? 0),
        nextCursor: more && kept.length ? encodeCursor(kept[kept.length - 1]!.seq) : null,
      };
    },
  };
}
