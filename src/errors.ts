/**
 * Errors as RFC 9457 problem documents. Services throw `HttpProblem`; the zod validator throws
 * `RequestValidationError`; everything else Fastify raises (body too large, bad JSON, unknown
 * media type) is mapped here too, so every error leaves the service as `application/problem+json`
 * with a stable `type`, and only genuine bugs become 500s.
 */
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaCompiler } from 'fastify';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { Problem } from './schemas/api.js';

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

/** An error that already knows its HTTP answer. */
export class HttpProblem extends Error {
  constructor(
    readonly status: number,
    /** Last segment of the problem `type` URI, e.g. `not-found`. */
    readonly slug: string,
    readonly title: string,
    detail: string,
    readonly errors?: readonly FieldError[],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
    this.name = 'HttpProblem';
  }
}

export const notFound = (what: string, id: string) => new HttpProblem(404, 'not-found', 'Not Found', `${what} '${id}' does not exist`);

export const unprocessable = (slug: string, detail: string, errors: readonly FieldError[]) =>
  new HttpProblem(422, slug, 'Unprocessable Content', detail, errors);

export const conflict = (detail: string) => new HttpProblem(409, 'conflict', 'Conflict', detail);

export const unavailable = (detail: string, retryAfterSeconds: number) =>
  new HttpProblem(503, 'unavailable', 'Service Unavailable', detail, undefined, { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) });

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

function problemBody(request: FastifyRequest, status: number, slug: string, title: string, detail: string, errors?: readonly FieldError[]): Problem {
  return {
    type: `/problems/${slug}`,
    title,
    status,
    detail,
    instance: request.url.split('?')[0] ?? request.url,
    requestId: String(request.id),
    ...(errors && errors.length ? { errors: [...errors] } : {}),
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
    .send(problemBody(request, problem.status, problem.slug, problem.title, problem.message, problem.errors));
}

/** Maps any error to the problem the client should see. Unknown errors become a 500 that hides internals. */
export function toHttpProblem(error: unknown): HttpProblem {
  if (error instanceof HttpProblem) return error;
  if (error instanceof RequestValidationError) {
    const location = LOCATIONS[error.validationContext ?? ''] ?? 'body';
    const errors = issuesToFieldErrors(error.issues, location);
    const fields = errors.map((e) => e.path).join(', ');
    return new HttpProblem(400, 'validation', 'Bad Request', `the request ${location} is not valid: ${fields}`, errors);
  }
  const e = error as Partial<FastifyError> & { statusCode?: number };
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HttpProblem(413, 'payload-too-large', 'Content Too Large', 'the request body is larger than the 1 MiB limit');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HttpProblem(415, 'unsupported-media-type', 'Unsupported Media Type', 'send the body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new HttpProblem(400, 'validation', 'Bad Request', 'the request body is empty', [{ path: '(root)', in: 'body', message: 'a JSON body is required' }]);
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new HttpProblem(400, 'malformed-json', 'Bad Request', 'the request body is not valid JSON', [{ path: '(root)', in: 'body', message: e.message ?? 'not valid JSON' }]);
    default:
      break;
  }
  if (error instanceof SyntaxError || (e.statusCode === 400 && /JSON|proto|constructor/i.test(e.message ?? ''))) {
    return new HttpProblem(400, 'malformed-json', 'Bad Request', 'the request body is not valid JSON', [{ path: '(root)', in: 'body', message: e.message ?? 'not valid JSON' }]);
  }
  if (typeof e.statusCode === 'number' && e.statusCode >= 400 && e.statusCode < 500) {
    return new HttpProblem(e.statusCode, 'client-error', STATUS_CODES[e.statusCode] ?? 'Client Error', e.message ?? 'the request cannot be served');
  }
  return new HttpProblem(500, 'internal', 'Internal Server Error', 'the server failed to answer this request; the request id identifies it in the logs');
}

/** Installs the error and not-found handlers that answer with problem documents. */
export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error, request, reply) => {
    const problem = toHttpProblem(error);
    if (problem.status >= 500) {
      // A response that fails its own schema is a bug in this service, worth its own log line.
      const label = error instanceof ResponseSerializationError ? 'response does not match its schema' : 'unhandled error';
      request.log.error({ err: error }, label);
    } else {
      request.log.info({ status: problem.status, problem: problem.slug, detail: problem.message }, 'request rejected');
    }
    return sendProblem(request, reply, problem);
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(request, reply, new HttpProblem(404, 'not-found', 'Not Found', `no route ${request.method} ${request.url.split('?')[0]}`)),
  );
}
