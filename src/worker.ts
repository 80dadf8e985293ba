/**
 * `npm run worker`: a solver process of a shared deployment. Needs `DATABASE_URL` (the same
 * database as the API instances); takes jobs from the queue with one solver thread per core
 * (`SOLVER_WORKERS`). Start as many as wanted, on as many machines. SIGINT/SIGTERM stop it
 * gracefully: no new jobs, running solves get `SHUTDOWN_GRACE_SECONDS`, the rest go back to the
 * queue for another worker.
 */
import { ConfigError, loadConfig, type Config } from './config.js';
import { bundledDatasets } from './services/datasets.js';
import { runWorkerProcess } from './services/worker-process.js';

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
    if (!config.databaseUrl) throw new ConfigError(['DATABASE_URL: a worker takes jobs from the shared PostgreSQL queue; set DATABASE_URL=postgres://…']);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  const datasets = bundledDatasets();
  for (const id of datasets.ids()) datasets.get(id);
  await runWorkerProcess({ config, datasets });
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
