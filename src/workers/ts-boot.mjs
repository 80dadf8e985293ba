// Worker bootstrap used only when running from TypeScript sources (tsx, tap): registers tsx in
// this worker thread, then loads the real worker module. From `dist/` workers start directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__workerModule);
