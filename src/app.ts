/**
 * Builds the Fastify application without listening: database, services, routes, OpenAPI. The
 * server, the OpenAPI generator and the tests all start here; tests inject datasets and a temporary
 * database, the generator turns solving off.
 */
import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { jsonSchemaTransform, jsonSchemaTransformObject, serializerCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Dataset } from './data/schema.js';
import { defaultConfig, type Config } from './config.js';
import { clientErrorHandler, forbiddenKey, registerProblemHandlers, sendProblem, toHttpProblem, unavailable, zodValidatorCompiler } from './errors.js';
import type { Store } from './store/repository.js';
import { checkKeysConfigured, registerEdge } from './edge.js';
import { openSqliteStore } from './store/sqlite.js';
import { bundledDatasets, createDatasetService, datasetsFromMap, type DatasetProvider, type DatasetService } from './services/datasets.js';
import { createScenarioService, type ScenarioService } from './services/scenarios.js';
import { createJobService, type JobService } from './services/jobs.js';
import { createPortfolioService, type PortfolioService } from './services/portfolios.js';
import { createSystemService, type SystemService } from './services/system.js';
import { createCalibrationService, type CalibrationService } from './services/calibration.js';
import { createAnalysisService, type AnalysisService } from './services/analyses.js';
import { SolvePool, type PoolOptions } from './services/pool.js';
import type { JobQueue } from './services/queue.js';
import { createEmbeddedQueue } from './services/embedded-queue.js';
import { systemRoutes } from './routes/system.js';
import { datasetRoutes } from './routes/datasets.js';
import { scenarioRoutes } from './routes/scenarios.js';
import { solveRoutes } from './routes/solve.js';
import { jobRoutes } from './routes/jobs.js';
import { portfolioRoutes } from './routes/portfolios.js';
import { comparisonRoutes } from './routes/comparisons.js';
import { exportRoutes } from './routes/exports.js';
import { reportRoutes } from './routes/reports.js';
import {
  declareResponseHeaders,
  declareSecurity,
  hoistMediaExamples,
  markOptionalBodies,
  pruneUnusedComponents,
  requestDefaultsAsDescriptions,
} from './routes/docs.js';
import { analysisRoutes } from './routes/analyses.js';
import { registerComponents } from './schemas/openapi.js';
import { problemCatalogueMarkdown } from './schemas/api/problem.js';
import { defaultWebRoot, webRoutes } from './routes/web.js';

export interface Services {
  config: Config;
  store: Store;
  queue: JobQueue;
  datasets: DatasetService;
  scenarios: ScenarioService;
  jobs: JobService;
  portfolios: PortfolioService;
  system: SystemService;
  calibration: CalibrationService;
  analyses: AnalysisService;
  pool: SolvePool | null;
}

export interface RegisteredRoute {
  method: string;
  url: string;
  schema: RouteOptions['schema'];
}

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
    /** Every route as registered, so a test can check that each one is documented. */
    registeredRoutes: RegisteredRoute[];
  }
}

export interface AppOptions {
  /** Overrides on top of the defaults (the server passes the parsed environment). */
  config?: Partial<Config>;
  /** Datasets by id, or a provider; defaults to the bundled datasets under data/reference. */
  datasets?: ReadonlyMap<string, Dataset> | DatasetProvider;
  /** Fastify logger option; defaults to pino at the configured level. */
  logger?: FastifyServerOptions['logger'];
  /**
   * Embedded mode: `false` runs without solver workers (solve requests answer 503); otherwise pool
   * option overrides. Ignored with `DATABASE_URL`: solves then go to the shared queue.
   */
  pool?: false | Partial<Omit<PoolOptions, 'log'>>;
  /** Directory of the built web interface served at `/` (default `dist/web`); `false` serves none. */
  webRoot?: string | false;
}

export const OPENAPI_TAGS = [
  { name: 'system', description: 'Health and versions.' },
  { name: 'datasets', description: 'Reference data with the source of every figure.' },
  { name: 'scenarios', description: 'Planning scenarios, stored by content.' },
  { name: 'solving', description: 'Queue solves and wait for portfolios.' },
  { name: 'jobs', description: 'Follow and cancel solves.' },
  { name: 'portfolios', description: 'Solve results and their CSV export.' },
  { name: 'comparisons', description: 'Portfolios side by side.' },
  { name: 'analyses', description: 'Many solves, one question: frontiers, stress tests, near-optimal alternatives, explained comparisons.' },
];

