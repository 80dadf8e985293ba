/**
 * Errors as RFC 9457 problem documents. Services throw `HttpProblem`; the zod validator throws
 * `RequestValidationError`; everything else Fastify raises (body too large, bad JSON, unknown
 * media type) is mapped here too, so every error leaves the service as `application/problem+json`
 * with a stable `type`, and only genuine bugs become 500s. A problem is built from a slug of the
 * catalogue (`PROBLEM_TYPES` in `schemas/api/problem.ts`), which alone fixes its type URI, title
 * and status.
 */
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { PROBLEM_TYPES, problemTypeUri, type Problem, type ProblemSlug, type ProblemSlugOf, type ProblemTypeInfo } from './schemas/api/problem.js';

export type FieldLocation = 'body' | 'query' | 'params' | 'headers';

export interface FieldError {
  path: string;
  in?: FieldLocation;
  message: string;
  /** Custom constraint expressions: 1-based character position of the problem in the text. */
  position?: number;
  /** Custom constraint expressions: what was expected at `position`. */
  expected?: string;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** A problem lists at most this many failing fields; `errorsOmitted` counts the rest. */
export const MAX_LISTED_ERRORS = 50;

/** Fastify's `maxParamLength`: the longest path segment (characters) the router matches. */
const MAX_PATH_SEGMENT = 100;
/** A `detail` names at most this many paths (the `errors` list has the rest). */
const MAX_PATHS_IN_DETAIL = 10;

/** `a, b, c` or `a, b, … and 12 more`: a detail line of bounded length however many fields fail. */
export function listPaths(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_PATHS_IN_DETAIL).map((p) => (p.length > 120 ? `${p.slice(0, 117)}...` : p));
  return paths.length > MAX_PATHS_IN_DETAIL ? `${shown.join(', ')}, … and ${paths.length - MAX_PATHS_IN_DETAIL} more` : shown.join(', ');
}

/**
 * An error that already knows its HTTP answer. Its kind is a slug of the catalogue
 * (`PROBLEM_TYPES`), which fixes the `type` URI, the title and the status.
 */
export class HttpProblem extends Error {
  readonly status: number;
  readonly title: string;
  readonly errors?: readonly FieldError[];
  readonly headers: Readonly<Record<string, string>>;
  constructor(
    /** Last segment of the problem `type` URI, e.g. `not-found`. */
    readonly slug: ProblemSlug,
    detail: string,
    options: {
      errors?: readonly FieldError[];
      headers?: Readonly<Record<string, string>>;
      /** Only for a slug whose status varies (`client-error`): the status of the refusal it stands for. */
      status?: number;
    } = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
    const info: ProblemTypeInfo = PROBLEM_TYPES[slug];
    const status = info.statusVaries && options.status !== undefined ? options.status : info.status;
    this.status = status;
    this.title = status === info.status ? info.title : (STATUS_CODES[status] ?? 'Client Error');
    if (options.errors) this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

export const notFound = (what: string, id: string) => new HttpProblem('not-found', `${what} '${id}' does not exist`);

export const unprocessable = (slug: ProblemSlugOf<422>, detail: string, errors: readonly FieldError[]) => new HttpProblem(slug, detail, { errors });

/** A JSON body with a `__proto__` or `constructor.prototype` key: refused (prototype poisoning). */
export const forbiddenKey = () =>
  new HttpProblem(
    'forbidden-key',
    'the request body contains a key this API refuses: "__proto__", or "constructor" holding "prototype" (they could change the prototype of the objects the server builds)',
    { errors: [{ path: '(root)', in: 'body', message: 'keys "__proto__" and "constructor.prototype" are not allowed anywhere in the body' }] },
  );

export const conflict = (detail: string) => new HttpProblem('conflict', detail);

export const unavailable = (detail: string, retryAfterSeconds: number) =>
  new HttpProblem('unavailable', detail, { headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) } });

/** Renders a zod path the way the engine reports scenario paths: `targets[0].bloc[1]`, `overrides.plants.x`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** Joins a prefix and an engine path (`scenario` + `targets[0]` → `scenario.targets[0]`). */
export function prefixPath(prefix: string, path: string): string {
  if (!prefix) return path;
  if (path === '(root)') return prefix;
  return path.startsWith('[') ? `${prefix}${path}` : `${prefix}.${path}`;
}

