/**
 * The reference dataset's contract (zod). A dataset is a folder of JSON files under
 * `data/reference/<id>/`; `loadDataset` validates every file against these schemas once,
 * and the rest of the code trusts the typed, read-only result.
 *
 * Every record carries `source` (one or more citations) and `estimate` (true when a figure
 * was derived rather than published). A record without a source is rejected.
 *
 * Units are in field names: `Tpa` = tonnes per year, `UsdPerT` = US dollars per tonne,
 * `UsdPerTpa` = US dollars per tonne-per-year of capacity. Capacity units depend on the stage,
 * and the stages themselves are the dataset's own (`meta.chain`, see `ChainSchema`): in quad-2026
 * separation plants are sized in t TREO of feed per year, metal plants in t of metal per year,
 * magnet plants in t of finished magnet per year. Nothing here names a rare earth: the chain's
 * stages, its feed unit, the name of its restricted ("heavy") circuit and of its final products
 * are declared by each dataset.
 */
import { z } from 'zod';

/** Ids appear inside variable and constraint names (`build[us_greenfield_magnet,2027]`), so they are restricted. */
export const IdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, 'ids may only contain letters, digits, "_", "." and "-"')
  .max(64)
  // As a key of a plain object (overrides per id, maps built from ids) `__proto__` sets the
  // prototype instead of adding an entry: the record would vanish without an error.
  .refine((id) => id !== '__proto__', 'the id "__proto__" is reserved');

export const YearSchema = z.number().int().min(1990).max(2100);

/**
 * A step series: `{ "2026": 45000, "2028": 60000 }` means 45,000 in 2026 and 2027 and 60,000 from
 * 2028 on. Years before the first key are 0.
 */
export const StepSeriesSchema = z
  .record(z.string().regex(/^\d{4}$/, 'keys are four-digit years'), z.number().finite().min(0))
  .refine((series) => Object.keys(series).length > 0, 'a step series needs at least one year');

export const CitationSchema = z.object({
  /** Publication, author and date, or the document title. */
  title: z.string().min(3),
  /** URL or source-document file name. */
  url: z.string().min(3).optional(),
  /** Row ids in the shared fact sheet this record draws on (e.g. "B-019"). */
  factIds: z.array(z.string()).optional(),
});
export type Citation = z.infer<typeof CitationSchema>;

/** Fields every record carries. */
const provenance = {
  source: z.array(CitationSchema).min(1, 'every record needs at least one source'),
  estimate: z.boolean(),
  /** How an estimated figure was derived (required in spirit when `estimate` is true). */
  estimateNote: z.string().optional(),
};

export const CountryGroupSchema = z.enum(['quad', 'partner', 'rival', 'other']);
export const CountrySchema = z.object({
  id: IdSchema,
  name: z.string(),
  group: CountryGroupSchema,
  /** Trusted unless a scenario says otherwise. */
  defaultTrusted: z.boolean(),
  ...provenance,
});

/**
 * A stage id. Stages are declared by the dataset (`meta.chain.stages`, in chain order); the loader
 * checks every stage a record or a scenario names against that list.
 */
export const StageSchema = IdSchema;
export type Stage = z.infer<typeof StageSchema>;

/**
 * One stage of the chain. Role `feed`: its plants take feed from sources (capacity in the chain's
 * feed unit) and yield products in the feed's proportions (assay × recovery); exactly one stage has
 * it. Role `conversion`: its plants run recipes (processes.json), capacity in t of output.
 */
export const ChainStageSchema = z.object({
  id: IdSchema,
  name: z.string().min(1),
  role: z.enum(['feed', 'conversion']),
  /** What a plant's capacity of this stage is counted in, per year (e.g. "t TREO of feed", "t magnet"). */
  capacityUnit: z.string().min(1),
});
export type ChainStage = z.infer<typeof ChainStageSchema>;

/**
 * The dataset's vocabulary for its chain: what the engine would otherwise have to assume about the
 * commodity. quad-2026 declares today's rare-earth values (separation → metal → magnet, t TREO,
 * the heavy Dy/Tb circuit, magnet grades, NdPr oxide); another chain is another dataset.
 */
