/**
 * The server entry point as a process: configuration from the environment, the bundled datasets,
 * a database file created on first start, pino JSON logs with request ids, and a clean exit on
 * SIGTERM.
 */
import t from 'tap';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { projectRoot } from '../../src/data/load.js';
import { tsNodeArgs } from '../helpers/node-ts.js';

t.test('starts from the environment and shuts down on SIGTERM', async (t) => {
  const dir = t.testdir();
  const databasePath = join(dir, 'data', 'planner.db');
  const child = spawn(process.execPath, tsNodeArgs(join(projectRoot(), 'src', 'server.ts')), {
    cwd: projectRoot(),
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', DATABASE_PATH: databasePath, LOG_LEVEL: 'info', SOLVER_WORKERS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));

  const listening = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening" log within 300 s; stderr: ${stderr}`)), 300_000);
    createInterface({ input: child.stdout }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(entry.msg));
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      } catch {
        // Only pino's JSON lines are of interest.
      }
    });
    child.on('exit', () => reject(new Error(`exited before listening; stderr: ${stderr}`)));
  });

  const health = await fetch(`${listening}/health`, { headers: { 'x-request-id': 'server-test-1' } });
  t.equal(health.status, 200);
  t.match(await health.json(), { status: 'ok', database: { ok: true }, solver: { workers: 1, ready: 1 } });
  const datasets = (await (await fetch(`${listening}/datasets`)).json()) as { items: Array<{ id: string }> };
  t.ok(
    datasets.items.some((d) => d.id === 'quad-2026'),
    'the bundled dataset is served',
  );
  t.ok(existsSync(databasePath), 'the database file (and its folder) was created');

  child.kill('SIGTERM');
  t.equal(await exited, 0, 'clean exit on SIGTERM');
  t.ok(
    logs.some((l) => l.reqId === 'server-test-1'),
    'request logs carry the request id',
  );
  t.ok(
    logs.some((l) => l.msg === 'shut down cleanly'),
    'shutdown is logged',
  );
});