/** Turns zod issues into field errors; unrecognised keys become one error per key so each is named. */
export function issuesToFieldErrors(issues: readonly z.core.$ZodIssue[], location?: FieldLocation): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of issues) {
    const at = location ? { in: location } : {};
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: formatPath([...issue.path, key]), ...at, message: 'unknown field (not allowed here)' });
    } else if (issue.code === 'invalid_union' && issue.errors.length) {
      // Report the branch that got furthest; listing every branch buries the useful message.
      const best = [...issue.errors].sort((a, b) => b.length - a.length)[0] ?? [];
      const nested = best.map((inner) => ({ ...inner, path: [...issue.path, ...inner.path] })) as z.core.$ZodIssue[];
      out.push(...(nested.length ? issuesToFieldErrors(nested, location) : [{ path: formatPath(issue.path), ...at, message: issue.message }]));
    } else {
      out.push({ path: formatPath(issue.path), ...at, message: issue.message });
    }
  }
  return out;
}

/** Raised by the validator compiler; Fastify adds `validationContext` (body, querystring, params). */
export class RequestValidationError extends Error {
  validationContext?: string;
  readonly statusCode = 400;
  readonly code = 'FST_ERR_VALIDATION';
  constructor(readonly issues: readonly z.core.$ZodIssue[]) {
    super('the request is not valid');
    this.name = 'RequestValidationError';
  }
}

/**
 * Validator compiler for zod schemas. It differs from fastify-type-provider-zod's in one way: it
 * keeps zod's path arrays, so a numeric record key (a year) and an array index stay distinguishable.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> =
  ({ schema }) =>
  (data: unknown) => {
    const result = schema.safeParse(data);
    if (result.success) return { value: result.data };
    return { error: new RequestValidationError(result.error.issues) };
  };

const LOCATIONS: Record<string, FieldLocation> = { body: 'body', querystring: 'query', params: 'params', headers: 'headers' };

/** Long strings a client sent (paths, ids) are cut so that an error is never much larger than a page. */
const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

function problemBody(request: FastifyRequest, problem: HttpProblem): Problem {
  const errors = problem.errors;
  const listed = (errors ?? []).slice(0, MAX_LISTED_ERRORS).map((e) => ({ ...e, path: clip(e.path, 300), message: clip(e.message, 500) }));
  const omitted = (errors?.length ?? 0) - listed.length;
  return {
    type: problemTypeUri(problem.slug),
    title: problem.title,
    status: problem.status,
    detail: clip(problem.message, 2000),
    instance: clip(request.url.split('?')[0] ?? request.url, 300),
    requestId: String(request.id),
    ...(listed.length ? { errors: listed } : {}),
    ...(omitted > 0 ? { errorsOmitted: omitted } : {}),
  };
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, problem: HttpProblem): FastifyReply {
  for (const [name, value] of Object.entries(problem.headers)) reply.header(name, value);
  // Problems are serialised directly rather than through the route's response schema: a route may
  // declare another body for the same status (GET /health answers 503 with its health report).
  return reply
    .code(problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .serializer((body: unknown) => JSON.stringify(body))
    .send(problemBody(request, problem));
}

const malformedJson = (message: string | undefined) =>
  new HttpProblem('malformed-json', 'the request body is not valid JSON', { errors: [{ path: '(root)', in: 'body', message: message ?? 'not valid JSON' }] });

/** Maps any error to the problem the client should see. Unknown errors become a 500 that hides internals. */
export function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof RequestValidationError) {
    const location = LOCATIONS[error.validationContext ?? ''] ?? 'body';
    const errors = issuesToFieldErrors(error.issues, location);
    return new HttpProblem('validation', `the request ${location} is not valid: ${listPaths(errors.map((e) => e.path))}`, { errors });
  }
  const e = error as Partial<FastifyError> & { statusCode?: number };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem('payload-too-large', 'the request body is larger than the 1 MiB limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem('unsupported-media-type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem('validation', 'the request body is empty', { errors: [{ path: '(root)', in: 'body', message: 'a JSON body is required' }] });
    case 'FST_ERR_BAD_URL':
      return new HttpProblem('bad-url', 'the request path is not a valid URL (a percent-encoding is broken)');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new HttpProblem('uri-too-long', 'a path segment of the request is longer than this API accepts (100 characters)');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return malformedJson(e.message);
    default:
      break;
  }
  if (error instanceof SyntaxError || (e.statusCode === 400 && /JSON|proto|constructor/i.test(e.message ?? ''))) {
    return malformedJson(e.message);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HttpProblem('client-error', e.message ?? 'the request cannot be served', { status: e.statusCode });
  }
  return new HttpProblem('internal', 'the server failed to answer this request; the request id identifies it in the logs');
}

