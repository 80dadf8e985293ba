/**
 * The body of every error response: an RFC 9457 problem document, with the failing fields of a
 * request. The kinds of problem (type URI, title, status) are declared once in `src/problems.ts`.
 */
import { z } from 'zod';

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
