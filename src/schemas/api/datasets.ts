/** The dataset resource: summaries for the list; a dataset itself is the engine's own schema. */
import { z } from 'zod';
import { DatasetSchema } from '../../data/schema.js';

export const DatasetSummarySchema = z.object({
  id: z.string(),
  title: z.string(),
  description: z.string(),
  currency: z.string(),
  counts: z.record(z.string(), z.number().int()).describe('Records per collection.'),
  links: z.object({ self: z.string() }),
});
export const DatasetListSchema = z.object({ items: z.array(DatasetSummarySchema) });

export { DatasetSchema };