export const ChainSchema = z.object({
  /** The chain in a few words, e.g. "rare-earth permanent magnets (mine to magnet)". */
  name: z.string().min(1),
  /** The stages in chain order, upstream first (reports list stages in this order). */
  stages: z.array(ChainStageSchema).min(1),
  /**
   * The unit feed is counted in (source supply and cost, feed-stage capacity and activity), e.g.
   * "t TREO" (total rare-earth oxide) or "t LCE" (lithium carbonate equivalent).
   */
  feedUnit: z.string().min(1),
  /** What the feed is called in reports (the pseudo product `concentrate` of lane rules stands for it). */
  feedName: z.string().min(1),
  /**
   * What a plant flag `heavyCircuit` and a product flag `heavy` mean in this chain, e.g. "heavy
   * rare-earth circuit (Dy, Tb)"; absent when no product needs a circuit of its own.
   */
  heavyCircuitName: z.string().min(1).optional(),
  /** What final products are (demand's `gradeMix` splits demand among them), e.g. "magnet grade". */
  finalProductTerm: z.string().min(1),
  /**
   * The feed-stage product price floors sit on and recycled shares are counted in (t of it per t of
   * each product through the recipes), e.g. "ndpr_oxide"; absent: the first product of the feed
   * stage without a circuit of its own, by id.
   */
  referenceProduct: IdSchema.optional(),
  /** Recycling routes: the stage whose products each kind of route yields (needed when the dataset has routes). */
  recyclingStages: z.object({ short_loop: IdSchema, long_loop: IdSchema }).optional(),
});
export type Chain = z.infer<typeof ChainSchema>;

export const ProductSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** Stage whose plants make this product. */
  stage: StageSchema,
  /**
   * Feed-stage products that need the chain's restricted circuit (`meta.chain.heavyCircuitName`;
   * Dy and Tb oxide in quad-2026) come out only where a plant has that circuit.
   */
  heavy: z.boolean().default(false),
  /** True for products bought by end users (magnets in quad-2026): demand is stated in these. */
  final: z.boolean().default(false),
  /**
   * Feed-stage (separation) products only: cost of separating one tonne of this product out of the mixed
   * solution (solvent extraction and finishing), USD per t of product, charged on what a separation
   * plant yields. Heavy products carry the heavy circuit's cost here, so it falls on the heavy stream
   * only. Absent: 0 (the plant's `variableOpexUsdPerT` per t fed then carries the whole cost).
   */
  separationCostUsdPerT: z.number().min(0).optional(),
  ...provenance,
});

/** A recipe of a conversion stage: one tonne of `output` consumes `inputsTPerT[k]` tonnes of each input k. */
export const ProcessSchema = z.object({
  id: IdSchema,
  /** A stage of role `conversion` (metal or magnet in quad-2026). */
  stage: StageSchema,
  output: IdSchema,
  inputsTPerT: z.record(IdSchema, z.number().positive()),
  ...provenance,
});

export const SourceStatusSchema = z.enum(['operating', 'under_construction', 'planned', 'uncertain']);
export const FeedstockSourceSchema = z.object({
  id: IdSchema,
  name: z.string(),
  country: IdSchema,
  status: SourceStatusSchema,
  /**
   * Feed available per year (step series), in the chain's feed unit. A dataset whose feed unit is
   * t TREO (rare earths) gives it as `supplyTreoTpa`; any other as `supplyFeedTpa` (exactly one of
   * the two, checked at load).
   */
  supplyTreoTpa: StepSeriesSchema.optional(),
  supplyFeedTpa: StepSeriesSchema.optional(),
  /** Feed per year already committed to buyers outside the model (e.g. a Chinese offtake), step series; `committedFeedTpa` when the feed unit is not t TREO. */
  committedTreoTpa: StepSeriesSchema.optional(),
  committedFeedTpa: StepSeriesSchema.optional(),
  /** t of each feed-stage product per unit of feed, e.g. { ndpr_oxide: 0.2 } (t oxide per t TREO). */
  assay: z.record(IdSchema, z.number().min(0).max(1)),
  /** Cost of one unit of feed at the mine (or brine field) gate, USD: `costUsdPerTTreo` for t TREO, else `costUsdPerTFeed`. */
  costUsdPerTTreo: z.number().min(0).optional(),
  costUsdPerTFeed: z.number().min(0).optional(),
  /** Kind of feed (an id in `feed-types.json`): sets the cracking cost and co-product credit per t fed. */
  feedType: IdSchema.optional(),
  ...provenance,
});

