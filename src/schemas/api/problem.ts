/**
 * The body of every error response: an RFC 9457 problem document, with the failing fields of a
 * request; and the catalogue of problem types. Every problem the service sends has its `type`
 * (`/problems/<slug>`), `title` and `status` from `PROBLEM_TYPES`: `src/errors.ts` builds problems
 * from a slug only, so routes, services and the handlers of Fastify's and Node's own refusals
 * cannot invent a type or disagree on its title. The catalogue is rendered into the OpenAPI
 * document's description and the README; a test keeps both in step.
 */
import { z } from 'zod';

export interface ProblemTypeInfo {
  /** The status it is sent with. */
  readonly status: number;
  /** The RFC 9110 reason phrase of that status. */
  readonly title: string;
  /** When the service sends it. */
  readonly when: string;
  /** Sent with the status of the refusal it stands for (any 4xx); `status` and `title` are then the usual case. */
  readonly statusVaries?: true;
}

/** Every kind of problem the service sends, by slug, ordered by status. */
export const PROBLEM_TYPES = {
  validation: {
    status: 400,
    title: 'Bad Request',
    when: 'A body, query, path parameter or header does not match the schema (or a JSON body is empty); `errors` names each failing field.',
  },
  'malformed-json': { status: 400, title: 'Bad Request', when: 'The body is not valid JSON.' },
  'forbidden-key': { status: 400, title: 'Bad Request', when: 'The JSON body has a `__proto__` key, or `constructor` holding `prototype`.' },
  'bad-url': { status: 400, title: 'Bad Request', when: 'The request path has a broken percent-encoding.' },
  'bad-request': { status: 400, title: 'Bad Request', when: "Node's HTTP parser refused the request: it is not valid HTTP." },
  'client-error': {
    status: 400,
    title: 'Bad Request',
    statusVaries: true,
    when: 'Any other refusal of the web framework, with its own 4xx status and that status’s title.',
  },
  unauthorized: { status: 401, title: 'Unauthorized', when: 'API keys are required and the request has none, or an unknown or revoked one.' },
  forbidden: { status: 403, title: 'Forbidden', when: 'A read-only API key on a method that writes.' },
  'quota-exceeded': { status: 403, title: 'Forbidden', when: 'The API key has stored as many scenarios as its quota allows.' },
  'not-found': { status: 404, title: 'Not Found', when: 'No resource with this id (or no route for this path).' },
  'method-not-allowed': { status: 405, title: 'Method Not Allowed', when: 'The path exists but not with this method; `Allow` lists the methods it has.' },
  'request-timeout': { status: 408, title: 'Request Timeout', when: 'The request was not received in time.' },
  conflict: {
    status: 409,
    title: 'Conflict',
    when: 'The resource is in a state that does not allow this (a finished job or analysis cancelled, a model that cannot be rebuilt).',
  },
  'job-cancelled': { status: 409, title: 'Conflict', when: 'The solve this request waited for was cancelled; `Location` is the job.' },
  'payload-too-large': { status: 413, title: 'Content Too Large', when: 'The body is larger than 1 MiB (or its chunk extensions are too large).' },
  'uri-too-long': { status: 414, title: 'URI Too Long', when: 'A path segment is longer than 100 characters.' },
  'unsupported-media-type': { status: 415, title: 'Unsupported Media Type', when: 'The body is not `application/json`.' },
  'host-not-allowed': { status: 421, title: 'Misdirected Request', when: 'The `Host` is not one of `ALLOWED_HOSTS`.' },
  'unknown-reference': {
    status: 422,
    title: 'Unprocessable Content',
    when: 'A well-formed request names what does not exist or does not fit: an id the dataset or the store does not know, a custom constraint that does not parse.',
  },
  'invalid-analysis': {
    status: 422,
    title: 'Unprocessable Content',
    when: 'An analysis request that cannot be run for its scenario; `errors` names each field.',
  },
  'too-many-solves': { status: 422, title: 'Unprocessable Content', when: 'An analysis would need more member solves than the server allows.' },
  'solve-failed': {
    status: 422,
    title: 'Unprocessable Content',
    when: 'The solve this request waited for failed; `Location` is the job, whose `error` says why.',
  },
  'rate-limited': {
    status: 429,
    title: 'Too Many Requests',
    when: 'More requests per minute than the API key (or address) may send; `Retry-After` says when to retry.',
  },
  'header-fields-too-large': { status: 431, title: 'Request Header Fields Too Large', when: 'The request line and headers are larger than 16 KiB.' },
  internal: { status: 500, title: 'Internal Server Error', when: 'A bug: the request id identifies it in the logs.' },
  unavailable: {
    status: 503,
    title: 'Service Unavailable',
    when: 'The solve queue is full, this process does not run solves, a long task timed out, or the service is shutting down; retry after `Retry-After` seconds.',
  },
  'web-not-built': { status: 503, title: 'Service Unavailable', when: 'The web interface is asked for but was not built.' },
} as const satisfies Record<string, ProblemTypeInfo>;

export type ProblemSlug = keyof typeof PROBLEM_TYPES;
/** The slugs of a given status, e.g. `ProblemSlugOf<422>`. */
export type ProblemSlugOf<S extends number> = { [K in ProblemSlug]: (typeof PROBLEM_TYPES)[K]['status'] extends S ? K : never }[ProblemSlug];

/** The `type` URI of a problem: a reference relative to the service, `/problems/<slug>`. */
export const problemTypeUri = (slug: ProblemSlug): string => `/problems/${slug}`;

/**
 * The catalogue as a Markdown table (type, status, title, when it is sent): the OpenAPI document's
 * description carries it, and the README's section on errors is this table (a test compares them).
 */
export function problemCatalogueMarkdown(): string {
  const rows = (Object.entries(PROBLEM_TYPES) as Array<[ProblemSlug, ProblemTypeInfo]>).map(
    ([slug, info]) => `| \`${problemTypeUri(slug)}\` | ${info.statusVaries ? `4xx (usually ${info.status})` : info.status} | ${info.title} | ${info.when} |`,
  );
  return ['| type | status | title | sent when |', '|---|---|---|---|', ...rows].join('\n');
}

export const FieldErrorSchema = z.object({
  path: z.string().describe('Where the problem is, e.g. `horizon.endYear` or `targets[0].product`; `(root)` for the whole value.'),
  in: z.enum(['body', 'query', 'params', 'headers']).optional().describe('Which part of the request the path points into.'),
  message: z.string(),
  position: z.number().int().min(1).optional().describe('Inside a custom constraint expression: the 1-based character position of the problem.'),
  expected: z.string().optional().describe('Inside a custom constraint expression: what was expected at `position`.'),
});

export const ProblemSchema = z.object({
  type: z.string().describe('URI reference naming the kind of problem.'),
  title: z.string(),
  status: z.number().int(),
  detail: z.string(),
  instance: z.string().describe('The request path this problem occurred on.'),
  requestId: z.string().optional().describe('The request id, also sent as `x-request-id` and written to the logs.'),
  errors: z.array(FieldErrorSchema).max(50).optional().describe('The failing fields (validation problems only), at most 50.'),
  errorsOmitted: z.number().int().min(1).optional().describe('How many further failing fields were left out of `errors` (present only when the list was cut).'),
});
export type Problem = z.infer<typeof ProblemSchema>;
