/**
 * The service in this process with the bundled datasets, on 127.0.0.1 and a free port, for the
 * screenshot script and the render benchmark: store scenario files and solve them the way a client
 * would, through the API.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../app.js';
import { projectRoot } from '../data/load.js';

export interface DemoService {
  app: FastifyInstance;
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** Stores the scenario and solves it; resolves with the portfolio id once the job is done. */
  solve(scenario: unknown, options?: Record<string, unknown>): Promise<string>;
  close(): Promise<void>;
}

/** A shipped scenario file (`models/scenarios/<name>.json`). */
export const shippedScenario = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(projectRoot(), 'models', 'scenarios', `${name}.json`), 'utf8')) as Record<string, unknown>;

export async function startDemoService(): Promise<DemoService> {
  const dir = mkdtempSync(join(tmpdir(), 'planner-demo-'));
  const app = await buildApp({ config: { databasePath: join(dir, 'planner.db') }, logger: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;

  async function solve(scenario: unknown, options: Record<string, unknown> = {}): Promise<string> {
    const stored = await app.inject({ method: 'POST', url: '/scenarios', payload: scenario as Record<string, unknown> });
    if (stored.statusCode >= 300) throw new Error(`scenario refused (${stored.statusCode}): ${stored.body}`);
    const solved = await app.inject({ method: 'POST', url: `/scenarios/${stored.json().id}/solve?wait=60`, payload: options });
    if (solved.statusCode === 200) return solved.json().id as string;
    if (solved.statusCode !== 202) throw new Error(`solve refused (${solved.statusCode}): ${solved.body}`);
    for (;;) {
      const job = (await app.inject({ method: 'GET', url: `/jobs/${solved.json().id}` })).json();
      if (job.status === 'done') return job.portfolioId as string;
      if (job.status === 'failed' || job.status === 'cancelled') throw new Error(`job ${job.id} ${job.status}: ${job.error?.message}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  return {
    app,
    url,
    solve,
    async close() {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
