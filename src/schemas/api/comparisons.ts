/** Comparing portfolios: the request (with an optional cost attribution) and the comparison. */
import { z } from 'zod';
import { SolveStatusSchema } from '../portfolio.js';
import { AlgorithmSchema, BackendSchema } from '../scenario.js';
import { PortfolioIdSchema } from './common.js';

export const ComparisonRequestSchema = z
  .object({
    portfolioIds: z
      .array(PortfolioIdSchema)
      .min(2, 'compare at least two portfolios')
      .max(20, 'compare at most 20 portfolios')
      .refine((ids) => new Set(ids).size === ids.length, 'portfolio ids must be distinct')
      .describe('Portfolios to compare; deltas are against the first.'),
    attribution: z
      .enum(['auto', 'shapley', 'one_at_a_time'])
      .optional()
      .describe(
        'Explain the cost difference of two portfolios by re-solving with subsets of their input changes (202: an analysis at /comparisons/{id}); `auto`: Shapley values up to 4 changes, one at a time beyond.',
      ),
    options: z
      .object({ backend: BackendSchema.optional(), timeLimitSeconds: z.number().positive().max(3600).optional(), algorithm: AlgorithmSchema.optional() })
      .strict()
      .optional()
      .describe('Solver options of the attribution solves.'),
  })
  .strict();

const nullableNumber = z.number().nullable();

export const ComparisonSchema = z.object({
  portfolios: z.array(
    z.object({
      id: z.string(),
      scenarioId: z.string(),
      scenarioName: z.string(),
      datasetId: z.string(),
      status: SolveStatusSchema,
      horizon: z.object({ startYear: z.number().int(), endYear: z.number().int() }),
    }),
  ),
  totals: z.array(
    z.object({
      portfolioId: z.string(),
      totalCostUsd: nullableNumber,
      deltaUsd: nullableNumber.describe('Against the first portfolio; null when either cost is unknown.'),
      deltaPct: nullableNumber,
    }),
  ),
  costBreakdown: z.array(
    z.object({
      category: z.string(),
      values: z.array(z.object({ portfolioId: z.string(), usd: nullableNumber, deltaUsd: nullableNumber })),
    }),
  ),
  buildDifferences: z
    .array(
      z.object({
        plant: z.string(),
        name: z.string(),
        country: z.string(),
        stage: z.string(),
        difference: z.enum(['only_in_some', 'size', 'year', 'size_and_year']),
        presentIn: z.array(z.string()).describe('Portfolios that build at this plant.'),
        values: z.array(
          z.object({
            portfolioId: z.string(),
            totalCapacityTpa: z.number(),
            builds: z.array(z.object({ buildYear: z.number().int(), onlineYear: z.number().int(), capacityTpa: z.number() })),
          }),
        ),
      }),
    )
    .describe('Plants whose builds are not the same in every portfolio.'),
  capacity: z
    .array(
      z.object({
        country: z.string(),
        stage: z.string(),
        values: z.array(
          z.object({
            portfolioId: z.string(),
            builtTpa: z.number().describe('New capacity built over the horizon.'),
            builtDeltaTpa: z.number(),
            operatingTpa: z.number().describe('Capacity of plants that run in the last horizon year.'),
            operatingDeltaTpa: z.number(),
          }),
        ),
      }),
    )
    .describe('Capacity by country and stage.'),
  dependency: z.array(
    z.object({
      target: z.string(),
      product: z.string(),
      bloc: z.array(z.string()),
      points: z.array(
        z.object({
          year: z.number().int(),
          limit: nullableNumber,
          values: z.array(
            z.object({
              portfolioId: z.string(),
              share: nullableNumber,
              baselineShare: nullableNumber,
              met: z.boolean().nullable(),
              deltaShare: nullableNumber,
            }),
          ),
        }),
      ),
    }),
  ),
  budgets: z.array(
    z.object({
      funder: z.string(),
      values: z.array(z.object({ portfolioId: z.string(), usedUsd: z.number(), deltaUsd: z.number() })),
      years: z.array(z.object({ year: z.number().int(), values: z.array(z.object({ portfolioId: z.string(), usedUsd: nullableNumber })) })),
    }),
  ),
  inputDifferences: z
    .array(
      z.object({
        portfolioId: z.string(),
        changes: z
          .array(z.object({ path: z.string(), before: z.unknown(), after: z.unknown() }))
          .describe('Scenario fields (JSON paths) that differ from the first portfolio’s scenario, with both values.'),
      }),
    )
    .optional()
    .describe('The input difference of each portfolio after the first (name and description left out).'),
});
export type Comparison = z.infer<typeof ComparisonSchema>;
