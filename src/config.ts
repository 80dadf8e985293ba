/**
 * Service configuration, read once from the environment and validated with zod so that a typo in
 * a deployment fails at start with the variable's name instead of surfacing later as odd behaviour.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Environment values are strings; an empty string counts as unset so `PORT=` falls back to the default. */
const env = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema);

const intVar = (min: number, max: number) => z.string().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

const secondsVar = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+(\.\d+)?$/, 'must be a number of seconds')
    .transform(Number)
    .pipe(z.number().min(min).max(max));

export const EnvSchema = z.object({
  HOST: env(z.string().min(1).default('127.0.0.1')),
  PORT: env(intVar(0, 65535).default(3000)),
  DATABASE_PATH: env(z.string().min(1).default('var/planner.db')),
  /**
   * `postgres://…` switches the store to PostgreSQL and solves to the shared job queue (run workers
   * with `npm run worker`); unset keeps the embedded SQLite store and in-process solver threads.
   */
  DATABASE_URL: env(
    z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
  ),
  /** PostgreSQL schema of the planner's tables; the job queue lives in `<schema>_queue`. */
  DATABASE_SCHEMA: env(
    z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,40}$/, 'must be a lower-case SQL identifier of at most 41 characters')
      .default('planner'),
  ),
  /** Connections each process keeps to PostgreSQL at most. */
  DATABASE_POOL_SIZE: env(intVar(2, 100).default(10)),
  /** Times a job whose worker died (or whose solver thread crashed) is retried before it is dead-lettered. */
  JOB_RETRY_LIMIT: env(intVar(0, 10).default(2)),
  /** How often a worker process reports that it is alive. */
  WORKER_HEARTBEAT_SECONDS: env(secondsVar(0.1, 60).default(2)),
  /** Silence after which a worker is presumed dead and its running jobs are retried on another one. */
  WORKER_TIMEOUT_SECONDS: env(secondsVar(1, 3600).default(20)),
  LOG_LEVEL: env(z.enum(LOG_LEVELS).default('info')),
  /** Solver worker threads; the default is one per core because a HiGHS solve keeps one core busy. */
  SOLVER_WORKERS: env(intVar(1, 64).optional()),
  /** Solves that may wait for a free worker before new ones are refused with 503. */
  SOLVER_QUEUE: env(intVar(0, 10_000).default(16)),
  /** Extra time a worker gets beyond the solve's own time limit before it is terminated. */
  SOLVER_GRACE_SECONDS: env(secondsVar(0, 600).default(5)),
  /** Longest `?wait=` a client may ask for; longer waits tie up connections for little benefit. */
  MAX_WAIT_SECONDS: env(secondsVar(0, 600).default(60)),
  /** How long shutdown lets running solves finish before it cancels them. */
  SHUTDOWN_GRACE_SECONDS: env(secondsVar(0, 600).default(10)),
  /**
   * `auto` (default): API keys are required when HOST is beyond loopback and not on loopback;
   * `required`: always (a loopback instance shared through a proxy).
   */
  API_KEYS: env(z.enum(['auto', 'required']).default('auto')),
  /**
   * Host names (with or without port) requests may address, comma-separated: a request with another
   * Host header is refused (DNS rebinding). Default on loopback: localhost, 127.0.0.1, ::1; beyond
   * loopback: unset, any Host (keys guard the API), but set it to the names clients use.
   */
  ALLOWED_HOSTS: env(
    z
      .string()
      .regex(/^[A-Za-z0-9.:[\]_-]+(,[A-Za-z0-9.:[\]_-]+)*$/, 'must be host names separated by commas')
      .optional(),
  ),
  /** Requests per minute per API key (per client address without one) when keys are required. */
  RATE_LIMIT_PER_MINUTE: env(intVar(1, 1_000_000).default(600)),
  /** Scenarios one API key may store (content already stored by anyone does not count). */
  SCENARIO_QUOTA_PER_KEY: env(intVar(1, 10_000_000).default(1000)),
  /** Most member solves one analysis (frontier, stress test, alternatives, comparison) may plan; more is a 422. */
  ANALYSIS_MAX_SOLVES: env(intVar(1, 10_000).default(64)),
});

/** True for the addresses and names that only this machine can reach. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || h === '::ffff:127.0.0.1';
}

export const LOOPBACK_HOSTS = ['localhost', '127.0.0.1', '::1'] as const;

export interface Config {
  host: string;
  port: number;
  databasePath: string;
  databaseUrl: string | null;
  databaseSchema: string;
  databasePoolSize: number;
  jobRetryLimit: number;
  workerHeartbeatSeconds: number;
  workerTimeoutSeconds: number;
  logLevel: (typeof LOG_LEVELS)[number];
  solverWorkers: number;
  solverQueue: number;
  solverGraceSeconds: number;
  maxWaitSeconds: number;
  shutdownGraceSeconds: number;
  analysisMaxSolves: number;
  bodyLimitBytes: number;
  /** Requests need an API key (HOST beyond loopback, or API_KEYS=required). */
  requireKeys: boolean;
  /** Host names a request may address (no port); null: any. */
  allowedHosts: readonly string[] | null;
  rateLimitPerMinute: number;
  scenarioQuotaPerKey: number;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super(`invalid configuration:\n- ${issues.join('\n- ')}`);
    this.name = 'ConfigError';
  }
}

/** Parses the environment into a Config; throws ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));
  }
  const e = parsed.data;
  return {
    host: e.HOST,
    port: e.PORT,
    databasePath: e.DATABASE_PATH,
    databaseUrl: e.DATABASE_URL ?? null,
    databaseSchema: e.DATABASE_SCHEMA,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    jobRetryLimit: e.JOB_RETRY_LIMIT,
    workerHeartbeatSeconds: e.WORKER_HEARTBEAT_SECONDS,
    workerTimeoutSeconds: e.WORKER_TIMEOUT_SECONDS,
    logLevel: e.LOG_LEVEL,
    solverWorkers: e.SOLVER_WORKERS ?? Math.max(1, availableParallelism()),
    solverQueue: e.SOLVER_QUEUE,
    solverGraceSeconds: e.SOLVER_GRACE_SECONDS,
    maxWaitSeconds: e.MAX_WAIT_SECONDS,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    analysisMaxSolves: e.ANALYSIS_MAX_SOLVES,
    bodyLimitBytes: 1024 * 1024,
    requireKeys: e.API_KEYS === 'required' || !isLoopback(e.HOST),
    allowedHosts: e.ALLOWED_HOSTS ? e.ALLOWED_HOSTS.split(',').map((h) => hostName(h)) : isLoopback(e.HOST) ? [...LOOPBACK_HOSTS] : null,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    scenarioQuotaPerKey: e.SCENARIO_QUOTA_PER_KEY,
  };
}

/** The name in a Host header or ALLOWED_HOSTS entry, without port and brackets, lower-case. */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  // A bare IPv6 address has several colons; a name or IPv4 address at most one (before the port).
  return (h.match(/:/g) ?? []).length > 1 ? h : h.replace(/:\d*$/, '');
}

/** Defaults without reading the environment (tests and the OpenAPI generator start from these). */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides };
}
