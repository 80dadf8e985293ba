/** Stored portfolios: lookup, listing, CSV export and comparison. */
import { HttpProblem, notFound, unprocessable } from '../errors.js';
import type { PageRequest } from '../store/paging.js';
import type { PortfolioRepository, RawPortfolio, ScenarioRepository, StoredPortfolio } from '../store/repository.js';
import type { Comparison } from '../schemas/api/comparisons.js';
import { badCursor } from './scenarios.js';
import { comparePortfolios } from './compare.js';
import { diffInputs, toInputChanges } from '../analysis/explain.js';
import { portfolioCsv, type CsvTable } from './csv.js';
import { reportMarkdown } from '../analysis/report-markdown.js';
import { loadDataset } from '../data/load.js';

/** The feed unit of a portfolio's dataset, for the Markdown report ('unit' when the dataset is gone). */
function feedUnitOf(datasetId: string): string {
  try {
    return loadDataset(datasetId).meta.chain.feedUnit;
  } catch {
    return 'unit';
  }
}
import type { Report } from '../schemas/report.js';
import type { Portfolio } from '../schemas/portfolio.js';

export type PortfolioService = ReturnType<typeof createPortfolioService>;

export function createPortfolioService(deps: {
  repo: PortfolioRepository;
  scenarios?: ScenarioRepository;
  /** Waits on a job's events until `ready` (the job service's `waitUntil`); without it a report is answered as it is. */
  waitOnJob?: (jobId: string, seconds: number, ready: () => Promise<boolean>) => Promise<void>;
}) {
  async function get(id: string): Promise<StoredPortfolio> {
    const found = await deps.repo.findById(id);
    if (!found) throw notFound('portfolio', id);
    return found;
  }

  return {
    get,

    /** The stored portfolio with its body as JSON text, not parsed (served as it is). */
    async getRaw(id: string): Promise<RawPortfolio> {
      const raw = await deps.repo.findRawById(id);
      if (!raw) throw notFound('portfolio', id);
      return raw;
    },

    async list(filter: { scenarioId?: string | undefined }, page: PageRequest) {
      const result = await deps.repo.list(filter, page);
      if (!result) throw badCursor();
      return result;
    },

    /**
     * The solver report as stored (JSON text) or rendered as Markdown. 404 when the portfolio has
     * none. With `waitSeconds`, a report whose extra sections are pending is answered once they are
     * stored (complete or failed) or the wait runs out, whichever is first.
     */
    async report(id: string, format: 'json' | 'markdown', waitSeconds = 0): Promise<{ contentType: string; body: string }> {
      // The row as text: the portfolio is parsed only to render Markdown.
      const stored = await deps.repo.findRawById(id);
      if (!stored) throw notFound('portfolio', id);
      const pending = async () => (await deps.repo.findReportExtras(id))?.status === 'pending';
      if (waitSeconds > 0 && stored.jobId && deps.waitOnJob && (await pending())) {
        await deps.waitOnJob(stored.jobId, waitSeconds, async () => !(await pending()));
      }
      const body = await deps.repo.findReportJson(id);
      if (body === null) throw new HttpProblem('not-found', `portfolio '${id}' has no solver report: its solve was stopped at the time limit before reporting`);
      if (format === 'json') return { contentType: 'application/json; charset=utf-8', body };
      const portfolio = JSON.parse(stored.body) as Portfolio;
      return {
        contentType: 'text/markdown; charset=utf-8',
        body: reportMarkdown(JSON.parse(body) as Report, portfolio, 10, feedUnitOf(portfolio.datasetId)),
      };
    },

    async exportCsv(id: string, table: CsvTable): Promise<{ filename: string; csv: string }> {
      const stored = await get(id);
      return { filename: `portfolio-${id}-${table}.csv`, csv: portfolioCsv(stored.portfolio, table) };
    },

    /** Compares stored portfolios; ids that do not exist are a 422 naming each one. */
    async compare(ids: readonly string[]): Promise<Comparison> {
      const found = await Promise.all(ids.map((id) => deps.repo.findById(id)));
      const missing = ids.flatMap((id, i) =>
        found[i] ? [] : [{ path: `portfolioIds[${i}]`, in: 'body' as const, message: `portfolio '${id}' does not exist` }],
      );
      if (missing.length) throw unprocessable('unknown-reference', `no portfolio with id ${ids.filter((_, i) => !found[i]).join(', ')}`, missing);
      const stored = found as StoredPortfolio[];
      const comparison = comparePortfolios(stored.map((p) => ({ id: p.id, scenarioId: p.scenarioId, portfolio: p.portfolio })));
      if (!deps.scenarios) return comparison;
      const scenarios = await Promise.all(stored.map((p) => deps.scenarios!.findById(p.scenarioId)));
      return {
        ...comparison,
        inputDifferences: stored.slice(1).map((p, i) => ({
          portfolioId: p.id,
          changes: scenarios[0] && scenarios[i + 1] ? toInputChanges(diffInputs(scenarios[0].scenario, scenarios[i + 1]!.scenario)) : [],
        })),
      };
    },
  };
}
