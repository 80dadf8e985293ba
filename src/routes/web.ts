/**
 * The planner's web interface (built from `src/web` into `dist/web` by `npm run build:web`), served
 * at `/` from the service's own origin: no CDN, works offline. Files are looked up per request (a
 * rebuild while the service runs is served at once); a path that is no file falls through to the
 * API's problem+json 404. The routes are hidden from the OpenAPI document: they are pages, not API.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { projectRoot } from '../data/load.js';
import { HttpProblem } from '../errors.js';

export const defaultWebRoot = () => join(projectRoot(), 'dist', 'web');

export async function webRoutes(app: FastifyInstance, options: { root: string }): Promise<void> {
  if (!existsSync(join(options.root, 'index.html'))) {
    app.log.warn({ root: options.root }, 'the web interface is not built (npm run build:web); / answers 503');
    app.get('/', { schema: { hide: true } }, async () => {
      throw new HttpProblem('web-not-built', 'the web interface is not built: run `npm run build:web` (or `npm start`, which builds it)');
    });
    return;
  }
  await app.register(fastifyStatic, {
    root: options.root,
    prefix: '/',
    index: ['index.html'],
    // Swagger UI registers its own copy for /docs; this one needs no reply decorator.
    decorateReply: false,
    // Hashed asset names never change content; the page itself is revalidated on each load.
    setHeaders: (reply, path) => {
      reply.header('cache-control', /[\\/]assets[\\/]/.test(path) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
}
