import { z } from 'zod';

/**
 * How an untrusted share was found. `optimised`: the model splits origins that year (every year of
 * a plan and its baseline; in an analysis member, a year a target, a custom condition or a
 * stockpile reads) and the share is the optimiser's labelling, the least untrusted the flows allow
 * under the origin tie-break. `pooled`: the model pools origins that year (analysis members only:
 * src/model/origin-split.ts) and the share is traced after the solve in proportion through the
 * solved flows (every node's supply mixed; usually higher than an optimised share of the same
 * flows). Records stored before the field existed lack it: they are all `optimised`.
 * models/formulation.md, "Origin".
 */
export const ShareMethodSchema = z
  .enum(['optimised', 'pooled'])
  .describe("How the untrusted share was found: 'optimised' (the model's origin split) or 'pooled' (proportional tracing of a year the model does not split).");
export type ShareMethod = z.infer<typeof ShareMethodSchema>;
