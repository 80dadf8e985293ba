/**
 * The API's shapes as the pages use them. They are the service's own zod schemas, imported as types
 * only (nothing of zod reaches the bundle), so a change to the API that the pages do not follow fails
 * the web type check instead of a page at run time.
 */
export type { Portfolio, DependencyTrajectory } from '../../schemas/portfolio.js';
export type { Comparison, Job, JobPhase, PortfolioRecord, Problem, ScenarioRecord } from '../../schemas/api.js';
export type { Report } from '../../schemas/report.js';
export type { Dataset } from '../../data/schema.js';
export type { Disruption, Frontier, FrontierPoint } from '../../schemas/analysis.js';

import type { z } from 'zod';
import type { StressTestSchema } from '../../schemas/analysis.js';
import type { PortfolioPageSchema, PortfolioRecord, PortfolioSummarySchema, ScenarioPageSchema, ScenarioSummarySchema } from '../../schemas/api.js';

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

/**
 * Near-optimal alternatives (`GET /alternatives/{id}`), written out by hand while issue 14's schema
 * is not on this branch yet (mirrors AlternativesSchema in src/schemas/analysis.ts of issue 14).
 */
export type AlternativeQuantity =
  | { id?: string; kind: 'capacity_share'; countries: string[]; stage: 'separation' | 'metal' | 'magnet' }
  | { id?: string; kind: 'new_capacity'; countries?: string[]; stages?: Array<'separation' | 'metal' | 'magnet'> }
  | { id?: string; kind: 'public_spending'; funders?: string[] };
interface AlternativeExtreme {
  value: number | null;
  totalCostUsd: number | null;
  status: string;
  iterations: number;
  converged: boolean;
  portfolioId: string | null;
  jobId: string | null;
}
export interface Alternatives {
  id: string;
  kind: 'alternatives';
  status: 'running' | 'done' | 'failed' | 'cancelled';
  scenarioId: string;
  request: { scenarioId: string; slacks: number[]; quantities: AlternativeQuantity[]; senses?: Array<'min' | 'max'>; maxIterations?: number };
  progress: { solvesPlanned: number; solvesSubmitted: number; solvesFinished: number; fraction: number };
  members: Array<{ label: string; jobId: string; scenarioId: string; status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled'; portfolioId: string | null }>;
  result: {
    optimum: { totalCostUsd: number | null; portfolioId: string | null; values: Array<{ quantity: string; value: number | null }> };
    ranges: Array<{ quantity: string; slack: number; maxTotalCostUsd: number | null; optimumValue: number | null; min: AlternativeExtreme | null; max: AlternativeExtreme | null }>;
  } | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
  links: { self: string; markdown: string };
}
