/** The scenario resource: a stored scenario (the engine's scenario, validated and filled in) and its list. */
import { z } from 'zod';
import { ScenarioSchema } from '../scenario.js';
import { page, ScenarioIdSchema, Timestamp } from './common.js';

export const ScenarioSummarySchema = z.object({
  id: ScenarioIdSchema,
  name: z.string(),
  datasetId: z.string(),
  createdAt: Timestamp,
  links: z.object({ self: z.string(), solve: z.string(), portfolios: z.string() }),
});

export const ScenarioRecordSchema = ScenarioSummarySchema.extend({
  scenario: ScenarioSchema.describe('The scenario as stored: validated, with every default filled in.'),
});
export type ScenarioRecord = z.infer<typeof ScenarioRecordSchema>;
export const ScenarioPageSchema = page(ScenarioSummarySchema);
