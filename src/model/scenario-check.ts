/**
 * The first half of resolving a scenario: checking it against its dataset. Overrides are merged
 * into the dataset's records and re-validated, and every id the scenario mentions is checked;
 * unknown ids are reported with their JSON path, all at once, as a `ScenarioError`. What comes
 * out (`CheckedScenario`) is what the build (src/model/instance-build.ts) turns into an instance:
 * the merged records, the trusted set, the resolved targets, budgets and custom constraints.
 * Storing a scenario runs only this check; a solve runs it once and builds once.
 */
import { z } from 'zod';
import {
  ContractSchema,
  FeedstockSourceSchema,
  FunderSchema,
  LaneRuleSchema,
  PlantSchema,
  DemandSchema,
  PriceSchema,
  type Contract,
  type Dataset,
  type FeedstockSource,
  type LaneRule,
  type Plant,
} from '../data/schema.js';
import type { Scenario } from '../schemas/scenario.js';
import { crossReferenceProblems } from '../data/cross-reference.js';
import { ExpressionError, parseConstraintExpression, type Vocabulary } from './expressions.js';
import {
  CONCENTRATE,
  isPlainObject,
  mergeDeep,
  ScenarioError,
  type ResolvedCustomConstraint,
  type ResolvedFunder,
  type ResolvedTarget,
  type ScenarioIssue,
} from './instance-types.js';

