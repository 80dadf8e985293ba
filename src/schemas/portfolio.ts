/**
 * The portfolio: the result of planning one scenario. Field names carry units. This schema is
 * the API's response contract and the source of the OpenAPI document.
 */
import { z } from 'zod';
import { ShareMethodSchema } from './share-method.js';
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
  baselineShare: z
    .number()
    .nullable()
    .describe('Untrusted share in the target-free world with existing and committed capacity only (no new builds, no targets).'),
  baselineShareMethod: ShareMethodSchema.nullable()
    .optional()
    .describe("How baselineShare was found (null without a baseline solve). Absent in portfolios stored before the field existed: read it as 'optimised'."),
  portfolioShare: z.number().nullable(),
  shareMethod: ShareMethodSchema.optional().describe(
    "How portfolioShare (and untrustedT) was found. Absent in portfolios stored before the field existed: read it as 'optimised'.",
  ),
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
  kind: z
    .enum(['feed', 'ship', 'buy', 'sell'])
    .describe(
      "feed: concentrate (the dataset's feed) to a plant of its feed stage (separation in quad-2026); ship: between countries; buy: from the rival; sell: to the rest of the world (to = 'WORLD').",
    ),
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
  floorPaymentUsd: z.number().describe('max(0, floor − rival price) × covered tonnes, nominal USD: public cost paid by the payer.'),
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

export const FloorLevelSchema = z.object({
  year: z.number().int(),
  supportUsdPerT: z.number().describe('Support per tonne of the floor product the plant needs this year, USD/t.'),
  floorUsdPerT: z.number().describe("Floor level: the plant's realised price at the rival's prices plus support, USD/t."),
});

export const FloorPlantSchema = z.object({
  plant: z.string(),
  country: z.string(),
  stage: z.string(),
  product: z.string().nullable().describe('The floor product (NdPr oxide for separation); null: all the plant makes.'),
  unitCostUsdPerT: z.number().nullable().describe('Cash cost + capex annuity + fixed opex of new builds per t of floor product, averaged over the horizon.'),
  needsFloor: z.boolean(),
  floorYears: z.array(z.number().int()),
  fromYear: z.number().int().nullable(),
  toYear: z.number().int().nullable(),
  levels: z.array(FloorLevelSchema),
  maxFloorUsdPerT: z.number().nullable(),
  supportPvUsd: z.number().describe('Per-tonne support over the horizon, present value (USD 2026).'),
  grantPvUsd: z.number().describe('Capex grants chosen beside the support, present value.'),
  unviablePvUsd: z.number().describe('Loss left after the most the bounds and envelopes allow (present value): > 0 means not viable.'),
  capexOnly: z.object({ grantPvUsd: z.number(), unviablePvUsd: z.number(), viable: z.boolean() }).describe('The same plant with capex grants only.'),
  contractPvUsd: z.number().describe("Payments of the plant's existing contracts (floors, per-tonne support), present value."),
  neededWithoutContractsPvUsd: z
    .number()
    .nullable()
    .describe('Contract plants only: support and grants the plant would need without its contracts, present value (the contract priced the same way).'),
});

export const FloorsReportSchema = z.object({
  status: z.string(),
  publicCostPvUsd: z.number().describe('Grants + per-tonne support chosen, present value (USD 2026), on top of existing contracts.'),
  unviablePlants: z.array(z.string()),
  capexOnly: z
    .object({ publicCostPvUsd: z.number(), unviablePlants: z.array(z.string()) })
    .describe('Grants only: what they cost and which plants they cannot keep alive.'),
  contractsPvUsd: z.number().describe("Existing contracts' payments counted as the plants' revenue, present value."),
  plants: z.array(FloorPlantSchema),
});

export const StockpileYearSchema = z.object({
  holder: z.string(),
  product: z.string(),
  year: z.number().int(),
  stockT: z.number().describe('Stock at the end of the year, t.'),
  trustedStockT: z.number(),
  untrustedStockT: z.number(),
  fillT: z.number(),
  drawT: z.number(),
  holdCostUsd: z.number().describe('Holding cost of the year, nominal USD.'),
});

