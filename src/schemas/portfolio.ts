/**
 * The portfolio: the result of planning one scenario. Field names carry units. This schema is
 * the API's response contract and the source of the OpenAPI document.
 */
import { z } from 'zod';
import { COST_CATEGORIES, COST_CATEGORY_INFO, LATER_COST_CATEGORIES, costBreakdownKey, type CostBreakdownKey } from '../model/cost-categories.js';

export const SolveStatusSchema = z.enum(['optimal', 'infeasible', 'unbounded', 'time_limit', 'error']);

export const CostBreakdownSchema = z.object(
  Object.fromEntries(
    COST_CATEGORIES.map((category) => {
      const field = z.number().describe(COST_CATEGORY_INFO[category].description);
      return [costBreakdownKey(category), LATER_COST_CATEGORIES.has(category) ? field.default(0) : field];
    }),
  ) as Record<CostBreakdownKey, z.ZodNumber>,
);

export const BuildSchema = z.object({
  plant: z.string(),
  name: z.string(),
  country: z.string(),
  stage: z.string(),
  status: z.string(),
  capacityTpa: z.number(),
  buildYear: z.number().int(),
  onlineYear: z.number().int(),
  capexUsd: z.number().describe('Undiscounted capex of this build.'),
  funding: z.array(z.object({ funder: z.string(), usd: z.number() })).describe('Public funders; the rest is private capital.'),
  privateUsd: z.number(),
});

export const DependencyPointSchema = z.object({
  year: z.number().int(),
  limit: z.number().nullable().describe('Maximum untrusted share in this year (null before the target applies).'),
  baselineShare: z.number().nullable().describe('Untrusted share in the target-free world with existing and committed capacity only (no new builds, no targets).'),
  portfolioShare: z.number().nullable(),
  consumptionT: z.number(),
  untrustedT: z.number(),
  met: z.boolean().nullable(),
  shortfallT: z.number(),
});

export const DependencyTrajectorySchema = z.object({
  target: z.string(),
  bloc: z.array(z.string()),
  product: z.string(),
  hard: z.boolean(),
  maxUntrustedShare: z.number(),
  fromYear: z.number().int(),
  points: z.array(DependencyPointSchema),
});

export const FlowSchema = z.object({
  kind: z.enum(['feed', 'ship', 'buy', 'sell']).describe("feed: concentrate to a separation plant; ship: between countries; buy: from the rival; sell: to the rest of the world (to = 'WORLD')."),
  product: z.string(),
  origin: z.enum(['trusted', 'untrusted']),
  from: z.string(),
  to: z.string(),
  year: z.number().int(),
  tonnes: z.number(),
  source: z.string().optional(),
  plant: z.string().optional(),
});

export const ProductionSchema = z.object({
  plant: z.string(),
  country: z.string(),
  stage: z.string(),
  year: z.number().int(),
  throughputT: z.number(),
  capacityTpa: z.number(),
  trustedOutputT: z.number(),
  untrustedOutputT: z.number(),
});

export const ContractUseSchema = z.object({
  contract: z.string(),
  plant: z.string(),
  product: z.string().nullable().describe("Null: the contract covers the plant's whole output."),
  buyerCountry: z.string(),
  year: z.number().int(),
  minTonnes: z.number().describe('Firm volume of the year, t (0 when the contract has none).'),
  outputT: z.number().describe("The plant's output of the product, t."),
  deliveredT: z.number().describe("Output that reached the buyer's country, t."),
  shortfallT: z.number().describe('Firm volume not delivered (a priced, reported breach), t.'),
  floorUsdPerT: z.number().nullable(),
  rivalPriceUsdPerT: z.number().nullable(),
  floorPaymentUsd: z.number().describe("max(0, floor − rival price) × covered tonnes, nominal USD: public cost paid by the payer."),
  supportPaymentUsd: z.number().describe('Per-tonne support × covered tonnes, nominal USD.'),
  presentValueUsd: z.number().describe('Floor and support payments discounted to the horizon start (USD 2026 present value).'),
  payer: z.string().nullable(),
});

export const BudgetUseSchema = z.object({
  funder: z.string(),
  year: z.number().int(),
  usedUsd: z.number(),
  perYearUsd: z.number().nullable(),
});

export const ModelStatsSchema = z.object({
  rows: z.number().int(),
  columns: z.number().int(),
  nonzeros: z.number().int(),
  integerColumns: z.number().int(),
  buildMs: z.number(),
});

export const SolverInfoSchema = z.object({
  name: z.string(),
  version: z.string(),
  solveMs: z.number(),
  algorithm: z.string().optional(),
  mipRelGap: z.number().optional(),
  warmStart: z.boolean().optional().describe('HiGHS LP: the dual simplex started from the basis of an earlier solve of the same model structure.'),
  iterations: z.number().int().optional().describe('Simplex plus interior-point iterations.'),
});

export const PortfolioSchema = z.object({
  scenarioName: z.string(),
  datasetId: z.string(),
  horizon: z.object({ startYear: z.number().int(), endYear: z.number().int() }),
  status: SolveStatusSchema,
  message: z.string().optional(),
  totalCostUsd: z.number().nullable().describe('Total discounted cost (USD 2026); null unless optimal.'),
  costBreakdown: CostBreakdownSchema.nullable(),
  builds: z.array(BuildSchema),
  production: z.array(ProductionSchema),
  flows: z.array(FlowSchema),
  unservedT: z.number(),
  unserved: z
    .array(z.object({ country: z.string(), product: z.string(), year: z.number().int(), tonnes: z.number() }))
    .default([])
    .describe('Demand left unserved, t, by market, product and year (only where above zero).'),
  dependency: z.array(DependencyTrajectorySchema),
  budgets: z.array(BudgetUseSchema),
  contracts: z
    .array(ContractUseSchema)
    .default([])
    .describe('Dataset contracts in force (offtakes, price floors, per-tonne supports): volumes delivered and public payments, per year.'),
  model: ModelStatsSchema,
  solver: SolverInfoSchema,
  verification: z
    .object({ maxRelativeViolation: z.number(), worst: z.array(z.object({ name: z.string(), relativeViolation: z.number() })) })
    .nullable()
    .describe('Every row recomputed from the returned values, independently of the solver.'),
  baseline: z
    .object({ status: SolveStatusSchema, totalCostUsd: z.number().nullable() })
    .describe('The same scenario with no new builds and no targets (existing and committed capacity only): the reference for baselineShare.'),
});

export type Portfolio = z.infer<typeof PortfolioSchema>;
export type DependencyTrajectory = z.infer<typeof DependencyTrajectorySchema>;
export type ContractUse = z.infer<typeof ContractUseSchema>;
