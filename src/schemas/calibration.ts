/** The calibration report's contract (`GET /datasets/{id}/calibration`); see src/analysis/calibration.ts. */
import { z } from 'zod';
import { SolveStatusSchema } from './portfolio.js';

export const CalibrationRowSchema = z.object({
  id: z.string(),
  description: z.string(),
  year: z.number().int(),
  kind: z.enum(['untrusted_share', 'rival_supply_share', 'rival_import_share', 'net_import_reliance', 'production', 'plant_output']),
  unit: z.string().describe('`share` (0-1), `%` or `t`.'),
  modelValue: z.number().nullable().describe('The figure in the model (observed years, existing capacity only, no targets).'),
  modelNotation: z.string().nullable().describe('Net import reliance as USGS prints it: "E" for a net exporter.'),
  published: z.object({ value: z.number(), low: z.number(), high: z.number() }).describe('Published value and the band the model must fall in.'),
  verdict: z.enum(['within', 'outside', 'not_comparable', 'no_value']),
  toleranceNote: z.string().describe('Why the band is as wide as it is.'),
  estimate: z.boolean().describe('True when the published value is derived from several sources.'),
  sources: z.array(z.object({ title: z.string(), url: z.string().optional(), factIds: z.array(z.string()).optional() })),
});

export const CalibrationReportSchema = z
  .object({
    datasetId: z.string(),
    years: z.array(z.number().int()),
    status: SolveStatusSchema,
    totalCostUsd: z.number().nullable(),
    maxRelativeViolation: z.number().nullable().describe('Every row recomputed from the solution, independently of the solver.'),
    rows: z.array(CalibrationRowSchema),
    summary: z.object({ within: z.number().int(), outside: z.number().int(), notComparable: z.number().int(), noValue: z.number().int() }),
  })
  .meta({ id: 'CalibrationReport' });
