/**
 * Reading a dataset through its own vocabulary (`meta.chain`): which stage takes feed, the stage
 * order, the feed fields of a source whatever its unit. Pure, so the browser bundle and the model
 * can import it. Everything the engine knows about a commodity chain comes through here or from
 * the records themselves; nothing names a rare earth.
 */
import type { Chain, Dataset, FeedstockSource, Product, StepSeries } from './schema.js';

/** The feed unit whose sources carry `…Treo…` fields (rare-earth datasets); every other unit uses `…Feed…`. */
export const TREO_FEED_UNIT = 't TREO';

/** The id of the chain's feed stage (the one stage with role `feed`; the loader checks there is exactly one). */
export function feedStageOf(chain: Chain): string {
  return chain.stages.find((s) => s.role === 'feed')?.id ?? '';
}

/** Stage ids in chain order, upstream first. */
export function stageOrderOf(chain: Chain): readonly string[] {
  return chain.stages.map((s) => s.id);
}

/** Feed available per year, in the chain's feed unit (step series). */
export function feedSupplyTpa(source: FeedstockSource): StepSeries | undefined {
  return source.supplyFeedTpa ?? source.supplyTreoTpa;
}

/** Feed committed to buyers outside the model, per year (step series). */
export function feedCommittedTpa(source: FeedstockSource): StepSeries | undefined {
  return source.committedFeedTpa ?? source.committedTreoTpa;
}

/** Cost of one unit of feed at the gate, USD. */
export function feedCostUsdPerT(source: FeedstockSource): number {
  return source.costUsdPerTFeed ?? source.costUsdPerTTreo ?? 0;
}

/** The name of the field that carries a source's supply (scenario override paths point at it). */
export function feedSupplyField(source: FeedstockSource | undefined): 'supplyFeedTpa' | 'supplyTreoTpa' {
  return source?.supplyFeedTpa !== undefined ? 'supplyFeedTpa' : 'supplyTreoTpa';
}

/**
 * The reference product (`meta.chain.referenceProduct`): price floors of feed-stage plants sit on it
 * and recycled shares count in it. Absent: the first feed-stage product without a circuit of its
 * own, by id; '' when there is none.
 */
export function referenceProductOf(chain: Chain, products: Iterable<Product>): string {
  if (chain.referenceProduct !== undefined) return chain.referenceProduct;
  const feed = feedStageOf(chain);
  const light = [...products]
    .filter((p) => p.stage === feed && !p.heavy)
    .map((p) => p.id)
    .sort();
  return light[0] ?? '';
}

/** Convenience: the feed stage of a dataset. */
export const datasetFeedStage = (dataset: Pick<Dataset, 'meta'>): string => feedStageOf(dataset.meta.chain);
