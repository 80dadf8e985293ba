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
  type RecyclingRoute,
  type StepSeries,
  type Stage,
} from '../data/schema.js';
import type { Scenario, SolverOptions } from '../schemas/scenario.js';
import { crossReferenceProblems } from '../data/cross-reference.js';
import { ExpressionError, parseConstraintExpression, type ParsedConstraint, type Vocabulary } from './expressions.js';

export type Origin = 'trusted' | 'untrusted';
export const ORIGINS: readonly Origin[] = ['trusted', 'untrusted'];

/** The pseudo product id closed lanes, lane rules and export controls use for concentrate (feed). */
export const CONCENTRATE = FEED_PRODUCT;

export interface ScenarioIssue {
  /** JSON path inside the scenario, e.g. `overrides.plants.us_mp_10x.expansion.capexUsdPerTpa`. */
  path: string;
  message: string;
  /** Custom constraint expressions: 1-based character position of the problem in the text. */
  position?: number;
  /** Custom constraint expressions: what was expected at `position`. */
  expected?: string;
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

/** A custom constraint (scenario `constraints[index]`), parsed against the dataset's vocabulary. */
export interface ResolvedCustomConstraint {
  readonly id: string;
  readonly index: number;
  readonly description?: string;
  readonly expression: string;
  readonly parsed: ParsedConstraint;
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

/** A stockpile holder turned on for one product (scenario `stockpiles[]`). */
export interface ResolvedStockpile {
  /** The holder's id (stockpiles.json). */
  readonly holder: string;
  readonly name: string;
  readonly members: readonly string[];
  /** Country where the stock sits: members elsewhere pay transport to fill and to draw. */
  readonly location: string;
  readonly product: string;
  readonly maxStockT: number;
  readonly fromYear: number;
  readonly envelopeUsd: number;
  /** USD per tonne held through year y (the scenario's figure, or the holder's share of the world price). */
  holdCostUsdPerTYear(year: number): number;
  /** Index in the scenario's `stockpiles` list (for messages). */
  readonly index: number;
}

export interface ResolvedScrapStream {
  readonly id: string;
  readonly country: string;
  readonly kind: 'end_of_life' | 'swarf';
  readonly product: string;
  tonnes(year: number): number;
  readonly collectionCostUsdPerT: number;
}

export interface ResolvedRecyclingPlant {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly status: string;
  readonly routes: readonly RecyclingRoute[];
  readonly existingCapacityTpa?: StepSeries;
  readonly expansion?: Plant['expansion'];
  readonly fixedOpexUsdPerTpaYear: number;
}

export interface ResolvedRecycling {
  readonly streams: readonly ResolvedScrapStream[];
  readonly plants: readonly ResolvedRecyclingPlant[];
}

export interface FloorFunder {
  readonly id: string;
  readonly totalUsd: number;
  readonly eligibleCountries: ReadonlySet<string>;
  readonly eligibleStages: ReadonlySet<string>;
  readonly maxShareOfCapex: number;
}

export interface ResolvedFloors {
  readonly maxFloorUsdPerT: number;
  readonly caps: ReadonlyMap<string, number>;
  readonly grants: boolean;
  readonly funders: readonly FloorFunder[];
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
  /** Custom constraints (issue 16); not enforced when `targetsEnforced` is false. */
  readonly customConstraints: readonly ResolvedCustomConstraint[];
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
  /** Strategic stockpiles turned on (empty: none). */
  readonly stockpiles: readonly ResolvedStockpile[];
  /** Recycling streams and plants (undefined: recycling off). */
  readonly recycling?: ResolvedRecycling;
  /** Price-floor sizing settings (undefined: off). */
  readonly floors?: ResolvedFloors;
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
    // The key a record is known by (a price's product) names it; changing it would make another record.
    for (const forbidden of ['id', 'source', 'estimate', ...(path === 'overrides.prices' ? ['product'] : [])]) {
      if (forbidden in patch) issues.push({ path: `${path}.${key(record)}.${forbidden}`, message: `'${forbidden}' cannot be overridden` });
    }
    const merged = mergeDeep(record, patch);
    const strict = strictSchema(schema, merged);
    const parsed = strict.safeParse(merged);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const at = [path, key(record), ...issue.path.map(String)];
        if (issue.code === 'unrecognized_keys') {
          for (const field of issue.keys) issues.push({ path: [...at, field].join('.'), message: 'unknown field (not allowed here)' });
        } else {
          issues.push({ path: at.join('.'), message: issue.message });
        }
      }
      return record;
    }
    const unknown = unknownFields(patch, parsed.data);
    if (unknown.length) {
      for (const field of unknown) issues.push({ path: [path, key(record), field].join('.'), message: 'unknown field (not allowed here)' });
      return record;
    }
    return parsed.data as T;
  });
}

