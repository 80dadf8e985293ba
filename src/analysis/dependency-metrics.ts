/**
 * Dependency metrics of a solved model, per bloc, product (and so stage) and year: three views of
 * the same flows that planners and the literature use side by side.
 *
 * Notation for a bloc B (a set of countries), product k and year y; every quantity is read from the
 * solved columns by name (`feed`, `make`, `ship`, `buy`, `sell`, `deliver`, `unserved`), in t, and column
 * values with |v| ≤ 1e-6 are taken as 0 (as in the portfolio):
 *
 *   use_o   = Σ_{c∈B} (deliver[c,k,o,y] + Σ_{p in c} a_{r,k} · make[p,r,o,y])      (markets + plant inputs)
 *   U       = Σ_{c∈B} unserved[c,k,y]                                                 (final products only)
 *   P_c     = production of k in country c: Σ feed · assay_k · recovery (separation, heavy k only
 *             with a heavy circuit) or Σ_{r: out_r = k} Σ_o make[p,r,o,y] (metal, magnet)
 *   X_c     = Σ_{b∉B, o} ship[k,o,c,b,y] + Σ_o sell[k,o,c,y]   exports of bloc member c across the
 *             boundary, sales to the rest of the world included
 *   I_c     = Σ_{b∈B, o} ship[k,o,c,b,y] (+ Σ_{b∈B} buy[k,b,y] when c is the rival)   imports from c ∉ B
 *   P = Σ_{c∈B} P_c,   I = Σ_{c∉B} I_c,   X = Σ_{c∈B} X_c      (shipments inside the bloc cancel)
 *
 * (a) Origin-traced untrusted share — the quantity the dependency rows cap (dependency-target.ts)
 *     and the portfolio's `dependency` trajectory reports. In years the model does not split
 *     origins (src/model/origin-split.ts) use_trusted and use_untrusted come from proportional
 *     tracing through the solved flows (origin-tracing.ts); `shareMethod` says which ('optimised'
 *     or 'pooled'):
 *       untrustedShare = (use_untrusted + U) / (use_trusted + use_untrusted + U)
 *     Unserved demand counts as untrusted (a gap is not independence). null when the denominator
 *     is 0 (≤ 1e-6 t).
 *
 * (b) Net import reliance, USGS Mineral Commodity Summaries definition (no stock changes exist in
 *     the model, so the stock term is 0):
 *       netImportsT = I − X;   apparentConsumptionT = P + I − X;
 *       netImportReliancePct = 100 · (I − X) / (P + I − X)
 *     Flow based: content origin plays no part (a Texas magnet from Chinese metal is domestic
 *     production here), and neither does unserved demand. Apparent consumption includes output the
 *     model leaves unused (balance rows are ≥ 0, e.g. NdPr separated for its heavy co-products), so
 *     it can exceed use_trusted + use_untrusted; it is never negative. null when apparent
 *     consumption is 0. A net exporter (X − I > 1e-6 t) has a negative value and
 *     `netExporter: true`; `usgsNotation` is what the USGS tables print: "E" for a net exporter,
 *     "NA" when there is no apparent consumption, otherwise the percentage rounded to an integer.
 *     Since P ≥ 0, the reliance is never above 100 %.
 *
 * (c) Herfindahl-Hirschman index of supplying countries, over the same apparent consumption:
 *       supply_c = max(0, P_c − X_c) for c ∈ B   (a member's production net of its extra-bloc exports)
 *       supply_c = I_c                  for c ∉ B   (purchases from the rival's market count as the rival)
 *       hhi = Σ_c (100 · supply_c / Σ_c' supply_c')²    ∈ [10,000 / n, 10,000], n = suppliers with > 1e-6 t
 *     The supplier is the country the product was made in or shipped from (the immediate supplier
 *     at this stage), not its content's origin: that is what (a) measures. The max(0, ·) matters
 *     only when a member re-exports more than it makes; then Σ supply exceeds apparent consumption.
 *     null when nothing is supplied.
 *
 * Blocs: the scenario's trusted countries (`trusted`), each distinct target bloc (id: its country
 * ids sorted and joined by '+', e.g. `AU+IN+JP+US`, with the targets that use it), and each
 * country that is in a target bloc or has final demand (id: the country id). A country set is
 * listed once, under the first of these kinds. Every product of the dataset is reported for every
 * bloc and year, with zeros and nulls where nothing flows.
 *
 * Pure: reads the instance, the model's column names and a vector of column values. Call it once
 * for the portfolio and once for the "no new builds" baseline (its own instance and model).
 */
