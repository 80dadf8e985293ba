/**
 * A small pool of solve worker threads on top of `spawnWorker`. It is the one worker mechanism of
 * the service: the embedded mode runs solves on it, and so does each `npm run worker` process of a
 * shared deployment (src/services/queue-worker.ts). piscina was declared for this and removed
 * unused: what piscina does well — a task queue, and terminating a thread when a task is aborted —
 * is the smaller part of this file. The rest would have to be rebuilt around it:
 *
 * - a watchdog per solve *phase* whose limit depends on the phase (the solver's time limit while
 *   solving, a set-up limit otherwise), and an overrun answer built in the worker before the phase
 *   started (the `time_limit` portfolio with the model's statistics), which needs messages during a
 *   task, not only its result;
 * - progress (the phase) reported to the job row while the task runs;
 * - datasets sent once per thread and cached there (the reference dataset is ~370 kB; piscina
 *   cannot address a task to the thread that already has it, so each solve would clone it again
 *   on the event loop, ~5-15 ms each);
 * - readiness: the app is ready only once every thread has loaded HiGHS, and a thread that keeps
 *   failing to start is given up on, which makes /health degraded;
 * - a thread whose HiGHS runtime aborted (out of memory) must be retired even if it answered;
 * - workers started from TypeScript sources (tsx bootstrap) and from dist alike.
 *
 * One task runs per worker. Tasks wait in a bounded FIFO queue; when it is full `submit` throws
 * `PoolFullError` (the API answers 503 with Retry-After). A worker that dies fails only the task
 * it was running and is replaced; one that keeps dying during start-up is given up on after
 * `maxBootFailures` attempts, and when no worker is left queued tasks fail as `unavailable`.
 */
import type { Worker } from 'node:worker_threads';
import type { Portfolio } from '../schemas/portfolio.js';
import type { JobError } from '../schemas/api/jobs.js';
import type { PortfolioResult } from '../store/repository.js';
import type { PlanPhase } from '../solve-request.js';
import { spawnWorker } from '../workers/spawn.js';
import type { SolveTask } from './queue.js';
import type { FromWorker, ToWorker } from './solve-protocol.js';

/**
 * What became of a report's extra sections (issue 13), after a `done` outcome: `none` when there
 * were none to come (or the solve did not end `done`); `complete` with the whole report; `failed`
 * with why — and the core report marked failed when the worker could still send it (it threw),
 * without it when the worker crashed, overran or was stopped (the caller marks the stored one).
 */
export type ExtrasOutcome = { kind: 'none' } | { kind: 'complete'; reportJson: string } | { kind: 'failed'; message: string; reportJson?: string };

export type SolveOutcome =
  /** Serialised by the worker; `reportJson` is absent when the solve was cut short (its portfolio is then the overrun fallback). */
  { kind: 'done'; result: PortfolioResult } | { kind: 'failed'; error: JobError } | { kind: 'cancelled'; error: JobError };

export interface TaskListener {
  /** The task left the queue and a worker started on it. */
  onStart?(): void;
  onPhase?(phase: PlanPhase): void;
}

export interface TaskHandle {
  readonly done: Promise<SolveOutcome>;
  /**
   * Settles after `done`: the report's extra sections, which the worker computes after answering
   * (its slot stays busy meanwhile, under the reporting phase's watchdog, restarted by progress).
   */
  readonly extras: Promise<ExtrasOutcome>;
  /** Removes a queued task or terminates the worker running it; no-op once settled. */
  cancel(error: JobError): void;
}

export interface PoolLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface PoolOptions {
  size: number;
  maxQueue: number;
  /** Time a solve may run past its own time limit before its worker is terminated. */
  graceSeconds: number;
  /** Limit for the phases without a solver time limit (formulating, reporting). */
  setupLimitSeconds?: number;
  /** Worker module, resolved like spawnWorker does; tests substitute a worker that misbehaves. */
  worker?: { module: string; base: string };
  log?: PoolLogger;
  maxBootFailures?: number;
  bootTimeoutSeconds?: number;
}

export class PoolFullError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('the solve queue is full');
    this.name = 'PoolFullError';
  }
}

export class PoolUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PoolUnavailableError';
  }
}

interface Entry {
  input: SolveTask;
  listener: TaskListener;
  settled: boolean;
  resolve(outcome: SolveOutcome): void;
  extrasSettled: boolean;
  resolveExtras(outcome: ExtrasOutcome): void;
  slot: Slot | null;
}

