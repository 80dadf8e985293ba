/**
 * Starts a worker thread for a module that sits next to the caller. From `dist/` the compiled
 * `.js` module starts directly; from TypeScript sources (tsx, tap) a tiny bootstrap registers tsx
 * inside the worker first, because Node 20 workers do not inherit the parent's loader hooks.
 *
 * `npm test` compiles `dist/` just before the suite and sets PLANNER_FROM_DIST=1: a worker asked
 * for from sources then starts from its compiled module when that is at least as new as its
 * source, and a worker module outside src/ (a test's fixture) loads the src/ modules it imports
 * from dist/ (src/workers/from-dist.mjs). Loading ~150 modules through tsx's loader hooks costs
 * ~1.3 s of CPU per thread against ~0.4 s for the compiled ones, and the suite starts about a
 * hundred worker threads. Without the variable (a test file run on its own, `npm run plan`)
 * nothing changes.
 */
import { existsSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const projectRoot = new URL('../../', import.meta.url);
const sourceRoot = new URL('src/', projectRoot).href;

/** The compiled module of a source module under src/, when it exists and is not older than it. */
function compiledModule(source: URL): URL | null {
  if (process.env.PLANNER_FROM_DIST !== '1' || !source.href.startsWith(sourceRoot)) return null;
  const compiled = new URL(`dist/${source.href.slice(sourceRoot.length).replace(/\.ts$/, '.js')}`, projectRoot);
  const [compiledPath, sourcePath] = [fileURLToPath(compiled), fileURLToPath(source)];
  if (!existsSync(compiledPath) || !existsSync(sourcePath)) return null;
  return statSync(compiledPath).mtimeMs >= statSync(sourcePath).mtimeMs ? compiled : null;
}

/** Options that preload modules or register loader hooks, with or without `=value`. */
const LOADER_OPTIONS = new Set(['--import', '--loader', '--experimental-loader', '--require', '-r']);

/**
 * The parent's execArgv without its preloads and loader hooks. A worker inherits its parent's
 * execArgv unless told otherwise; under a test runner (or `node --import tsx …`) those are the
 * runner's hooks (tap's process-info and mock imports, a TypeScript loader, from-dist.mjs), and each
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

export function spawnWorker(moduleName: string, callerUrl: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const target = new URL(`./${moduleName}${fromSource ? '.ts' : '.js'}`, callerUrl);
  const execArgv = workerExecArgv();
  if (!fromSource) return new Worker(target, { execArgv, ...options });
  const compiled = compiledModule(target);
  if (compiled) return new Worker(compiled, { execArgv, ...options });
  // From sources only; spawn.ts itself may run from dist/ (under `npm test`), where no .mjs is copied.
  const boot = new URL('src/workers/ts-boot.mjs', projectRoot);
  const data = (options.workerData ?? {}) as Record<string, unknown>;
  return new Worker(boot, { execArgv, ...options, workerData: { ...data, __workerModule: target.href } });
}
