/** Entry point of a one-shot model export worker: one request in `workerData`, one reply, then exit. */
import { parentPort, workerData } from 'node:worker_threads';
import { runModelExport, type ModelExportRequest } from '../services/model-export-runner.js';

if (!parentPort) throw new Error('export-worker must run in a worker thread');
parentPort.postMessage(runModelExport((workerData as { request: ModelExportRequest }).request));