export const StockpileCoverSchema = z.object({
  holder: z.string(),
  member: z.string(),
  product: z.string(),
  year: z.number().int(),
  stockT: z.number().describe('Stock carried into the year (end of the previous year), t.'),
  consumptionT: z.number().describe("The members' consumption of the product in the year (the member's own for a national reserve), t."),
  monthsOfCover: z.number().nullable().describe("12 × stock carried in / consumption: months the stock would supply at this year's rate."),
});

export const RecyclingYearSchema = z.object({
  year: z.number().int(),
  scrapT: z.number().describe('Scrap recycled (t of magnet).'),
  recycledNdprOxideEqT: z.number(),
  primaryNdprOxideEqT: z.number().describe('NdPr separated from mined feed in trusted countries, t.'),
  purchasedNdprOxideEqT: z.number().describe('NdPr content bought from the rival by trusted countries (oxide, metal, magnets), t oxide-equivalent.'),
  recycledShare: z.number().nullable().describe('recycled / (recycled + primary + purchased): the recycled share of the NdPr entering the allied chain.'),
});

export const RecyclingFlowSchema = z.object({ stream: z.string(), plant: z.string(), route: z.string(), year: z.number().int(), scrapT: z.number() });

export const PortfolioSchema = z.object({
  scenarioName: z.string(),
  datasetId: z.string(),
  horizon: z.object({ startYear: z.number().int(), endYear: z.number().int() }),
  status: SolveStatusSchema,
  message: z.string().optional(),
  totalCostUsd: z.number().nullable().describe('Total discounted cost (USD 2026) of the plan; null when the solve found none.'),
  feasible: z
    .boolean()
    .optional()
    .describe(
      'True when builds and flows are a feasible plan: `optimal`, or `time_limit` with the best plan HiGHS found by then (absent on portfolios stored before it was reported).',
    ),
  provenOptimal: z
    .boolean()
    .optional()
    .describe('False for a plan found at a time, node or gap limit: `totalCostUsd` is an upper bound on the optimum, `bestBoundUsd` a lower bound.'),
  bestBoundUsd: z
    .number()
    .nullable()
    .optional()
    .describe('Lumpy builds (MIP): the best lower bound on the optimal cost when the solve stopped (HiGHS mip_dual_bound); an LP optimum is its own bound.'),
  relativeGap: z.number().nullable().optional().describe('(totalCostUsd − bestBoundUsd) / totalCostUsd; 0 at a proven optimum.'),
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
  floors: FloorsReportSchema.nullable().default(null).describe('Price floors sized per plant (scenario floors.enabled); null when off.'),
  stockpiles: z
    .object({ years: z.array(StockpileYearSchema), cover: z.array(StockpileCoverSchema) })
    .nullable()
    .default(null)
    .describe('Strategic stockpiles: fill, stock, draw per holder, product and year, and months of cover per member; null when none is on.'),
  recycling: z
    .object({ flows: z.array(RecyclingFlowSchema), years: z.array(RecyclingYearSchema) })
    .nullable()
    .default(null)
    .describe('Recycled feed: scrap per stream, plant and route, and the recycled share of NdPr supply per year; null when recycling is off.'),
  model: ModelStatsSchema,
  solver: SolverInfoSchema,
  verification: z
    .object({ maxRelativeViolation: z.number(), worst: z.array(z.object({ name: z.string(), relativeViolation: z.number() })) })
    .nullable()
    .describe('Every row recomputed from the returned values, independently of the solver.'),
  baseline: z
    .object({
      status: z
        .union([SolveStatusSchema, z.literal('not_run')])
        .describe('`not_run`: the baseline was not solved (skipped by `skipBaseline`, or the plan itself did not end with a solution).'),
      totalCostUsd: z.number().nullable(),
    })
    .describe('The same scenario with no new builds and no targets (existing and committed capacity only): the reference for baselineShare.'),
});

export type Portfolio = z.infer<typeof PortfolioSchema>;
export type DependencyTrajectory = z.infer<typeof DependencyTrajectorySchema>;
export type ContractUse = z.infer<typeof ContractUseSchema>;
export type FloorsReport = z.infer<typeof FloorsReportSchema>;
