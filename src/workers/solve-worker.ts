/** Entry point of a solve worker thread (started by SolvePool through spawnWorker). */
import { parentPort } from 'node:worker_threads';
import { serveSolveRequests } from '../services/solve-runner.js';

if (!parentPort) throw new Error('solve-worker must run in a worker thread');
serveSolveRequests(parentPort);
