/**
 * A dataset's cross-reference checks: every id a record names exists and has the right kind. Pure
 * (no file system), so the scenario resolver can run them on a dataset with overrides applied, and
 * the browser bundle's type check can follow the imports without Node's modules.
 */
import { FEED_PRODUCT, type Dataset } from './schema.js';
import { TREO_FEED_UNIT, feedStageOf } from './chain.js';

/**
 * One dangling or inconsistent reference: the record (collection and index in it) and the field
 * inside the record (`country`, `processes[1]`, `gradeMix.ndfeb_x`; empty for the whole record).
 * Scenario overrides reuse these checks on the overridden records and turn them into JSON paths.
 */
export interface CrossReferenceIssue {
  collection: string;
  /** Index in the collection; absent for `meta`. */
  index?: number;
  /** The record's id (prices: their product), when it has one. */
  id?: string;
  field: string;
  message: string;
}

/** The issues as text, `plants[3] (us_mp).country: unknown country 'ZZ'`. */
export function crossReferenceIssues(data: Dataset): string[] {
  return crossReferenceProblems(data).map((issue) => {
    const at = issue.index === undefined ? issue.collection : `${issue.collection}[${issue.index}]${issue.id !== undefined ? ` (${issue.id})` : ''}`;
    return `${at}${issue.field ? `.${issue.field}` : ''}: ${issue.message}`;
  });
}