/**
 * A kind of separation feed (a mineral or an intermediate such as a mixed carbonate): what it costs
 * to crack and leach one tonne of it into a solution the separation circuit takes, and what its
 * co-products (the elements the model does not trace) are worth, both per t of feed.
 */
export const FeedTypeSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** Cracking, leaching and purification before solvent extraction, USD per t of feed (feed units). */
  crackingCostUsdPerT: z.number().min(0),
  /** Net value of co-products per t of feed, USD: positive is a credit, negative a disposal charge. */
  coProductCreditUsdPerT: z.number().default(0),
  /** True for recycled feed (magnet scrap): the recycling report counts what it yields as recycled, not mined. */
  recycled: z.boolean().optional(),
  ...provenance,
});

export const PlantStatusSchema = z.enum(['operating', 'under_construction', 'planned', 'uncertain', 'candidate']);
export type PlantStatus = z.infer<typeof PlantStatusSchema>;

/** What it costs and takes to add capacity at a plant. Absent for plants that cannot be expanded. */
export const ExpansionSchema = z.object({
  capexUsdPerTpa: z.number().min(0),
  /** Largest total addition over the horizon, t/yr. */
  maxSizeTpa: z.number().positive(),
  /** Minimum efficient size of one build, t/yr (used when a scenario asks for lumpy builds). */
  minSizeTpa: z.number().min(0).default(0),
  /** Years from the decision (start of construction) to first output. */
  leadTimeYears: z.number().int().min(0).max(20),
  /** First year construction may start (permitting, financing). */
  earliestStartYear: YearSchema,
  /** Years a build produces once online. */
  lifetimeYears: z.number().int().min(1).max(80),
  /**
   * Share of a build's capacity available in its first, second, … online year (each in (0, 1]); full
   * capacity after the list. Absent: the dataset's default for the plant's stage, else no ramp.
   */
  rampUpShares: z.array(z.number().gt(0).max(1)).max(10).optional(),
});

export const PlantSchema = z.object({
  id: IdSchema,
  name: z.string(),
  stage: StageSchema,
  country: IdSchema,
  status: PlantStatusSchema,
  /** Capacity that exists or is committed regardless of the plan (step series, stage units per year). */
  existingCapacityTpa: StepSeriesSchema.optional(),
  /** Last year the existing capacity operates (absent: beyond any horizon). */
  retirementYear: YearSchema.optional(),
  expansion: ExpansionSchema.optional(),
  fixedOpexUsdPerTpaYear: z.number().min(0),
  variableOpexUsdPerT: z.number().min(0),
  /** Feed stage (separation) only: share of each assayed product recovered. */
  recoveryRate: z.number().min(0).max(1).optional(),
  /** Feed stage only: does it have the chain's restricted circuit (`meta.chain.heavyCircuitName`: Dy, Tb in quad-2026)? */
  heavyCircuit: z.boolean().optional(),
  /** Feed stage only: first year the circuit yields its products (absent: every year it exists). */
  heavyCircuitFromYear: YearSchema.optional(),
  /** Conversion stages (metal and magnet) only: recipes (process ids) the plant can run. */
  processes: z.array(IdSchema).optional(),
  ...provenance,
});

