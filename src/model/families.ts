/**
 * Every variable and constraint family of the formulation, declared once, and the names of its rows
 * and columns both ways. A name is `family[index,…]`: data ids and years joined by `,`, with no
 * spaces (`ship[ndpr_oxide,trusted,AU,US,2030]`). The builder refuses a family that is not here and
 * takes its index as the typed tuple declared here (`IndexTuple`); every reader turns a name back
 * with `parseName`, which returns the same fields as a typed record (`IndexRecord`), so no code
 * reads an index by its position in a name. `npm run catalog` writes `models/catalog.json` and
 * `models/names.md` from this table; `test/model/catalog.test.ts` fails when either differs from
 * what the generator writes, when a family's index breaks the order convention below, and when a
 * name in the documentation has the wrong number of indices.
 *
 * Index order convention: every index field has a role, and the fields of a name follow the roles
 * in this order —
 *   1. subject:   the record the row or column belongs to (plant, source, target, contract, funder,
 *                 stockpile holder, scrap stream, custom constraint; in the demand concept the
 *                 country whose market it is);
 *   2. object:    a second record the subject acts on (the plant a source feeds, a funder pays or a
 *                 scrap stream is recycled at);
 *   3. commodity: the product, process or recycling route;
 *   4. origin:    `trusted` or `untrusted` content, or `all` (one pooled origin) in years the
 *                 formulation does not split origins (src/model/origin-split.ts);
 *   5. place:     the country or countries where it happens, `from` before `to`;
 *   6. year:      the year (or build year), always last.
 * Roles a family does not have are skipped. So `ship[product,origin,from,to,year]` (no subject: a
 * flow between places) and `deliver[country,product,origin,year]` (the country is the market the
 * delivery serves, its subject) both follow it; the names of the model are unchanged by it.
 *
 * Units are declared here and nowhere else: the catalogue, the name documentation and the reports'
 * binding limits (analysis/constraint-terms.ts) read `unit`. A row over one year whose limit is a
 * yearly capacity or supply is in that rate (`t/yr`, `t TREO/yr`); flows within a year are in `t`.
 *
 * Sign convention for duals (`dualMeaning`): the dual of a row is d(total discounted cost) /
 * d(right-hand side), in discounted USD (2026) per unit of the row. For a `≤` capacity-like row it
 * is ≤ 0 (more capacity lowers cost); the reports state the positive "value" of one more unit.
 */

export { COST_CATEGORIES, type CostCategory } from './cost-categories.js';

/** The role of an index field, in the order fields appear in a name (see the convention above). */
export const INDEX_ROLES = ['subject', 'object', 'commodity', 'origin', 'place', 'year'] as const;
export type IndexRole = (typeof INDEX_ROLES)[number];

export interface IndexField {
  readonly name: string;
  readonly role: IndexRole;
  /** Only a last field may be optional: when it is, names exist with and without it; says when it is there. */
  readonly optionalWhen?: string;
}

export interface FamilyDeclaration {
  readonly kind: 'variable' | 'constraint';
  /** The concept file (under src/model/concepts/) that owns the family. */
  readonly concept: string;
  readonly index: readonly IndexField[];
  readonly unit: string;
  readonly meaning: string;
  /** Constraints only: what the dual means, in its unit. */
  readonly dualMeaning?: string;
}

const subject = <N extends string>(name: N) => ({ name, role: 'subject' }) as const;
const object = <N extends string>(name: N) => ({ name, role: 'object' }) as const;
const commodity = <N extends string>(name: N) => ({ name, role: 'commodity' }) as const;
const origin = () => ({ name: 'origin', role: 'origin' }) as const;
const place = <N extends string>(name: N) => ({ name, role: 'place' }) as const;
function year(): { readonly name: 'year'; readonly role: 'year' };
function year<N extends string>(name: N): { readonly name: N; readonly role: 'year' };
function year<N extends string, W extends string>(name: N, optionalWhen: W): { readonly name: N; readonly role: 'year'; readonly optionalWhen: W };
function year(name = 'year', optionalWhen?: string): IndexField {
  return optionalWhen === undefined ? { name, role: 'year' } : { name, role: 'year', optionalWhen };
}

