/**
 * The one seam between the service and its storage: three repositories and a few store-wide
 * operations, all asynchronous, with two implementations — SQLite (better-sqlite3, the embedded
 * default, src/store/sqlite.ts) and PostgreSQL (`pg`, selected by `DATABASE_URL`,
 * src/store/postgres.ts). Each keeps its own numbered migrations. Services and routes see only
 * these interfaces; the service tests run against both stores.
 *
 * Every state change that must be atomic is one repository call (a job and its portfolio are
 * written together; a cancelled job takes its members with it), so callers never hold a
 * transaction open across an `await` of their own.
 */
import type { EffectiveSolverOptions, JobError, JobPhase } from '../schemas/api/jobs.js';
import type { Portfolio } from '../schemas/portfolio.js';
import type { Page, PageRequest } from './paging.js';
import type {
  AnalysisKind,
  AnalysisMemberRef,
  AnalysisStatus,
  PortfolioSummaryRow,
  RawPortfolio,
  StoredAnalysis,
  StoredJob,
  StoredPortfolio,
  StoredScenario,
} from './records.js';

export type { StoredScenario, StoredJob, StoredPortfolio, RawPortfolio, PortfolioSummaryRow, StoredAnalysis, AnalysisKind, AnalysisStatus, AnalysisMemberRef };

export type StoreKind = 'sqlite' | 'postgres';

export interface ScenarioRepository {
  /** Inserts unless a scenario with this id exists; returns the stored row and whether it is new. */
  /** `ownerKeyId`: the API key that stored it (counted against that key's quota); absent on loopback. */
  insertIfAbsent(record: {
    id: string;
    name: string;
    datasetId: string;
    body: string;
    createdAt: string;
    ownerKeyId?: string | null;
  }): Promise<{ scenario: StoredScenario; created: boolean }>;
  /** Scenarios first stored with this API key (its storage quota counts these). */
  countByOwner(ownerKeyId: string): Promise<number>;
  findById(id: string): Promise<StoredScenario | null>;
  /** Null when the cursor is not one this API issued. */
  list(page: PageRequest): Promise<Page<StoredScenario> | null>;
  /** Deletes the scenario with its jobs and portfolios; false when there was none. */
  delete(id: string): Promise<boolean>;
}

/**
 * A finished solve as the store writes it: the summary columns and the portfolio and report as JSON
 * text. The solve worker serialises them (src/services/solve-result.ts), so the thread that stores
 * and serves them never walks the objects: nothing that grows with the model runs there.
 */
export interface PortfolioResult {
  readonly status: Portfolio['status'];
  readonly totalCostUsd: number | null;
  readonly portfolioJson: string;
  /** Absent when the solve was cut short (its portfolio is then the overrun fallback). */
  readonly reportJson?: string;
  /** The report's `extras.status` (stored beside it, so waiting for the extras reads no body). */
  readonly reportExtras?: ReportExtrasStatus;
}

/** State of a report's sections that need extra solves (`Report['extras']`; src/schemas/report.ts). */
export type ReportExtrasStatus = 'pending' | 'complete' | 'failed' | 'skipped';

/** What a solve job ends with. `done` carries the serialised portfolio (and its report when the solve was not cut short). */
export type JobOutcome = { status: 'done'; result: PortfolioResult } | { status: 'failed' | 'cancelled'; error: JobError };

export interface NewJob {
  id: string;
  scenarioId: string;
  options: EffectiveSolverOptions;
  createdAt: string;
  /** `group`: a parent job that runs nothing itself and finishes when its last member does. */
  kind?: 'solve' | 'group';
  parentId?: string | null;
}

export interface SettleResult {
  /** False when the job had already finished (or is gone): nothing was written. */
  settled: boolean;
  portfolioId: string | null;
  /** The parent this outcome finished (its last active member settled), if any. */
  parentSettled: string | null;
}