export const DemandSchema = z.object({
  id: IdSchema,
  country: IdSchema,
  /** Total demand for the final products (finished magnets in quad-2026) in `baseYear`, t. */
  baseYear: YearSchema,
  baseTonnes: z.number().min(0),
  growthRatePerYear: z.number().min(-0.5).max(1),
  /** Share of the demand in each final product (`meta.chain.finalProductTerm`: magnet grade in quad-2026); shares sum to 1. */
  gradeMix: z.record(IdSchema, z.number().min(0).max(1)),
  ...provenance,
});

/** Price at which the rival supplier (China) delivers a product, USD per t, step series. */
export const PriceSchema = z.object({
  product: IdSchema,
  priceUsdPerT: StepSeriesSchema,
  ...provenance,
});

export const TransportSchema = z.object({
  from: IdSchema,
  to: IdSchema,
  usdPerT: z.number().min(0),
  ...provenance,
});

export const FunderSchema = z.object({
  id: IdSchema,
  name: z.string(),
  country: IdSchema,
  /** Default envelope over the horizon, USD. */
  totalUsd: z.number().min(0),
  /** Default yearly cap, USD (absent: only the total binds). */
  perYearUsd: z.number().min(0).optional(),
  eligibleCountries: z.array(IdSchema).min(1),
  eligibleStages: z.array(StageSchema).min(1),
  /** Largest share of any one project's capex the funder may cover. */
  maxShareOfCapex: z.number().min(0).max(1),
  ...provenance,
});

export const ExportControlSchema = z.object({
  id: IdSchema,
  /** Country imposing the control (the rival supplier). */
  country: IdSchema,
  products: z.array(IdSchema).min(1),
  fromYear: YearSchema,
  toYear: YearSchema.optional(),
  description: z.string(),
  /** Whether a scenario applies it unless told otherwise. */
  activeByDefault: z.boolean(),
  ...provenance,
});

/** The pseudo product id that lane rules and export controls use for separation feed (concentrate). */
export const FEED_PRODUCT = 'concentrate';

/**
 * A dated rule on where material may go. Two kinds:
 * - `captive_feed`: the feed of `sourceId` may only be separated at `plants` (ownership: a mine
 *   feeding its owner's refinery);
 * - `closed_lane`: nothing of `products` (product ids or `concentrate` for feed) moves from a country
 *   in `from` to a country in `to` (either list absent: any country other than the other side),
 *   except feed of the sources in `exceptSources`.
 * Active from `fromYear` through `toYear` (absent: for ever) unless `active` is false; a scenario
 * overrides any field by id (`overrides.laneRules.<id>`).
 */
const LaneRuleBase = {
  id: IdSchema,
  description: z.string(),
  fromYear: YearSchema,
  toYear: YearSchema.optional(),
  active: z.boolean().default(true),
  ...provenance,
};
export const LaneRuleSchema = z.discriminatedUnion('kind', [
  z.object({ ...LaneRuleBase, kind: z.literal('captive_feed'), sourceId: IdSchema, plants: z.array(IdSchema).min(1) }),
  z.object({
    ...LaneRuleBase,
    kind: z.literal('closed_lane'),
    from: z.array(IdSchema).min(1).optional(),
    to: z.array(IdSchema).min(1).optional(),
    products: z.array(IdSchema).min(1),
    exceptSources: z.array(IdSchema).optional(),
  }),
]);

/**
 * A supply contract on one plant's output of one product, from `fromYear` through `toYear`:
 * - `minTonnesPerYear`: firm volume the plant must make (and, with a buyer in another country, ship
 *   to that country) each year, step series;
 * - `minShareOfOutput`: share of the plant's output of the product that must go to the buyer's country;
 * - `floorUsdPerT`: price floor; when the rival's price is below it, the difference on the contracted
 *   tonnes is paid by `payer` (a funder id) and reported as public cost;
 * - `supportUsdPerT`: a fixed payment per contracted tonne (a production or sales-linked incentive),
 *   paid by `payer` whatever the price and reported as public cost.
 * A volume the plant cannot deliver is a priced, reported breach (`contract_shortfall`), never hidden.
 */