import type { LinearModel } from '../model/builder.js';
import { shareMethod, tracedColumns, tracedOrigin, type ShareMethod } from './origin-tracing.js';
import type { Instance } from '../model/instance.js';
import { stageOrderOf } from '../data/chain.js';
import { feedYields } from '../model/feed-yield.js';
import type { BlocKind, DependencyMetricPoint, DependencyMetrics, DependencySummaryRow } from '../schemas/dependency-metrics.js';

export type {
  BlocDependencyMetrics,
  BlocKind,
  DependencyMetricPoint,
  DependencyMetrics,
  DependencySummaryRow,
  ProductDependencyMetrics,
  SupplierShare,
} from '../schemas/dependency-metrics.js';

/** Column values and tonnages at or below this are treated as zero (t). */
const EPS = 1e-6;

/** Everything that moved of one product in one year, by country. */
export interface ProductYearFlows {
  /** `${origin}|${country}` → t used (deliveries + plant inputs). */
  readonly use: Map<string, number>;
  readonly unserved: Map<string, number>;
  readonly production: Map<string, number>;
  /** `${from}|${to}` → t shipped (both origins). */
  readonly ships: Map<string, number>;
  /** country → t bought from the rival. */
  readonly buys: Map<string, number>;
  /** country → t sold to the rest of the world (world-market sales). */
  readonly sells: Map<string, number>;
}

const add = (map: Map<string, number>, key: string, value: number) => map.set(key, (map.get(key) ?? 0) + value);

/** Every flow of the solved model by product and year (`product|year` keys). */
export function collectFlows(instance: Instance, model: LinearModel, columnValues: Float64Array): Map<string, ProductYearFlows> {
  const flows = new Map<string, ProductYearFlows>();
  const at = (product: string, year: string | number): ProductYearFlows => {
    const key = `${product}|${year}`;
    let entry = flows.get(key);
    if (!entry) flows.set(key, (entry = { use: new Map(), unserved: new Map(), production: new Map(), ships: new Map(), buys: new Map(), sells: new Map() }));
    return entry;
  };
  const plants = new Map(instance.plants.map((p) => [p.id, p]));
  const sources = new Map(instance.sources.map((s) => [s.id, s]));
  // Columns of years without an origin split come as their traced trusted and untrusted parts (origin-tracing.ts).
  for (const parsed of tracedColumns(instance, model, columnValues)) {
    const value = parsed.value;
    if (Math.abs(value) <= EPS) continue;
    switch (parsed.family) {
      case 'feed': {
        const { source: sourceId, plant: plantId, year } = parsed.index;
        const source = sources.get(sourceId);
        const plant = plants.get(plantId);
        if (!source || !plant) continue;
        for (const [product, rate] of feedYields(instance, source, plant, year)) add(at(product, year).production, plant.country, value * rate);
        continue;
      }
      case 'make': {
        const { plant: plantId, process: processId, origin, year } = parsed.index;
        const plant = plants.get(plantId);
        const process = instance.processes.get(processId);
        if (!plant || !process) continue;
        add(at(process.output, year).production, plant.country, value);
        for (const [input, perTonne] of Object.entries(process.inputsTPerT))
          add(at(input, year).use, `${tracedOrigin(origin)}|${plant.country}`, perTonne * value);
        continue;
      }
      case 'ship': {
        const { product, from, to, year } = parsed.index;
        add(at(product, year).ships, `${from}|${to}`, value);
        continue;
      }
      case 'buy': {
        const { product, country, year } = parsed.index;
        add(at(product, year).buys, country, value);
        continue;
      }
      case 'sell': {
        const { product, country, year } = parsed.index;
        add(at(product, year).sells, country, value);
        continue;
      }
      case 'deliver': {
        const { country, product, origin, year } = parsed.index;
        add(at(product, year).use, `${tracedOrigin(origin)}|${country}`, value);
        continue;
      }
      case 'unserved': {
        const { country, product, year } = parsed.index;
        add(at(product, year).unserved, country, value);
        continue;
      }
    }
  }
  return flows;
}

function usgsNotation(reliancePct: number | null, netExporter: boolean): string {
  if (netExporter) return 'E';
  if (reliancePct === null) return 'NA';
  // Math.round(-0.4) is -0; print it as 0.
  return String(Math.round(reliancePct) || 0);
}