export interface JobRepository {
  /** Inserts the rows in one transaction (a group's parent before its members). */
  insert(jobs: readonly NewJob[]): Promise<StoredJob[]>;
  findById(id: string): Promise<StoredJob | null>;
  /** queued → running, recording which worker took it; false when the job is no longer queued. */
  markRunning(id: string, startedAt: string, workerId?: string | null): Promise<boolean>;
  setPhase(id: string, phase: JobPhase): Promise<boolean>;
  /**
   * Finishes a queued or running job in one transaction, idempotently by job id: for `done` the
   * portfolio and report are inserted and the job points at them; a second outcome for the same
   * job (a retried solve whose first worker was only presumed dead) writes nothing. When this was
   * the last active member of a group, the group is finished in the same transaction.
   */
  settle(id: string, outcome: JobOutcome, at: string): Promise<SettleResult>;
  /**
   * Cancels a queued or running job and every active job below it (members of a group), in one
   * transaction. Returns the ids that changed, the job itself first.
   */
  cancelTree(id: string, error: JobError, at: string): Promise<string[]>;
  activeIdsForScenario(scenarioId: string): Promise<string[]>;
  /** Ids of the members of a group, in the order they were created. */
  memberIds(parentId: string): Promise<string[]>;
  /** Counts of queued and running solve jobs (what a queue-depth gauge shows). */
  activeCounts(): Promise<{ queued: number; running: number }>;
  /** Fails jobs a previous process left queued or running; embedded mode only (its solves died with it). */
  failInterrupted(now: string): Promise<number>;
}

export interface PortfolioRepository {
  findById(id: string): Promise<StoredPortfolio | null>;
  /** The stored row with the portfolio as its JSON text, not parsed (served as it is). */
  findRawById(id: string): Promise<RawPortfolio | null>;
  /** The stored solver report as JSON text, or null (a solve cut short at its time limit has none). */
  findReportJson(id: string): Promise<string | null>;
  /** The state of the report's extra sections (`status` null: a report stored whole, before the split), or null without a report. */
  findReportExtras(id: string): Promise<{ status: ReportExtrasStatus | null } | null>;
  /**
   * Replaces the report of a job's portfolio with the one whose extra sections are done (or
   * failed), only while it is `pending`: a late or repeated answer changes nothing. Returns the
   * portfolio id it changed, or null.
   */
  completeReport(jobId: string, reportJson: string, status: 'complete' | 'failed'): Promise<string | null>;
  /**
   * Marks `failed` (with `message`) the pending extras that nobody will finish: every one in embedded
   * mode at start-up (their worker threads died with the previous process); on PostgreSQL, those
   * whose job's worker process has sent no heartbeat for `lostAfterSeconds`. Returns how many.
   */
  failPendingReports(message: string, lostAfterSeconds?: number): Promise<number>;
  /** Null when the cursor is not one this API issued. */
  list(filter: { scenarioId?: string | undefined }, page: PageRequest): Promise<Page<PortfolioSummaryRow> | null>;
}

export type KeyRole = 'read' | 'write';

/** An API key as stored: never the key itself, only the SHA-256 of it. */
export interface StoredApiKey {
  id: string;
  name: string;
  role: KeyRole;
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiKeyRepository {
  insert(record: { id: string; name: string; role: KeyRole; hash: string; createdAt: string }): Promise<StoredApiKey>;
  /** The active (not revoked) key with this hash. */
  findActiveByHash(hash: string): Promise<StoredApiKey | null>;
  list(): Promise<StoredApiKey[]>;
  /** False when there is no such active key. */
  revoke(id: string, at: string): Promise<boolean>;
  countActive(): Promise<number>;
}

/** Analyses (frontiers, stress tests, alternatives, explained comparisons) and the member solves they submitted. */
export interface AnalysisRepository {
  insert(record: { id: string; kind: AnalysisKind; scenarioId: string; request: unknown; plannedSolves: number; createdAt: string }): Promise<StoredAnalysis>;
  findById(id: string): Promise<StoredAnalysis | null>;
  /** Records a group job the analysis submitted and its members (label and job id). */
  addMembers(id: string, groupId: string, members: readonly AnalysisMemberRef[]): Promise<void>;
  /** Finishes a running analysis; false when it had already finished (a cancel won the race). */
  finish(
    id: string,
    outcome: { status: Exclude<AnalysisStatus, 'running'>; result?: unknown; error?: { code: string; message: string } },
    at: string,
  ): Promise<boolean>;
  /** Fails analyses a previous process left running (embedded mode: their orchestration died with it). */
  failInterrupted(at: string): Promise<number>;
}

export interface Store {
  readonly kind: StoreKind;
  readonly scenarios: ScenarioRepository;
  readonly keys: ApiKeyRepository;
  readonly jobs: JobRepository;
  readonly portfolios: PortfolioRepository;
  readonly analyses: AnalysisRepository;
  /** A round trip to the database; throws when it does not answer. */
  ping(): Promise<void>;
  /** Row counts of the data tables (tests use it to prove a rejected request changed nothing). */
  counts(): Promise<Record<'scenarios' | 'jobs' | 'portfolios' | 'analyses', number>>;
  close(): Promise<void>;
}
