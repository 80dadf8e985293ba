/**
 * The second half of resolving a scenario: building the instance from a checked scenario
 * (src/model/scenario-check.ts). Nothing here checks input: it puts records in canonical order,
 * computes demand, prices, lanes, contracts, instruments and recycling, and answers the questions
 * the formulation asks (`laneOpen`, `feedAllowed`, `discountFactor`, …).
 */
import type { LaneRule } from '../data/schema.js';
import type { Scenario } from '../schemas/scenario.js';
import type { CheckedScenario } from './scenario-check.js';
import {
  CONCENTRATE,
  stepValue,
  type Instance,
  type ResolvedContract,
  type ResolvedFloors,
  type ResolvedRecycling,
  type ResolvedRecyclingPlant,
  type ResolvedScrapStream,
  type ResolvedStockpile,
} from './instance-types.js';

export interface ResolveOptions {
  noNewBuilds?: boolean;
  /** Resolve the targets but do not enforce them (the target-free baseline). */
  noTargets?: boolean;
}

function fixedBuildMap(builds: NonNullable<Scenario['fixedBuilds']>): Map<string, number> {
  const out = new Map<string, number>();
  for (const b of builds) out.set(`${b.plant}|${b.buildYear}`, (out.get(`${b.plant}|${b.buildYear}`) ?? 0) + b.capacityTpa);
  return out;
}

export function buildInstance(checked: CheckedScenario, options: ResolveOptions = {}): Instance {
  const { scenario, dataset, years, trusted, prices, laneRules, targets, funders, customConstraints, datasetFunders } = checked;
  const contractRecords = checked.contracts;
  const plants = [...checked.plants];
  const sources = [...checked.sources];
  const demands = [...checked.demands];
  const { startYear, endYear } = scenario.horizon;
  const rival = dataset.meta.rivalSupplierCountry;
  const o = scenario.overrides;
  const holderById = new Map(dataset.stockpiles.map((h) => [h.id, h]));
  const stockpileSettings = scenario.stockpiles ?? [];
  const recyclingSettings = scenario.recycling;
  const routeById = new Map(dataset.recyclingRoutes.map((r) => [r.id, r]));
  const floorSettings = scenario.floors;

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
      const total = d.baseTonnes * (1 + d.growthRatePerYear) ** (y - d.baseYear);
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
  const discountFactors = years.map((y) => (1 + discountRate) ** -(y - startYear));
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
        holdCostUsdPerTYear: (year: number) =>
          setting.holdCostUsdPerTYear ?? holder.holdCostShareOfValuePerYear * (price ? stepValue(price.priceUsdPerT, year) : 0),
        index,
      };
    })
    .sort((a, b) => (`${a.holder}|${a.product}` < `${b.holder}|${b.product}` ? -1 : 1));
  let recycling: ResolvedRecycling | undefined;
  if (recyclingSettings?.enabled) {
    const replaced = (path: { country: string; product: string; kind: string }) => (s: { country: string; product: string; kind: string }) =>
      s.country === path.country && s.product === path.product && s.kind === path.kind;
    const streams: ResolvedScrapStream[] = dataset.scrapStreams
      .filter((s) => !recyclingSettings.paths.some((p) => replaced(p)(s)))
      .map((s) => ({
        id: s.id,
        country: s.country,
        kind: s.kind,
        product: s.product,
        tonnes: (y: number) => stepValue(s.tonnesPerYear, y),
        collectionCostUsdPerT: s.collectionCostUsdPerT,
      }));
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
        .map((f) => ({
          id: f.id,
          totalUsd: f.totalUsd,
          eligibleCountries: new Set(f.eligibleCountries),
          eligibleStages: new Set<string>(f.eligibleStages),
          maxShareOfCapex: f.maxShareOfCapex,
        }))
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
      return (o.outages ?? []).some((x) => year >= x.fromYear && year <= x.toYear && (x.plants?.includes(plant.id) || x.countries?.includes(plant.country)));
    },
    nearOptimal: options.noNewBuilds ? null : (scenario.nearOptimal ?? null),
    discountFactor(year) {
      return discountFactors[year - startYear] ?? (1 + discountRate) ** -(year - startYear);
    },
    stockpiles,
    ...(recycling ? { recycling } : {}),
    ...(floors ? { floors } : {}),
  };
}