export const FAMILIES = {
  build: {
    kind: 'variable',
    concept: 'capacity',
    index: [subject('plant'), year('buildYear')],
    unit: 't/yr',
    meaning: 'Capacity added at a plant whose construction starts in buildYear; online from buildYear + lead time for its lifetime.',
  },
  build_on: {
    kind: 'variable',
    concept: 'capacity',
    index: [subject('plant'), year('buildYear')],
    unit: 'binary',
    meaning: 'Lumpy builds only: 1 when the plant builds in buildYear (then at least its minimum efficient size).',
  },
  max_size: {
    kind: 'constraint',
    concept: 'capacity',
    index: [subject('plant')],
    unit: 't/yr',
    meaning: 'Total capacity added at a plant over the horizon is at most its maximum size.',
    dualMeaning: 'USD (discounted) saved per extra t/yr of maximum size (reported as a positive value).',
  },
  fixed_build: {
    kind: 'constraint',
    concept: 'capacity',
    index: [subject('plant'), year('buildYear')],
    unit: 't/yr',
    meaning: 'Stress tests: a build is fixed at the portfolio’s value (0 for builds the portfolio does not make).',
    dualMeaning: 'USD (discounted) per extra t/yr of the fixed build.',
  },
  outage: {
    kind: 'constraint',
    concept: 'capacity',
    index: [subject('plant'), year()],
    unit: 't',
    meaning: 'A plant out of service (scenario outage) has no activity in the year.',
    dualMeaning: 'USD (discounted) the outage costs per t of activity it stops (≤ 0).',
  },
  capacity: {
    kind: 'constraint',
    concept: 'capacity',
    index: [subject('plant'), year()],
    unit: 't/yr',
    meaning:
      "Throughput of a plant in a year is at most its existing capacity plus online builds (in the stage's unit: t TREO fed at separation plants, t of output at metal and magnet plants).",
    dualMeaning: 'USD (discounted) saved per extra t/yr of capacity at this plant in this year.',
  },
  online: {
    kind: 'variable',
    concept: 'capacity',
    index: [subject('plant'), year()],
    unit: 't/yr',
    meaning: 'Capacity from builds online at full rate in a year (arrived and not retired): the stock capacity rows read where that takes fewer nonzeros.',
  },
  online_stock: {
    kind: 'constraint',
    concept: 'capacity',
    index: [subject('plant'), year()],
    unit: 't/yr',
    meaning: "Builds online this year = last year's + builds arriving − builds retiring.",
    dualMeaning: 'USD (discounted) per t/yr of builds online in this year (an accounting row, no limit of its own).',
  },
  min_build: {
    kind: 'constraint',
    concept: 'capacity',
    index: [subject('plant'), year('buildYear')],
    unit: 't/yr',
    meaning: 'Lumpy builds only: a build is at least the minimum efficient size when build_on is 1.',
    dualMeaning: 'Not meaningful (MIP row); reported from the LP with integers fixed.',
  },
  max_build: {
    kind: 'constraint',
    concept: 'capacity',
    index: [subject('plant'), year('buildYear')],
    unit: 't/yr',
    meaning: 'Lumpy builds only: a build is zero unless build_on is 1.',
    dualMeaning: 'Not meaningful (MIP row); reported from the LP with integers fixed.',
  },
  feed: {
    kind: 'variable',
    concept: 'separation',
    index: [subject('source'), object('plant'), year()],
    unit: 't feed',
    meaning:
      "Feed (concentrate) of a feedstock source processed at a plant of the feed stage (separation); yields the source's assay times the plant's recovery. `t feed` is the dataset's feed unit (meta.chain.feedUnit: t TREO in quad-2026).",
  },
  source_supply: {
    kind: 'constraint',
    concept: 'feedstock',
    index: [subject('source'), year()],
    unit: 't feed/yr',
    meaning: "Feed taken from a source in a year is at most its supply less committed offtakes, in the dataset's feed unit (t TREO/yr in quad-2026).",
    dualMeaning: 'USD (discounted) saved per extra unit of feed a year (t TREO/yr in quad-2026) of this source in this year.',
  },
  make: {
    kind: 'variable',
    concept: 'conversion',
    index: [subject('plant'), commodity('process'), origin(), year()],
    unit: 't output',
    meaning: 'Output of a metal or magnet recipe at a plant, by origin of content (trusted or untrusted).',
  },
  ship: {
    kind: 'variable',
    concept: 'trade',
    index: [commodity('product'), origin(), place('from'), place('to'), year()],
    unit: 't',
    meaning: 'Product shipped between two countries, by origin of content.',
  },
  buy: {
    kind: 'variable',
    concept: 'trade',
    index: [commodity('product'), place('country'), year()],
    unit: 't',
    meaning: 'Product bought from the rival supplier at its price, delivered to a country; always untrusted content.',
  },
  downgrade: {
    kind: 'variable',
    concept: 'origin',
    index: [commodity('product'), place('country'), year()],
    unit: 't',
    meaning: 'Trusted product used in untrusted production (mixed with untrusted inputs), so its content counts as untrusted from then on.',
  },
  balance: {
    kind: 'constraint',
    concept: 'origin',
    index: [commodity('product'), origin(), place('country'), year()],
    unit: 't',
    meaning: 'Production, imports, purchases and downgrades of a product of one origin in a country cover its exports and uses.',
    dualMeaning: 'USD (discounted) marginal cost of one more tonne of this product, of this origin, in this country and year.',
  },
  deliver: {
    kind: 'variable',
    concept: 'demand',
    index: [subject('country'), commodity('product'), origin(), year()],
    unit: 't',
    meaning: "Final product consumed by a country's market, by origin of content.",
  },
  unserved: {
    kind: 'variable',
    concept: 'demand',
    index: [subject('country'), commodity('product'), year()],
    unit: 't',
    meaning: 'Final demand left unserved (priced at the dataset unserved penalty); non-zero only when bans and capacity leave no supply.',
  },
  demand: {
    kind: 'constraint',
    concept: 'demand',
    index: [subject('country'), commodity('product'), year()],
    unit: 't',
    meaning: 'Deliveries plus unserved demand equal demand.',
    dualMeaning: 'USD (discounted) marginal cost of serving one more tonne of this demand.',
  },
  shortfall: {
    kind: 'variable',
    concept: 'dependency-target',
    index: [subject('target'), year()],
    unit: 't',
    meaning: "Untrusted content above a soft target's limit, priced at the target's penalty.",
  },
  dependency: {
    kind: 'constraint',
    concept: 'dependency-target',
    index: [subject('target'), year()],
    unit: 't',
    meaning: 'Untrusted consumption of the bloc ≤ limit × total consumption (+ shortfall for soft targets).',
    dualMeaning: 'USD (discounted) saved per tonne of untrusted content the target is loosened by (≤ 0 as a dual; reported positive).',
  },
  sell: {
    kind: 'variable',
    concept: 'world-market',
    index: [commodity('product'), origin(), place('country'), year()],
    unit: 't',
    meaning: "Product sold from a country to the rest of the world at the rival's price less transport (an outlet for producers; an export, not consumption).",
  },
  contract: {
    kind: 'constraint',
    concept: 'contracts',
    index: [subject('contract'), year()],
    unit: 't',
    meaning: "The contracted plant makes at least the contract's firm volume of the product (or the shortfall is priced).",
    dualMeaning: 'USD (discounted) the firm volume costs per extra tonne contracted.',
  },
  contract_delivery: {
    kind: 'constraint',
    concept: 'contracts',
    index: [subject('contract'), year()],
    unit: 't',
    meaning: "Shipments of the product from the plant's country to the buyer's country cover the firm volume (or the shortfall is priced).",
    dualMeaning: 'USD (discounted) the delivery obligation costs per extra tonne contracted.',
  },
  contract_share: {
    kind: 'constraint',
    concept: 'contracts',
    index: [subject('contract'), year()],
    unit: 't',
    meaning: "Shipments to the buyer's country are at least the contracted share of the plant's output.",
    dualMeaning: "USD (discounted) per extra tonne the buyer's share requires.",
  },
  contract_shortfall: {
    kind: 'variable',
    concept: 'contracts',
    index: [subject('contract'), year()],
    unit: 't',
    meaning: 'Contracted tonnes the plant did not deliver, priced at the dataset breach penalty.',
  },
  fund: {
    kind: 'variable',
    concept: 'budget',
    index: [subject('funder'), object('plant'), year()],
    unit: 'USD',
    meaning: "Money a funder pays towards a plant's construction spend in a year.",
  },
  spend: {
    kind: 'variable',
    concept: 'budget',
    index: [subject('plant'), year()],
    unit: 'USD',
    meaning: "A plant's construction spend in a year (nominal): its own column where that makes the co-financing rows shorter.",
  },
  spend_def: {
    kind: 'constraint',
    concept: 'budget',
    index: [subject('plant'), year()],
    unit: 'USD',
    meaning: "Defines spend[p,y] as the capex of the plant's builds under construction in the year (an accounting row).",
    dualMeaning: 'USD (discounted) per extra USD of construction spend in this plant and year (an accounting row, no limit of its own).',
  },
  public_share: {
    kind: 'constraint',
    concept: 'budget',
    index: [subject('plant'), year()],
    unit: 'USD',
    meaning: "Funders together pay at least the scenario's public share of a plant's construction spend in a year.",
    dualMeaning: 'USD (discounted) cost per extra USD of public money required for this plant and year.',
  },
  cofinancing: {
    kind: 'constraint',
    concept: 'budget',
    index: [subject('funder'), object('plant'), year()],
    unit: 'USD',
    meaning: "A funder pays at most its co-financing share of a plant's construction spend in a year.",
    dualMeaning: 'USD (discounted) saved per extra USD the funder may put into this plant and year.',
  },
  budget_year: {
    kind: 'constraint',
    concept: 'budget',
    index: [subject('funder'), year()],
    unit: 'USD',
    meaning: "A funder's payments in a year are at most its yearly envelope.",
    dualMeaning: "USD (discounted) saved per extra USD in the funder's envelope for this year.",
  },
  near_optimal_cost: {
    kind: 'constraint',
    concept: 'near-optimal',
    index: [],
    unit: 'USD',
    meaning: 'Near-optimal alternatives: the total discounted cost is at most the optimum × (1 + slack).',
    dualMeaning: 'Change of the (signed) alternative objective per extra USD of cost allowed.',
  },
  budget_total: {
    kind: 'constraint',
    concept: 'budget',
    index: [subject('funder')],
    unit: 'USD',
    meaning: "A funder's payments over the horizon are at most its total envelope.",
    dualMeaning: "USD (discounted) saved per extra USD in the funder's total envelope.",
  },
  stock: {
    kind: 'variable',
    concept: 'stockpile',
    index: [subject('holder'), commodity('product'), origin(), year()],
    unit: 't',
    meaning: 'Stock of a product held by a stockpile holder at the end of a year, by origin of content (the origin of what went in).',
  },
  fill: {
    kind: 'variable',
    concept: 'stockpile',
    index: [subject('holder'), commodity('product'), origin(), place('country'), year()],
    unit: 't',
    meaning: "Tonnes a member country puts into the holder's stock in a year (taken from its balance; not consumption).",
  },
  draw: {
    kind: 'variable',
    concept: 'stockpile',
    index: [subject('holder'), commodity('product'), origin(), place('country'), year()],
    unit: 't',
    meaning: "Tonnes taken out of the holder's stock into a member country's supply in a year, keeping their origin.",
  },
  stock_balance: {
    kind: 'constraint',
    concept: 'stockpile',
    index: [subject('holder'), commodity('product'), origin(), year()],
    unit: 't',
    meaning: "Stock at the end of the year = last year's stock + fills − draws (every reserve starts empty).",
    dualMeaning: 'USD (discounted) value of one more tonne in stock at the end of this year.',
  },
  stock_capacity: {
    kind: 'constraint',
    concept: 'stockpile',
    index: [subject('holder'), commodity('product'), year()],
    unit: 't',
    meaning: "The holder's stock of the product (both origins) is at most the scenario's capacity.",
    dualMeaning: 'USD (discounted) saved per extra tonne of stockpile capacity in this year (≤ 0; reported positive).',
  },
  stock_envelope: {
    kind: 'constraint',
    concept: 'stockpile',
    index: [subject('holder')],
    unit: 'USD',
    meaning: "Value of everything the holder puts into stock, at the rival's world price when filled, is at most its funding envelope.",
    dualMeaning: "USD (discounted) saved per extra USD of the holder's envelope (≤ 0; reported positive).",
  },
  scrap_supply: {
    kind: 'constraint',
    concept: 'recycling',
    index: [subject('stream'), year()],
    unit: 't scrap/yr',
    meaning: 'Scrap taken from a stream (end-of-life magnets or swarf in a country) in a year is at most what the stream makes available.',
    dualMeaning: 'USD (discounted) saved per extra t/yr of this scrap in this year (≤ 0; reported positive).',
  },
  recycle: {
    kind: 'variable',
    concept: 'recycling',
    index: [subject('stream'), object('plant'), commodity('route'), year()],
    unit: 't scrap',
    meaning:
      "Scrap of a stream processed by a recycling plant on one route (short loop to alloy, long loop to oxides); its output is trusted content when the plant's country is trusted.",
  },
  recycle_build: {
    kind: 'variable',
    concept: 'recycling',
    index: [subject('plant'), year('buildYear')],
    unit: 't scrap/yr',
    meaning: 'Recycling capacity added at a recycling plant whose construction starts in buildYear.',
  },
  recycle_capacity: {
    kind: 'constraint',
    concept: 'recycling',
    index: [subject('plant'), year()],
    unit: 't scrap/yr',
    meaning: 'Scrap a recycling plant processes in a year is at most its existing capacity plus its online builds.',
    dualMeaning: 'USD (discounted) saved per extra t/yr of recycling capacity at this plant in this year (≤ 0; reported positive).',
  },
  recycle_max_size: {
    kind: 'constraint',
    concept: 'recycling',
    index: [subject('plant')],
    unit: 't scrap/yr',
    meaning: 'Capacity added at a recycling plant over the horizon is at most its maximum size.',
    dualMeaning: 'USD (discounted) saved per extra t/yr of maximum size (≤ 0; reported positive).',
  },
  floor_support: {
    kind: 'variable',
    concept: 'price-floors',
    index: [subject('funder'), object('plant'), year()],
    unit: 'USD',
    meaning:
      "Second-stage model: per-tonne support (a floor or offtake premium) a funder pays a plant in a year on its output; the floor level is the rival's price plus support per tonne.",
  },
  floor_grant: {
    kind: 'variable',
    concept: 'price-floors',
    index: [subject('funder'), object('plant')],
    unit: 'USD (present value)',
    meaning: "Second-stage model: capex grant a funder pays towards a plant's builds in the plan, in present value.",
  },
  floor_unviable: {
    kind: 'variable',
    concept: 'price-floors',
    index: [subject('plant'), year()],
    unit: 'USD',
    meaning:
      'Second-stage model: loss a plant is left with after the most support the bounds and envelopes allow (priced, so the model is always feasible; the plant is reported not viable).',
  },
  floor_operating: {
    kind: 'constraint',
    concept: 'price-floors',
    index: [subject('plant'), year()],
    unit: 'USD',
    meaning: "Second-stage model: the plant's revenue at the rival's prices plus support covers its cash cost (opex and feed) in each year it runs.",
    dualMeaning: 'USD (present value) of public money per extra USD of cash cost in this year.',
  },
  floor_life: {
    kind: 'constraint',
    concept: 'price-floors',
    index: [subject('plant')],
    unit: 'USD (present value)',
    meaning:
      "Second-stage model: over the horizon the plant's margin plus support and grants recovers its capex (annuity over its life at the discount rate) and fixed opex.",
    dualMeaning: 'USD (present value) of public money per extra USD of capex to recover.',
  },
  floor_cap: {
    kind: 'constraint',
    concept: 'price-floors',
    index: [subject('plant'), year()],
    unit: 'USD',
    meaning: "Second-stage model: support per tonne is at most the bound less the rival's price (the floor level is at most the bound).",
    dualMeaning: 'USD (present value) saved per extra USD of support allowed in this year (≤ 0).',
  },
  floor_grant_share: {
    kind: 'constraint',
    concept: 'price-floors',
    index: [subject('funder'), object('plant')],
    unit: 'USD (present value)',
    meaning: "Second-stage model: a funder's grant is at most its co-financing share of the plant's capex.",
    dualMeaning: 'USD (present value) saved per extra USD of grant allowed.',
  },
  floor_envelope: {
    kind: 'constraint',
    concept: 'price-floors',
    index: [subject('funder')],
    unit: 'USD',
    meaning: "Second-stage model: a funder's grants and support payments over the horizon are at most its envelope.",
    dualMeaning: "USD (present value) saved per extra USD of the funder's envelope (≤ 0).",
  },
  custom: {
    kind: 'constraint',
    concept: 'custom',
    index: [subject('constraint'), year('year', 'when the expression omits a year')],
    unit: 't/yr, t or USD (the unit of its quantities)',
    meaning:
      "A planner's own linear condition over model quantities (scenario constraints[i].expression, grammar in models/expressions.md); one row, or one per horizon year when a quantity omits its year.",
    dualMeaning: 'USD (discounted) the condition costs per unit its right-hand side is tightened (reported as "this condition costs USD X per unit").',
  },
} as const satisfies Readonly<Record<string, FamilyDeclaration>>;

