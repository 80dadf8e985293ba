/**
 * The reference dataset's contract (zod). A dataset is a folder of JSON files under
 * `data/reference/<id>/`; `loadDataset` validates every file against these schemas once,
 * and the rest of the code trusts the typed, read-only result.
 *
 * Every record carries `source` (one or more citations) and `estimate` (true when a figure
 * was derived rather than published). A record without a source is rejected.
 *
 * Units are in field names: `Tpa` = tonnes per year, `UsdPerT` = US dollars per tonne,
 * `UsdPerTpa` = US dollars per tonne-per-year of capacity. Capacity units depend on the stage
 * (see `StageSchema`): separation plants are sized in t TREO of feed per year, metal plants in
 * t of metal per year, magnet plants in t of finished magnet per year.
 */
import { z } from 'zod';

/** Ids appear inside variable and constraint names (`build[us_greenfield_magnet,2027]`), so they are restricted. */
export const IdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_.-]+$/, 'ids may only contain letters, digits, "_", "." and "-"')
  .max(64);

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

export const StageSchema = z.enum(['separation', 'metal', 'magnet']);
export type Stage = z.infer<typeof StageSchema>;

export const ProductSchema = z.object({
  id: IdSchema,
  name: z.string(),
  /** Stage whose plants make this product. */
  stage: StageSchema,
  /** Heavy products (Dy, Tb oxide) come out of separation only where a plant has a heavy circuit. */
  heavy: z.boolean().default(false),
  /** True for products bought by end users (magnets): demand is stated in these. */
  final: z.boolean().default(false),
  ...provenance,
});

/** A metal or magnet recipe: one tonne of `output` consumes `inputsTPerT[k]` tonnes of each input k. */
export const ProcessSchema = z.object({
  id: IdSchema,
  stage: z.enum(['metal', 'magnet']),
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
  /** Concentrate available, t TREO per year (step series). */
  supplyTreoTpa: StepSeriesSchema,
  /** Tonnes TREO per year already committed to buyers outside the model (e.g. a Chinese offtake), step series. */
  committedTreoTpa: StepSeriesSchema.optional(),
  /** Share of TREO that is each separable product (t product oxide per t TREO), e.g. { ndpr_oxide: 0.2 }. */
  assay: z.record(IdSchema, z.number().min(0).max(1)),
  /** Cost of one tonne TREO of concentrate at the mine gate, USD. */
  costUsdPerTTreo: z.number().min(0),
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
  /** Separation only: share of each assayed product recovered as separated oxide. */
  recoveryRate: z.number().min(0).max(1).optional(),
  /** Separation only: can it separate heavy products (Dy, Tb)? */
  heavyCircuit: z.boolean().optional(),
  /** Metal and magnet only: recipes (process ids) the plant can run. */
  processes: z.array(IdSchema).optional(),
  ...provenance,
});

export const DemandSchema = z.object({
  id: IdSchema,
  country: IdSchema,
  /** Total finished-magnet demand in `baseYear`, t. */
  baseYear: YearSchema,
  baseTonnes: z.number().min(0),
  growthRatePerYear: z.number().min(-0.5).max(1),
  /** Share of the demand in each final product (magnet grade); shares sum to 1. */
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

export const DatasetMetaSchema = z.object({
  id: IdSchema,
  title: z.string(),
  description: z.string(),
  currency: z.string(),
  /** The country that sells every product at a price (China). */
  rivalSupplierCountry: IdSchema,
  defaults: z.object({
    discountRate: z.number().min(0).max(0.5),
    /** Penalty for a tonne of final demand left unserved, USD/t (prevents infeasibility under bans). */
    unservedPenaltyUsdPerT: z.number().positive(),
    /** Penalty per tonne of untrusted content above a soft target's limit, USD/t. */
    shortfallPenaltyUsdPerT: z.number().positive(),
    /** Transport cost within one country, USD/t. */
    domesticTransportUsdPerT: z.number().min(0),
  }),
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
} as const;
