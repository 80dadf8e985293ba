/**
 * The one seam between an analysis (a pure function of its request and the portfolios of its
 * member solves) and whatever solves the members: the service submits them as job groups on the
 * queue (src/services/analyses.ts), the CLI and the tests solve them in this process
 * (src/services/local-members.ts). An analysis hands over a batch of scenario variants and gets
 * back, in the same order, what each solve ended with.
 */
import type { Portfolio } from '../schemas/portfolio.js';
import type { Report } from '../schemas/report.js';
import type { Scenario } from '../schemas/scenario.js';

export interface MemberSpec {
  /** What this member is in its analysis, e.g. `limit=0.35` or `lynas_malaysia_outage`. */
  label: string;
  scenario: Scenario;
}

export interface MemberOutcome {
  label: string;
  /** Stored ids (null when solved in-process by the CLI). */
  scenarioId: string | null;
  jobId: string | null;
  portfolioId: string | null;
  status: 'done' | 'failed' | 'cancelled';
  error: string | null;
  portfolio: Portfolio | null;
  report: Report | null;
}

/** Solves a batch of variants (in parallel where the solver allows); resolves in the same order. */
export type SolveMembers = (members: readonly MemberSpec[]) => Promise<MemberOutcome[]>;

/** Relative tolerance for "the same cost" and "binds": solver values carry round-off. */
export const REL_TOL = 1e-6;

export const optimalCost = (m: MemberOutcome): number | null =>
  m.status === 'done' && m.portfolio?.status === 'optimal' ? (m.portfolio.totalCostUsd ?? null) : null;

/** A deep copy of a scenario, safe to change. */
export const cloneScenario = (s: Scenario): Scenario => structuredClone(s);