export function crossReferenceProblems(data: Dataset): CrossReferenceIssue[] {
  const issues: CrossReferenceIssue[] = [];
  const countries = new Set(data.countries.map((c) => c.id));
  const products = new Map(data.products.map((p) => [p.id, p]));
  const processes = new Map(data.processes.map((p) => [p.id, p]));
  const recordId = (collection: string, index: number): string | undefined => {
    const record = (data as unknown as Record<string, Array<{ id?: string; product?: string }>>)[collection]?.[index];
    return record?.id ?? (collection === 'prices' ? record?.product : undefined);
  };
  const add = (collection: string, index: number | undefined, field: string, message: string) => {
    const id = index === undefined ? undefined : recordId(collection, index);
    issues.push({ collection, ...(index !== undefined ? { index } : {}), ...(id !== undefined ? { id } : {}), field, message });
  };
  const duplicates = (collection: string, ids: string[]) => {
    const seen = new Set<string>();
    ids.forEach((id, i) => {
      if (seen.has(id)) add(collection, i, 'id', `duplicate id '${id}'`);
      seen.add(id);
    });
  };
  duplicates(
    'countries',
    data.countries.map((c) => c.id),
  );
  duplicates(
    'products',
    data.products.map((p) => p.id),
  );
  duplicates(
    'processes',
    data.processes.map((p) => p.id),
  );
  duplicates(
    'sources',
    data.sources.map((s) => s.id),
  );
  duplicates(
    'plants',
    data.plants.map((p) => p.id),
  );
  duplicates(
    'demand',
    data.demand.map((d) => d.id),
  );
  duplicates(
    'funders',
    data.funders.map((f) => f.id),
  );
  duplicates(
    'feedTypes',
    data.feedTypes.map((f) => f.id),
  );
  duplicates(
    'laneRules',
    data.laneRules.map((r) => r.id),
  );
  duplicates(
    'contracts',
    data.contracts.map((c) => c.id),
  );
  duplicates(
    'calibration',
    data.calibration.map((c) => c.id),
  );
  const country = (collection: string, index: number | undefined, field: string, id: string) => {
    if (!countries.has(id)) add(collection, index, field, `unknown country '${id}'`);
  };
  const product = (collection: string, index: number | undefined, field: string, id: string) => {
    if (!products.has(id)) add(collection, index, field, `unknown product '${id}'`);
  };
  country('meta', undefined, 'rivalSupplierCountry', data.meta.rivalSupplierCountry);
  // The chain's vocabulary: every stage a record names is one the dataset declares.
  const chain = data.meta.chain;
  const stages = new Map(chain.stages.map((s) => [s.id, s]));
  const seenStages = new Set<string>();
  chain.stages.forEach((s, j) => {
    if (seenStages.has(s.id)) add('meta', undefined, `chain.stages[${j}].id`, `duplicate stage '${s.id}'`);
    seenStages.add(s.id);
  });
  const feedStages = chain.stages.filter((s) => s.role === 'feed');
  if (feedStages.length !== 1) add('meta', undefined, 'chain.stages', `exactly one stage has role 'feed', not ${feedStages.length}`);
  const feedStage = feedStageOf(chain);
  const stage = (collection: string, index: number | undefined, field: string, id: string) => {
    if (!stages.has(id)) add(collection, index, field, `unknown stage '${id}' (the dataset's stages: ${[...stages.keys()].join(', ')})`);
  };
  data.products.forEach((p, i) => {
    stage('products', i, 'stage', p.stage);
    if (p.heavy && chain.heavyCircuitName === undefined)
      add('products', i, 'heavy', 'the dataset names no circuit (meta.chain.heavyCircuitName) for heavy products to need');
  });
  if (chain.referenceProduct !== undefined) {
    const ref = products.get(chain.referenceProduct);
    if (!ref) add('meta', undefined, 'chain.referenceProduct', `unknown product '${chain.referenceProduct}'`);
    else if (ref.stage !== feedStage) add('meta', undefined, 'chain.referenceProduct', `'${ref.id}' is not a ${feedStage} product`);
  }
  if (chain.recyclingStages) {
    stage('meta', undefined, 'chain.recyclingStages.short_loop', chain.recyclingStages.short_loop);
    stage('meta', undefined, 'chain.recyclingStages.long_loop', chain.recyclingStages.long_loop);
  } else if (data.recyclingRoutes.length) {
    add('meta', undefined, 'chain.recyclingStages', 'a dataset with recycling routes says which stage each kind of route yields');
  }
  const treoUnit = chain.feedUnit === TREO_FEED_UNIT;
  data.processes.forEach((process, i) => {
    stage('processes', i, 'stage', process.stage);
    if (stages.get(process.stage)?.role === 'feed') add('processes', i, 'stage', `'${process.stage}' takes feed and runs no recipes`);
    product('processes', i, 'output', process.output);
    Object.keys(process.inputsTPerT).forEach((k) => product('processes', i, `inputsTPerT.${k}`, k));
  });
  const feedTypes = new Set(data.feedTypes.map((f) => f.id));
  const sourceIds = new Set(data.sources.map((s) => s.id));
  const plantById = new Map(data.plants.map((p) => [p.id, p]));
  const funderIds = new Set(data.funders.map((f) => f.id));
  data.sources.forEach((source, i) => {
    country('sources', i, 'country', source.country);
    if (source.feedType !== undefined && !feedTypes.has(source.feedType)) add('sources', i, 'feedType', `unknown feed type '${source.feedType}'`);
    for (const k of Object.keys(source.assay)) {
      if (!products.has(k)) add('sources', i, `assay.${k}`, `unknown product '${k}'`);
      else if (products.get(k)?.stage !== feedStage) add('sources', i, `assay.${k}`, `'${k}' is not a ${feedStage} product`);
    }
    // Feed fields carry the feed unit in their names: …Treo… for t TREO, …Feed… for any other unit.
    const pair = (treo: keyof typeof source, feed: keyof typeof source, required: boolean) => {
      const t = source[treo] !== undefined;
      const f = source[feed] !== undefined;
      if (t && f) add('sources', i, String(feed), `give ${String(treo)} or ${String(feed)}, not both`);
      else if (t && !treoUnit) add('sources', i, String(treo), `the feed unit is '${chain.feedUnit}', not '${TREO_FEED_UNIT}': use ${String(feed)}`);
      else if (required && !t && !f) add('sources', i, treoUnit ? String(treo) : String(feed), 'required');
    };
    pair('supplyTreoTpa', 'supplyFeedTpa', true);
    pair('committedTreoTpa', 'committedFeedTpa', false);
    pair('costUsdPerTTreo', 'costUsdPerTFeed', true);
  });
  data.plants.forEach((plant, i) => {
    country('plants', i, 'country', plant.country);
    stage('plants', i, 'stage', plant.stage);
    if (plant.stage === feedStage) {
      if (plant.recoveryRate === undefined) add('plants', i, 'recoveryRate', `a ${feedStage} plant needs recoveryRate`);
      if (plant.heavyCircuit === undefined && chain.heavyCircuitName !== undefined)
        add('plants', i, 'heavyCircuit', `a ${feedStage} plant needs heavyCircuit (${chain.heavyCircuitName})`);
    } else {
      if (!plant.processes?.length) add('plants', i, 'processes', `a ${plant.stage} plant needs at least one process`);
      (plant.processes ?? []).forEach((id, j) => {
        const process = processes.get(id);
        if (!process) add('plants', i, `processes[${j}]`, `unknown process '${id}'`);
        else if (process.stage !== plant.stage) add('plants', i, `processes[${j}]`, `'${id}' is a ${process.stage} process, not a ${plant.stage} process`);
      });
    }
    if (!plant.existingCapacityTpa && !plant.expansion) {
      add('plants', i, '', 'a plant needs existing capacity, an expansion option, or both');
    }
  });
  data.demand.forEach((demand, i) => {
    country('demand', i, 'country', demand.country);
    let total = 0;
    for (const [k, share] of Object.entries(demand.gradeMix)) {
      if (!products.has(k)) add('demand', i, `gradeMix.${k}`, `unknown product '${k}'`);
      else if (!products.get(k)?.final) add('demand', i, `gradeMix.${k}`, `'${k}' is not a final product`);
      total += share;
    }
    if (Math.abs(total - 1) > 1e-9) add('demand', i, 'gradeMix', `shares sum to ${total}, not 1`);
  });
  data.prices.forEach((price, i) => product('prices', i, 'product', price.product));
  data.transport.forEach((lane, i) => {
    country('transport', i, 'from', lane.from);
    country('transport', i, 'to', lane.to);
  });
  data.funders.forEach((funder, i) => {
    country('funders', i, 'country', funder.country);
    funder.eligibleCountries.forEach((c, j) => country('funders', i, `eligibleCountries[${j}]`, c));
    funder.eligibleStages.forEach((s, j) => stage('funders', i, `eligibleStages[${j}]`, s));
  });
  data.exportControls.forEach((control, i) => {
    country('exportControls', i, 'country', control.country);
    control.products.forEach((p, j) => product('exportControls', i, `products[${j}]`, p));
  });
  for (const id of Object.keys(data.meta.defaults.rampUpSharesByStage ?? {})) {
    if (!stages.has(id)) add('meta', undefined, `defaults.rampUpSharesByStage.${id}`, `unknown stage '${id}'`);
  }
  const years = (collection: string, i: number, from: number, to: number | undefined) => {
    if (to !== undefined && to < from) add(collection, i, 'toYear', `${to} is before fromYear ${from}`);
  };
  data.laneRules.forEach((rule, i) => {
    years('laneRules', i, rule.fromYear, rule.toYear);
    if (rule.kind === 'captive_feed') {
      if (!sourceIds.has(rule.sourceId)) add('laneRules', i, 'sourceId', `unknown source '${rule.sourceId}'`);
      rule.plants.forEach((id, j) => {
        const plant = plantById.get(id);
        if (!plant) add('laneRules', i, `plants[${j}]`, `unknown plant '${id}'`);
        else if (plant.stage !== feedStage) add('laneRules', i, `plants[${j}]`, `'${id}' is a ${plant.stage} plant, not a ${feedStage} plant`);
      });
    } else {
      rule.from?.forEach((c, j) => country('laneRules', i, `from[${j}]`, c));
      rule.to?.forEach((c, j) => country('laneRules', i, `to[${j}]`, c));
      rule.products.forEach((p, j) => {
        if (p !== FEED_PRODUCT) product('laneRules', i, `products[${j}]`, p);
      });
      rule.exceptSources?.forEach((id, j) => {
        if (!sourceIds.has(id)) add('laneRules', i, `exceptSources[${j}]`, `unknown source '${id}'`);
      });
    }
  });
  duplicates(
    'stockpiles',
    data.stockpiles.map((h) => h.id),
  );
  duplicates(
    'scrapStreams',
    data.scrapStreams.map((h) => h.id),
  );
  duplicates(
    'recyclingRoutes',
    data.recyclingRoutes.map((h) => h.id),
  );
  duplicates(
    'recyclingPlants',
    data.recyclingPlants.map((h) => h.id),
  );
  data.stockpiles.forEach((holder, i) => {
    holder.members.forEach((c, j) => country('stockpiles', i, `members[${j}]`, c));
    if (holder.location !== undefined) country('stockpiles', i, 'location', holder.location);
  });
  const routeIds = new Set(data.recyclingRoutes.map((r) => r.id));
  data.recyclingRoutes.forEach((route, i) => {
    route.inputProducts.forEach((k, j) => {
      product('recyclingRoutes', i, `inputProducts[${j}]`, k);
      if (products.has(k) && !products.get(k)!.final)
        add('recyclingRoutes', i, `inputProducts[${j}]`, `'${k}' is not a final product (scrap is of ${chain.finalProductTerm}s)`);
    });
    Object.keys(route.yieldsTPerT).forEach((k) => product('recyclingRoutes', i, `yieldsTPerT.${k}`, k));
    const yields = chain.recyclingStages?.[route.kind];
    for (const k of Object.keys(route.yieldsTPerT)) {
      if (yields !== undefined && products.has(k) && products.get(k)!.stage !== yields)
        add('recyclingRoutes', i, `yieldsTPerT.${k}`, `a ${route.kind} yields ${yields} products, not '${k}'`);
    }
  });
  data.scrapStreams.forEach((stream, i) => {
    country('scrapStreams', i, 'country', stream.country);
    product('scrapStreams', i, 'product', stream.product);
  });
  data.recyclingPlants.forEach((plant, i) => {
    country('recyclingPlants', i, 'country', plant.country);
    plant.routes.forEach((r, j) => {
      if (!routeIds.has(r)) add('recyclingPlants', i, `routes[${j}]`, `unknown recycling route '${r}'`);
    });
    plant.replacesSources?.forEach((id, j) => {
      if (!sourceIds.has(id)) add('recyclingPlants', i, `replacesSources[${j}]`, `unknown source '${id}'`);
    });
    if (!plant.existingCapacityTpa && !plant.expansion) add('recyclingPlants', i, '', 'a plant needs existing capacity, an expansion option, or both');
  });
  data.contracts.forEach((contract, i) => {
    years('contracts', i, contract.fromYear, contract.toYear);
    const plant = plantById.get(contract.plant);
    if (!plant) add('contracts', i, 'plant', `unknown plant '${contract.plant}'`);
    if (contract.product !== undefined) product('contracts', i, 'product', contract.product);
    if (plant && contract.product !== undefined && products.has(contract.product)) {
      const makes =
        plant.stage === feedStage
          ? products.get(contract.product)?.stage === feedStage
          : (plant.processes ?? []).some((id) => processes.get(id)?.output === contract.product);
      if (!makes) add('contracts', i, 'product', `plant '${plant.id}' does not make '${contract.product}'`);
    }
    if (contract.buyerCountry !== undefined) country('contracts', i, 'buyerCountry', contract.buyerCountry);
    if (contract.payer !== undefined && !funderIds.has(contract.payer)) add('contracts', i, 'payer', `unknown funder '${contract.payer}'`);
    if (!contract.minTonnesPerYear && contract.minShareOfOutput === undefined && contract.floorUsdPerT === undefined && contract.supportUsdPerT === undefined) {
      add('contracts', i, '', 'a contract needs a volume, a share of output, a price floor or a per-tonne support');
    }
    if (contract.minShareOfOutput !== undefined && contract.buyerCountry === undefined) {
      add('contracts', i, 'minShareOfOutput', 'a share of output needs a buyerCountry');
    }
    if (contract.product === undefined && plant?.stage === feedStage) {
      add('contracts', i, 'product', `a contract on a ${feedStage} plant names its product (its activity is ${chain.feedUnit} of feed)`);
    }
    if (contract.product === undefined && contract.buyerCountry !== undefined && plant && contract.buyerCountry !== plant.country) {
      add('contracts', i, 'product', 'a contract delivered to another country names its product');
    }
  });
  data.calibration.forEach((figure, i) => {
    const metric = figure.metric;
    if ('countries' in metric) metric.countries?.forEach((c, j) => country('calibration', i, `metric.countries[${j}]`, c));
    if ('products' in metric) metric.products.forEach((p, j) => product('calibration', i, `metric.products[${j}]`, p));
    if ('weights' in metric) Object.keys(metric.weights).forEach((p) => product('calibration', i, `metric.weights.${p}`, p));
    if ('product' in metric) product('calibration', i, 'metric.product', metric.product);
    if ('plant' in metric && !plantById.has(metric.plant)) add('calibration', i, 'metric.plant', `unknown plant '${metric.plant}'`);
  });
  return issues;
}
