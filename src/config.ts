/**
 * Service configuration, read once from the environment and validated with zod so that a typo in
 * a deployment fails at start with the variable's name instead of surfacing later as odd behaviour.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Environment values are strings; an empty string counts as unset so `PORT=` falls back to the default. */
const env = <T extends z.ZodType>(schema: T) => z.preprocess((value) => (value === '' ? undefined : value), schema);

const intVar = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d+$/, 'must be a whole number')
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));

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
});

export interface Config {
  host: string;
  port: number;
  databasePath: string;
  logLevel: (typeof LOG_LEVELS)[number];
  solverWorkers: number;
  solverQueue: number;
  solverGraceSeconds: number;
  maxWaitSeconds: number;
  shutdownGraceSeconds: number;
  bodyLimitBytes: number;
}

export class ConfigError extends Error {
  constructor(readonly issues: readonly string[]) {
    super('invalid configuration:\n- ' + issues.join('\n- '));
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
    logLevel: e.LOG_LEVEL,
    solverWorkers: e.SOLVER_WORKERS ?? Math.max(1, availableParallelism()),
    solverQueue: e.SOLVER_QUEUE,
    solverGraceSeconds: e.SOLVER_GRACE_SECONDS,
    maxWaitSeconds: e.MAX_WAIT_SECONDS,
    shutdownGraceSeconds: e.SHUTDOWN_GRACE_SECONDS,
    bodyLimitBytes: 1024 * 1024,
  };
}

/** Defaults without reading the environment (tests and the OpenAPI generator start from these). */
export function defaultConfig(overrides: Partial<Config> = {}): Config {
  return { ...loadConfig({}), ...overrides };
}
