/**
 * Every variable and constraint family of the formulation, declared once. The builder refuses a
 * family that is not here, and `test/model/catalog.test.ts` checks this table against
 * `models/catalog.json` (the catalogue planners read), so code and documentation stay in step.
 *
 * Sign convention for duals (`dualMeaning`): the dual of a row is d(total discounted cost) /
 * d(right-hand side), in discounted USD (2026) per unit of the row. For a `≤` capacity-like row it
 * is ≤ 0 (more capacity lowers cost); the reports state the positive "value" of one more unit.
 */

export { COST_CATEGORIES, type CostCategory } from './cost-categories.js';

export interface FamilyInfo {
  readonly kind: 'variable' | 'constraint';
  /** The concept file (under src/model/concepts/) that owns the family. */
  readonly concept: string;
  readonly indices: readonly string[];
  readonly unit: string;
  readonly meaning: string;
  /** Constraints only: what the dual means, in its unit. */
  readonly dualMeaning?: string;
}

export const FAMILIES: Readonly<Record<string, FamilyInfo>> = {
  build: {
    kind: 'variable',
    concept: 'capacity',
    indices: ['plant', 'buildYear'],
    unit: 't/yr',
    meaning: 'Capacity added at a plant whose construction starts in buildYear; online from buildYear + lead time for its lifetime.',
  },
  build_on: {
    kind: 'variable',
    concept: 'capacity',
    indices: ['plant', 'buildYear'],
    unit: 'binary',
    meaning: 'Lumpy builds only: 1 when the plant builds in buildYear (then at least its minimum efficient size).',
  },
  max_size: {
    kind: 'constraint',
    concept: 'capacity',
    indices: ['plant'],
    unit: 't/yr',
    meaning: 'Total capacity added at a plant over the horizon is at most its maximum size.',
    dualMeaning: 'USD (discounted) saved per extra t/yr of maximum size (reported as a positive value).',
  },
  fixed_build: {
    kind: 'constraint',
    concept: 'capacity',
    indices: ['plant', 'buildYear'],
    unit: 't/yr',
    meaning: 'Stress tests: a build is fixed at the portfolio’s value (0 for builds the portfolio does not make).',
    dualMeaning: 'USD (discounted) per extra t/yr of the fixed build.',
  },
  outage: {
    kind: 'constraint',
    concept: 'capacity',
    indices: ['plant', 'year'],
    unit: 't',
    meaning: 'A plant out of service (scenario outage) has no activity in the year.',
    dualMeaning: 'USD (discounted) the outage costs per t of activity it stops (≤ 0).',
  },
  capacity: {
    kind: 'constraint',
    concept: 'capacity',
    indices: ['plant', 'year'],
    unit: 't (stage unit)',
    meaning: 'Throughput of a plant in a year is at most its existing capacity plus online builds.',
    dualMeaning: 'USD (discounted) saved per extra t/yr of capacity at this plant in this year.',
  },
  online: {
    kind: 'variable',
    concept: 'capacity',
    indices: ['plant', 'year'],
    unit: 't/yr',
    meaning: 'Capacity from builds online at full rate in a year (arrived and not retired): the stock capacity rows read where that takes fewer nonzeros.',
  },
  online_stock: {
    kind: 'constraint',
    concept: 'capacity',
    indices: ['plant', 'year'],
    unit: 't/yr',
    meaning: "Builds online this year = last year's + builds arriving − builds retiring.",
    dualMeaning: 'USD (discounted) per t/yr of builds online in this year (an accounting row, no limit of its own).',
  },
  min_build: {
    kind: 'constraint',
    concept: 'capacity',
    indices: ['plant', 'buildYear'],
    unit: 't/yr',
    meaning: 'Lumpy builds only: a build is at least the minimum efficient size when build_on is 1.',
    dualMeaning: 'Not meaningful (MIP row); reported from the LP with integers fixed.',
  },
  max_build: {
    kind: 'constraint',
    concept: 'capacity',
    indices: ['plant', 'buildYear'],
    unit: 't/yr',
    meaning: 'Lumpy builds only: a build is zero unless build_on is 1.',
    dualMeaning: 'Not meaningful (MIP row); reported from the LP with integers fixed.',
  },
  feed: {
    kind: 'variable',
    concept: 'separation',
    indices: ['source', 'plant', 'year'],
    unit: 't TREO',
    meaning: "Concentrate of a feedstock source processed at a separation plant; yields the source's assay times the plant's recovery.",
  },
  source_supply: {
    kind: 'constraint',
    concept: 'feedstock',
    indices: ['source', 'year'],
    unit: 't TREO',
    meaning: 'Concentrate taken from a source in a year is at most its supply less committed offtakes.',
    dualMeaning: 'USD (discounted) saved per extra t TREO of this source in this year.',
  },
  make: {
    kind: 'variable',
    concept: 'conversion',
    indices: ['plant', 'process', 'origin', 'year'],
    unit: 't output',
    meaning: 'Output of a metal or magnet recipe at a plant, by origin of content (trusted or untrusted).',
  },
  ship: {
    kind: 'variable',
    concept: 'trade',
    indices: ['product', 'origin', 'from', 'to', 'year'],
    unit: 't',
    meaning: 'Product shipped between two countries, by origin of content.',
  },
  buy: {
    kind: 'variable',
    concept: 'trade',
    indices: ['product', 'country', 'year'],
    unit: 't',
    meaning: "Product bought from the rival supplier at its price, delivered to a country; always untrusted content.",
  },
  downgrade: {
    kind: 'variable',
    concept: 'origin',
    indices: ['product', 'country', 'year'],
    unit: 't',
    meaning: 'Trusted product used in untrusted production (mixed with untrusted inputs), so its content counts as untrusted from then on.',
  },
  balance: {
    kind: 'constraint',
    concept: 'origin',
    indices: ['product', 'origin', 'country', 'year'],
    unit: 't',
    meaning: 'Production, imports, purchases and downgrades of a product of one origin in a country cover its exports and uses.',
    dualMeaning: 'USD (discounted) marginal cost of one more tonne of this product, of this origin, in this country and year.',
  },
  deliver: {
    kind: 'variable',
    concept: 'demand',
    indices: ['country', 'product', 'origin', 'year'],
    unit: 't',
    meaning: "Final product consumed by a country's market, by origin of content.",
  },
  unserved: {
    kind: 'variable',
    concept: 'demand',
    indices: ['country', 'product', 'year'],
    unit: 't',
    meaning: 'Final demand left unserved (priced at the dataset unserved penalty); non-zero only when bans and capacity leave no supply.',
  },
  demand: {
    kind: 'constraint',
    concept: 'demand',
    indices: ['country', 'product', 'year'],
    unit: 't',
    meaning: 'Deliveries plus unserved demand equal demand.',
    dualMeaning: 'USD (discounted) marginal cost of serving one more tonne of this demand.',
  },
  shortfall: {
    kind: 'variable',
    concept: 'dependency-target',
    indices: ['target', 'year'],
    unit: 't',
    meaning: "Untrusted content above a soft target's limit, priced at the target's penalty.",
  },
  dependency: {
    kind: 'constraint',
    concept: 'dependency-target',
    indices: ['target', 'year'],
    unit: 't',
    meaning: "Untrusted consumption of the bloc ≤ limit × total consumption (+ shortfall for soft targets).",
    dualMeaning: 'USD (discounted) saved per tonne of untrusted content the target is loosened by (≤ 0 as a dual; reported positive).',
  },
  sell: {
    kind: 'variable',
    concept: 'world-market',
    indices: ['product', 'origin', 'country', 'year'],
    unit: 't',
    meaning: "Product sold from a country to the rest of the world at the rival's price less transport (an outlet for producers; an export, not consumption).",
  },
  contract: {
    kind: 'constraint',
    concept: 'contracts',
    indices: ['contract', 'year'],
    unit: 't',
    meaning: "The contracted plant makes at least the contract's firm volume of the product (or the shortfall is priced).",
    dualMeaning: 'USD (discounted) the firm volume costs per extra tonne contracted.',
  },
  contract_delivery: {
    kind: 'constraint',
    concept: 'contracts',
    indices: ['contract', 'year'],
    unit: 't',
    meaning: "Shipments of the product from the plant's country to the buyer's country cover the firm volume (or the shortfall is priced).",
    dualMeaning: 'USD (discounted) the delivery obligation costs per extra tonne contracted.',
  },
  contract_share: {
    kind: 'constraint',
    concept: 'contracts',
    indices: ['contract', 'year'],
    unit: 't',
    meaning: "Shipments to the buyer's country are at least the contracted share of the plant's output.",
    dualMeaning: "USD (discounted) per extra tonne the buyer's share requires.",
  },
  contract_shortfall: {
    kind: 'variable',
    concept: 'contracts',
    indices: ['contract', 'year'],
    unit: 't',
    meaning: 'Contracted tonnes the plant did not deliver, priced at the dataset breach penalty.',
  },
  fund: {
    kind: 'variable',
    concept: 'budget',
    indices: ['funder', 'plant', 'year'],
    unit: 'USD',
    meaning: "Money a funder pays towards a plant's construction spend in a year.",
  },
  public_share: {
    kind: 'constraint',
    concept: 'budget',
    indices: ['plant', 'year'],
    unit: 'USD',
    meaning: "Funders together pay at least the scenario's public share of a plant's construction spend in a year.",
    dualMeaning: 'USD (discounted) cost per extra USD of public money required for this plant and year.',
  },
  cofinancing: {
    kind: 'constraint',
    concept: 'budget',
    indices: ['funder', 'plant', 'year'],
    unit: 'USD',
    meaning: "A funder pays at most its co-financing share of a plant's construction spend in a year.",
    dualMeaning: 'USD (discounted) saved per extra USD the funder may put into this plant and year.',
  },
  budget_year: {
    kind: 'constraint',
    concept: 'budget',
    indices: ['funder', 'year'],
    unit: 'USD',
    meaning: "A funder's payments in a year are at most its yearly envelope.",
    dualMeaning: "USD (discounted) saved per extra USD in the funder's envelope for this year.",
  },
  near_optimal_cost: {
    kind: 'constraint',
    concept: 'near-optimal',
    indices: [],
    unit: 'USD',
    meaning: 'Near-optimal alternatives: the total discounted cost is at most the optimum × (1 + slack).',
    dualMeaning: 'Change of the (signed) alternative objective per extra USD of cost allowed.',
  },
  budget_total: {
    kind: 'constraint',
    concept: 'budget',
    indices: ['funder'],
    unit: 'USD',
    meaning: "A funder's payments over the horizon are at most its total envelope.",
    dualMeaning: "USD (discounted) saved per extra USD in the funder's total envelope.",
  },
};
