/**
 * Resolves a validated scenario against its dataset into an `Instance`: the read-only sets and
 * parameters the formulation reads. Overrides are merged and re-validated here, and every id
 * the scenario mentions is checked; unknown ids are reported with their JSON path. After this
 * step nothing downstream re-checks input.
 */
import { z } from 'zod';
import {
  ContractSchema,
  FEED_PRODUCT,
  FeedstockSourceSchema,
  FunderSchema,
  LaneRuleSchema,
  PlantSchema,
  DemandSchema,
  PriceSchema,
  type Contract,
  type Dataset,
  type FeedType,
  type FeedstockSource,
  type LaneRule,
  type Plant,
  type Process,
  type Product,
  type StepSeries,
  type Stage,
} from '../data/schema.js';
import type { Scenario, SolverOptions } from '../schemas/scenario.js';

export type Origin = 'trusted' | 'untrusted';
export const ORIGINS: readonly Origin[] = ['trusted', 'untrusted'];

/** The pseudo product id closed lanes, lane rules and export controls use for concentrate (feed). */
export const CONCENTRATE = FEED_PRODUCT;

export interface ScenarioIssue {
  /** JSON path inside the scenario, e.g. `overrides.plants.us_mp_10x.expansion.capexUsdPerTpa`. */
  path: string;
  message: string;
}

export class ScenarioError extends Error {
  constructor(readonly issues: readonly ScenarioIssue[]) {
    super('the scenario is not valid for its dataset:\n' + issues.map((i) => `- ${i.path}: ${i.message}`).join('\n'));
    this.name = 'ScenarioError';
  }
}

export interface ResolvedTarget {
  id: string;
  index: number;
  bloc: readonly string[];
  product: string;
  years: readonly number[];
  maxUntrustedShare: number;
  hard: boolean;
  penaltyUsdPerT: number;
}

export interface ResolvedFunder {
  id: string;
  name: string;
  totalUsd: number;
  perYearUsd?: number;
  eligibleCountries: ReadonlySet<string>;
  eligibleStages: ReadonlySet<Stage>;
  maxShareOfCapex: number;
}

/** A contract in force in the scenario (active, its plant present), with its years inside the horizon. */
export interface ResolvedContract {
  readonly id: string;
  readonly name: string;
  readonly plant: Plant;
  /** The contracted product; absent: the plant's whole output (activity). */
  readonly product?: string;
  /** Country the contracted tonnes go to; equal to the plant's country when the buyer is local or absent. */
  readonly buyerCountry: string;
  readonly years: readonly number[];
  /** Firm tonnes in a year (0 when the contract has no volume). */
  minTonnes(year: number): number;
  readonly minShareOfOutput?: number;
  readonly floorUsdPerT?: number;
  readonly supportUsdPerT?: number;
  readonly payer?: string;
}

