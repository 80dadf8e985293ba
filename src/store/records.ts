/**
 * The records the repositories (src/store/repository.ts) read and write, as services see them:
 * shared by the interfaces and by both stores' implementations, so neither imports the other.
 */
import type { EffectiveSolverOptions, JobError, JobPhase, JobStatus } from '../schemas/api/jobs.js';
import type { Portfolio } from '../schemas/portfolio.js';
import type { Scenario } from '../schemas/scenario.js';

export interface StoredScenario {
  id: string;
  name: string;
  datasetId: string;
  scenario: Scenario;
  createdAt: string;
}

export interface StoredJob {
  id: string;
  scenarioId: string;
  kind: 'solve' | 'group';
  parentId: string | null;
  status: JobStatus;
  phase: JobPhase;
  options: EffectiveSolverOptions;
  error: JobError | null;
  portfolioId: string | null;
  /** How many times a worker started this job (more than one after a retry). */
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface StoredPortfolio {
  id: string;
  scenarioId: string;
  jobId: string | null;
  portfolio: Portfolio;
  createdAt: string;
}

/** A stored portfolio with its body as the JSON text the solve worker wrote. */
export interface RawPortfolio extends Omit<StoredPortfolio, 'portfolio'> {
  body: string;
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

export type AnalysisKind = 'frontier' | 'stress_test' | 'alternatives' | 'comparison';
export type AnalysisStatus = 'running' | 'done' | 'failed' | 'cancelled';

export interface AnalysisMemberRef {
  label: string;
  jobId: string;
}

export interface StoredAnalysis {
  id: string;
  kind: AnalysisKind;
  scenarioId: string;
  status: AnalysisStatus;
  request: unknown;
  /** The group jobs submitted so far (one per batch of member solves). */
  groupIds: string[];
  members: AnalysisMemberRef[];
  /** Upper bound on the member solves, fixed when the analysis was accepted. */
  plannedSolves: number;
  result: unknown | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
}
