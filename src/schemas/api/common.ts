/**
 * What every resource of the REST API shares: ids and the path parameters that carry them, list
 * paging (query and page shape), timestamps.
 */
import { z } from 'zod';
import { IdSchema } from '../../data/schema.js';

/** Scenario ids are the SHA-256 of the canonical scenario JSON, so they are 64 lower-case hex digits. */
export const ScenarioIdSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a scenario id is 64 lower-case hex digits (a SHA-256)');
export const JobIdSchema = z.uuid({ error: 'a job id is a UUID' });
export const PortfolioIdSchema = z.uuid({ error: 'a portfolio id is a UUID' });

export const ScenarioParamsSchema = z.object({ id: ScenarioIdSchema }).strict();
export const JobParamsSchema = z.object({ id: JobIdSchema }).strict();
export const PortfolioParamsSchema = z.object({ id: PortfolioIdSchema }).strict();
export const DatasetParamsSchema = z.object({ id: IdSchema }).strict();

export const MAX_PAGE_SIZE = 100;

/** The query fields of every list endpoint; a list with filters spreads them beside its own. */
export const pagingFields = {
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(20).describe('Items per page.'),
  offset: z.coerce.number().int().min(0).max(1_000_000).optional().describe('Items to skip (newest first). Do not combine with `cursor`.'),
  cursor: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'not a cursor returned by this API')
    .optional()
    .describe('`nextCursor` from the previous page.'),
};

export const noOffsetWithCursor = (q: { offset?: number | undefined; cursor?: string | undefined }) => !(q.offset !== undefined && q.cursor !== undefined);
export const offsetCursorMessage = { message: 'use either offset or cursor, not both', path: ['cursor'] };

export const PageQuerySchema = z.object(pagingFields).strict().refine(noOffsetWithCursor, offsetCursorMessage);
export type PageQuery = z.infer<typeof PageQuerySchema>;

/** A page of `item`s as every list endpoint answers it. */
export function page<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    total: z.number().int().describe('Items across all pages.'),
    limit: z.number().int(),
    offset: z.number().int().nullable().describe('Offset of this page, or null when the page was asked for by cursor.'),
    nextCursor: z.string().nullable().describe('Pass as `cursor` for the next page; null on the last page.'),
  });
}

export const Timestamp = z.string().describe('ISO 8601 UTC timestamp.');