/**
 * Fields of an override patch that the parsed record does not carry: zod strips unknown keys of
 * nested objects (`expansion.capexUsdPerTpaa`), so a misspelt nested field would otherwise be
 * ignored. Records keyed by id or year keep their keys, so only genuinely unknown names remain.
 */
function unknownFields(patch: Record<string, unknown>, parsed: unknown, prefix = ''): string[] {
  if (!isPlainObject(parsed)) return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(patch)) {
    const at = prefix ? `${prefix}.${key}` : key;
    if (!Object.prototype.hasOwnProperty.call(parsed, key)) out.push(at);
    else if (isPlainObject(value)) out.push(...unknownFields(value, parsed[key], at));
  }
  return out;
}

/** The dataset collections a scenario may override by id, with the key each record is known by. */
const OVERRIDABLE = ['plants', 'sources', 'demand', 'prices', 'funders', 'laneRules', 'contracts'] as const;

/**
 * Runs the dataset's own cross-reference checks (`crossReferenceProblems`, the same ones every
 * dataset passes at load) on the dataset with the overridden records in place, so an override
 * cannot name a country, product, process, plant, source or funder the dataset lacks, nor leave a
 * record inconsistent (a stage change without processes, grade shares that no longer sum to 1).
 * Problems on an overridden record are reported at the override's path; problems the override
 * causes in another record (a contract on a plant that no longer makes its product) at `overrides`.
 */