export interface Instance {
  readonly scenario: Scenario;
  readonly dataset: Dataset;
  readonly years: readonly number[];
  readonly startYear: number;
  readonly endYear: number;
  readonly discountRate: number;
  readonly rival: string;
  readonly countries: readonly string[];
  readonly trusted: ReadonlySet<string>;
  readonly products: ReadonlyMap<string, Product>;
  readonly processes: ReadonlyMap<string, Process>;
  readonly sources: readonly FeedstockSource[];
  readonly plants: readonly Plant[];
  /** Final demand, t, by `${country}|${product}|${year}`. */
  readonly demand: ReadonlyMap<string, number>;
  readonly demandCountries: readonly string[];
  /** Rival supplier delivered price (excluding transport), USD/t, by product and year; absent when banned. */
  priceUsdPerT(product: string, year: number): number | undefined;
  transportUsdPerT(from: string, to: string): number;
  /** False when the scenario's closed lanes or an active lane rule stop `product` moving from → to in `year`. */
  laneOpen(from: string, to: string, product: string, year: number): boolean;
  /** True when some closed lane or active lane rule can stop `product` on some lane in some year. */
  lanesRestricted(product: string): boolean;
  /** False when an active lane rule (captive feed, closed concentrate lane) or a closed lane stops this feed in `year`. */
  feedAllowed(source: FeedstockSource, plant: Plant, year: number): boolean;
  readonly feedTypes: ReadonlyMap<string, FeedType>;
  readonly contracts: readonly ResolvedContract[];
  readonly contractBreachPenaltyUsdPerT: number;
  /** True when non-rival countries may sell to the rest of the world (dataset `meta.defaults.worldMarketSales`). */
  readonly worldMarketSales: boolean;
  /** The world price the rival sets for a product in a year (its price record, export controls aside), USD/t. */
  worldPriceUsdPerT(product: string, year: number): number | undefined;
  /** Share of a new build's capacity available in its n-th online year (n = 0 for the first). */
  rampShare(plant: Plant, onlineYearIndex: number): number;
  /** True when an active export control of the rival supplier stops sales of `product` in `year`. */
  exportControlled(product: string, year: number): boolean;
  readonly targets: readonly ResolvedTarget[];
  readonly funders: readonly ResolvedFunder[];
  readonly capexPublicShare: number;
  readonly unservedPenaltyUsdPerT: number;
  readonly solver: SolverOptions;
  /** When true the formulation creates no build columns (the "no new builds" baseline). */
  readonly noNewBuilds: boolean;
  /** Stress tests: t/yr of every build by `${plant}|${buildYear}`; every other build is zero. Null: builds are decisions. */
  readonly fixedBuilds: ReadonlyMap<string, number> | null;
  /** True when a scenario outage stops the plant in `year` (it produces nothing). */
  outage(plant: Plant, year: number): boolean;
  /** Near-optimal alternative: the objective is replaced (src/model/concepts/near-optimal.ts). */
  readonly nearOptimal: Scenario['nearOptimal'] | null;
  /**
   * When false the targets are resolved (reports and metrics read their blocs) but not enforced:
   * the formulation adds no dependency rows (the target-free baseline).
   */
  readonly targetsEnforced: boolean;
  discountFactor(year: number): number;
}

function fixedBuildMap(builds: NonNullable<Scenario['fixedBuilds']>): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of builds) out.set(`${b.plant}|${b.buildYear}`, (out.get(`${b.plant}|${b.buildYear}`) ?? 0) + b.capacityTpa);
  return out;
}

/** Value of a step series in a year (0 before its first key). */
export function stepValue(series: StepSeries | undefined, year: number): number {
  if (!series) return 0;
  let value = 0;
  let best = -Infinity;
  for (const [key, v] of Object.entries(series)) {
    const y = Number(key);
    if (y <= year && y > best) {
      best = y;
      value = v;
    }
  }
  return value;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge for override records: objects merge, everything else replaces. */
export function mergeDeep<T>(base: T, patch: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    // Step series are replaced whole: merging years would keep stale steps.
    const isSeries = isPlainObject(value) && Object.keys(value).every((k) => /^\d{4}$/.test(k)) && Object.keys(value).length > 0;
    out[key] = isPlainObject(current) && isPlainObject(value) && !isSeries ? mergeDeep(current, value) : value;
  }
  return out as T;
}

function applyOverrides<T extends object>(
  records: readonly T[],
  key: (record: T) => string,
  overrides: Record<string, Record<string, unknown>>,
  schema: z.ZodType<T>,
  path: string,
  issues: ScenarioIssue[],
): T[] {
  const byId = new Map(records.map((r) => [key(r), r]));
  for (const id of Object.keys(overrides)) {
    if (!byId.has(id)) issues.push({ path: `${path}.${id}`, message: `unknown id '${id}'` });
  }
  return records.map((record) => {
    const patch = overrides[key(record)];
    if (!patch) return record;
    for (const forbidden of ['id', 'source', 'estimate']) {
      if (forbidden in patch) issues.push({ path: `${path}.${key(record)}.${forbidden}`, message: `'${forbidden}' cannot be overridden` });
    }
    const merged = mergeDeep(record, patch);
    const strict = strictSchema(schema, merged);
    const parsed = strict.safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        issues.push({ path: [path, key(record), ...issue.path.map(String)].join('.'), message: issue.message });
      }
      return record;
    }
    return parsed.data as T;
  });
}

