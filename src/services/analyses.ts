/**
 * Analyses as resources (issue 14): a frontier, a stress test, near-optimal alternatives or an
 * explained comparison is created by a POST, runs here, and is read by a GET. The analysis itself
 * is a pure function (src/analysis/) that asks for batches of member solves; this service answers
 * those requests with real jobs: each batch is stored as scenarios and submitted as a job group
 * (`JobService.submitGroup`), on the embedded worker threads or the pg-boss queue alike, and the
 * analysis row records the groups and members (label → job). Cancelling the analysis cancels its
 * groups, and so every member still queued or running.
 *
 * The orchestration lives in the API process that accepted the analysis. If that process stops,
 * the analysis is failed (`shutdown`; in embedded mode also `interrupted` at the next start); its
 * finished member solves stay stored as portfolios.
 */
import { randomUUID } from 'node:crypto';
import { conflict, HttpProblem, notFound, unavailable, unprocessable, type FieldError } from '../errors.js';
import type { AnalysisKind, StoredAnalysis, StoredScenario, Store } from '../store/repository.js';
import type { MemberOutcome, MemberSpec, SolveMembers } from '../analysis/members.js';
import type { Report } from '../schemas/report.js';
import type { MemberOptions } from '../schemas/analysis.js';
import type { JobService } from './jobs.js';
import type { ScenarioService } from './scenarios.js';
import { TERMINAL } from './jobs.js';

export type AnalysisService = ReturnType<typeof createAnalysisService>;

export interface AnalysisPlan {
  kind: AnalysisKind;
  /** The scenario the analysis is about: the parent of its job groups. */
  base: StoredScenario;
  request: unknown;
  /** Most member solves the analysis can need; checked against the configured cap before anything starts. */
  plannedSolves: number;
  /** The request field the cap is reported on when the plan needs too many solves. */
  capPath: string;
  options: MemberOptions;
  run(solve: SolveMembers): Promise<unknown>;
}

class Stopped extends Error {
  constructor(readonly code: 'cancelled' | 'shutdown') {
    super(code);
  }
}

