/**
 * Solve jobs: a row per solve request, run by the job queue (worker threads in this process, or
 * worker processes on other machines), finished in one transaction that stores the portfolio and
 * marks the job done together. Clients either poll the job or wait on it for a bounded time;
 * waiting sleeps until the queue reports the job settled, re-reading the row at least every few
 * seconds in case a report was missed.
 *
 * A group is a parent job with member solves (the analyses of issue 14 — frontiers, stress tests —
 * are groups): it runs nothing itself, finishes when its last member does, and cancelling it
 * cancels every member still queued or running.
 */
import { randomUUID } from 'node:crypto';
import type { StoredJob, StoredScenario, Store } from '../store/repository.js';
import type { EffectiveSolverOptions, SolveOptions } from '../schemas/api/jobs.js';
import type { Scenario } from '../schemas/scenario.js';
import { effectiveOptions as optionsOf, solveRequest } from '../solve-request.js';
import { conflict, notFound, unavailable, unprocessable } from '../errors.js';
import type { DatasetProvider } from './datasets.js';
import type { JobQueue, Submission } from './queue.js';
import type { JobPhase } from '../schemas/api/jobs.js';

export const TERMINAL = new Set(['done', 'failed', 'cancelled']);

/** Rough share of the work done when a phase starts; the baseline solve is about as long as the main one. */
export const PHASE_FRACTION: Record<JobPhase, number> = {
  queued: 0,
  formulating: 0.05,
  solving: 0.15,
  baseline: 0.6,
  reporting: 0.9,
  finished: 1,
};

/** Longest a waiting request sleeps before it reads the job again, whatever the queue reports. */
const RECHECK_MS = 2000;

export type JobService = ReturnType<typeof createJobService>;

/** One solve of a stored scenario with the request's option overrides (the HTTP body); the service forms its `SolveRequest`. */
export interface SolveRequestSpec {
  scenario: StoredScenario;
  options: SolveOptions;
}

function sortedKeys(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).sort(([a], [b]) => a.localeCompare(b)));
}