/**
 * The three metrics for one bloc, product and year; `method` says how the origin split of that
 * year's flows was found (origin-tracing.ts: `shareMethod(model, year)`).
 */
export function pointFor(
  bloc: ReadonlySet<string>,
  rival: string,
  year: number,
  flows: ProductYearFlows | undefined,
  method: ShareMethod = 'optimised',
): DependencyMetricPoint {
  let trustedT = 0;
  let untrustedUseT = 0;
  let unservedT = 0;
  let productionT = 0;
  let importsT = 0;
  let exportsT = 0;
  const supply = new Map<string, number>();
  if (flows) {
    for (const [key, tonnes] of flows.use) {
      const [origin, country] = key.split('|') as [string, string];
      if (!bloc.has(country)) continue;
      if (origin === 'trusted') trustedT += tonnes;
      else untrustedUseT += tonnes;
    }
    for (const [country, tonnes] of flows.unserved) if (bloc.has(country)) unservedT += tonnes;
    const exportsBy = new Map<string, number>();
    for (const [key, tonnes] of flows.ships) {
      const [from, to] = key.split('|') as [string, string];
      if (bloc.has(from) && !bloc.has(to)) {
        exportsT += tonnes;
        add(exportsBy, from, tonnes);
      } else if (!bloc.has(from) && bloc.has(to)) {
        importsT += tonnes;
        add(supply, from, tonnes);
      }
    }
    for (const [country, tonnes] of flows.buys) {
      if (!bloc.has(country)) continue;
      importsT += tonnes;
      add(supply, rival, tonnes);
    }
    // Sales to the rest of the world leave the bloc: exports.
    for (const [country, tonnes] of flows.sells) {
      if (!bloc.has(country)) continue;
      exportsT += tonnes;
      add(exportsBy, country, tonnes);
    }
    for (const [country, tonnes] of flows.production) {
      if (!bloc.has(country)) continue;
      productionT += tonnes;
      supply.set(country, Math.max(0, tonnes - (exportsBy.get(country) ?? 0)));
    }
    // A member that exports without producing (re-exports) supplies nothing: max(0, 0 − X_c).
  }
  const consumptionT = trustedT + untrustedUseT + unservedT;
  const untrustedT = untrustedUseT + unservedT;
  const netImportsT = importsT - exportsT;
  const apparentConsumptionT = Math.max(0, productionT + netImportsT);
  const netExporter = -netImportsT > EPS;
  const netImportReliancePct = apparentConsumptionT > EPS ? (100 * netImportsT) / apparentConsumptionT : null;
  const suppliedTotal = [...supply.values()].filter((t) => t > EPS).reduce((s, t) => s + t, 0);
  const suppliers = [...supply]
    .filter(([, t]) => t > EPS)
    .map(([country, suppliedT]) => ({ country, suppliedT, sharePct: (100 * suppliedT) / suppliedTotal }))
    .sort((a, b) => b.suppliedT - a.suppliedT || a.country.localeCompare(b.country));
  return {
    year,
    consumptionT,
    untrustedT,
    unservedT,
    untrustedShare: consumptionT > EPS ? untrustedT / consumptionT : null,
    shareMethod: method,
    productionT,
    importsT,
    exportsT,
    netImportsT,
    apparentConsumptionT,
    netImportReliancePct,
    netExporter,
    usgsNotation: usgsNotation(netImportReliancePct, netExporter),
    suppliers,
    hhi: suppliers.length ? suppliers.reduce((s, x) => s + x.sharePct * x.sharePct, 0) : null,
  };
}

interface BlocSpec {
  bloc: string;
  kind: BlocKind;
  countries: string[];
  targets: string[];
}