/**
 * The schema an overridden record must match, strict so that a misspelt field is an error, not a
 * silently ignored key. A discriminated union (lane rules) is strict in the member its `kind` picks.
 */
function strictSchema<T>(schema: z.ZodType<T>, record: unknown): z.ZodType<unknown> {
  if (schema instanceof z.ZodObject) return (schema as z.ZodObject).strict();
  if (schema instanceof z.ZodDiscriminatedUnion) {
    const kind = isPlainObject(record) ? record.kind : undefined;
    const member = (schema.options as z.ZodObject[]).find((option) => {
      const literal = option.shape.kind;
      return literal instanceof z.ZodLiteral && literal.values.has(kind as never);
    });
    if (member) return member.strict();
  }
  return schema;
}

export interface ResolveOptions {
  noNewBuilds?: boolean;
  /** Resolve the targets but do not enforce them (the target-free baseline). */
  noTargets?: boolean;
}

export function resolveScenario(scenario: Scenario, dataset: Dataset, options: ResolveOptions = {}): Instance {
  const issues: ScenarioIssue[] = [];
  const { startYear, endYear } = scenario.horizon;
  const years: number[] = [];
  for (let y = startYear; y <= endYear; y++) years.push(y);
  const countryIds = new Set(dataset.countries.map((c) => c.id));
  const productIds = new Set(dataset.products.map((p) => p.id));
  const checkCountry = (path: string, id: string) => {
    if (!countryIds.has(id)) issues.push({ path, message: `unknown country '${id}'` });
  };
  const checkProduct = (path: string, id: string, allowConcentrate = false) => {
    if (!productIds.has(id) && !(allowConcentrate && id === CONCENTRATE)) {
      issues.push({ path, message: `unknown product '${id}'` });
    }
  };
  const o = scenario.overrides;

  const plantIds = new Set(dataset.plants.map((p) => p.id));
  o.excludePlants.forEach((id, i) => {
    if (!plantIds.has(id)) issues.push({ path: `overrides.excludePlants[${i}]`, message: `unknown plant '${id}'` });
  });
  const sourceIds = new Set(dataset.sources.map((s) => s.id));
  o.excludeSources.forEach((id, i) => {
    if (!sourceIds.has(id)) issues.push({ path: `overrides.excludeSources[${i}]`, message: `unknown source '${id}'` });
  });
  const excludedPlants = new Set(o.excludePlants);
  const excludedSources = new Set(o.excludeSources);
  const plants = applyOverrides(dataset.plants, (p) => p.id, o.plants as Record<string, Record<string, unknown>>, PlantSchema as z.ZodType<Plant>, 'overrides.plants', issues).filter(
    (p) => !excludedPlants.has(p.id),
  );
  const sources = applyOverrides(dataset.sources, (s) => s.id, o.sources as Record<string, Record<string, unknown>>, FeedstockSourceSchema as z.ZodType<FeedstockSource>, 'overrides.sources', issues).filter(
    (s) => !excludedSources.has(s.id),
  );
  const demands = applyOverrides(dataset.demand, (d) => d.id, o.demand as Record<string, Record<string, unknown>>, DemandSchema as z.ZodType<Dataset['demand'][number]>, 'overrides.demand', issues);
  const prices = applyOverrides(dataset.prices, (p) => p.product, o.prices as Record<string, Record<string, unknown>>, PriceSchema as z.ZodType<Dataset['prices'][number]>, 'overrides.prices', issues);
  const laneRules = applyOverrides(dataset.laneRules, (r) => r.id, o.laneRules as Record<string, Record<string, unknown>>, LaneRuleSchema as unknown as z.ZodType<LaneRule>, 'overrides.laneRules', issues);
  const contractRecords = applyOverrides(dataset.contracts, (c) => c.id, o.contracts as Record<string, Record<string, unknown>>, ContractSchema as z.ZodType<Contract>, 'overrides.contracts', issues);
  const datasetFunders = applyOverrides(dataset.funders, (f) => f.id, o.funders as Record<string, Record<string, unknown>>, FunderSchema as z.ZodType<Dataset['funders'][number]>, 'overrides.funders', issues);

  o.closedLanes.forEach((lane, i) => {
    checkCountry(`overrides.closedLanes[${i}].from`, lane.from);
    checkCountry(`overrides.closedLanes[${i}].to`, lane.to);
    lane.products?.forEach((p, j) => checkProduct(`overrides.closedLanes[${i}].products[${j}]`, p, true));
  });
  o.exportControls.forEach((control, i) => {
    control.products.forEach((p, j) => checkProduct(`overrides.exportControls[${i}].products[${j}]`, p, true));
    if (control.toYear !== undefined && control.toYear < control.fromYear) {
      issues.push({ path: `overrides.exportControls[${i}].toYear`, message: 'toYear is before fromYear' });
    }
  });
  const checkYears = (path: string, from: number, to: number) => {
    if (to < from) issues.push({ path: `${path}.toYear`, message: 'toYear is before fromYear' });
  };
  o.closedLanes.forEach((lane, i) => {
    if (lane.fromYear !== undefined && lane.toYear !== undefined) checkYears(`overrides.closedLanes[${i}]`, lane.fromYear, lane.toYear);
  });
  o.outages?.forEach((outage, i) => {
    outage.plants?.forEach((id, j) => {
      if (!plantIds.has(id)) issues.push({ path: `overrides.outages[${i}].plants[${j}]`, message: `unknown plant '${id}'` });
    });
    outage.countries?.forEach((id, j) => checkCountry(`overrides.outages[${i}].countries[${j}]`, id));
    if (!outage.plants?.length && !outage.countries?.length) issues.push({ path: `overrides.outages[${i}]`, message: 'name plants or countries' });
    checkYears(`overrides.outages[${i}]`, outage.fromYear, outage.toYear);
  });
  o.priceChanges?.forEach((change, i) => {
    change.products.forEach((p, j) => checkProduct(`overrides.priceChanges[${i}].products[${j}]`, p));
    if ((change.usdPerT === undefined) === (change.factor === undefined)) issues.push({ path: `overrides.priceChanges[${i}]`, message: 'give exactly one of usdPerT and factor' });
    checkYears(`overrides.priceChanges[${i}]`, change.fromYear, change.toYear);
  });
  o.demandChanges?.forEach((change, i) => {
    change.countries?.forEach((id, j) => checkCountry(`overrides.demandChanges[${i}].countries[${j}]`, id));
    change.products?.forEach((p, j) => checkProduct(`overrides.demandChanges[${i}].products[${j}]`, p));
    checkYears(`overrides.demandChanges[${i}]`, change.fromYear, change.toYear);
  });
  const plantById = new Map(dataset.plants.map((p) => [p.id, p]));
  scenario.fixedBuilds?.forEach((b, i) => {
    const plant = plantById.get(b.plant);
    if (!plant) issues.push({ path: `fixedBuilds[${i}].plant`, message: `unknown plant '${b.plant}'` });
    else if (!plant.expansion) issues.push({ path: `fixedBuilds[${i}].plant`, message: `plant '${b.plant}' cannot be built` });
    if (b.buildYear < startYear || b.buildYear > endYear) issues.push({ path: `fixedBuilds[${i}].buildYear`, message: `year ${b.buildYear} is outside the horizon ${startYear}-${endYear}` });
  });
  scenario.nearOptimal?.terms.forEach((term, i) => {
    const q = term.quantity;
    if (q.kind === 'new_capacity') q.countries?.forEach((c, j) => checkCountry(`nearOptimal.terms[${i}].quantity.countries[${j}]`, c));
    if (q.kind === 'public_spending') {
      const known = new Set(dataset.funders.map((f) => f.id));
      q.funders?.forEach((f, j) => {
        if (!known.has(f)) issues.push({ path: `nearOptimal.terms[${i}].quantity.funders[${j}]`, message: `unknown funder '${f}'` });
      });
    }
  });
  const controlIds = new Set(dataset.exportControls.map((c) => c.id));
  o.applyExportControls.forEach((id, i) => {
    if (!controlIds.has(id)) issues.push({ path: `overrides.applyExportControls[${i}]`, message: `unknown export control '${id}'` });
  });

  const trusted = new Set(scenario.trustedCountries ?? dataset.countries.filter((c) => c.defaultTrusted).map((c) => c.id));
  scenario.trustedCountries?.forEach((id, i) => checkCountry(`trustedCountries[${i}]`, id));
  const rival = dataset.meta.rivalSupplierCountry;
  if (trusted.has(rival)) issues.push({ path: 'trustedCountries', message: `the rival supplier '${rival}' cannot be trusted: its sales are untrusted by definition` });

  const targets: ResolvedTarget[] = scenario.targets.map((target, i) => {
    target.bloc.forEach((c, j) => checkCountry(`targets[${i}].bloc[${j}]`, c));
    checkProduct(`targets[${i}].product`, target.product);
    const until = target.untilYear ?? endYear;
    if (target.year < startYear || target.year > endYear) {
      issues.push({ path: `targets[${i}].year`, message: `year ${target.year} is outside the horizon ${startYear}-${endYear}` });
    }
    if (until < target.year) issues.push({ path: `targets[${i}].untilYear`, message: 'untilYear is before year' });
    const targetYears = years.filter((y) => y >= target.year && y <= until);
    return {
      id: target.id ?? `t${i}`,
      index: i,
      bloc: target.bloc,
      product: target.product,
      years: targetYears,
      maxUntrustedShare: target.maxUntrustedShare,
      hard: target.hard,
      penaltyUsdPerT: target.penaltyUsdPerT ?? dataset.meta.defaults.shortfallPenaltyUsdPerT,
    };
  });
  const targetIds = new Set<string>();
  targets.forEach((t, i) => {
    if (targetIds.has(t.id)) issues.push({ path: `targets[${i}].id`, message: `duplicate target id '${t.id}'` });
    targetIds.add(t.id);
  });

  const funderById = new Map(datasetFunders.map((f) => [f.id, f]));
  const funders: ResolvedFunder[] = [];
  scenario.budgets.forEach((budget, i) => {
    const base = funderById.get(budget.funder);
    if (!base) {
      issues.push({ path: `budgets[${i}].funder`, message: `unknown funder '${budget.funder}'` });
      return;
    }
    budget.eligibleCountries?.forEach((c, j) => checkCountry(`budgets[${i}].eligibleCountries[${j}]`, c));
    if (funders.some((f) => f.id === base.id)) issues.push({ path: `budgets[${i}].funder`, message: `funder '${base.id}' appears twice` });
    const perYear = budget.perYearUsd ?? base.perYearUsd;
    funders.push({
      id: base.id,
      name: base.name,
      totalUsd: budget.totalUsd ?? base.totalUsd,
      ...(perYear !== undefined ? { perYearUsd: perYear } : {}),
      eligibleCountries: new Set(budget.eligibleCountries ?? base.eligibleCountries),
      eligibleStages: new Set(budget.eligibleStages ?? base.eligibleStages),
      maxShareOfCapex: budget.maxShareOfCapex ?? base.maxShareOfCapex,
    });
  });

  if (issues.length) throw new ScenarioError(issues);

  // Canonical order: records sorted by id, so the model (and so the solver's path through ties)
  // does not depend on the order of the records in the dataset files.
  const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  plants.sort(byId);
  sources.sort(byId);
  demands.sort(byId);

  const demand = new Map<string, number>();
  const demandCountries = new Set<string>();
  for (const d of demands) {
    for (const y of years) {
      const total = d.baseTonnes * Math.pow(1 + d.growthRatePerYear, y - d.baseYear);
      for (const [product, share] of Object.entries(d.gradeMix)) {
        if (share <= 0) continue;
        const key = `${d.country}|${product}|${y}`;
        const factor = (o.demandChanges ?? [])
          .filter((c) => y >= c.fromYear && y <= c.toYear && (!c.countries || c.countries.includes(d.country)) && (!c.products || c.products.includes(product)))
          .reduce((f, c) => f * c.factor, 1);
        demand.set(key, (demand.get(key) ?? 0) + total * share * factor);
        demandCountries.add(d.country);
      }
    }
  }

  const priceByProduct = new Map(prices.map((p) => [p.product, p]));
  const activeControls = [
    ...dataset.exportControls
      .filter((c) => c.activeByDefault || o.applyExportControls.includes(c.id))
      .map((c) => ({ products: c.products, fromYear: c.fromYear, toYear: c.toYear })),
    ...o.exportControls,
  ];
  const rivalPrice = (product: string, year: number): number | undefined => {
    const record = priceByProduct.get(product);
    if (!record) return undefined;
    let price = stepValue(record.priceUsdPerT, year);
    for (const change of o.priceChanges ?? []) {
      if (!change.products.includes(product) || year < change.fromYear || year > change.toYear) continue;
      price = change.usdPerT !== undefined ? change.usdPerT : price * (change.factor ?? 1);
    }
    return price;
  };
  const banned = (product: string, year: number) =>
    activeControls.some((c) => c.products.includes(product) && year >= c.fromYear && (c.toYear === undefined || year <= c.toYear));

  const transport = new Map(dataset.transport.map((t) => [`${t.from}|${t.to}`, t.usdPerT]));
  const closed = o.closedLanes;
  const discountRate = scenario.discountRate ?? dataset.meta.defaults.discountRate;
  const inForce = (rule: LaneRule, year: number) => rule.active && year >= rule.fromYear && (rule.toYear === undefined || year <= rule.toYear);
  const activeRules = laneRules.filter((r) => r.active);
  // Fast paths: most products and sources are touched by no rule and no closed lane.
  const restrictedProducts = new Set<string>([
    ...closed.flatMap((l) => l.products ?? [...dataset.products.map((p) => p.id), CONCENTRATE]),
    ...activeRules.flatMap((r) => (r.kind === 'closed_lane' ? r.products : [])),
  ]);
  const captiveBySource = new Map<string, LaneRule[]>();
  for (const rule of activeRules) if (rule.kind === 'captive_feed') captiveBySource.set(rule.sourceId, [...(captiveBySource.get(rule.sourceId) ?? []), rule]);
  const concentrateRules = activeRules.filter((r) => r.kind === 'closed_lane' && r.products.includes(CONCENTRATE));
  const discountFactors = years.map((y) => Math.pow(1 + discountRate, -(y - startYear)));
  const scenarioClosed = (from: string, to: string, product: string, year: number) =>
    closed.some(
      (l) =>
        l.from === from &&
        l.to === to &&
        (!l.products || l.products.includes(product)) &&
        (l.fromYear === undefined || year >= l.fromYear) &&
        (l.toYear === undefined || year <= l.toYear),
    );
  const ruleCloses = (rule: LaneRule, from: string, to: string, product: string, sourceId?: string) =>
    rule.kind === 'closed_lane' &&
    from !== to &&
    rule.products.includes(product) &&
    (!rule.from || rule.from.includes(from)) &&
    (!rule.to || rule.to.includes(to)) &&
    !(sourceId !== undefined && rule.exceptSources?.includes(sourceId));
  const plantIdsInScenario = new Set(plants.map((p) => p.id));
  const contracts: ResolvedContract[] = contractRecords
    .filter((c) => c.active && plantIdsInScenario.has(c.plant))
    .map((c) => {
      const plant = plants.find((p) => p.id === c.plant)!;
      // A contract binds committed capacity: years in which the plant exists in the data. On an
      // option (no existing capacity yet) it waits until a scenario or the data makes it committed.
      const contractYears = years.filter((y) => y >= c.fromYear && y <= c.toYear && stepValue(plant.existingCapacityTpa, y) > 0);
      return {
        id: c.id,
        name: c.name,
        plant,
        ...(c.product !== undefined ? { product: c.product } : {}),
        buyerCountry: c.buyerCountry ?? plant.country,
        years: contractYears,
        minTonnes: (year: number) => stepValue(c.minTonnesPerYear, year),
        ...(c.minShareOfOutput !== undefined ? { minShareOfOutput: c.minShareOfOutput } : {}),
        ...(c.floorUsdPerT !== undefined ? { floorUsdPerT: c.floorUsdPerT } : {}),
        ...(c.supportUsdPerT !== undefined ? { supportUsdPerT: c.supportUsdPerT } : {}),
        ...(c.payer !== undefined ? { payer: c.payer } : {}),
      };
    })
    .filter((c) => c.years.length > 0)
    .sort(byId);
  const rampByStage = dataset.meta.defaults.rampUpSharesByStage ?? {};

  return {
    scenario,
    dataset,
    years,
    startYear,
    endYear,
    discountRate,
    rival,
    countries: dataset.countries.map((c) => c.id),
    trusted,
    products: new Map(dataset.products.map((p) => [p.id, p])),
    processes: new Map(dataset.processes.map((p) => [p.id, p])),
    sources,
    plants,
    demand,
    demandCountries: [...demandCountries].sort(),
    priceUsdPerT(product, year) {
      if (banned(product, year)) return undefined;
      return rivalPrice(product, year);
    },
    transportUsdPerT(from, to) {
      if (from === to) return dataset.meta.defaults.domesticTransportUsdPerT;
      const cost = transport.get(`${from}|${to}`);
      if (cost === undefined) throw new Error(`no transport cost from ${from} to ${to} in dataset ${dataset.meta.id}`);
      return cost;
    },
    laneOpen(from, to, product, year) {
      if (!restrictedProducts.has(product)) return true;
      if (scenarioClosed(from, to, product, year)) return false;
      return !activeRules.some((rule) => inForce(rule, year) && ruleCloses(rule, from, to, product));
    },
    lanesRestricted(product) {
      return (
        closed.some((l) => !l.products || l.products.includes(product)) ||
        activeRules.some((rule) => rule.kind === 'closed_lane' && rule.products.includes(product))
      );
    },
    feedAllowed(source, plant, year) {
      for (const rule of captiveBySource.get(source.id) ?? []) {
        if (inForce(rule, year) && rule.kind === 'captive_feed' && !rule.plants.includes(plant.id)) return false;
      }
      if (!restrictedProducts.has(CONCENTRATE)) return true;
      if (scenarioClosed(source.country, plant.country, CONCENTRATE, year)) return false;
      return !concentrateRules.some((rule) => inForce(rule, year) && ruleCloses(rule, source.country, plant.country, CONCENTRATE, source.id));
    },
    feedTypes: new Map(dataset.feedTypes.map((f) => [f.id, f])),
    contracts,
    contractBreachPenaltyUsdPerT: dataset.meta.defaults.contractBreachPenaltyUsdPerT ?? 250_000,
    worldMarketSales: dataset.meta.defaults.worldMarketSales ?? false,
    worldPriceUsdPerT(product, year) {
      return rivalPrice(product, year);
    },
    rampShare(plant, index) {
      const shares = plant.expansion?.rampUpShares ?? rampByStage[plant.stage] ?? [];
      return index < shares.length ? shares[index]! : 1;
    },
    exportControlled: banned,
    targets,
    funders,
    capexPublicShare: scenario.capexPublicShare,
    unservedPenaltyUsdPerT: dataset.meta.defaults.unservedPenaltyUsdPerT,
    solver: scenario.solver,
    noNewBuilds: options.noNewBuilds ?? false,
    targetsEnforced: !(options.noTargets ?? false) && scenario.enforceTargets !== false,
    fixedBuilds: scenario.fixedBuilds && !options.noNewBuilds ? fixedBuildMap(scenario.fixedBuilds) : null,
    outage(plant, year) {
      return (o.outages ?? []).some(
        (x) => year >= x.fromYear && year <= x.toYear && (x.plants?.includes(plant.id) || x.countries?.includes(plant.country)),
      );
    },
    nearOptimal: options.noNewBuilds ? null : (scenario.nearOptimal ?? null),
    discountFactor(year) {
      return discountFactors[year - startYear] ?? Math.pow(1 + discountRate, -(year - startYear));
    },
  };
}