/** A scenario checked against its dataset: the dataset's records with the overrides merged in, and the parts resolved while checking. */
export interface CheckedScenario {
  readonly scenario: Scenario;
  readonly dataset: Dataset;
  readonly years: readonly number[];
  readonly trusted: ReadonlySet<string>;
  /** Plants and sources with overrides merged, exclusions removed (dataset order). */
  readonly plants: readonly Plant[];
  readonly sources: readonly FeedstockSource[];
  readonly demands: readonly Dataset['demand'][number][];
  readonly prices: readonly Dataset['prices'][number][];
  readonly laneRules: readonly LaneRule[];
  readonly contracts: readonly Contract[];
  /** The dataset's funders with overrides merged (all of them, budgeted or not). */
  readonly datasetFunders: readonly Dataset['funders'][number][];
  readonly targets: readonly ResolvedTarget[];
  /** Funders with a scenario budget. */
  readonly funders: readonly ResolvedFunder[];
  readonly customConstraints: readonly ResolvedCustomConstraint[];
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
    if (!Object.hasOwn(parsed, key)) out.push(at);
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
    const patched = OVERRIDABLE.includes(collection) && problem.id !== undefined && Object.hasOwn(overrides[collection], problem.id);
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

/** Horizon years, first to last. */
export function horizonYears(scenario: Scenario): number[] {
  const years: number[] = [];
  for (let y = scenario.horizon.startYear; y <= scenario.horizon.endYear; y++) years.push(y);
  return years;
}

/** Records an issue when `id` is not a country of the dataset. */
function countryChecker(dataset: Dataset, issues: ScenarioIssue[]) {
  const countryIds = new Set(dataset.countries.map((c) => c.id));
  return (path: string, id: string) => {
    if (!countryIds.has(id)) issues.push({ path, message: `unknown country '${id}'` });
  };
}

function productChecker(dataset: Dataset, issues: ScenarioIssue[]) {
  const productIds = new Set(dataset.products.map((p) => p.id));
  return (path: string, id: string, allowConcentrate = false) => {
    if (!productIds.has(id) && !(allowConcentrate && id === CONCENTRATE)) {
      issues.push({ path, message: `unknown product '${id}'` });
    }
  };
}

/** The scenario's targets, checked (bloc, product, years, duplicate ids) and resolved to the years they apply in. */
export function resolveTargets(scenario: Scenario, dataset: Dataset, years: readonly number[], issues: ScenarioIssue[]): ResolvedTarget[] {
  const checkCountry = countryChecker(dataset, issues);
  const checkProduct = productChecker(dataset, issues);
  const { startYear, endYear } = scenario.horizon;
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
  return targets;
}

/**
 * Custom constraints: parsed against the dataset's names (plants and funders of the dataset, so an
 * excluded plant or an unbudgeted funder is known and simply contributes nothing).
 */
export function parseCustomConstraints(
  scenario: Scenario,
  dataset: Dataset,
  trusted: ReadonlySet<string>,
  targets: readonly ResolvedTarget[],
  issues: ScenarioIssue[],
): ResolvedCustomConstraint[] {
  const vocabulary: Vocabulary = {
    countries: new Set(dataset.countries.map((c) => c.id)),
    groups: dataset.countries.reduce((map, c) => map.set(c.group, [...(map.get(c.group) ?? []), c.id]), new Map<string, string[]>()),
    trusted,
    plants: new Map(dataset.plants.map((p) => [p.id, { country: p.country, stage: p.stage }])),
    products: new Map(dataset.products.map((p) => [p.id, p.stage])),
    funders: new Set(dataset.funders.map((f) => f.id)),
    targets: new Map(targets.map((t) => [t.id, t.bloc])),
    startYear: scenario.horizon.startYear,
    endYear: scenario.horizon.endYear,
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
  return customConstraints;
}

/** Checks a scenario against its dataset; throws a `ScenarioError` listing every issue, each at its JSON path. */
export function checkScenario(scenario: Scenario, dataset: Dataset): CheckedScenario {
  const issues: ScenarioIssue[] = [];
  const { startYear, endYear } = scenario.horizon;
  const years = horizonYears(scenario);
  const productIds = new Set(dataset.products.map((p) => p.id));
  const checkCountry = countryChecker(dataset, issues);
  const checkProduct = productChecker(dataset, issues);
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
  const allPlants = applyOverrides(
    dataset.plants,
    (p) => p.id,
    o.plants as Record<string, Record<string, unknown>>,
    PlantSchema as z.ZodType<Plant>,
    'overrides.plants',
    issues,
  );
  const plants = allPlants.filter((p) => !excludedPlants.has(p.id));
  const allSources = applyOverrides(
    dataset.sources,
    (s) => s.id,
    o.sources as Record<string, Record<string, unknown>>,
    FeedstockSourceSchema as z.ZodType<FeedstockSource>,
    'overrides.sources',
    issues,
  );
  const sources = allSources.filter((s) => !excludedSources.has(s.id));
  const demands = applyOverrides(
    dataset.demand,
    (d) => d.id,
    o.demand as Record<string, Record<string, unknown>>,
    DemandSchema as z.ZodType<Dataset['demand'][number]>,
    'overrides.demand',
    issues,
  );
  const prices = applyOverrides(
    dataset.prices,
    (p) => p.product,
    o.prices as Record<string, Record<string, unknown>>,
    PriceSchema as z.ZodType<Dataset['prices'][number]>,
    'overrides.prices',
    issues,
  );
  const laneRules = applyOverrides(
    dataset.laneRules,
    (r) => r.id,
    o.laneRules as Record<string, Record<string, unknown>>,
    LaneRuleSchema as unknown as z.ZodType<LaneRule>,
    'overrides.laneRules',
    issues,
  );
  const contractRecords = applyOverrides(
    dataset.contracts,
    (c) => c.id,
    o.contracts as Record<string, Record<string, unknown>>,
    ContractSchema as z.ZodType<Contract>,
    'overrides.contracts',
    issues,
  );
  const datasetFunders = applyOverrides(
    dataset.funders,
    (f) => f.id,
    o.funders as Record<string, Record<string, unknown>>,
    FunderSchema as z.ZodType<Dataset['funders'][number]>,
    'overrides.funders',
    issues,
  );
  overrideReferenceIssues(
    dataset,
    { plants: allPlants, sources: allSources, demand: demands, prices, funders: datasetFunders, laneRules, contracts: contractRecords },
    o,
    issues,
  );

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
    if ((change.usdPerT === undefined) === (change.factor === undefined))
      issues.push({ path: `overrides.priceChanges[${i}]`, message: 'give exactly one of usdPerT and factor' });
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
    if (b.buildYear < startYear || b.buildYear > endYear)
      issues.push({ path: `fixedBuilds[${i}].buildYear`, message: `year ${b.buildYear} is outside the horizon ${startYear}-${endYear}` });
  });
  scenario.nearOptimal?.terms.forEach((term, i) => {
    const q = term.quantity;
    if (q.kind === 'new_capacity') q.countries?.forEach((c, j) => checkCountry(`nearOptimal.terms[${i}].quantity.countries[${j}]`, c));
    // Stages are the dataset's own (meta.chain.stages).
    if (q.kind === 'new_capacity') {
      const stages = new Set(dataset.meta.chain.stages.map((s) => s.id));
      q.stages?.forEach((s, j) => {
        if (!stages.has(s))
          issues.push({
            path: `nearOptimal.terms[${i}].quantity.stages[${j}]`,
            message: `unknown stage '${s}' (the dataset's stages: ${[...stages].join(', ')})`,
          });
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
  if (trusted.has(rival))
    issues.push({ path: 'trustedCountries', message: `the rival supplier '${rival}' cannot be trusted: its sales are untrusted by definition` });

  const targets = resolveTargets(scenario, dataset, years, issues);

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
  const recycledProducts = new Set(dataset.recyclingRoutes.flatMap((r) => r.inputProducts));
  if (recyclingSettings) {
    recyclingSettings.paths.forEach((path, i) => {
      checkCountry(`recycling.paths[${i}].country`, path.country);
      if (!productIds.has(path.product)) issues.push({ path: `recycling.paths[${i}].product`, message: `unknown product '${path.product}'` });
      else if (!recycledProducts.has(path.product))
        issues.push({ path: `recycling.paths[${i}].product`, message: `no recycling route takes '${path.product}'` });
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
    else if (floorSettings.maxFloorUsdPerT > FLOOR_BOUND)
      issues.push({ path: 'floors.maxFloorUsdPerT', message: `a floor bound above ${FLOOR_BOUND} USD/t is not a floor` });
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
  const customConstraints = parseCustomConstraints(scenario, dataset, trusted, targets, issues);

  if (issues.length) throw new ScenarioError(issues);
  return {
    scenario,
    dataset,
    years,
    trusted,
    plants,
    sources,
    demands,
    prices,
    laneRules,
    contracts: contractRecords,
    datasetFunders,
    targets,
    funders,
    customConstraints,
  };
}