/** The blocs reported for an instance, in order: trusted, target blocs, countries. */
export function metricBlocs(instance: Instance): BlocSpec[] {
  const order = new Map(instance.countries.map((c, i) => [c, i]));
  const sorted = (countries: Iterable<string>) => [...new Set(countries)].sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0) || a.localeCompare(b));
  const byKey = new Map<string, BlocSpec>();
  const addBloc = (kind: BlocKind, countries: string[], id: (cs: string[]) => string) => {
    const key = [...countries].sort().join('+');
    const existing = byKey.get(key);
    if (existing) return existing;
    const spec: BlocSpec = { bloc: id(countries), kind, countries, targets: [] };
    byKey.set(key, spec);
    return spec;
  };
  addBloc('trusted', sorted(instance.trusted), () => 'trusted');
  for (const target of instance.targets) {
    const countries = sorted(target.bloc);
    const spec = addBloc('target', countries, (cs) => [...cs].sort().join('+'));
    spec.targets.push(target.id);
  }
  const single = sorted([...instance.targets.flatMap((t) => t.bloc), ...instance.demandCountries]);
  for (const country of single) addBloc('country', [country], () => country);
  return [...byKey.values()];
}

/**
 * Dependency metrics of one solved model (see the definitions at the top of this file).
 * `columnValues` is the solver's column vector for `model` (the portfolio's or the baseline's).
 */
export function dependencyMetrics(instance: Instance, model: LinearModel, columnValues: Float64Array): DependencyMetrics {
  const flows = collectFlows(instance, model, columnValues);
  const products = [...instance.products.values()];
  const stageOrder = stageOrderOf(instance.dataset.meta.chain);
  products.sort((a, b) => stageOrder.indexOf(a.stage) - stageOrder.indexOf(b.stage));
  const blocs = metricBlocs(instance).map((spec) => {
    const members = new Set(spec.countries);
    return {
      ...spec,
      products: products.map((product) => ({
        product: product.id,
        stage: product.stage,
        final: product.final,
        points: instance.years.map((year) => pointFor(members, instance.rival, year, flows.get(`${product.id}|${year}`), shareMethod(model, year))),
      })),
    };
  });
  const summary: DependencySummaryRow[] = [];
  for (const bloc of blocs) {
    if (bloc.kind === 'country') continue;
    for (const product of bloc.products) {
      for (const point of product.points) {
        if (point.consumptionT <= EPS && point.apparentConsumptionT <= EPS && !point.netExporter) continue;
        const top = point.suppliers[0];
        summary.push({
          bloc: bloc.bloc,
          product: product.product,
          stage: product.stage,
          year: point.year,
          untrustedShare: point.untrustedShare,
          shareMethod: point.shareMethod,
          netImportReliancePct: point.netImportReliancePct,
          usgsNotation: point.usgsNotation,
          hhi: point.hhi,
          topSupplier: top?.country ?? null,
          topSupplierSharePct: top?.sharePct ?? null,
        });
      }
    }
  }
  // Stable: within a year, rows keep the bloc and product order above.
  summary.sort((a, b) => a.year - b.year);
  return {
    rival: instance.rival,
    trustedCountries: [...instance.trusted].sort(),
    years: [...instance.years],
    blocs,
    summary,
  };
}

/** One row of the side-by-side table: the same bloc, product and year before and after. */
export interface DependencyComparisonRow {
  bloc: string;
  product: string;
  stage: DependencySummaryRow['stage'];
  year: number;
  baseline: DependencySummaryRow | null;
  portfolio: DependencySummaryRow | null;
}

/**
 * Joins the baseline's and the portfolio's summaries by (bloc, product, year), for a report table
 * with "no new builds" and "portfolio" columns. A side is null where that solve had nothing to say.
 */
export function compareDependencyMetrics(baseline: DependencyMetrics | null, portfolio: DependencyMetrics): DependencyComparisonRow[] {
  const key = (r: DependencySummaryRow) => `${r.bloc}|${r.product}|${r.year}`;
  const rows = new Map<string, DependencyComparisonRow>();
  for (const [side, metrics] of [
    ['baseline', baseline],
    ['portfolio', portfolio],
  ] as const) {
    for (const r of metrics?.summary ?? []) {
      const row = rows.get(key(r)) ?? { bloc: r.bloc, product: r.product, stage: r.stage, year: r.year, baseline: null, portfolio: null };
      row[side] = r;
      rows.set(key(r), row);
    }
  }
  const blocOrder = new Map(portfolio.blocs.map((b, i) => [b.bloc, i]));
  const productOrder = new Map((portfolio.blocs[0]?.products ?? []).map((p, i) => [p.product, i]));
  return [...rows.values()].sort(
    (a, b) =>
      a.year - b.year || (blocOrder.get(a.bloc) ?? 0) - (blocOrder.get(b.bloc) ?? 0) || (productOrder.get(a.product) ?? 0) - (productOrder.get(b.product) ?? 0),
  );
}