export const ContractSchema = z.object({
  id: IdSchema,
  name: z.string(),
  plant: IdSchema,
  /** The contracted product; absent: the plant's whole output (its activity, in its stage's unit). */
  product: IdSchema.optional(),
  /** Country the contracted tonnes go to (absent: the plant's own country, or any market). */
  buyerCountry: IdSchema.optional(),
  fromYear: YearSchema,
  toYear: YearSchema,
  minTonnesPerYear: StepSeriesSchema.optional(),
  minShareOfOutput: z.number().gt(0).max(1).optional(),
  floorUsdPerT: z.number().min(0).optional(),
  supportUsdPerT: z.number().min(0).optional(),
  payer: IdSchema.optional(),
  active: z.boolean().default(true),
  ...provenance,
});

/**
 * A published figure the dataset's observed years must reproduce (`npm run calibrate`). The model's
 * figure is computed from a solve of `year` with existing capacity only and no targets; it passes
 * when it lies in [low, high], a band chosen from the spread of the sources, not from the model.
 */
export const CalibrationMetricSchema = z.discriminatedUnion('kind', [
  /** Origin-traced untrusted share of the bloc's consumption of the products (tonne-weighted). */
  z.object({ kind: z.literal('untrusted_share'), countries: z.array(IdSchema).min(1), products: z.array(IdSchema).min(1) }),
  /** Share of the bloc's consumption of the products bought from the rival supplier (tonne-weighted). */
  z.object({ kind: z.literal('rival_supply_share'), countries: z.array(IdSchema).min(1), products: z.array(IdSchema).min(1) }),
  /** Share of the bloc's imports (from outside the bloc, purchases included) that come from the rival, weighted per product (e.g. t REO-equivalent per t). */
  z.object({ kind: z.literal('rival_import_share'), countries: z.array(IdSchema).min(1), weights: z.record(IdSchema, z.number().positive()) }),
  /** USGS net import reliance of the bloc, summed over the products in `weights` units (e.g. t REO-equivalent per t). */
  z.object({ kind: z.literal('net_import_reliance'), countries: z.array(IdSchema).min(1), weights: z.record(IdSchema, z.number().positive()) }),
  /** Tonnes of a product made in the countries (absent: every trusted country). */
  z.object({ kind: z.literal('production'), countries: z.array(IdSchema).min(1).optional(), product: IdSchema }),
  /** Tonnes of a product made by one plant. */
  z.object({ kind: z.literal('plant_output'), plant: IdSchema, product: IdSchema }),
]);
export const CalibrationFigureSchema = z.object({
  id: IdSchema,
  description: z.string(),
  year: YearSchema,
  metric: CalibrationMetricSchema,
  /** Published value and the band the model's figure must fall in (same unit as the metric: share in [0,1], %, or t). */
  published: z
    .object({ value: z.number(), low: z.number(), high: z.number() })
    .refine((p) => p.low <= p.value && p.value <= p.high, 'published value must lie in [low, high]'),
  unit: z.string(),
  /** Why the band is as wide as it is (spread of the sources, definitions). */
  toleranceNote: z.string(),
  /**
   * False when the model cannot compute the published quantity (its definition covers things the
   * model does not trace): the figure is printed beside the model's nearest quantity, not checked.
   */
  comparable: z.boolean().default(true),
  ...provenance,
});

/**
 * A strategic stockpile programme (a holder): a country's reserve or a pooled reserve of several
 * members. Its members fill the stock from what they hold and draw it back into their own supply;
 * the stock keeps the origin (trusted or untrusted content) of what went in. A scenario turns a
 * holder on for a product with a capacity (`stockpiles[]`); the dataset gives the funding envelope
 * (value of stock bought at the rival's world price, USD) and the cost of holding a tonne a year.
 */
