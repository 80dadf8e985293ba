/**
 * The cost categories of the objective, declared once: every concept files its cost terms under
 * one of these (`builder.addCost(column, amount, category)`), and the portfolio's cost breakdown,
 * its schema, comparisons and reports list the same categories in this order, as `<category>Usd`.
 * All amounts are discounted USD (present value at the horizon's first year); negative categories
 * are credits or revenues. `label` is what the pages show (src/web/pages/portfolio.ts).
 */
export const COST_CATEGORY_INFO = {
  capex: { label: 'Capex', description: 'Construction spend of new builds.' },
  salvageCredit: { label: 'Salvage credit', description: 'Negative: undepreciated value of builds whose life runs past the horizon.' },
  fixedOpex: { label: 'Fixed opex', description: 'Fixed operating cost of new capacity.' },
  variableOpex: { label: 'Variable opex', description: 'Variable operating cost: cracking, separation and conversion per tonne.' },
  feedstock: { label: 'Feedstock', description: 'Concentrate at the mine gate.' },
  transport: { label: 'Transport', description: 'Shipping between and within countries.' },
  purchases: { label: 'Purchases from the rival supplier', description: 'Purchases from the rival supplier.' },
  shortfallPenalty: { label: 'Target shortfall penalty', description: 'Priced gap of soft dependency targets.' },
  unservedPenalty: { label: 'Unserved demand penalty', description: 'Priced final demand left unserved.' },
  originTieBreak: {
    label: 'Origin tie-break',
    description:
      '0.01 USD per tonne of untrusted delivery: makes the solver keep trusted labels it can keep for free, so shares in untargeted years are not arbitrary.',
  },
  coProductCredit: {
    label: 'Co-product credit',
    description: 'Negative: value of co-products (elements the model does not trace) credited per tonne of feed.',
  },
  worldMarketSales: {
    label: 'Sales to the rest of the world',
    description: "Negative: revenue from sales to the rest of the world at the rival's price less transport.",
  },
  contractShortfallPenalty: { label: 'Contract shortfall penalty', description: 'Priced contracted tonnes a plant failed to deliver.' },
  stockHolding: { label: 'Strategic stock holding', description: 'Holding strategic stock: storage, insurance and management per tonne-year.' },
  recycling: {
    label: 'Recycling (scrap, transport, processing)',
    description: 'Recycling: collecting scrap (end-of-life magnets, swarf), transport to the recycler and processing on its route.',
  },
} as const satisfies Record<string, { readonly label: string; readonly description: string }>;

export type CostCategory = keyof typeof COST_CATEGORY_INFO;
export const COST_CATEGORIES = Object.keys(COST_CATEGORY_INFO) as CostCategory[];

/** Categories added after the first release: portfolios stored before them lack the field (read as 0). */
export const LATER_COST_CATEGORIES: ReadonlySet<CostCategory> = new Set([
  'coProductCredit',
  'worldMarketSales',
  'contractShortfallPenalty',
  'stockHolding',
  'recycling',
]);

/** The cost breakdown's field name for a category, e.g. `capexUsd`. */
export const costBreakdownKey = (category: CostCategory) => `${category}Usd` as const;
export type CostBreakdownKey = ReturnType<typeof costBreakdownKey>;

/** The categories of construction spend: what a capex cut lowers (capex net of its salvage credit). */
export const CONSTRUCTION_COST_CATEGORIES: ReadonlySet<CostCategory> = new Set(['capex', 'salvageCredit']);
