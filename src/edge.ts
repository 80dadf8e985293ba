/**
 * The guards in front of the API (issue 10): the Host allow-list (a web page cannot reach a
 * loopback instance by DNS rebinding), security headers (@fastify/helmet, with a policy that lets
 * the web interface and /docs load their own scripts and styles), and — when the service is
 * reachable beyond loopback — API keys with roles, a rate limit per key (@fastify/rate-limit) and
 * a storage quota per key (enforced by the scenario service). CORS stays off: no
 * Access-Control-Allow-* header is ever sent, so browsers keep other origins out.
 *
 * Loopback stays key-free for a single planner; `API_KEYS=required` asks for keys there too.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import type { Config } from './config.js';
import { hostName } from './config.js';
import { HttpProblem, sendProblem } from './errors.js';
import { authenticate, keyFromHeaders } from './services/keys.js';
import type { Store, StoredApiKey } from './store/repository.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The API key the request was authenticated with (null when keys are not required). */
    apiKey: StoredApiKey | null;
  }
}

export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

const READ_METHODS = new Set(['GET', 'HEAD']);

/** Paths anyone may read without a key: liveness for load balancers, the docs, the web pages. */
function isPublic(request: FastifyRequest): boolean {
  if (!READ_METHODS.has(request.method)) return false;
  const url = request.routeOptions.url;
  if (url === '/health' || url === '/version') return true;
  // Routes hidden from the OpenAPI document are pages and documents, never data.
  return (request.routeOptions.schema as { hide?: boolean } | undefined)?.hide === true;
}

/** The owner a stored scenario is counted against: the request's key, with the configured quota. */
export const ownerOf = (request: FastifyRequest, config: Config) =>
  request.apiKey ? { keyId: request.apiKey.id, quota: config.scenarioQuotaPerKey } : undefined;

/** Refuses to start a service that would be open beyond loopback without any key to guard it. */
export async function checkKeysConfigured(config: Config, store: Store): Promise<void> {
  if (!config.requireKeys) return;
  const active = await store.keys.countActive();
  if (active > 0) return;
  const where = config.databaseUrl ? `the PostgreSQL schema '${config.databaseSchema}'` : `the database ${config.databasePath}`;
  throw new StartupError(
    `HOST=${config.host} makes the service reachable beyond this machine, which requires API keys, but ${where} holds no active key. ` +
      `Create one with \`npm run keys -- create --role write --name <who>\` (same DATABASE_PATH / DATABASE_URL), ` +
      `or listen on loopback only (HOST=127.0.0.1).`,
  );
}

export async function registerEdge(app: FastifyInstance, config: Config, store: Store): Promise<void> {
  app.decorateRequest('apiKey', null);

  if (config.allowedHosts) {
    const allowed = new Set(config.allowedHosts);
    app.addHook('onRequest', async (request, reply) => {
      const host = request.headers.host;
      if (typeof host === 'string' && allowed.has(hostName(host))) return;
      return sendProblem(
        request,
        reply,
        new HttpProblem(
          'host-not-allowed',
          `this service answers requests for ${[...allowed].join(', ')} only (ALLOWED_HOSTS), not for the Host this request named`,
        ),
      );
    });
  }

  await app.register(fastifyHelmet, {
    // The web interface and Swagger UI load their scripts and styles from this origin only.
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // Charts and Swagger UI set style attributes; styles cannot run code.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        formAction: ["'self'"],
      },
    },
    // The service speaks plain HTTP on loopback; HSTS belongs to the TLS proxy in front of it.
    hsts: false,
  });

  if (!config.requireKeys) return;

  app.addHook('onRequest', async (request, reply) => {
    if (isPublic(request)) return;
    const key = keyFromHeaders(request.headers);
    const found = key ? await authenticate(store.keys, key) : null;
    if (!found) {
      reply.header('www-authenticate', 'Bearer realm="allied-midstream-planner"');
      return sendProblem(
        request,
        reply,
        new HttpProblem(
          'unauthorized',
          key
            ? 'the API key is not valid (unknown or revoked)'
            : 'this service requires an API key: send `Authorization: Bearer <key>` (create keys with `npm run keys -- create`)',
        ),
      );
    }
    if (found.role === 'read' && !READ_METHODS.has(request.method)) {
      return sendProblem(
        request,
        reply,
        new HttpProblem('forbidden', `the API key '${found.name}' may only read; ${request.method} needs a key with role write`),
      );
    }
    request.apiKey = found;
  });

  await app.register(fastifyRateLimit, {
    global: true,
    max: config.rateLimitPerMinute,
    timeWindow: 60_000,
    // After the key check, so the limit counts per key (per address for the public paths).
    hook: 'preHandler',
    keyGenerator: (request) => (request.apiKey ? `key:${request.apiKey.id}` : `ip:${request.ip}`),
    errorResponseBuilder: (_request, context) =>
      new HttpProblem('rate-limited', `at most ${context.max} requests per minute per API key; retry in ${context.after}`, {
        headers: { 'retry-after': String(Math.max(1, Math.ceil(context.ttl / 1000))) },
      }),
  });
}