export type Families = typeof FAMILIES;
export type FamilyName = keyof Families;
export type VariableFamily = { [F in FamilyName]: Families[F]['kind'] extends 'variable' ? F : never }[FamilyName];
export type ConstraintFamily = { [F in FamilyName]: Families[F]['kind'] extends 'constraint' ? F : never }[FamilyName];

/**
 * The values of an `origin` index (`NodeOrigin` in instance-types.ts: the two origins, and `all`
 * for the one pooled origin of years without an origin split; declared here so that names can be
 * parsed without the instance).
 */
export const ORIGIN_VALUES = ['trusted', 'untrusted', 'all'] as const;
export type OriginValue = (typeof ORIGIN_VALUES)[number];

/** Years are numbers, origins `trusted`, `untrusted` or `all`; every other index is a data id. */
type ValueOf<Field> = Field extends { readonly role: 'year' } ? number : Field extends { readonly role: 'origin' } ? OriginValue : string;
type Values<Fields extends readonly unknown[]> = { readonly [K in keyof Fields]: ValueOf<Fields[K]> };
type TupleOf<Fields extends readonly unknown[]> = Fields extends readonly [...infer Head, infer Last]
  ? Last extends { readonly optionalWhen: string }
    ? Values<Head> | readonly [...Values<Head>, ValueOf<Last>]
    : Values<Fields>
  : Values<Fields>;
