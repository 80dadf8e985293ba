/**
 * A finished solve as text. The solve worker checks the portfolio against its schema and serialises
 * it and its report (several hundred kB at the reference scenario) before handing them to the main
 * thread, which stores them and serves them as they are: validating, stringifying and parsing them
 * there stalled every other request while a job finished (issue 13).
 */
import { PortfolioSchema, type Portfolio } from '../schemas/portfolio.js';
import type { Report } from '../schemas/report.js';
import type { PortfolioResult } from '../store/repository.js';

export class PortfolioShapeError extends Error {}

/** Checks the portfolio's shape (throws PortfolioShapeError) and serialises it with its report. */
export function portfolioResult(portfolio: Portfolio, report?: Report): PortfolioResult {
  const parsed = PortfolioSchema.safeParse(portfolio);
  if (!parsed.success) throw new PortfolioShapeError('the engine returned a portfolio that does not match its schema');
  return {
    status: portfolio.status,
    totalCostUsd: portfolio.totalCostUsd,
    portfolioJson: JSON.stringify(portfolio),
    ...(report ? { reportJson: JSON.stringify(report) } : {}),
    ...(report?.extras ? { reportExtras: report.extras.status } : {}),
  };
}
