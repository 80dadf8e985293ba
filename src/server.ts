/**
 * Starts the service: configuration from the environment, the bundled datasets (loaded and checked
 * before listening, so a broken dataset stops the start instead of failing requests), SQLite, the
 * warmed solver pool, then the HTTP listener. SIGINT/SIGTERM close it gracefully.
 */
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { bundledDatasets } from './services/datasets.js';
import { StartupError } from './edge.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }

  const datasets = bundledDatasets();
  for (const id of datasets.ids()) datasets.get(id);

  let app;
  try {
    app = await buildApp({ config, datasets });
  } catch (error) {
    if (error instanceof StartupError) {
      process.stderr.write(`refusing to start: ${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
  if (config.requireKeys) {
    app.log.info(
      {
        host: config.host,
        allowedHosts: config.allowedHosts ?? 'any',
        rateLimitPerMinute: config.rateLimitPerMinute,
        scenarioQuotaPerKey: config.scenarioQuotaPerKey,
      },
      'API keys are required (listening beyond loopback)',
    );
    if (!config.allowedHosts) app.log.warn('ALLOWED_HOSTS is not set: requests naming any Host are answered (set it to the names clients use)');
  }

  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) {
      app.log.warn({ signal }, 'second signal: exiting without waiting');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal }, 'shutting down: no new requests, draining solves');
    app.close().then(
      () => {
        app.log.info('shut down cleanly');
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  await app.listen({ host: config.host, port: config.port });
}

main().catch((error: unknown) => {
  process.stderr.write(`failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
