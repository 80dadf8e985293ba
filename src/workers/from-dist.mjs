// `npm test` compiles dist/ just before the suite and sets PLANNER_FROM_DIST=1. Imported with
// `--import` after tsx (tap's node-arg, the worker bootstrap ts-boot.mjs, the worker processes a
// test starts), this registers loader hooks that load a module of src/ from its compiled copy in
// dist/ when that copy is at least as new as the source: the same code, emitted by the project's
// own tsc from the same sources, without tsx's per-module transform and loader round trips
// (~0.9 s of CPU per process or worker thread that loads the service: the suite starts ~75 test
// processes and ~100 worker threads). A source newer than its copy, src/web (built by Vite, not
// tsc) and anything outside src/ load as before. Without the variable this file does nothing.
import { register } from 'node:module';

if (process.env.PLANNER_FROM_DIST === '1') register('./from-dist-hooks.mjs', import.meta.url);
