/**
 * Helpers for documenting responses: every status a route can answer gets its schema and an
 * example, and problem responses are declared as `application/problem+json`.
 */
import type { z } from 'zod';
import { ProblemSchema } from '../schemas/api/problem.js';
import { exampleProblem } from '../schemas/examples/common.js';
import { documented } from '../schemas/openapi.js';

type FieldErrors = Array<{ path: string; in?: 'body' | 'query' | 'params'; message: string }>;

/** A problem response (`application/problem+json`) with one example, built by `exampleProblem` so its type, title and status are the catalogue's. */
export function problem(status: number, description: string, example: ReturnType<typeof exampleProblem>) {
  if (example.status !== status) throw new Error(`a ${example.type} problem is sent with status ${example.status}, not ${status}`);
  return {
    description,
    content: { 'application/problem+json': { schema: documented(ProblemSchema, example, description) } },
  };
}

/** A JSON response with one example. */
export function json<T extends z.ZodType>(schema: T, example: unknown, description: string): T {
  return documented(schema, example, description);
}

export const problems = {
  badRequest: (instance: string, errors: FieldErrors, description = 'The request is malformed; `errors` names each failing field.') =>
    problem(400, description, exampleProblem('validation', `the request is not valid: ${errors.map((e) => e.path).join(', ')}`, instance, errors)),
  notFound: (instance: string, what: string) => problem(404, `No ${what} with this id.`, exampleProblem('not-found', `${what} '…' does not exist`, instance)),
  tooLarge: (instance: string) =>
    problem(413, 'The body is larger than 1 MiB.', exampleProblem('payload-too-large', 'the request body is larger than the 1 MiB limit', instance)),
  unsupportedMediaType: (instance: string) =>
    problem(415, 'The body is not JSON.', exampleProblem('unsupported-media-type', 'send the body as application/json', instance)),
  unprocessable: (
    instance: string,
    errors: FieldErrors,
    description: string,
    detail = `the scenario does not fit its dataset: ${errors.map((e) => e.path).join(', ')}`,
  ) => problem(422, description, exampleProblem('unknown-reference', detail, instance, errors)),
  unavailable: (instance: string) =>
    problem(
      503,
      'The solve queue is full (or the service is shutting down); retry after the `Retry-After` seconds.',
      exampleProblem('unavailable', 'the solve queue is full; try again later', instance),
    ),
  conflict: (instance: string, detail: string) =>
    problem(409, 'The resource is in a state that does not allow this.', exampleProblem('conflict', detail, instance)),
};

type Json = Record<string, unknown>;

/**
 * Moves a schema's single `examples` entry up to its media type's `example`, where documentation
 * tools show it. @fastify/swagger already does this for plain responses; this covers the ones
 * declared per content type (problems, CSV).
 */
export function hoistMediaExamples<T>(document: T): T {
  const paths = ((document as Json).paths ?? {}) as Record<string, Record<string, Json>>;
  const media = (content: unknown) => {
    for (const entry of Object.values((content ?? {}) as Record<string, Json>)) {
      const schema = entry.schema as Json | undefined;
      const list = schema?.examples;
      if (!schema || entry.example !== undefined || !Array.isArray(list) || list.length !== 1) continue;
      entry.example = list[0];
      delete schema.examples;
    }
  };
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      media((operation.requestBody as Json | undefined)?.content);
      for (const response of Object.values((operation.responses ?? {}) as Record<string, Json>)) media(response.content);
    }
  }
  return document;
}

/**
 * Drops component schemas nothing refers to. fastify-type-provider-zod emits every named schema
 * twice (as read and as written); only the variants the API actually uses are worth publishing.
 */
export function pruneUnusedComponents<T>(document: T): T {
  const doc = document as Json & { components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas;
  if (!schemas) return document;
  const prefix = '#/components/schemas/';
  const used = new Set<string>();
  const pending: unknown[] = [doc.paths];
  while (pending.length) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      pending.push(...node);
    } else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string' && value.startsWith(prefix)) {
          const name = value.slice(prefix.length);
          if (!used.has(name)) {
            used.add(name);
            pending.push(schemas[name]);
          }
        } else {
          pending.push(value);
        }
      }
    }
  }
  doc.components!.schemas = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return document;
}

/** Marker a route puts in its schema when its body may be left out (@fastify/swagger marks every body required). */
export const OPTIONAL_BODY = 'x-optional-body';

