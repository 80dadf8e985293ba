/**
 * The worker side of solving: `planRequest` (src/planner.ts) run with a phase hook so the pool can
 * see which phase a solve is in, plus the message loop a worker thread runs. A service test checks
 * that a pool solve and a direct `planScenario` call give the same portfolio.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Dataset } from '../data/schema.js';
import { ScenarioError } from '../model/instance.js';
import { planStaged, withExtras, type StagedPlan } from '../planner.js';
import type { Report } from '../schemas/report.js';
import type { Portfolio } from '../schemas/portfolio.js';
import type { PlanPhase, SolveRequest } from '../solve-request.js';
import { highsModule, highsVersion } from '../solver/highs.js';
import { warmUpHighs } from '../solver/warm-up.js';
import type { FromWorker, ToWorker, WorkerTask } from './solve-protocol.js';
import { portfolioResult } from './solve-result.js';

export { OVERRUN_MESSAGE } from '../planner.js';

/**
 * Runs `planStaged`, reporting each phase (with its overrun fallback built eagerly) to `onPhase`:
 * the portfolio and core report, and the extra report sections still to compute (if any).
 */
export function runSolve(
  request: SolveRequest,
  dataset: Dataset,
  onPhase: (phase: PlanPhase, fallback?: Portfolio) => void,
  onProgress: (step: number) => void = () => {},
): Promise<StagedPlan> {
  return planStaged(request, dataset, {
    onPhase: (phase, fallback) => onPhase(phase, fallback?.()),
    onProgress,
  });
}

/** Extension points for tests that need a worker to hang or crash on purpose. */
export interface RunnerHooks {
  /** Runs before each solve. */
  beforeSolve?(task: WorkerTask): void | Promise<void>;
  /** Runs after a phase has been reported to the pool, before the phase's work starts. */
  afterPhase?(task: WorkerTask, phase: PlanPhase): void;
  /** Runs after `done` was sent, before the report's extra sections are computed (only when there are some). */
  beforeExtras?(task: WorkerTask): void | Promise<void>;
}

/**
 * Emscripten calls `Module.onAbort` when the HiGHS WebAssembly runtime aborts (in practice: it ran
 * out of memory). The solver then returns `error` with "Aborted()", but the runtime is left in an
 * undefined state with its memory at the high-water mark, and later solves in the same thread can
 * abort too; so the worker must not take another job.
 */
function watchForAbort(onAbort: (heapMiB: number) => void): void {
  void highsModule().then((highs) => {
    (highs as unknown as { onAbort?: () => void }).onAbort = () => onAbort(Math.round(highs.memoryBytes / 2 ** 20));
  });
}

/** The message loop of a solve worker. Loads HiGHS first so the first solve does not pay for it. */
export function serveSolveRequests(port: MessagePort, hooks: RunnerHooks = {}): void {
  const send = (message: FromWorker) => port.postMessage(message);
  const datasets = new Map<string, Dataset>();
  let abortedAtMiB: number | null = null;
  watchForAbort((heapMiB) => (abortedAtMiB ??= heapMiB));

  /**
   * Ends this worker with an uncaught error instead of answering: the pool then fails the job as
   * `worker_crashed` with this message and starts a fresh worker. (Answering `failed` and exiting
   * would race with the pool handing this worker its next job.)
   */
  const crash = (heapMiB: number) => {
    setImmediate(() => {
      throw new Error(
        `the HiGHS WebAssembly runtime aborted with ${heapMiB} MiB of memory in use, most likely out of memory on a model too large for one solver worker`,
      );
    });
  };

  const handle = async (task: WorkerTask) => {
    let staged: StagedPlan;
    try {
      if (task.dataset) datasets.set(task.datasetId, task.dataset);
      const dataset = datasets.get(task.datasetId);
      if (!dataset) throw new Error(`the worker was not sent dataset '${task.datasetId}'`);
      await hooks.beforeSolve?.(task);
      staged = await runSolve(
        task.request,
        dataset,
        (phase, fallback) => {
          send({ type: 'phase', jobId: task.jobId, phase, ...(fallback ? { fallback: portfolioResult(fallback) } : {}) });
          hooks.afterPhase?.(task, phase);
        },
        (step) => send({ type: 'progress', jobId: task.jobId, step }),
      );
      if (abortedAtMiB !== null) return crash(abortedAtMiB);
      send({ type: 'done', jobId: task.jobId, result: portfolioResult(staged.portfolio, staged.report), ...(staged.extras ? { extras: true } : {}) });
    } catch (error) {
      if (abortedAtMiB !== null) return crash(abortedAtMiB);
      const message = error instanceof Error ? error.message : String(error);
      send({ type: 'failed', jobId: task.jobId, error: { code: error instanceof ScenarioError ? 'invalid_scenario' : 'solve_error', message } });
      return;
    }
    if (staged.extras) await computeExtras(task, staged.report, staged.extras);
  };

  /**
   * The report's extra sections, after the answer went out (issue 13): the pool keeps this worker
   * busy, under the watchdog of the reporting phase, until `report-extras` arrives. An error leaves
   * the core report standing with the extras `failed`.
   */
  const computeExtras = async (task: WorkerTask, core: Report, extras: NonNullable<StagedPlan['extras']>) => {
    let message: string;
    try {
      await hooks.beforeExtras?.(task);
      const sections = await extras();
      if (abortedAtMiB !== null) return crash(abortedAtMiB);
      send({ type: 'report-extras', jobId: task.jobId, status: 'complete', reportJson: JSON.stringify(withExtras(core, sections, { status: 'complete' })) });
      return;
    } catch (error) {
      if (abortedAtMiB !== null) return crash(abortedAtMiB);
      message = `computing the report's extra sections failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    send({ type: 'report-extras', jobId: task.jobId, status: 'failed', reportJson: JSON.stringify({ ...core, extras: { status: 'failed', message } }) });
  };

  port.on('message', (message: ToWorker) => {
    if (message?.type === 'solve') void handle(message.task);
  });
  // A failure to load HiGHS is thrown out of the worker on purpose: the pool sees the worker die
  // during start-up and reports it, instead of this worker accepting solves it cannot run.
  // It warms the runtime with a representative solve first (src/solver/warm-up.ts): the first
  // solve in a fresh WebAssembly instance is ~1.7x slower than the next.
  void warmUpHighs()
    .then(() => highsVersion())
    .then((v) => send({ type: 'ready', highsVersion: v }));
}
