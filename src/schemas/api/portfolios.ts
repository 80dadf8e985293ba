/** The portfolio resource: a stored portfolio, its summary and list, and its export. */
import { z } from 'zod';
import { PortfolioSchema, SolveStatusSchema } from '../portfolio.js';
import { JobIdSchema, noOffsetWithCursor, offsetCursorMessage, page, pagingFields, PortfolioIdSchema, ScenarioIdSchema, Timestamp } from './common.js';

export const PortfolioListQuerySchema = z
  .object({ ...pagingFields, scenarioId: ScenarioIdSchema.optional().describe('Only portfolios of this scenario.') })
  .strict()
  .refine(noOffsetWithCursor, offsetCursorMessage);

export const PortfolioRecordSchema = PortfolioSchema.extend({
  id: PortfolioIdSchema,
  scenarioId: ScenarioIdSchema,
  jobId: JobIdSchema.nullable(),
  createdAt: Timestamp,
  links: z.object({ self: z.string(), scenario: z.string(), export: z.string() }),
});
export type PortfolioRecord = z.infer<typeof PortfolioRecordSchema>;

export const PortfolioSummarySchema = z.object({
  id: PortfolioIdSchema,
  scenarioId: ScenarioIdSchema,
  jobId: JobIdSchema.nullable(),
  scenarioName: z.string(),
  datasetId: z.string(),
  status: SolveStatusSchema,
  totalCostUsd: z.number().nullable(),
  createdAt: Timestamp,
  links: z.object({ self: z.string() }),
});
export const PortfolioPageSchema = page(PortfolioSummarySchema);

export const ExportQuerySchema = z
  .object({
    format: z.enum(['csv']).describe('Export format; CSV is the only one so far.'),
    table: z.enum(['all', 'builds', 'flows']).default('all').describe('`builds`, `flows`, or `all`: both in one file, told apart by the `record` column.'),
  })
  .strict();