type RecordOf<Fields extends readonly IndexField[]> = {
  readonly [Field in Fields[number] as Field extends { readonly optionalWhen: string } ? never : Field['name']]: ValueOf<Field>;
} & {
  readonly [Field in Fields[number] as Field extends { readonly optionalWhen: string } ? Field['name'] : never]?: ValueOf<Field>;
};

/** The index of a family's names as the builder takes it, e.g. `[product, origin, from, to, year]` for `ship`. */
export type IndexTuple<F extends FamilyName> = TupleOf<Families[F]['index']>;
/** The index of a family's names as a record, e.g. `{ product, origin, from, to, year }` for `ship`. */
export type IndexRecord<F extends FamilyName> = RecordOf<Families[F]['index']>;
/** A parsed name: narrow on `family` to read its index fields by name. */
export type ParsedName = { [F in FamilyName]: { readonly family: F; readonly index: IndexRecord<F> } }[FamilyName];

/** The declaration of a family by its name, or undefined for a name that is not a family. */
export function familyOf(family: string): FamilyDeclaration | undefined {
  return Object.hasOwn(FAMILIES, family) ? (FAMILIES as Readonly<Record<string, FamilyDeclaration>>)[family] : undefined;
}

/** The declared families, in declaration order. */
export const FAMILY_NAMES = Object.keys(FAMILIES) as FamilyName[];