export interface AnalysisLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export function createAnalysisService(deps: {
  store: Store;
  jobs: JobService;
  scenarios: ScenarioService;
  /** Largest number of member solves one analysis may plan. */
  maxSolves: number;
  /** Member solves submitted in one group at most (what the queue takes at once). */
  batchSize: number;
  log: AnalysisLogger;
  now?: () => Date;
}) {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const running = new Map<string, Promise<void>>();
  let stopping = false;

  async function isActive(id: string): Promise<boolean> {
    const current = await deps.store.analyses.findById(id);
    return current?.status === 'running';
  }

  async function cancelGroups(groupIds: readonly string[]): Promise<void> {
    for (const groupId of groupIds) {
      try {
        await deps.jobs.cancel(groupId);
      } catch (error) {
        if (!(error instanceof HttpProblem) || (error.status !== 409 && error.status !== 404)) throw error;
      }
    }
  }

  /** Submits one group, waiting while the queue is full (503) rather than failing the analysis. */
  async function submitGroup(id: string, base: StoredScenario, stored: StoredScenario[], options: MemberOptions) {
    for (;;) {
      if (stopping) throw new Stopped('shutdown');
      if (!(await isActive(id))) throw new Stopped('cancelled');
      try {
        return await deps.jobs.submitGroup(
          { scenario: base, options: { ...options, skipBaseline: true } },
          stored.map((scenario) => ({ scenario, options: { ...options, skipBaseline: true } })),
        );
      } catch (error) {
        if (!(error instanceof HttpProblem) || error.status !== 503) throw error;
        const seconds = Number(error.headers['retry-after'] ?? 1);
        await new Promise((r) => setTimeout(r, Math.min(5, Math.max(0.2, seconds)) * 1000));
      }
    }
  }

  function solverFor(id: string, base: StoredScenario, options: MemberOptions): SolveMembers {
    return async (members: readonly MemberSpec[]) => {
      const outcomes: MemberOutcome[] = [];
      for (let start = 0; start < members.length; start += deps.batchSize) {
        const slice = members.slice(start, start + deps.batchSize);
        const stored: StoredScenario[] = [];
        for (const member of slice) stored.push((await deps.scenarios.create(member.scenario)).scenario);
        const group = await submitGroup(id, base, stored, options);
        await deps.store.analyses.addMembers(
          id,
          group.parent.id,
          group.members.map((job, k) => ({ label: slice[k]!.label, jobId: job.id })),
        );
        // A cancel that read the analysis before this group was recorded did not cancel it.
        if (!(await isActive(id))) {
          await cancelGroups([group.parent.id]);
          throw new Stopped('cancelled');
        }
        let parent = group.parent;
        while (!TERMINAL.has(parent.status)) {
          if (stopping) throw new Stopped('shutdown');
          parent = await deps.jobs.wait(parent.id, 10);
          if (!(await isActive(id))) throw new Stopped('cancelled');
        }
        if (parent.status === 'cancelled') throw new Stopped('cancelled');
        const jobs = await deps.jobs.members(parent.id);
        for (const [k, job] of jobs.entries()) {
          const stored = job.portfolioId ? await deps.store.portfolios.findById(job.portfolioId) : null;
          const reportJson = job.portfolioId ? await deps.store.portfolios.findReportJson(job.portfolioId) : null;
          outcomes.push({
            label: slice[k]!.label,
            scenarioId: job.scenarioId,
            jobId: job.id,
            portfolioId: job.portfolioId,
            status: job.status === 'done' ? 'done' : job.status === 'cancelled' ? 'cancelled' : 'failed',
            error: job.error?.message ?? null,
            portfolio: stored?.portfolio ?? null,
            report: reportJson ? (JSON.parse(reportJson) as Report) : null,
          });
        }
      }
      return outcomes;
    };
  }

  async function execute(analysis: StoredAnalysis, plan: AnalysisPlan): Promise<void> {
    try {
      const result = await plan.run(solverFor(analysis.id, plan.base, plan.options));
      await deps.store.analyses.finish(analysis.id, { status: 'done', result }, now());
      deps.log.info({ analysisId: analysis.id, kind: analysis.kind }, 'analysis finished');
    } catch (error) {
      if (error instanceof Stopped && error.code === 'cancelled') return;
      const shutdown = error instanceof Stopped;
      const message = shutdown ? 'the service stopped before the analysis finished' : error instanceof Error ? error.message : String(error);
      if (!shutdown) deps.log.error({ err: error, analysisId: analysis.id }, 'analysis failed');
      await deps.store.analyses
        .finish(analysis.id, { status: 'failed', error: { code: shutdown ? 'shutdown' : 'failed', message } }, now())
        .catch(() => undefined);
    }
  }

  async function get(id: string, kind?: AnalysisKind): Promise<StoredAnalysis> {
    const found = await deps.store.analyses.findById(id);
    if (!found || (kind && found.kind !== kind)) throw notFound(kind ? kind.replace('_', ' ') : 'analysis', id);
    return found;
  }

  return {
    /**
     * Accepts an analysis: checks the cap, records it and starts it; answers with the stored row.
     * Everything about the request is checked by the caller before this (nothing is started on bad input).
     */
    async start(plan: AnalysisPlan): Promise<StoredAnalysis> {
      if (plan.plannedSolves > deps.maxSolves) {
        throw unprocessable('too-many-solves', `the analysis needs up to ${plan.plannedSolves} member solves; the limit is ${deps.maxSolves}`, [
          {
            path: plan.capPath,
            in: 'body',
            message: `needs up to ${plan.plannedSolves} member solves, more than the configured limit of ${deps.maxSolves} (ANALYSIS_MAX_SOLVES)`,
          },
        ]);
      }
      if (stopping) throw unavailable('the service is shutting down', 5);
      const analysis = await deps.store.analyses.insert({
        id: randomUUID(),
        kind: plan.kind,
        scenarioId: plan.base.id,
        request: plan.request,
        plannedSolves: plan.plannedSolves,
        createdAt: now(),
      });
      const task = execute(analysis, plan).finally(() => running.delete(analysis.id));
      running.set(analysis.id, task);
      return analysis;
    },

    get,

    /** Resolves once the analysis has finished (tests, the CLI against a server). */
    async settled(id: string): Promise<StoredAnalysis> {
      await running.get(id);
      return get(id);
    },

    /** Member jobs with their current status, in the order they were submitted. */
    async members(analysis: StoredAnalysis) {
      const jobs = await Promise.all(analysis.members.map((m) => deps.store.jobs.findById(m.jobId)));
      return analysis.members.flatMap((m, i) => (jobs[i] ? [{ label: m.label, job: jobs[i]! }] : []));
    },

    /** Cancels a running analysis and its member solves; 409 when it already finished. */
    async cancel(id: string, kind?: AnalysisKind): Promise<StoredAnalysis> {
      const analysis = await get(id, kind);
      if (analysis.status === 'cancelled') return analysis;
      if (analysis.status !== 'running') throw conflict(`analysis '${id}' already finished (${analysis.status}); there is nothing to cancel`);
      await deps.store.analyses.finish(id, { status: 'cancelled', error: { code: 'cancelled', message: 'cancelled by a DELETE request' } }, now());
      await cancelGroups(analysis.groupIds);
      // Groups recorded between the read above and the status change are cancelled by the orchestration itself.
      const after = await get(id);
      await cancelGroups(after.groupIds.filter((g) => !analysis.groupIds.includes(g)));
      return after;
    },

    async recoverInterrupted(): Promise<number> {
      return deps.store.analyses.failInterrupted(now());
    },

    /** Stops orchestrating: running analyses fail with `shutdown` (their member jobs follow the queue's own shutdown). */
    async shutdown(): Promise<void> {
      stopping = true;
      for (const id of running.keys()) {
        await deps.store.analyses
          .finish(id, { status: 'failed', error: { code: 'shutdown', message: 'the service stopped before the analysis finished' } }, now())
          .catch(() => undefined);
      }
    },
  };
}

/** A 422 naming every problem of an analysis request; nothing is started. */
export function rejectRequest(kind: string, errors: readonly FieldError[]): never {
  throw unprocessable('invalid-analysis', `the ${kind} request cannot be run: ${errors.map((e) => e.path).join(', ')}`, errors);
}