export const StockpileHolderSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** Countries that fill and draw the stock (one for a national reserve; several for a pooled one). */
  members: z.array(IdSchema).min(1),
  /** Country where the stock sits (default: the first member); fills and draws of other members pay transport to and from it. */
  location: IdSchema.optional(),
  /** Funding: most value of stock bought over the horizon, at the rival's world price when filled, USD. */
  envelopeUsd: z.number().min(0),
  /** Storage, insurance and management per year, as a share of the product's world price (USD per t-yr = share x price). */
  holdCostShareOfValuePerYear: z.number().min(0).max(1),
  /** First year the holder may fill. */
  fromYear: YearSchema,
  ...provenance,
});

/**
 * Recyclable magnet material in a country: end-of-life magnets (collected from scrapped products)
 * or production swarf (grinding and slicing losses of magnet plants), in t of magnet per year.
 */
export const ScrapStreamSchema = z.object({
  id: IdSchema,
  country: IdSchema,
  kind: z.enum(['end_of_life', 'swarf']),
  /** The magnet grade the scrap is (its recycling routes are those that take this product). */
  product: IdSchema,
  /** Scrap available for collection, t of magnet per year (step series: the growth path). */
  tonnesPerYear: StepSeriesSchema,
  /** Collection, sorting and demagnetising per t of scrap, USD (the scrap's cost at the recycler's gate). */
  collectionCostUsdPerT: z.number().min(0),
  ...provenance,
});

/**
 * A recycling route: short loop (scrap back to magnet alloy, i.e. metal, by hydrogen decrepitation
 * and re-melting) or long loop (scrap dissolved and separated back to oxides).
 */
export const RecyclingRouteSchema = z.object({
  id: IdSchema,
  name: z.string(),
  kind: z.enum(['short_loop', 'long_loop']),
  /** Scrap products (magnet grades) the route takes. */
  inputProducts: z.array(IdSchema).min(1),
  /** t of each product recovered per t of scrap (metals for the short loop, oxides for the long loop). */
  yieldsTPerT: z.record(IdSchema, z.number().min(0).max(1)),
  /** Processing per t of scrap, USD. */
  processingCostUsdPerT: z.number().min(0),
  ...provenance,
});

/** A plant that runs recycling routes; capacity in t of scrap per year. */
export const RecyclingPlantSchema = z.object({
  id: IdSchema,
  name: z.string(),
  country: IdSchema,
  status: PlantStatusSchema,
  routes: z.array(IdSchema).min(1),
  existingCapacityTpa: StepSeriesSchema.optional(),
  expansion: ExpansionSchema.optional(),
  fixedOpexUsdPerTpaYear: z.number().min(0),
  /** Feed sources that stand for this plant's recycling in the primary data: left out when recycling is on (no double count). */
  replacesSources: z.array(IdSchema).optional(),
  ...provenance,
});

export const DatasetMetaSchema = z.object({
  id: IdSchema,
  title: z.string(),
  description: z.string(),
  currency: z.string(),
  /** The country that sells every product at a price (China). */
  rivalSupplierCountry: IdSchema,
  /** The chain's vocabulary: stages, feed unit, circuit and final-product names. */
  chain: ChainSchema,
  defaults: z.object({
    discountRate: z.number().min(0).max(0.5),
    /** Penalty for a tonne of final demand left unserved, USD/t (prevents infeasibility under bans). */
    unservedPenaltyUsdPerT: z.number().positive(),
    /** Penalty per tonne of untrusted content above a soft target's limit, USD/t. */
    shortfallPenaltyUsdPerT: z.number().positive(),
    /** Transport cost within one country, USD/t. */
    domesticTransportUsdPerT: z.number().min(0),
    /** Share of a new build's capacity in its first online years, per stage (see `ExpansionSchema.rampUpShares`). */
    rampUpSharesByStage: z.record(IdSchema, z.array(z.number().gt(0).max(1)).max(10)).optional(),
    /** Price of a tonne of contracted volume a plant fails to deliver, USD/t (default 250,000). */
    contractBreachPenaltyUsdPerT: z.number().positive().optional(),
    /**
     * When true, any non-rival country may sell what it makes to the rest of the world at the
     * rival's price less transport to the rival (the world market the rival sets): an outlet for
     * allied producers. Off when absent.
     */
    worldMarketSales: z.boolean().optional(),
  }),
  /** How the defaults above were derived (ramp-ups, breach penalty), with the fact ids they draw on. */
  defaultsNote: z.string().optional(),
  source: z.array(CitationSchema).min(1),
});