/** A name as the model writes it, e.g. `name('ship', 'ndpr_oxide', 'trusted', 'AU', 'US', 2030)`. */
export function name<F extends FamilyName>(family: F, ...index: IndexTuple<F>): string {
  return formatName(family, index as ReadonlyArray<string | number>);
}

/** The untyped writer behind `name` (the builder keeps indices as arrays and writes names on demand). */
export function formatName(family: string, index: ReadonlyArray<string | number>): string {
  return `${family}[${index.join(',')}]`;
}

/** The form of a family's names with its index field names, e.g. `ship[product,origin,from,to,year]`. */
export function nameForm(family: FamilyName): string {
  return `${family}[${FAMILIES[family].index.map((f: IndexField) => (f.optionalWhen === undefined ? f.name : `${f.name}?`)).join(',')}]`;
}

export class NameError extends Error {
  override readonly name = 'NameError';
}

/** Per family, what parsing needs: field names, which are years or origins, and how many fields a name may have. */
interface ParseRule {
  readonly family: FamilyName;
  readonly names: readonly string[];
  readonly kinds: readonly ('year' | 'origin' | 'id')[];
  readonly least: number;
}

const PARSE_RULES = new Map<string, ParseRule>(
  FAMILY_NAMES.map((family) => {
    const fields: readonly IndexField[] = FAMILIES[family].index;
    const last = fields[fields.length - 1];
    return [
      family,
      {
        family,
        names: fields.map((f) => f.name),
        kinds: fields.map((f) => (f.role === 'year' ? 'year' : f.role === 'origin' ? 'origin' : 'id')),
        least: last?.optionalWhen !== undefined ? fields.length - 1 : fields.length,
      },
    ];
  }),
);