/** Installs the error and not-found handlers that answer with problem documents. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toHttpProblem(error);
    if (problem.status === 503 && error instanceof HttpProblem) {
      // Expected: the solve queue is full, a dependency is down, the service is closing. Clients
      // retry after Retry-After; a stack trace would say nothing and fill the log.
      request.log.warn({ status: problem.status, problem: problem.slug, detail: problem.message }, 'request refused for now');
    } else if (problem.status >= 500) {
      // A response that fails its own schema is a bug in this service, worth its own log line.
      const label = error instanceof ResponseSerializationError ? 'response does not match its schema' : 'unhandled error';
      request.log.error({ err: error }, label);
    } else {
      request.log.info({ status: problem.status, problem: problem.slug, detail: problem.message }, 'request rejected');
    }
    return sendProblem(request, reply, problem);
  });
  // Routes by pattern, to tell a wrong method on an existing path (405 with Allow) from no such path.
  const routes: Array<{ pattern: RegExp; methods: Set<string> }> = [];
  app.addHook('onRoute', (route) => {
    if (route.url.includes('*')) return; // the web interface's catch-all serves files, not a resource
    const source = `^${route.url
      .split('/')
      .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
      .join('/')}/?$`;
    let entry = routes.find((r) => r.pattern.source === source);
    if (!entry) routes.push((entry = { pattern: new RegExp(source), methods: new Set() }));
    for (const method of [route.method].flat()) entry.methods.add(method);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = new Set<string>();
    for (const route of routes) if (route.pattern.test(path)) for (const method of route.methods) allowed.add(method);
    if (allowed.size && !allowed.has(request.method)) {
      const allow = [...allowed].sort().join(', ');
      return sendProblem(
        request,
        reply,
        new HttpProblem('method-not-allowed', `${request.method} is not allowed on ${clip(path, 200)}; allowed: ${allow}`, { headers: { allow } }),
      );
    }
    // The router gives up on a segment over its 100-character parameter limit; whether it says so
    // (FST_ERR_MAX_PARAM_LENGTH) or falls through to here depends on the routes beside it, so the
    // length is checked here too: an overlong segment is a 414 either way.
    if (path.split('/').some((segment) => segment.length > MAX_PATH_SEGMENT))
      return sendProblem(request, reply, toHttpProblem({ code: 'FST_ERR_MAX_PARAM_LENGTH' }));
    return sendProblem(request, reply, new HttpProblem('not-found', `no route ${request.method} ${clip(path, 200)}`));
  });
}

/**
 * Answers what Node's HTTP parser refuses before Fastify sees a request (headers too large, a
 * malformed request line, a timeout) with a problem document instead of Fastify's plain JSON.
 */
export function clientErrorHandler(this: FastifyInstance, error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const problem =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? new HttpProblem('request-timeout', 'the request was not received in time')
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? new HttpProblem('header-fields-too-large', 'the request line and headers are larger than the server accepts (16 KiB): a URL or a header is too long')
        : error.code === 'HPE_CHUNK_EXTENSIONS_OVERFLOW'
          ? new HttpProblem('payload-too-large', 'the chunk extensions of the request are too large')
          : new HttpProblem('bad-request', 'the request is not valid HTTP');
  const { status, title } = problem;
  const body = JSON.stringify({ type: problemTypeUri(problem.slug), title, status, detail: problem.message, instance: '' });
  this.log.debug({ err: error, status }, 'client error');
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${title}\r\nContent-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
