/** Entry point of a one-shot calibration worker: a dataset in `workerData`, one reply, then exit. */
import { parentPort, workerData } from 'node:worker_threads';
import type { Dataset } from '../data/schema.js';
import { runCalibration } from '../services/calibration-runner.js';

if (!parentPort) throw new Error('calibration-worker must run in a worker thread');
const port = parentPort;
runCalibration((workerData as { dataset: Dataset }).dataset).then((reply) => port.postMessage(reply));