/** The year a name writes (digits, no leading zero), or -1. */
function yearOf(part: string): number {
  const n = part.length;
  if (n === 0 || n > 9 || (n > 1 && part.charCodeAt(0) === 48)) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = part.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/**
 * A name turned back into its family and a typed record of its index fields. Throws a `NameError`
 * for text the model does not write: an unknown family, the wrong number of indices, a year that is
 * not an integer as the model writes it, an origin other than `trusted` / `untrusted` / `all`, an empty id or
 * a bracket inside the index.
 */
export function parseName(text: string): ParsedName {
  const open = text.indexOf('[');
  const end = text.length - 1;
  if (open <= 0 || text.charCodeAt(end) !== 93 /* ] */) throw new NameError(`'${text}' is not a name of the form family[index,…]`);
  const rule = PARSE_RULES.get(text.slice(0, open));
  if (!rule) throw new NameError(`'${text}': no family '${text.slice(0, open)}' is declared in src/model/families.ts`);
  if (text.indexOf('[', open + 1) >= 0 || text.indexOf(']', open) !== end) throw new NameError(`'${text}': an index cannot contain a bracket`);
  const parts = end === open + 1 ? [] : text.slice(open + 1, end).split(',');
  const { names, kinds, least } = rule;
  if (parts.length < least || parts.length > names.length) {
    throw new NameError(
      `'${text}': ${rule.family} names have ${least === names.length ? names.length : `${least} or ${names.length}`} indices (${nameForm(rule.family)}), not ${parts.length}`,
    );
  }
  const index: Record<string, string | number> = {};
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const kind = kinds[i];
    if (kind === 'year') {
      const year = yearOf(part);
      if (year < 0) throw new NameError(`'${text}': ${names[i]} '${part}' is not a year`);
      index[names[i]!] = year;
    } else if (kind === 'origin') {
      if (part !== 'trusted' && part !== 'untrusted' && part !== 'all')
        throw new NameError(`'${text}': origin '${part}' is none of ${ORIGIN_VALUES.join(', ')}`);
      index[names[i]!] = part;
    } else {
      if (part.length === 0) throw new NameError(`'${text}': ${names[i]} is empty`);
      index[names[i]!] = part;
    }
  }
  return { family: rule.family, index } as ParsedName;
}

