/**
 * Starts a worker thread for a module that sits next to the caller. From `dist/` the compiled
 * `.js` module starts directly; from TypeScript sources (tsx, tap) a tiny bootstrap registers tsx
 * inside the worker first, because Node 20 workers do not inherit the parent's loader hooks.
 */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function spawnWorker(moduleName: string, callerUrl: string, options: WorkerOptions = {}): Worker {
  const fromSource = callerUrl.endsWith('.ts');
  const target = new URL(`./${moduleName}${fromSource ? '.ts' : '.js'}`, callerUrl);
  if (!fromSource) return new Worker(target, options);
  const boot = new URL('./ts-boot.mjs', import.meta.url);
  const data = (options.workerData ?? {}) as Record<string, unknown>;
  // A worker inherits its parent's execArgv unless told otherwise. Under a test runner those are
  // the runner's own hooks (tap: a ts-node loader, its mock and process-info imports): each worker
  // thread then compiled every source file again with ts-node, beside tsx — seconds of CPU per
  // worker, the largest single cost of the suite. The boot file registers tsx, which is all a
  // worker started from sources needs.
  return new Worker(boot, { execArgv: [], ...options, workerData: { ...data, __workerModule: target.href } });
}
