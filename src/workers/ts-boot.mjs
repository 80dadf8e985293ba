// Worker bootstrap used only when running from TypeScript sources (tsx): registers tsx in this
// worker thread, then loads the real worker module. Compiled code (dist/, and the suite that
// `npm test` runs from dist/suite/) starts its workers directly.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__workerModule);