export function markOptionalBodies<T>(document: T): T {
  const paths = ((document as Json).paths ?? {}) as Record<string, Record<string, Json>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      if (!(OPTIONAL_BODY in operation)) continue;
      delete operation[OPTIONAL_BODY];
      if (operation.requestBody) (operation.requestBody as Json).required = false;
    }
  }
  return document;
}

const SCHEMA_CHILDREN = ['properties', 'items', 'anyOf', 'oneOf', 'allOf', 'additionalProperties', 'prefixItems', 'not', 'patternProperties'] as const;

/** Moves `default` into the description, in this schema and the schemas inside it (not through $refs). */
function defaultsToDescriptions(schema: unknown): void {
  if (!schema || typeof schema !== 'object' || Array.isArray(schema)) return;
  const node = schema as Json;
  if ('default' in node) {
    const note = `Default: \`${JSON.stringify(node.default)}\`.`;
    node.description = typeof node.description === 'string' && node.description ? `${node.description} ${note}` : note;
    delete node.default;
  }
  for (const key of SCHEMA_CHILDREN) {
    const child = node[key];
    if (Array.isArray(child)) child.forEach(defaultsToDescriptions);
    else if (key === 'properties' || key === 'patternProperties') Object.values((child ?? {}) as Json).forEach(defaultsToDescriptions);
    else defaultsToDescriptions(child);
  }
}

/**
 * Request schemas in input form for code generators. The request components (`…Input`) describe
 * what a client may send, where a defaulted field is optional; but generators such as
 * openapi-typescript treat a property with `default` as always present, which makes the shipped
 * scenario files fail to type-check as request bodies. The default stays in the description (and
 * the response schemas, in output form, keep their `default`s).
 */
export function requestDefaultsAsDescriptions<T>(document: T): T {
  const doc = document as Json & { components?: { schemas?: Record<string, unknown> } };
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) if (name.endsWith('Input')) defaultsToDescriptions(schema);
  const paths = (doc.paths ?? {}) as Record<string, Record<string, Json>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const entry of Object.values(((operation.requestBody as Json | undefined)?.content ?? {}) as Record<string, Json>))
        defaultsToDescriptions(entry.schema);
      for (const parameter of (operation.parameters ?? []) as Json[]) {
        if (parameter.schema && typeof parameter.schema === 'object' && 'default' in (parameter.schema as Json)) {
          defaultsToDescriptions(parameter.schema);
          parameter.required = false;
        }
      }
    }
  }
  return document;
}

const RESPONSE_HEADERS: Record<string, Record<string, Json>> = {
  '503': { 'retry-after': { description: 'Seconds after which a retry may succeed.', schema: { type: 'integer', minimum: 1 } } },
  '429': { 'retry-after': { description: 'Seconds until the rate limit resets.', schema: { type: 'integer', minimum: 1 } } },
  '201': { location: { description: 'Path of the created resource.', schema: { type: 'string' } } },
  '202': { location: { description: 'Path of the job to poll.', schema: { type: 'string' } } },
  '405': { allow: { description: 'The methods the path accepts.', schema: { type: 'string' } } },
};

/** Declares the headers every response of a status carries (Retry-After on 503, Location on 201/202). */
export function declareResponseHeaders<T>(document: T): T {
  const paths = ((document as Json).paths ?? {}) as Record<string, Record<string, Json>>;
  for (const operations of Object.values(paths)) {
    for (const operation of Object.values(operations)) {
      for (const [status, response] of Object.entries((operation.responses ?? {}) as Record<string, Json>)) {
        const headers = RESPONSE_HEADERS[status];
        if (!headers) continue;
        const declared = (response.headers ?? {}) as Record<string, Json>;
        for (const [name, header] of Object.entries(headers)) {
          const existing = Object.keys(declared).find((k) => k.toLowerCase() === name);
          if (!existing) declared[name] = { ...header, required: true };
          else declared[existing] = { ...declared[existing], required: true };
        }
        response.headers = declared;
      }
    }
  }
  return document;
}

/** The API key scheme: optional on loopback, required beyond it (see README, "Beyond loopback"). */
export function declareSecurity<T>(document: T): T {
  const doc = document as Json & { components?: Json };
  doc.components = {
    ...(doc.components ?? {}),
    securitySchemes: {
      apiKey: {
        type: 'http',
        scheme: 'bearer',
        description: 'An API key from `npm run keys -- create`; required when the service listens beyond loopback (HOST not 127.0.0.1), not on loopback.',
      },
    },
  };
  doc.security = [{}, { apiKey: [] }];
  return document;
}
