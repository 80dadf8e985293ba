/**
 * The feed-yield rule, in one place: tonnes of each product of the feed stage (separation in
 * quad-2026: `meta.chain`, the stage with role `feed`) per unit of a feedstock source's feed fed to
 * a plant of that stage,
 *
 *   yield_{s,p,k}(y) = assay_s(k) · recovery_p     for separation products k,
 *                                                  heavy k only while p's heavy circuit (`meta.chain.heavyCircuitName`) is in service in y.
 *
 * The formulation (concepts/separation.ts: the feed columns' coefficients; context.ts: which
 * products a plant can make), the portfolio, the plant outputs, the instruments and the
 * dependency metrics all read yields from here.
 */
import type { FeedstockSource, Plant } from '../data/schema.js';
import type { Instance } from './instance-types.js';
import { feedStageOf } from '../data/chain.js';

/** True when the plant separates heavy products in `year`: it has a heavy circuit, in service by then. */
export function heavyInService(plant: Plant, year: number): boolean {
  return plant.heavyCircuit === true && (plant.heavyCircuitFromYear === undefined || year >= plant.heavyCircuitFromYear);
}

/**
 * Products a separation plant can yield in some year, in the dataset's product order: separation
 * products some source carries, heavy ones only when the plant has a heavy circuit.
 */
export function separationProducts(instance: Instance, plant: Plant): string[] {
  const feedStage = feedStageOf(instance.dataset.meta.chain);
  return [...instance.products.values()]
    .filter((p) => p.stage === feedStage && (!p.heavy || plant.heavyCircuit))
    .filter((p) => instance.sources.some((s) => (s.assay[p.id] ?? 0) > 0))
    .map((p) => p.id);
}

/**
 * The positive yields of `source` fed to `plant` in `year`, as [product, t per t fed]. `products`
 * sets which products are read and in what order (default: the source's assay, in its order).
 */
export function feedYields(
  instance: Instance,
  source: FeedstockSource,
  plant: Plant,
  year: number,
  products: readonly string[] = Object.keys(source.assay),
): Array<readonly [string, number]> {
  const heavy = heavyInService(plant, year);
  const feedStage = feedStageOf(instance.dataset.meta.chain);
  const yields: Array<readonly [string, number]> = [];
  for (const product of products) {
    const info = instance.products.get(product);
    if (!info || info.stage !== feedStage || (info.heavy && !heavy)) continue;
    const rate = (source.assay[product] ?? 0) * (plant.recoveryRate ?? 0);
    if (rate > 0) yields.push([product, rate]);
  }
  return yields;
}
