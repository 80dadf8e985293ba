/**
 * The service as a real child process for the load and fault benchmarks: `node dist/server.js`
 * (the production entry, built first with `npm run build`) on 127.0.0.1 and a free port, with its
 * own database file. Latency measured against a separate process includes what a client sees
 * (sockets, JSON, the event loop shared with nothing but the service itself).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { projectRoot } from '../src/data/load.js';

export interface ServiceOptions {
  databasePath: string;
  /** SOLVER_WORKERS; default: the service's own default (one per core). */
  workers?: number;
  /** SOLVER_QUEUE; default: the service's default. */
  queue?: number;
  /** Appended to this file (stdout and stderr); default: discarded. */
  logFile?: string;
  /** LOG_LEVEL; default `info`, as in production. */
  logLevel?: string;
  /** Another project root to start `dist/server.js` from (a copy with extra datasets). */
  root?: string;
  env?: Record<string, string>;
  /** Flags for node itself, before the script (e.g. a V8 limit). */
  nodeArgs?: string[];
  /** How long to wait for /health to answer with every worker ready. */
  startTimeoutMs?: number;
}

export interface ServiceProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** Resolves when the process has exited, with its code or signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM (graceful shutdown), then SIGKILL if it has not exited within `graceMs`. */
  stop(graceMs?: number): Promise<void>;
  /** SIGKILL now, and wait until the process is gone. */
  kill9(): Promise<void>;
}

/** Compiles src/ to dist/ once, as `npm start` does. */
export function buildDist(): void {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: projectRoot(), stdio: ['ignore', 'ignore', 'inherit'] });
}

/** A port that was free a moment ago (the kernel picks it; a race with another process is unlikely). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startService(options: ServiceOptions): Promise<ServiceProcess> {
  const root = options.root ?? projectRoot();
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOST: '127.0.0.1',
    PORT: String(port),
    DATABASE_PATH: options.databasePath,
    LOG_LEVEL: options.logLevel ?? 'info',
    ...(options.workers ? { SOLVER_WORKERS: String(options.workers) } : {}),
    ...(options.queue !== undefined ? { SOLVER_QUEUE: String(options.queue) } : {}),
    ...options.env,
  };
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), join(root, 'dist', 'server.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  if (options.logFile) {
    const log = createWriteStream(options.logFile, { flags: 'a' });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
  } else {
    child.stdout!.resume();
    child.stderr!.resume();
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  // A benchmark that dies (an uncaught error) must not leave its server running.
  const reap = () => {
    if (!gone) child.kill('SIGKILL');
  };
  process.once('exit', reap);
  void exited.then(() => {
    gone = true;
    process.removeListener('exit', reap);
  });
  const url = `http://127.0.0.1:${port}`;

  const deadline = Date.now() + (options.startTimeoutMs ?? 60_000);
  for (;;) {
    if (gone) throw new Error(`the service exited during start-up (see ${options.logFile ?? 'its output'})`);
    try {
      const response = await fetch(`${url}/health`);
      const health = (await response.json()) as { solver?: { workers: number; ready: number } };
      if (response.ok && health.solver && health.solver.ready === health.solver.workers) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the service did not become ready within ${options.startTimeoutMs ?? 60_000} ms`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url,
    pid: child.pid!,
    child,
    exited,
    async stop(graceMs = 15_000) {
      if (gone) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
    async kill9() {
      if (gone) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Reads the small-solve scenario and the reference scenario from models/scenarios. */
export function scenarioPath(name: string): string {
  return join(projectRoot(), 'models', 'scenarios', `${name}.json`);
}

/** Percentile of a sample (nearest rank), in the sample's unit; NaN when empty. */
export function percentile(values: readonly number[], p: number): number {
  if (!values.length) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (value: number, digits = 1) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : value);
