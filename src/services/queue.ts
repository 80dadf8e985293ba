/**
 * Where solves run, behind one interface with two implementations:
 *
 * - **embedded** (src/services/embedded-queue.ts): the SolvePool's worker threads in this process,
 *   with the SQLite store (the default: one planner, one machine);
 * - **distributed** (src/services/distributed-queue.ts): a pg-boss queue in the PostgreSQL store;
 *   API instances enqueue, `npm run worker` processes on any number of machines take the jobs
 *   (src/services/queue-worker.ts).
 *
 * The queue owns every job-state change that must happen together with queue work: a job row is
 * written with its queue entry, and cancelling a job cancels its queue entry and its members.
 */
import type { Dataset } from '../data/schema.js';
import type { JobError } from '../schemas/api/jobs.js';
import type { SolveRequest } from '../solve-request.js';
import type { NewJob, StoredJob } from '../store/repository.js';

export type QueueMode = 'embedded' | 'distributed';

/** The work of one solve job, as a worker needs it: the job, its request and the dataset the request's scenario names. */
export interface SolveTask {
  jobId: string;
  request: SolveRequest;
  dataset: Dataset;
}

/** A job row and, for a solve, its task; a group's parent row has no task of its own. */
export interface Submission {
  row: NewJob;
  task: SolveTask | null;
}

export interface QueueWorkerInfo {
  id: string;
  host: string;
  pid: number;
  /** Solves it runs at once (its solver threads). */
  slots: number;
  busy: number;
  startedAt: string;
  lastSeenSecondsAgo: number;
}

export interface QueueHealth {
  mode: QueueMode;
  /** Solve jobs waiting for a worker. */
  depth: number;
  running: number;
  /** Jobs given up on after their retries (distributed only; they stay in the dead-letter queue for an operator). */
  deadLetter: number;
  /** Worker processes with a recent heartbeat (distributed), or this process (embedded). */
  workers: QueueWorkerInfo[];
}

export interface JobQueue {
  readonly mode: QueueMode;
  /** Throws an HttpProblem (503, with Retry-After) when `count` more solves cannot be taken now; writes nothing. */
  assertCanAccept(count: number): void;
  /** Writes the job rows and queues their tasks. */
  submit(entries: readonly Submission[]): Promise<StoredJob[]>;
  /** Cancels a queued or running job and its active members, rows and work. Returns the ids that changed. */
  cancel(id: string, error: JobError): Promise<string[]>;
  /** Registers a callback run with a job's id whenever that job (or a group) finishes. */
  onSettled(listener: (jobId: string) => void): void;
  health(): Promise<QueueHealth>;
  /** The HiGHS version the workers run, once one has loaded it. */
  highsVersion(): Promise<string | null>;
  start(): Promise<void>;
  /** Stops taking work; running solves get `graceMs` to finish. */
  drain(graceMs: number): Promise<void>;
  close(): Promise<void>;
}