export function createJobService(deps: { store: Store; queue: JobQueue; datasets: DatasetProvider; now?: () => Date }) {
  const now = () => (deps.now ?? (() => new Date()))().toISOString();
  const waiters = new Map<string, Set<() => void>>();
  let accepting = true;
  /** Set by shutdown: waiting requests answer with the job as it is now. */
  let stopWaiting = false;
  /** Set by close: the store is closing, nothing more is read. */
  let closed = false;

  const notify = (jobId: string) => {
    const set = waiters.get(jobId);
    if (!set) return;
    waiters.delete(jobId);
    for (const wake of set) wake();
  };
  deps.queue.onSettled(notify);

  /** Sleeps until the queue reports something of job `id`, RECHECK_MS pass, or the deadline. */
  const sleep = (id: string, deadline: number) =>
    new Promise<void>((resolve) => {
      const set = waiters.get(id) ?? new Set();
      waiters.set(id, set);
      const wake = () => {
        clearTimeout(timer);
        set.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, Math.min(RECHECK_MS, Math.max(0, deadline - Date.now())));
      set.add(wake);
    });

  function effectiveOptions(scenario: Scenario, options: SolveOptions): EffectiveSolverOptions {
    return optionsOf(solveRequest(scenario, options));
  }

  async function get(id: string): Promise<StoredJob> {
    const job = await deps.store.jobs.findById(id);
    if (!job) throw notFound('job', id);
    return job;
  }

  /** The row and task of one solve; checks its dataset first (what is wrong with a request comes before whether the service can take it). */
  function solveSubmission(spec: SolveRequestSpec, parentId: string | null): Submission {
    const stored = spec.scenario;
    const dataset = deps.datasets.get(stored.datasetId);
    if (!dataset) {
      throw unprocessable('unknown-reference', `the scenario's dataset '${stored.datasetId}' is no longer available`, [
        { path: 'datasetId', message: `unknown dataset '${stored.datasetId}'` },
      ]);
    }
    // The one request this solve carries to the planner; a member of a group reports no extra solves.
    const request = solveRequest(stored.scenario, spec.options, parentId !== null && parentId !== undefined);
    const jobId = randomUUID();
    return {
      row: { id: jobId, scenarioId: stored.id, options: optionsOf(request), createdAt: now(), kind: 'solve', parentId },
      task: { jobId, request, dataset },
    };
  }

  function assertAccepting(count: number): void {
    if (!accepting) throw unavailable('the service is shutting down', 30);
    deps.queue.assertCanAccept(count);
  }

  async function cancelJob(job: StoredJob, error: { code: 'cancelled' | 'shutdown'; message: string }): Promise<StoredJob> {
    await deps.queue.cancel(job.id, error);
    notify(job.id);
    return get(job.id);
  }

  return {
    effectiveOptions,

    /** Marks jobs a previous process left unfinished as failed; only in embedded mode, where a job's solve lives in this process. */
    async recoverInterrupted(): Promise<number> {
      if (deps.queue.mode !== 'embedded') return 0;
      // Reports whose extra sections a worker thread of the previous process was computing.
      await deps.store.portfolios.failPendingReports(
        "the service stopped before the report's extra sections were finished; solve again with fresh=true for them",
      );
      return deps.store.jobs.failInterrupted(now());
    },

    /**
     * The finished solve of this stored scenario with these effective options, if there is one: the
     * newest `done` job whose portfolio is a plan or a proven answer (not `error`). A solve is
     * deterministic given its scenario and options, so solving again would only repeat it.
     */
    async findFinished(stored: StoredScenario, options: SolveOptions): Promise<StoredJob | null> {
      const wanted = JSON.stringify(sortedKeys(effectiveOptions(stored.scenario, options)));
      let cursor: string | undefined;
      for (;;) {
        const page = await deps.store.portfolios.list({ scenarioId: stored.id }, { limit: 100, ...(cursor ? { cursor } : {}) });
        if (!page) return null;
        for (const row of page.rows) {
          if (!row.jobId || row.status === 'error') continue;
          const job = await deps.store.jobs.findById(row.jobId);
          if (job?.status === 'done' && job.kind === 'solve' && JSON.stringify(sortedKeys(job.options)) === wanted) return job;
        }
        if (!page.nextCursor) return null;
        cursor = page.nextCursor;
      }
    },

    /** Queues a solve of a stored scenario. Throws 503 (with Retry-After) when the queue is full. */
    async submit(stored: StoredScenario, options: SolveOptions): Promise<StoredJob> {
      const submission = solveSubmission({ scenario: stored, options }, null);
      assertAccepting(1);
      const [job] = await deps.queue.submit([submission]);
      return (await deps.store.jobs.findById(job!.id)) ?? job!;
    },

    /**
     * Queues a group: a parent job for `parent` (the scenario an analysis is about, with its
     * options) and one member solve per entry of `members`, written together. The parent finishes
     * `done` once every member has finished (whatever each member's outcome); cancelling the parent
     * cancels its active members. Read the members with `members(parentId)`.
     */
    async submitGroup(parent: SolveRequestSpec, members: readonly SolveRequestSpec[]): Promise<{ parent: StoredJob; members: StoredJob[] }> {
      if (!members.length) throw new Error('a group needs at least one member');
      const parentId = randomUUID();
      const memberSubmissions = members.map((m) => solveSubmission(m, parentId));
      assertAccepting(members.length);
      const parentRow: Submission = {
        row: {
          id: parentId,
          scenarioId: parent.scenario.id,
          options: effectiveOptions(parent.scenario.scenario, parent.options),
          createdAt: now(),
          kind: 'group',
          parentId: null,
        },
        task: null,
      };
      const [stored, ...rest] = await deps.queue.submit([parentRow, ...memberSubmissions]);
      return { parent: stored!, members: rest };
    },

    /** The member jobs of a group, in the order they were submitted. */
    async members(parentId: string): Promise<StoredJob[]> {
      await get(parentId);
      const ids = await deps.store.jobs.memberIds(parentId);
      const jobs = await Promise.all(ids.map((id) => deps.store.jobs.findById(id)));
      return jobs.filter((j): j is StoredJob => j !== null);
    },

    get,

    /** Cancels a queued or running job (and a group's members); 409 when it already finished with a result. */
    async cancel(id: string): Promise<StoredJob> {
      const job = await get(id);
      if (job.status === 'cancelled') return job;
      if (job.status === 'done' || job.status === 'failed') throw conflict(`job '${id}' already finished (${job.status}); there is nothing to cancel`);
      return cancelJob(job, { code: 'cancelled', message: 'cancelled by a DELETE /jobs request' });
    },

    async cancelForScenario(scenarioId: string): Promise<void> {
      for (const id of await deps.store.jobs.activeIdsForScenario(scenarioId)) {
        const job = await deps.store.jobs.findById(id);
        if (job && !TERMINAL.has(job.status)) await cancelJob(job, { code: 'cancelled', message: 'the scenario was deleted' });
      }
    },

    /** Resolves with the job once it finishes or `seconds` pass, whichever is first. */
    async wait(id: string, seconds: number): Promise<StoredJob> {
      let job = await get(id);
      const deadline = Date.now() + seconds * 1000;
      while (!TERMINAL.has(job.status) && Date.now() < deadline && !stopWaiting && !closed) {
        await sleep(id, deadline);
        if (closed) break;
        job = await get(id);
      }
      return job;
    },

    /**
     * Waits until `ready()` says yes or `seconds` pass, re-checking whenever the queue reports
     * something of job `id` (it finished, or its report's extra sections were stored) and at least
     * every few seconds. What `GET /portfolios/{id}/report?wait=` waits with.
     */
    async waitUntil(id: string, seconds: number, ready: () => Promise<boolean>): Promise<void> {
      const deadline = Date.now() + seconds * 1000;
      while (!(await ready()) && Date.now() < deadline && !stopWaiting && !closed) await sleep(id, deadline);
    },

    /**
     * Stops accepting solves and drains the queue: embedded, running solves get `graceMs` and the
     * rest are cancelled; distributed, jobs stay queued for the workers. Requests waiting on a job
     * then answer with the job as it is (202 with its Location when it is not finished).
     */
    async shutdown(graceMs: number): Promise<void> {
      accepting = false;
      await deps.queue.drain(graceMs);
      // Outcomes of the drain are written and reported before the waiters read the jobs again.
      await new Promise((r) => setImmediate(r));
      stopWaiting = true;
      for (const id of [...waiters.keys()]) notify(id);
    },

    /** Wakes every waiter, which answers with the job as it last read it (the store is about to close). */
    close(): void {
      accepting = false;
      closed = true;
      for (const id of [...waiters.keys()]) notify(id);
    },
  };
}
