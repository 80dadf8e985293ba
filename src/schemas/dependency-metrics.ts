/**
 * The shape of the dependency metrics a report carries (see `analysis/dependency-metrics.ts` for
 * the notation and how each number is computed from a solved model). The contract lives here, with
 * the other response schemas; the analysis imports it, so schemas never depend on the analysis.
 */
import { z } from 'zod';
import { StageSchema } from '../data/schema.js';
import { ShareMethodSchema } from './share-method.js';

export const BlocKindSchema = z.enum(['trusted', 'target', 'country']);

export const SupplierShareSchema = z.object({
  country: z.string(),
  suppliedT: z.number().describe('Production net of extra-bloc exports (members) or shipments and purchases into the bloc (others).'),
  sharePct: z.number().describe('100 · suppliedT / Σ suppliedT.'),
});

export const DependencyMetricPointSchema = z.object({
  year: z.number().int(),
  consumptionT: z.number().describe('Origin-traced consumption: deliveries to markets + plant inputs + unserved demand.'),
  untrustedT: z.number().describe('Untrusted content consumed, including unserved demand.'),
  unservedT: z.number(),
  untrustedShare: z.number().nullable().describe('untrustedT / consumptionT, in [0, 1]; null when nothing is consumed.'),
  shareMethod: ShareMethodSchema.optional().describe(
    "How untrustedShare was found. Absent in reports stored before the field existed: read it as 'optimised'.",
  ),
  productionT: z.number().describe('Made in the bloc.'),
  importsT: z.number().describe('Shipped into the bloc from outside, plus purchases from the rival.'),
  exportsT: z.number().describe('Shipped from the bloc to countries outside it.'),
  netImportsT: z.number(),
  apparentConsumptionT: z.number().describe('USGS: production + imports − exports (no stock changes in the model).'),
  netImportReliancePct: z
    .number()
    .nullable()
    .describe('USGS: 100 · net imports / apparent consumption; negative for a net exporter; null without apparent consumption.'),
  netExporter: z.boolean(),
  usgsNotation: z.string().describe('As USGS tables print it: "E" (net exporter), "NA" (no apparent consumption) or the rounded percentage.'),
  suppliers: z.array(SupplierShareSchema).describe('Supplying countries, largest first.'),
  hhi: z.number().nullable().describe('Σ sharePct², 0–10,000; null when nothing is supplied.'),
});

export const ProductDependencyMetricsSchema = z.object({
  product: z.string(),
  stage: StageSchema,
  final: z.boolean(),
  points: z.array(DependencyMetricPointSchema).describe('One per year of the horizon.'),
});

export const BlocDependencyMetricsSchema = z.object({
  bloc: z.string().describe('`trusted`, a target bloc (`AU+IN+JP+US`) or a country id.'),
  kind: BlocKindSchema,
  countries: z.array(z.string()),
  targets: z.array(z.string()).describe('Ids of the dependency targets whose bloc is exactly these countries.'),
  products: z.array(ProductDependencyMetricsSchema),
});

export const DependencySummaryRowSchema = z.object({
  bloc: z.string(),
  product: z.string(),
  stage: StageSchema,
  year: z.number().int(),
  untrustedShare: z.number().nullable(),
  shareMethod: ShareMethodSchema.optional().describe(
    "How untrustedShare was found. Absent in reports stored before the field existed: read it as 'optimised'.",
  ),
  netImportReliancePct: z.number().nullable(),
  usgsNotation: z.string(),
  hhi: z.number().nullable(),
  topSupplier: z.string().nullable(),
  topSupplierSharePct: z.number().nullable(),
});

export const DependencyMetricsSchema = z.object({
  rival: z.string(),
  trustedCountries: z.array(z.string()),
  years: z.array(z.number().int()),
  blocs: z.array(BlocDependencyMetricsSchema),
  summary: z
    .array(DependencySummaryRowSchema)
    .describe('Trusted and target blocs only; product-years where the bloc neither consumes nor supplies anything are left out.'),
});

export type BlocKind = z.infer<typeof BlocKindSchema>;
export type SupplierShare = z.infer<typeof SupplierShareSchema>;
export type DependencyMetricPoint = z.infer<typeof DependencyMetricPointSchema>;
export type ProductDependencyMetrics = z.infer<typeof ProductDependencyMetricsSchema>;
export type BlocDependencyMetrics = z.infer<typeof BlocDependencyMetricsSchema>;
export type DependencySummaryRow = z.infer<typeof DependencySummaryRowSchema>;
export type DependencyMetrics = z.infer<typeof DependencyMetricsSchema>;