/** Client request ids are kept when they are short and plain, so they can be followed into the logs safely. */
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const isProvider = (value: AppOptions['datasets']): value is DatasetProvider =>
  typeof (value as DatasetProvider | undefined)?.ids === 'function' && !(value instanceof Map);

export async function buildApp(options: AppOptions = {}): Promise<FastifyInstance> {
  const config = defaultConfig(options.config);
  const provider: DatasetProvider = !options.datasets
    ? bundledDatasets()
    : isProvider(options.datasets)
      ? options.datasets
      : datasetsFromMap(options.datasets as ReadonlyMap<string, Dataset>);

  const app = Fastify({
    logger: options.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    // onReady waits for the solver workers to load HiGHS, which the pool bounds itself (boot
    // timeout); Fastify's 10 s default failed the start on a loaded machine.
    pluginTimeout: 120_000,
    // Requests that arrive while closing get a problem document from the hook below instead.
    return503OnClosing: false,
    requestIdHeader: false,
    // Errors Fastify raises before routing (a broken percent-encoding, an overlong path segment)
    // and those Node's parser raises (headers too large) are problem documents like the rest.
    frameworkErrors: (error, request, reply) => {
      const problem = toHttpProblem(error);
      request.log.info({ status: problem.status, problem: problem.slug }, 'request rejected');
      return sendProblem(request, reply, problem);
    },
    clientErrorHandler,
    genReqId: (request) => {
      const header = request.headers['x-request-id'];
      return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
    },
  });

  // SQLite and in-process solver threads by default; with DATABASE_URL, PostgreSQL and the shared
  // queue that `npm run worker` processes drain.
  let store: Store;
  let queue: JobQueue;
  let pool: SolvePool | null = null;
  if (config.databaseUrl) {
    // Loaded only for a shared deployment: pg and pg-boss cost ~0.2 s of CPU to load, which every
    // single-planner start (and every test process on SQLite) would otherwise pay.
    const [{ openPostgresStore }, { createDistributedQueue }] = await Promise.all([import('./store/postgres.js'), import('./services/distributed-queue.js')]);
    const postgres = await openPostgresStore({ url: config.databaseUrl, schema: config.databaseSchema, poolSize: config.databasePoolSize });
    store = postgres;
    try {
      await checkKeysConfigured(config, store);
      queue = await createDistributedQueue({ store: postgres, config, log: app.log.child({ component: 'queue' }) });
    } catch (error) {
      await postgres.close();
      throw error;
    }
  } else {
    store = openSqliteStore(config.databasePath);
    try {
      await checkKeysConfigured(config, store);
    } catch (error) {
      await store.close();
      throw error;
    }
    pool =
      options.pool === false
        ? null
        : new SolvePool({
            size: config.solverWorkers,
            maxQueue: config.solverQueue,
            graceSeconds: config.solverGraceSeconds,
            ...options.pool,
            log: app.log.child({ component: 'solve-pool' }),
          });
    queue = createEmbeddedQueue({ store, pool, log: app.log.child({ component: 'jobs' }) });
  }

  const jobs = createJobService({ store, queue, datasets: provider });
  const recovered = await jobs.recoverInterrupted();
  if (recovered) app.log.warn({ jobs: recovered }, 'marked jobs left unfinished by a previous process as failed');

  const datasets = createDatasetService(provider);
  const scenarios = createScenarioService({ repo: store.scenarios, datasets: provider, beforeDelete: (id) => jobs.cancelForScenario(id) });
  const analyses = createAnalysisService({
    store,
    jobs,
    scenarios,
    maxSolves: config.analysisMaxSolves,
    // One group at most as large as the queue takes at once (embedded: waiting room plus workers).
    batchSize: Math.max(1, config.solverQueue + (pool ? config.solverWorkers : 0)),
    log: app.log.child({ component: 'analyses' }),
  });
  if (queue.mode === 'embedded') {
    const interrupted = await analyses.recoverInterrupted();
    if (interrupted) app.log.warn({ analyses: interrupted }, 'marked analyses left unfinished by a previous process as failed');
  }
  const services: Services = {
    config,
    store,
    queue,
    datasets,
    calibration: createCalibrationService({ datasets }),
    scenarios,
    jobs,
    analyses,
    portfolios: createPortfolioService({ repo: store.portfolios, scenarios: store.scenarios, waitOnJob: jobs.waitUntil }),
    system: createSystemService({ store, queue, pool, datasets: provider }),
    pool,
  };
  app.decorate('services', services);
  const registeredRoutes: RegisteredRoute[] = [];
  app.decorate('registeredRoutes', registeredRoutes);
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) registeredRoutes.push({ method, url: route.url, schema: route.schema });
  });

  // Shutdown order: solves are drained in preClose, while requests waiting on them can still be
  // answered; after the last request, outcomes stop being written, the queue stops, the store closes.
  app.addHook('onReady', async () => {
    await queue.start();
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    await analyses.shutdown();
    await jobs.shutdown(config.shutdownGraceSeconds * 1000);
  });
  app.addHook('onRequest', async (request, reply) => {
    if (!closing) return;
    reply.header('connection', 'close');
    return sendProblem(request, reply, unavailable('the service is shutting down', 5));
  });
  app.addHook('onClose', async () => {
    jobs.close();
    await queue.close();
    await store.close();
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  // An empty body with a JSON content type counts as no body, so `POST /scenarios/{id}/solve`
  // works from clients that always send the header. Prototype poisoning is still rejected.
  // Every other media type is refused with 415: the API only speaks JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) return done(null, undefined);
    return parseJson(request, body as string, (error, value) => {
      if (!error) return done(null, value);
      // Fastify reports prototype poisoning as invalid JSON; valid JSON refused here was refused for
      // a `__proto__` or `constructor.prototype` key, which deserves its own, clearer problem.
      let wellFormed = false;
      try {
        JSON.parse(body as string);
        wellFormed = true;
      } catch {
        /* really not JSON */
      }
      return done(wellFormed ? forbiddenKey() : error, undefined);
    });
  });

  // Host allow-list, security headers, and beyond loopback API keys, roles and rate limits.
  await registerEdge(app, config, store);

  app.setValidatorCompiler(zodValidatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerProblemHandlers(app);

  registerComponents();
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Allied midstream planner API',
        version: services.system.packageJson.version,
        description:
          'Least-cost rare-earth separation, metal and magnet plant portfolios. Store scenarios, solve them on a worker pool, ' +
          'read and compare the portfolios. Errors are RFC 9457 problem documents (`application/problem+json`); their `type` says ' +
          'which kind of problem it is, and each kind has one status and title:\n\n' +
          problemCatalogueMarkdown(),
      },
      tags: OPENAPI_TAGS,
    },
    transform: jsonSchemaTransform,
    transformObject: (document) =>
      declareSecurity(
        declareResponseHeaders(
          requestDefaultsAsDescriptions(pruneUnusedComponents(markOptionalBodies(hoistMediaExamples(jsonSchemaTransformObject(document))))),
        ),
      ),
  });

  const typed = app.withTypeProvider<ZodTypeProvider>();
  await typed.register(systemRoutes);
  await typed.register(datasetRoutes);
  await typed.register(scenarioRoutes);
  await typed.register(solveRoutes);
  await typed.register(jobRoutes);
  await typed.register(portfolioRoutes);
  await typed.register(comparisonRoutes);
  await typed.register(exportRoutes);
  await typed.register(reportRoutes);
  await typed.register(analysisRoutes);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  if (options.webRoot !== false) await app.register(webRoutes, { root: options.webRoot ?? defaultWebRoot() });

  return app;
}

/**
 * The OpenAPI document as `npm run openapi` commits it: built from the bundled dataset
 * configuration without solver workers or a database file, so it depends only on the code.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const app = await buildApp({ config: { databasePath: ':memory:' }, pool: false, logger: false });
  try {
    await app.ready();
    return app.swagger() as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}
