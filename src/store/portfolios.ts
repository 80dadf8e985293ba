/**
 * Portfolio rows (SQLite): the engine's portfolio JSON plus the scenario and job it came from.
 * Portfolios are written only with their job's outcome (`JobRepository.settle`).
 */
import type { Portfolio } from '../schemas/portfolio.js';
import type { Db } from './db.js';
import { decodeCursor, encodeCursor, type Page, type PageRequest } from './paging.js';
import type { PortfolioRepository, ReportExtrasStatus } from './repository.js';
import { extrasFailedReport } from './report-extras.js';
import type { PortfolioSummaryRow, RawPortfolio, StoredPortfolio } from './records.js';

export type { PortfolioSummaryRow, RawPortfolio, StoredPortfolio } from './records.js';

export const rawPortfolioFromRow = (row: PortfolioDbRow): RawPortfolio => ({
  id: row.id,
  scenarioId: row.scenario_id,
  jobId: row.job_id,
  body: row.body,
  createdAt: row.created_at,
});

export interface PortfolioDbRow {
  seq: number;
  id: string;
  scenario_id: string;
  job_id: string | null;
  status: Portfolio['status'];
  total_cost_usd: number | null;
  body: string;
  created_at: string;
}

export interface PortfolioSummaryDbRow extends Omit<PortfolioDbRow, 'body'> {
  scenario_name: string;
  dataset_id: string;
}

export const portfolioFromRow = (row: PortfolioDbRow): StoredPortfolio => ({
  id: row.id,
  scenarioId: row.scenario_id,
  jobId: row.job_id,
  portfolio: JSON.parse(row.body) as Portfolio,
  createdAt: row.created_at,
});

export const summaryFromRow = (row: PortfolioSummaryDbRow): PortfolioSummaryRow => ({
  id: row.id,
  scenarioId: row.scenario_id,
  jobId: row.job_id,
  scenarioName: row.scenario_name,
  datasetId: row.dataset_id,
  status: row.status,
  totalCostUsd: row.total_cost_usd,
  createdAt: row.created_at,
});

export function createPortfolioRepository(db: Db): PortfolioRepository {
  const byId = db.prepare('SELECT * FROM portfolios WHERE id = ?');
  const reportById = db.prepare('SELECT body FROM reports WHERE portfolio_id = ?').pluck();
  const extrasById = db.prepare('SELECT extras FROM reports WHERE portfolio_id = ?');
  const pendingReports = db.prepare(`SELECT portfolio_id, body FROM reports WHERE extras = 'pending'`);
  const failStmt = db.prepare(`UPDATE reports SET body = ?, extras = 'failed' WHERE portfolio_id = ? AND extras = 'pending'`);
  const completeStmt = db.prepare(
    `UPDATE reports SET body = ?, extras = ? WHERE extras = 'pending' AND portfolio_id = (SELECT id FROM portfolios WHERE job_id = ?) RETURNING portfolio_id`,
  );
  // Listing reads the summary columns only; the body can be megabytes for a long horizon.
  const summaryColumns = `p.seq, p.id, p.scenario_id, p.job_id, p.status, p.total_cost_usd, p.created_at,
                          s.name AS scenario_name, s.dataset_id AS dataset_id`;
  const from = 'FROM portfolios p JOIN scenarios s ON s.id = p.scenario_id';
  const filter = 'WHERE (@scenarioId IS NULL OR p.scenario_id = @scenarioId)';
  const pageByOffset = db.prepare(`SELECT ${summaryColumns} ${from} ${filter} ORDER BY p.seq DESC LIMIT @limit OFFSET @offset`);
  const pageBefore = db.prepare(`SELECT ${summaryColumns} ${from} ${filter} AND p.seq < @before ORDER BY p.seq DESC LIMIT @limit`);
  const count = db.prepare(`SELECT COUNT(*) FROM portfolios p ${filter}`).pluck();

  return {
    async findReportJson(id) {
      return (reportById.get(id) as string | undefined) ?? null;
    },

    async findReportExtras(id) {
      const row = extrasById.get(id) as { extras: ReportExtrasStatus | null } | undefined;
      return row ? { status: row.extras } : null;
    },

    async failPendingReports(message) {
      const pending = pendingReports.all() as Array<{ portfolio_id: string; body: string }>;
      let failed = 0;
      for (const row of pending) failed += failStmt.run(extrasFailedReport(row.body, message), row.portfolio_id).changes;
      return failed;
    },

    async completeReport(jobId, reportJson, status) {
      const row = completeStmt.get(reportJson, status, jobId) as { portfolio_id: string } | undefined;
      return row?.portfolio_id ?? null;
    },

    async findById(id) {
      const row = byId.get(id) as PortfolioDbRow | undefined;
      return row ? portfolioFromRow(row) : null;
    },

    async findRawById(id) {
      const row = byId.get(id) as PortfolioDbRow | undefined;
      return row ? rawPortfolioFromRow(row) : null;
    },

    async list(filterBy, page) {
      const scenarioId = filterBy.scenarioId ?? null;
      let rows: PortfolioSummaryDbRow[];
      if (page.cursor !== undefined) {
        const before = decodeCursor(page.cursor);
        if (before === null) return null;
        rows = pageBefore.all({ scenarioId, before, limit: page.limit + 1 }) as PortfolioSummaryDbRow[];
      } else {
        rows = pageByOffset.all({ scenarioId, limit: page.limit + 1, offset: page.offset ?? 0 }) as PortfolioSummaryDbRow[];
      }
      return summaryPage(rows, page, count.get({ scenarioId }) as number);
    },
  };
}

/** One page of summaries from `limit + 1` rows (the extra row only says there is a next page). */
export function summaryPage(rows: PortfolioSummaryDbRow[], page: PageRequest, total: number): Page<PortfolioSummaryRow> {
  const more = rows.length > page.limit;
  const kept = rows.slice(0, page.limit);
  return {
    rows: kept.map(summaryFromRow),
    total,
    limit: page.limit,
    offset: page.cursor !== undefined ? null : (page.offset ?? 0),
    nextCursor: more && kept.length ? encodeCursor(Number(kept[kept.length - 1]!.seq)) : null,
  };
}
