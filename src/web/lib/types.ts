/**
 * The API's shapes as the pages use them. They are the service's own zod schemas, imported as types
 * only (nothing of zod reaches the bundle), so a change to the API that the pages do not follow fails
 * the web type check instead of a page at run time.
 */
export type { Portfolio, DependencyTrajectory } from '../../schemas/portfolio.js';
export type { Comparison } from '../../schemas/api/comparisons.js';
export type { Job, JobPhase } from '../../schemas/api/jobs.js';
export type { PortfolioRecord } from '../../schemas/api/portfolios.js';
export type { Problem } from '../../schemas/api/problem.js';
export type { ScenarioRecord } from '../../schemas/api/scenarios.js';
export type { Report } from '../../schemas/report.js';
export type { Dataset } from '../../data/schema.js';
export type { AlternativeQuantity, Disruption, Frontier, FrontierPoint } from '../../schemas/analysis.js';

import type { z } from 'zod';
import type { AlternativesSchema, ExplainedComparisonSchema, StressTestSchema } from '../../schemas/analysis.js';
import type { PortfolioPageSchema, PortfolioRecord, PortfolioSummarySchema } from '../../schemas/api/portfolios.js';
import type { ScenarioPageSchema, ScenarioSummarySchema } from '../../schemas/api/scenarios.js';

export type Flow = PortfolioRecord['flows'][number];
export type Production = PortfolioRecord['production'][number];
export type Build = PortfolioRecord['builds'][number];
export type BudgetUse = PortfolioRecord['budgets'][number];
export type Origin = Flow['origin'];

/** Items of the list endpoints (`GET /scenarios`, `GET /portfolios`) and their pages. */
export type ScenarioSummary = z.infer<typeof ScenarioSummarySchema>;
export type PortfolioSummary = z.infer<typeof PortfolioSummarySchema>;
export type ScenarioPage = z.infer<typeof ScenarioPageSchema>;
export type PortfolioPage = z.infer<typeof PortfolioPageSchema>;

/** A stress test as `GET /stress-tests/{id}` answers it. */
export type StressTest = z.infer<typeof StressTestSchema>;

/** Near-optimal alternatives as `GET /alternatives/{id}` answers them. */
export type Alternatives = z.infer<typeof AlternativesSchema>;

/** A comparison that explains a cost difference (`POST /comparisons` with `attribution`, `GET /comparisons/{id}`). */
export type ExplainedComparison = z.infer<typeof ExplainedComparisonSchema>;
