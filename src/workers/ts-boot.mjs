// Worker bootstrap used only when running from TypeScript sources (tsx, tap): registers tsx in
// this worker thread (and, under `npm test`, the hooks that load src/ from dist/: from-dist.mjs),
// then loads the real worker module. From `dist/` workers start directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import('./from-dist.mjs');
await import(workerData.__workerModule);