interface Slot {
  index: number;
  worker: Worker;
  /** `pending`: the worker died and a replacement is about to start in this slot. */
  state: 'booting' | 'idle' | 'busy' | 'pending' | 'stopped';
  datasets: Set<string>;
  bootFailures: number;
  lastError: Error | null;
  entry: Entry | null;
  /** The finished task whose report's extra sections this worker is computing (the slot stays busy). */
  extras: Entry | null;
  phase: PlanPhase | null;
  fallback: PortfolioResult | null;
  started: number;
  timer: NodeJS.Timeout | null;
  bootTimer: NodeJS.Timeout | null;
}

const silent: PoolLogger = { info() {}, warn() {}, error() {} };

export class SolvePool {
  private readonly slots: Array<Slot | null> = [];
  private readonly queue: Entry[] = [];
  private closing = false;
  private readyWaiters: Array<() => void> = [];
  private highs: string | null = null;
  /** Moving average of finished solve durations, used to suggest a Retry-After. */
  private averageSeconds: number | null = null;
  private readonly log: PoolLogger;
  private readonly setupLimitSeconds: number;
  private readonly maxBootFailures: number;
  private readonly bootTimeoutSeconds: number;

  constructor(private readonly options: PoolOptions) {
    this.log = options.log ?? silent;
    this.setupLimitSeconds = options.setupLimitSeconds ?? 120;
    this.maxBootFailures = options.maxBootFailures ?? 3;
    this.bootTimeoutSeconds = options.bootTimeoutSeconds ?? 60;
  }

  /** Starts every worker; resolves once each is warm (HiGHS loaded) or has been given up on. */
  start(): Promise<void> {
    for (let i = 0; i < this.options.size; i++) if (!this.slots[i]) this.spawn(i, 0);
    return this.whenSettledBoot();
  }

  get highsVersion(): string | null {
    return this.highs;
  }

  stats() {
    const live = this.slots.filter((s): s is Slot => s !== null && s.state !== 'stopped');
    return {
      workers: this.options.size,
      ready: live.filter((s) => s.state === 'idle' || s.state === 'busy').length,
      busy: live.filter((s) => s.state === 'busy').length,
      queued: this.queue.length,
      maxQueue: this.options.maxQueue,
    };
  }

  /** False once every worker has been given up on (health reports the service as degraded). */
  hasWorkers(): boolean {
    return this.slots.some((s) => s !== null && s.state !== 'stopped');
  }

  /** Throws what submitting `count` tasks would throw right now, so a caller can check before it writes anything. */
  assertCanAccept(count = 1): void {
    if (this.closing) throw new PoolUnavailableError('the service is shutting down');
    if (!this.slots.some((s) => s !== null && s.state !== 'stopped')) throw new PoolUnavailableError('no solver worker could be started');
    const idle = this.slots.filter((s) => s?.state === 'idle').length;
    if (this.queue.length + count > this.options.maxQueue + idle) throw new PoolFullError(this.retryAfterSeconds());
  }

  /** Queues a solve. Throws PoolFullError when the queue is full, PoolUnavailableError when closing or without workers. */
  submit(input: SolveTask, listener: TaskListener = {}): TaskHandle {
    this.assertCanAccept();
    let resolve!: (outcome: SolveOutcome) => void;
    const done = new Promise<SolveOutcome>((r) => (resolve = r));
    let resolveExtras!: (outcome: ExtrasOutcome) => void;
    const extras = new Promise<ExtrasOutcome>((r) => (resolveExtras = r));
    const entry: Entry = { input, listener, settled: false, resolve, extrasSettled: false, resolveExtras, slot: null };
    this.queue.push(entry);
    this.dispatch();
    return { done, extras, cancel: (error) => this.cancel(entry, error) };
  }

