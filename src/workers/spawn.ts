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
  return new Worker(boot, { ...options, workerData: { ...data, __workerModule: target.href } });
}