/** `parseName` for names that may not be the model's (another tool's columns): null instead of an error. */
export function tryParseName(text: string): ParsedName | null {
  try {
    return parseName(text);
  } catch (error) {
    if (error instanceof NameError) return null;
    throw error;
  }
}

/** The name a parsed name stands for: `nameOf(parseName(x)) === x` for every name the model writes. */
export function nameOf(parsed: ParsedName): string {
  const fields: readonly IndexField[] = FAMILIES[parsed.family].index;
  const record = parsed.index as Readonly<Record<string, string | number | undefined>>;
  const values: Array<string | number> = [];
  for (const field of fields) {
    const value = record[field.name];
    if (value === undefined) {
      if (field.optionalWhen === undefined) throw new NameError(`${parsed.family}: index field '${field.name}' is missing`);
      break;
    }
    values.push(value);
  }
  return formatName(parsed.family, values);
}

/** A family's index tuple (as the builder keeps it) as the record `parseName` returns. */
export function indexRecord<F extends FamilyName>(family: F, index: IndexTuple<F>): IndexRecord<F> {
  const fields: readonly IndexField[] = FAMILIES[family].index;
  const values = index as ReadonlyArray<string | number>;
  const out: Record<string, string | number> = {};
  for (let i = 0; i < values.length; i++) out[fields[i]!.name] = values[i]!;
  return out as IndexRecord<F>;
}

/**
 * A declared unit in a dataset's own words: `t feed` is the dataset's feed unit
 * (`meta.chain.feedUnit`, t TREO in quad-2026), so `t feed/yr` reads `t TREO/yr` there.
 */
export function unitIn(unit: string, feedUnit: string): string {
  return unit.replace(/\bt feed\b/g, feedUnit);
}