function overrideReferenceIssues(
  dataset: Dataset,
  merged: Pick<Dataset, (typeof OVERRIDABLE)[number]>,
  overrides: Scenario['overrides'],
  issues: ScenarioIssue[],
): void {
  const touched = OVERRIDABLE.filter((collection) => Object.keys(overrides[collection]).length > 0);
  if (!touched.length) return;
  for (const problem of crossReferenceProblems({ ...dataset, ...merged })) {
    const collection = problem.collection as (typeof OVERRIDABLE)[number];
    const patched = OVERRIDABLE.includes(collection) && problem.id !== undefined && Object.prototype.hasOwnProperty.call(overrides[collection], problem.id);
    if (patched) {
      issues.push({ path: ['overrides', collection, problem.id, ...(problem.field ? [problem.field] : [])].join('.'), message: problem.message });
    } else {
      const record = `${problem.collection}${problem.id !== undefined ? `.${problem.id}` : ''}${problem.field ? `.${problem.field}` : ''}`;
      issues.push({ path: 'overrides', message: `the overrides make dataset record ${record} invalid: ${problem.message}` });
    }
  }
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
  const allPlants = applyOverrides(dataset.plants, (p) => p.id, o.plants as Record<string, Record<string, unknown>>, PlantSchema as z.ZodType<Plant>, 'overrides.plants', issues);
  const plants = allPlants.filter((p) => !excludedPlants.has(p.id));
  const allSources = applyOverrides(dataset.sources, (s) => s.id, o.sources as Record<string, Record<string, unknown>>, FeedstockSourceSchema as z.ZodType<FeedstockSource>, 'overrides.sources', issues);
  const sources = allSources.filter((s) => !excludedSources.has(s.id));
  const demands = applyOverrides(dataset.demand, (d) => d.id, o.demand as Record<string, Record<string, unknown>>, DemandSchema as z.ZodType<Dataset['demand'][number]>, 'overrides.demand', issues);
  const prices = applyOverrides(dataset.prices, (p) => p.product, o.prices as Record<string, Record<string, unknown>>, PriceSchema as z.ZodType<Dataset['prices'][number]>, 'overrides.prices', issues);
  const laneRules = applyOverrides(dataset.laneRules, (r) => r.id, o.laneRules as Record<string, Record<string, unknown>>, LaneRuleSchema as unknown as z.ZodType<LaneRule>, 'overrides.laneRules', issues);
  const contractRecords = applyOverrides(dataset.contracts, (c) => c.id, o.contracts as Record<string, Record<string, unknown>>, ContractSchema as z.ZodType<Contract>, 'overrides.contracts', issues);
  const datasetFunders = applyOverrides(dataset.funders, (f) => f.id, o.funders as Record<string, Record<string, unknown>>, FunderSchema as z.ZodType<Dataset['funders'][number]>, 'overrides.funders', issues);
  overrideReferenceIssues(dataset, { plants: allPlants, sources: allSources, demand: demands, prices, funders: datasetFunders, laneRules, contracts: contractRecords }, o, issues);

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
    // Stages are the dataset's own (meta.chain.stages).
    if (q.kind === 'new_capacity') {
      const stages = new Set(dataset.meta.chain.stages.map((s) => s.id));
      q.stages?.forEach((s, j) => {
        if (!stages.has(s)) issues.push({ path: `nearOptimal.terms[${i}].quantity.stages[${j}]`, message: `unknown stage '${s}' (the dataset's stages: ${[...stages].join(', ')})` });
      });
    }
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

  // Instruments (issue 15).
  const holderById = new Map(dataset.stockpiles.map((h) => [h.id, h]));
  const stockpileSettings = scenario.stockpiles ?? [];
  const stockpileKeys = new Set<string>();
  stockpileSettings.forEach((setting, i) => {
    if (!holderById.has(setting.holder)) issues.push({ path: `stockpiles[${i}].holder`, message: `unknown stockpile holder '${setting.holder}'` });
    if (!productIds.has(setting.product)) issues.push({ path: `stockpiles[${i}].product`, message: `unknown product '${setting.product}'` });
    const key = `${setting.holder}|${setting.product}`;
    if (stockpileKeys.has(key)) issues.push({ path: `stockpiles[${i}]`, message: `holder '${setting.holder}' has product '${setting.product}' twice` });
    stockpileKeys.add(key);
  });
  const recyclingSettings = scenario.recycling;
  const routeById = new Map(dataset.recyclingRoutes.map((r) => [r.id, r]));
  const recycledProducts = new Set(dataset.recyclingRoutes.flatMap((r) => r.inputProducts));
  if (recyclingSettings) {
    recyclingSettings.paths.forEach((path, i) => {
      checkCountry(`recycling.paths[${i}].country`, path.country);
      if (!productIds.has(path.product)) issues.push({ path: `recycling.paths[${i}].product`, message: `unknown product '${path.product}'` });
      else if (!recycledProducts.has(path.product)) issues.push({ path: `recycling.paths[${i}].product`, message: `no recycling route takes '${path.product}'` });
    });
    const recyclingPlantIds = new Set(dataset.recyclingPlants.map((p) => p.id));
    recyclingSettings.excludePlants.forEach((id, i) => {
      if (!recyclingPlantIds.has(id)) issues.push({ path: `recycling.excludePlants[${i}]`, message: `unknown recycling plant '${id}'` });
    });
  }
  const floorSettings = scenario.floors;
  const FLOOR_BOUND = 10_000_000;
  if (floorSettings) {
    if (!(floorSettings.maxFloorUsdPerT >= 0)) issues.push({ path: 'floors.maxFloorUsdPerT', message: 'a floor bound cannot be below zero' });
    else if (floorSettings.maxFloorUsdPerT > FLOOR_BOUND) issues.push({ path: 'floors.maxFloorUsdPerT', message: `a floor bound above ${FLOOR_BOUND} USD/t is not a floor` });
    floorSettings.caps.forEach((cap, i) => {
      if (!plantIds.has(cap.plant)) issues.push({ path: `floors.caps[${i}].plant`, message: `unknown plant '${cap.plant}'` });
      if (!(cap.maxFloorUsdPerT >= 0)) issues.push({ path: `floors.caps[${i}].maxFloorUsdPerT`, message: 'a floor cannot be below zero' });
      else if (cap.maxFloorUsdPerT > floorSettings.maxFloorUsdPerT) {
        issues.push({ path: `floors.caps[${i}].maxFloorUsdPerT`, message: `above the bound floors.maxFloorUsdPerT (${floorSettings.maxFloorUsdPerT})` });
      }
    });
    floorSettings.funders?.forEach((id, i) => {
      if (!datasetFunders.some((f) => f.id === id)) issues.push({ path: `floors.funders[${i}]`, message: `unknown funder '${id}'` });
    });
  }
  // Custom constraints: parsed against the dataset's names (plants and funders of the dataset, so an
  // excluded plant or an unbudgeted funder is known and simply contributes nothing).
  const vocabulary: Vocabulary = {
    countries: countryIds,
    groups: dataset.countries.reduce((map, c) => map.set(c.group, [...(map.get(c.group) ?? []), c.id]), new Map<string, string[]>()),
    trusted,
    plants: new Map(dataset.plants.map((p) => [p.id, { country: p.country, stage: p.stage }])),
    products: new Map(dataset.products.map((p) => [p.id, p.stage])),
    funders: new Set(dataset.funders.map((f) => f.id)),
    targets: new Map(targets.map((t) => [t.id, t.bloc])),
    startYear,
    endYear,
  };
  const customConstraints: ResolvedCustomConstraint[] = [];
  const customIds = new Set<string>();
  scenario.constraints.forEach((c, i) => {
    if (customIds.has(c.id)) issues.push({ path: `constraints[${i}].id`, message: `duplicate constraint id '${c.id}'` });
    customIds.add(c.id);
    try {
      const parsed = parseConstraintExpression(c.expression, vocabulary);
      customConstraints.push({ id: c.id, index: i, ...(c.description !== undefined ? { description: c.description } : {}), expression: c.expression, parsed });
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      issues.push({ path: `constraints[${i}].expression`, message: error.message, position: error.position, expected: error.expected });
    }
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
  const stockpiles: ResolvedStockpile[] = stockpileSettings
    .map((setting, index) => {
      const holder = holderById.get(setting.holder)!;
      const price = priceByProduct.get(setting.product);
      return {
        holder: holder.id,
        name: holder.name,
        members: [...holder.members],
        location: holder.location ?? holder.members[0]!,
        product: setting.product,
        maxStockT: setting.maxStockT,
        fromYear: holder.fromYear,
        envelopeUsd: setting.envelopeUsd ?? holder.envelopeUsd,
        holdCostUsdPerTYear: (year: number) => setting.holdCostUsdPerTYear ?? holder.holdCostShareOfValuePerYear * (price ? stepValue(price.priceUsdPerT, year) : 0),
        index,
      };
    })
    .sort((a, b) => (a.holder + '|' + a.product < b.holder + '|' + b.product ? -1 : 1));
  let recycling: ResolvedRecycling | undefined;
  if (recyclingSettings?.enabled) {
    const replaced = (path: { country: string; product: string; kind: string }) => (s: { country: string; product: string; kind: string }) =>
      s.country === path.country && s.product === path.product && s.kind === path.kind;
    const streams: ResolvedScrapStream[] = dataset.scrapStreams
      .filter((s) => !recyclingSettings.paths.some((p) => replaced(p)(s)))
      .map((s) => ({ id: s.id, country: s.country, kind: s.kind, product: s.product, tonnes: (y: number) => stepValue(s.tonnesPerYear, y), collectionCostUsdPerT: s.collectionCostUsdPerT }));
    recyclingSettings.paths.forEach((p, i) => {
      const base = dataset.scrapStreams.find(replaced(p));
      streams.push({
        id: base?.id ?? `path${i}_${p.country}_${p.kind}`,
        country: p.country,
        kind: p.kind,
        product: p.product,
        tonnes: (y: number) => stepValue(p.tonnesPerYear, y),
        collectionCostUsdPerT: p.collectionCostUsdPerT ?? base?.collectionCostUsdPerT ?? 0,
      });
    });
    const excluded = new Set(recyclingSettings.excludePlants);
    const recyclingPlants: ResolvedRecyclingPlant[] = dataset.recyclingPlants
      .filter((p) => !excluded.has(p.id))
      .map((p) => ({
        id: p.id,
        name: p.name,
        country: p.country,
        status: p.status,
        routes: p.routes.map((r) => routeById.get(r)!),
        ...(p.existingCapacityTpa ? { existingCapacityTpa: p.existingCapacityTpa } : {}),
        ...(p.expansion ? { expansion: p.expansion } : {}),
        fixedOpexUsdPerTpaYear: p.fixedOpexUsdPerTpaYear,
      }))
      .sort(byId);
    // A recycling plant's line that the primary data carried as a feed source is now the plant's: no double count.
    const replacedSources = new Set(dataset.recyclingPlants.filter((p) => !excluded.has(p.id)).flatMap((p) => p.replacesSources ?? []));
    for (let i = sources.length - 1; i >= 0; i--) if (replacedSources.has(sources[i]!.id)) sources.splice(i, 1);
    recycling = { streams: streams.sort(byId), plants: recyclingPlants };
  }
  let floors: ResolvedFloors | undefined;
  if (floorSettings?.enabled) {
    const ids = floorSettings.funders ?? datasetFunders.map((f) => f.id);
    floors = {
      maxFloorUsdPerT: floorSettings.maxFloorUsdPerT,
      caps: new Map(floorSettings.caps.map((c) => [c.plant, c.maxFloorUsdPerT])),
      grants: floorSettings.grants,
      funders: datasetFunders
        .filter((f) => ids.includes(f.id))
        .map((f) => ({ id: f.id, totalUsd: f.totalUsd, eligibleCountries: new Set(f.eligibleCountries), eligibleStages: new Set<string>(f.eligibleStages), maxShareOfCapex: f.maxShareOfCapex }))
        .sort(byId),
    };
  }

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
    customConstraints,
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
    stockpiles,
    ...(recycling ? { recycling } : {}),
    ...(floors ? { floors } : {}),
  };
}