  /**
   * Stops taking work: queued tasks are cancelled at once, running ones get `graceMs` to finish and
   * are then cancelled. Workers stay up until `close`.
   */
  async drain(graceMs: number, error: JobError = { code: 'shutdown', message: 'the service shut down before this solve finished' }): Promise<void> {
    this.closing = true;
    for (const entry of this.queue.splice(0)) this.settle(entry, { kind: 'cancelled', error });
    const deadline = Date.now() + graceMs;
    while (this.slots.some((s) => s?.state === 'busy') && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, Math.min(50, Math.max(1, deadline - Date.now()))));
    }
    for (const slot of this.slots) if (slot?.entry) this.cancel(slot.entry, error);
    for (const slot of this.slots) {
      if (!slot?.extras) continue;
      this.endExtras(slot, { kind: 'failed', message: `${error.message}; the report's extra sections were not finished` });
      this.replace(slot);
    }
  }

  /** Drains without grace and terminates every worker. */
  async close(): Promise<void> {
    if (!this.closing) await this.drain(0);
    const exits: Array<Promise<unknown>> = [];
    for (const slot of this.slots) {
      if (!slot || slot.state === 'stopped') continue;
      this.stopSlot(slot);
      exits.push(slot.worker.terminate());
    }
    await Promise.allSettled(exits);
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }

  // ---------------------------------------------------------------------------------------------

  private spawn(index: number, bootFailures: number): void {
    const { module, base } = this.options.worker ?? { module: '../workers/solve-worker', base: import.meta.url };
    let worker: Worker;
    try {
      worker = spawnWorker(module, base, { workerData: { role: 'solve' } });
    } catch (error) {
      this.log.error({ err: error, worker: index }, 'could not start a solver worker');
      this.slots[index] = null;
      this.afterSlotLost();
      return;
    }
    const slot: Slot = {
      index,
      worker,
      state: 'booting',
      datasets: new Set(),
      bootFailures,
      lastError: null,
      entry: null,
      extras: null,
      phase: null,
      fallback: null,
      started: 0,
      timer: null,
      bootTimer: null,
    };
    slot.bootTimer = setTimeout(() => {
      slot.lastError = new Error(`not ready within ${this.bootTimeoutSeconds} s`);
      void worker.terminate();
    }, this.bootTimeoutSeconds * 1000);
    slot.bootTimer.unref();
    this.slots[index] = slot;
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    worker.on('error', (error) => {
      slot.lastError = error;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    if (slot.state === 'stopped') return;
    if (message.type === 'ready') {
      if (slot.bootTimer) clearTimeout(slot.bootTimer);
      slot.bootTimer = null;
      slot.state = 'idle';
      slot.bootFailures = 0;
      this.highs = message.highsVersion;
      this.log.info({ worker: slot.index, highs: message.highsVersion }, 'solver worker ready');
      this.notifyBoot();
      this.dispatch();
      return;
    }
    const finished = slot.extras;
    if (finished && finished.input.jobId === message.jobId) {
      if (message.type === 'progress') this.armExtras(slot);
      if (message.type === 'report-extras') {
        this.endExtras(
          slot,
          message.status === 'complete'
            ? { kind: 'complete', reportJson: message.reportJson }
            : { kind: 'failed', message: 'the report’s extra sections failed', reportJson: message.reportJson },
        );
        this.release(slot, false);
        this.dispatch();
      }
      return;
    }
    const entry = slot.entry;
    if (!entry || entry.input.jobId !== message.jobId) return;
    if (message.type === 'report-extras') return;
    if (message.type === 'phase') {
      slot.phase = message.phase;
      slot.fallback = message.fallback ?? null;
      this.arm(slot);
      entry.listener.onPhase?.(message.phase);
      return;
    }
    if (message.type === 'progress') {
      // The diagnosis is bounded by a count of solves, each by the phase's allowance.
      this.arm(slot);
      return;
    }
    if (message.type === 'done' && message.extras) {
      // Answered: the job is done now. The worker goes on with the report's extra sections and
      // stays busy (a queued solve waits for it, bounded by the watchdog) until they arrive.
      this.recordDuration(slot);
      slot.entry = null;
      slot.extras = entry;
      slot.phase = null;
      slot.fallback = null;
      this.armExtras(slot);
      this.settle(entry, { kind: 'done', result: message.result }, true);
      return;
    }
    this.release(slot);
    if (message.type === 'done') {
      // The worker checked the portfolio's shape and serialised it (solve-result.ts): this thread
      // stores and serves the text as it is, whatever the model's size.
      this.settle(entry, { kind: 'done', result: message.result });
    } else {
      this.settle(entry, { kind: 'failed', error: message.error });
    }
    this.dispatch();
  }

  private onExit(slot: Slot, code: number): void {
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.bootTimer) clearTimeout(slot.bootTimer);
    if (slot.state === 'stopped') return;
    const wasBooting = slot.state === 'booting';
    slot.state = 'stopped';
    const reason = slot.lastError?.message ?? `exit code ${code}`;
    if (slot.extras) {
      this.log.error({ worker: slot.index, jobId: slot.extras.input.jobId, reason }, 'solver worker crashed computing a report’s extra sections');
      this.endExtras(slot, {
        kind: 'failed',
        message: `the solver worker crashed computing the report's extra sections (${reason}); the rest of the report stands`,
      });
    }
    if (slot.entry) {
      const entry = slot.entry;
      slot.entry = null;
      this.log.error({ worker: slot.index, jobId: entry.input.jobId, reason }, 'solver worker crashed during a solve');
      this.settle(entry, {
        kind: 'failed',
        error: { code: 'worker_crashed', message: `the solver worker crashed (${reason}); the worker was replaced and other jobs are unaffected` },
      });
    } else {
      this.log.warn({ worker: slot.index, reason, booting: wasBooting }, 'solver worker stopped');
    }
    if (this.closing) return;
    const failures = wasBooting ? slot.bootFailures + 1 : 0;
    if (failures >= this.maxBootFailures) {
      this.log.error({ worker: slot.index, reason }, 'solver worker keeps failing to start; giving up on it');
      this.slots[slot.index] = null;
      this.notifyBoot();
      this.afterSlotLost();
      return;
    }
    if (!wasBooting) {
      this.spawn(slot.index, 0);
      return;
    }
    // Back off a little after a failed start so a broken installation does not spin.
    slot.state = 'pending';
    const timer = setTimeout(
      () => {
        if (this.closing) return;
        this.spawn(slot.index, failures);
      },
      200 * 2 ** failures,
    );
    timer.unref();
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = this.slots.find((s): s is Slot => s?.state === 'idle');
      if (!slot) return;
      const entry = this.queue.shift()!;
      const { input } = entry;
      const datasetId = input.request.scenario.datasetId;
      const sendDataset = !slot.datasets.has(datasetId);
      const message: ToWorker = {
        type: 'solve',
        task: { jobId: input.jobId, request: input.request, datasetId, ...(sendDataset ? { dataset: input.dataset } : {}) },
      };
      slot.state = 'busy';
      slot.entry = entry;
      entry.slot = slot;
      slot.phase = 'formulating';
      slot.fallback = null;
      slot.started = performance.now();
      slot.worker.postMessage(message);
      slot.datasets.add(datasetId);
      this.arm(slot);
      entry.listener.onStart?.();
    }
  }

  /** (Re)starts the watchdog for the slot's current phase. */
  private arm(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    const entry = slot.entry;
    if (!entry || !slot.phase) return;
    const phase = slot.phase;
    const solving = phase === 'solving' || phase === 'baseline';
    const limit = solving ? entry.input.request.scenario.solver.timeLimitSeconds : this.setupLimitSeconds;
    const allowed = limit + this.options.graceSeconds;
    slot.timer = setTimeout(() => this.overrun(slot, phase, limit), allowed * 1000);
  }

  /** (Re)starts the watchdog of a report's extra sections: the reporting phase's allowance, restarted by each progress step. */
  private armExtras(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    const limit = this.setupLimitSeconds;
    slot.timer = setTimeout(() => this.extrasOverrun(slot, limit), (limit + this.options.graceSeconds) * 1000);
  }

  private extrasOverrun(slot: Slot, limit: number): void {
    const entry = slot.extras;
    if (!entry || slot.state !== 'busy') return;
    const grace = this.options.graceSeconds;
    this.log.warn({ worker: slot.index, jobId: entry.input.jobId, limit }, 'report extras overran their limit; terminating the worker');
    this.endExtras(slot, {
      kind: 'failed',
      message: `the report's extra sections ran past their limit of ${limit} s plus ${grace} s grace; the worker was terminated`,
    });
    this.replace(slot);
    this.dispatch();
  }

  /** Settles the extra sections of the task on this slot, once. */
  private endExtras(slot: Slot, outcome: ExtrasOutcome): void {
    const entry = slot.extras;
    slot.extras = null;
    if (!entry || entry.extrasSettled) return;
    entry.extrasSettled = true;
    entry.resolveExtras(outcome);
  }

  private overrun(slot: Slot, phase: PlanPhase, limit: number): void {
    const entry = slot.entry;
    if (!entry || slot.state !== 'busy') return;
    const grace = this.options.graceSeconds;
    const elapsedMs = performance.now() - slot.started;
    this.log.warn({ worker: slot.index, jobId: entry.input.jobId, phase, limit }, 'solve overran its time limit; terminating the worker');
    const fallback = slot.fallback;
    const what = phase === 'baseline' ? 'the baseline solve' : phase === 'solving' ? 'the solve' : `the ${phase} step`;
    const message = `${what} ran past its time limit of ${limit} s plus ${grace} s grace; the worker was terminated`;
    let outcome: SolveOutcome;
    if (fallback && phase === 'solving') {
      outcome = { kind: 'done', result: restate(fallback, (p) => ({ ...p, message, solver: { ...p.solver, solveMs: elapsedMs } })) };
    } else if (fallback && phase === 'reporting') {
      // The portfolio is complete; only its solver report is missing.
      outcome = { kind: 'done', result: restate(fallback, (p) => ({ ...p, message: `${message}; the solver report is missing` })) };
    } else if (fallback && phase === 'baseline') {
      // The portfolio itself is optimal; only the no-new-builds reference is missing.
      outcome = { kind: 'done', result: restate(fallback, (p) => ({ ...p, message: `${message}; baseline shares are null` })) };
    } else {
      outcome = { kind: 'failed', error: { code: 'time_limit', message } };
    }
    this.replace(slot);
    this.settle(entry, outcome);
    this.dispatch();
  }

  private cancel(entry: Entry, error: JobError): void {
    if (entry.settled) return;
    const queued = this.queue.indexOf(entry);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
    } else if (entry.slot && entry.slot.entry === entry) {
      this.replace(entry.slot);
    }
    this.settle(entry, { kind: 'cancelled', error });
    this.dispatch();
  }

  /** Terminates a worker on purpose and starts a fresh one in its place (unless closing). */
  private replace(slot: Slot): void {
    this.stopSlot(slot);
    void slot.worker.terminate();
    if (!this.closing) this.spawn(slot.index, 0);
  }

  private stopSlot(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    if (slot.bootTimer) clearTimeout(slot.bootTimer);
    slot.timer = null;
    slot.state = 'stopped';
    slot.entry = null;
    this.endExtras(slot, { kind: 'failed', message: "the solver worker was stopped before the report's extra sections were finished" });
  }

  private recordDuration(slot: Slot): void {
    const seconds = (performance.now() - slot.started) / 1000;
    this.averageSeconds = this.averageSeconds === null ? seconds : 0.8 * this.averageSeconds + 0.2 * seconds;
  }

  private release(slot: Slot, record = true): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    if (record) this.recordDuration(slot);
    slot.extras = null;
    slot.entry = null;
    slot.phase = null;
    slot.fallback = null;
    slot.state = 'idle';
  }

  private settle(entry: Entry, outcome: SolveOutcome, extrasToCome = false): void {
    if (entry.settled) return;
    entry.settled = true;
    entry.slot = null;
    entry.resolve(outcome);
    if (!extrasToCome && !entry.extrasSettled) {
      entry.extrasSettled = true;
      entry.resolveExtras({ kind: 'none' });
    }
  }

  private retryAfterSeconds(): number {
    const perSolve = this.averageSeconds ?? 5;
    const workers = Math.max(1, this.stats().ready);
    return Math.min(300, Math.max(1, Math.ceil((perSolve * (this.queue.length + 1)) / workers)));
  }

  private afterSlotLost(): void {
    if (this.slots.some((s) => s !== null)) return;
    const error: JobError = { code: 'unavailable', message: 'no solver worker could be started' };
    for (const entry of this.queue.splice(0)) this.settle(entry, { kind: 'failed', error });
  }

  private bootSettled(): boolean {
    return this.slots.every((s) => s === null || (s.state !== 'booting' && s.state !== 'pending'));
  }

  private whenSettledBoot(): Promise<void> {
    if (this.bootSettled()) return Promise.resolve();
    return new Promise((resolve) => this.readyWaiters.push(resolve));
  }

  private notifyBoot(): void {
    if (!this.bootSettled()) return;
    for (const resolve of this.readyWaiters.splice(0)) resolve();
  }
}

/** An overrun fallback with its message restated (the rare path: the only parse on this thread). */
function restate(fallback: PortfolioResult, change: (portfolio: Portfolio) => Portfolio): PortfolioResult {
  const portfolio = change(JSON.parse(fallback.portfolioJson) as Portfolio);
  return { status: portfolio.status, totalCostUsd: portfolio.totalCostUsd, portfolioJson: JSON.stringify(portfolio) };
}