export const DatasetSchema = z.object({
  meta: DatasetMetaSchema,
  countries: z.array(CountrySchema).min(1),
  products: z.array(ProductSchema).min(1),
  processes: z.array(ProcessSchema),
  sources: z.array(FeedstockSourceSchema),
  plants: z.array(PlantSchema),
  demand: z.array(DemandSchema),
  prices: z.array(PriceSchema),
  transport: z.array(TransportSchema),
  funders: z.array(FunderSchema),
  exportControls: z.array(ExportControlSchema),
  feedTypes: z.array(FeedTypeSchema).default([]),
  laneRules: z.array(LaneRuleSchema).default([]),
  contracts: z.array(ContractSchema).default([]),
  calibration: z.array(CalibrationFigureSchema).default([]),
  stockpiles: z.array(StockpileHolderSchema).default([]),
  scrapStreams: z.array(ScrapStreamSchema).default([]),
  recyclingRoutes: z.array(RecyclingRouteSchema).default([]),
  recyclingPlants: z.array(RecyclingPlantSchema).default([]),
});

export type Dataset = Readonly<z.infer<typeof DatasetSchema>>;
export type Country = z.infer<typeof CountrySchema>;
export type Product = z.infer<typeof ProductSchema>;
export type Process = z.infer<typeof ProcessSchema>;
export type FeedstockSource = z.infer<typeof FeedstockSourceSchema>;
export type Plant = z.infer<typeof PlantSchema>;
export type Demand = z.infer<typeof DemandSchema>;
export type Price = z.infer<typeof PriceSchema>;
export type Transport = z.infer<typeof TransportSchema>;
export type Funder = z.infer<typeof FunderSchema>;
export type ExportControl = z.infer<typeof ExportControlSchema>;
export type StepSeries = z.infer<typeof StepSeriesSchema>;
export type FeedType = z.infer<typeof FeedTypeSchema>;
export type LaneRule = z.infer<typeof LaneRuleSchema>;
export type Contract = z.infer<typeof ContractSchema>;
export type CalibrationFigure = z.infer<typeof CalibrationFigureSchema>;
export type CalibrationMetric = z.infer<typeof CalibrationMetricSchema>;
export type StockpileHolder = z.infer<typeof StockpileHolderSchema>;
export type ScrapStream = z.infer<typeof ScrapStreamSchema>;
export type RecyclingRoute = z.infer<typeof RecyclingRouteSchema>;
export type RecyclingPlant = z.infer<typeof RecyclingPlantSchema>;

/** The file each collection lives in, inside `data/reference/<id>/`. */
export const DATASET_FILES = {
  meta: 'dataset.json',
  countries: 'countries.json',
  products: 'products.json',
  processes: 'processes.json',
  sources: 'sources.json',
  plants: 'plants.json',
  demand: 'demand.json',
  prices: 'prices.json',
  transport: 'transport.json',
  funders: 'funders.json',
  exportControls: 'export-controls.json',
  feedTypes: 'feed-types.json',
  laneRules: 'lane-rules.json',
  contracts: 'contracts.json',
  calibration: 'calibration.json',
  stockpiles: 'stockpiles.json',
  scrapStreams: 'scrap-streams.json',
  recyclingRoutes: 'recycling-routes.json',
  recyclingPlants: 'recycling-plants.json',
} as const;

/** Files a dataset may leave out (their collections are then empty). */
export const OPTIONAL_DATASET_FILES: ReadonlySet<keyof typeof DATASET_FILES> = new Set([
  'feedTypes',
  'laneRules',
  'contracts',
  'calibration',
  'stockpiles',
  'scrapStreams',
  'recyclingRoutes',
  'recyclingPlants',
]);
