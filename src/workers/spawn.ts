/**
 * Starts a worker thread for a module that sits next to the caller. Compiled code (`dist/`, and
 * the suite `npm test` runs from `dist/suite/`) starts the compiled `.js` module directly; from
 * TypeScript sources (tsx) a tiny bootstrap registers tsx inside the worker first, because Node 20
 * workers do not inherit the parent's loader hooks.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

/** Options that preload modules or register loader hooks, with or without `=value`. */
const LOADER_OPTIONS = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r']);

/**
 * The parent's execArgv without its preloads and loader hooks (NODE_OPTIONS likewise: workerEnv). A worker inherits its parent's
 * execArgv unless told otherwise; under a test runner (or `node --import tsx …`) those are the
 * runner's hooks (tap's process-info and mock imports, a TypeScript loader), and each
 * worker thread then ran them again in a hooks thread of its own, every module of the worker making
 * a round trip to it — ~0.3 s of CPU per worker, seconds per test file. A worker needs none of them;
 * other options (V8 flags, `--enable-source-maps`) are kept.
 */
export function workerExecArgv(execArgv: readonly string[] = process.execArgv): string[] {
  const kept: string[] = [];
  for (let i = 0; i < execArgv.length; i++) {
    const arg = execArgv[i]!;
    const name = arg.split('=', 1)[0]!;
    if (!LOADER_OPTIONS.has(name)) kept.push(arg);
    else if (!arg.includes('=')) i++; // `--import x`: skip the value too
  }
  return kept;
}

/** NODE_OPTIONS split as Node splits it: on spaces, except inside double quotes. */
function splitNodeOptions(options: string): string[] {
  return (options.match(/(?:[^\s"]+|"[^"]*")+/g) ?? []).map((token) => token.replace(/"/g, ''));
}

/**
 * The environment for a worker thread: the parent's, with the preloads and loader hooks left out of
 * NODE_OPTIONS. A worker runs NODE_OPTIONS' `--import`s again even when given its own execArgv:
 * under tap that is its process-info hook, which then records every module the worker loads
 * (~0.4 s of CPU per worker; the suite starts ~100). Null when there is nothing to leave out, so
 * the worker gets the default (a copy of the parent's environment).
 */
export function workerEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv | null {
  const options = env.NODE_OPTIONS;
  if (!options) return null;
  const given = splitNodeOptions(options);
  const kept = workerExecArgv(given);
  if (kept.length === given.length) return null;
  const copy = { ...env };
  if (kept.length) copy.NODE_OPTIONS = kept.map((arg) => (/\s/.test(arg) ? `"${arg}"` : arg)).join(' ');
  else delete copy.NODE_OPTIONS;
  return copy;
}

export function spawnWorker(moduleName: string, callerUrl: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const target = new URL(`./${moduleName}${fromSource ? '.ts' : '.js'}`, callerUrl);
  const env = workerEnv();
  const base: WorkerOptions = { execArgv: workerExecArgv(), ...(env ? { env } : {}), ...options };
  if (!fromSource) return new Worker(target, base);
  const boot = new URL('./ts-boot.mjs', import.meta.url);
  const data = (options.workerData ?? {}) as Record<string, unknown>;
  return new Worker(boot, { ...base, workerData: { ...data, __workerModule: target.href } });
}
