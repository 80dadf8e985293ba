/**
 * Trade: shipments between countries, and purchases from the rival supplier.
 *
 *   ship[k,o,a,b,y] ≥ 0   t of product k with origin o from country a to country b ≠ a
 *       created only where a has a plant that makes k, b consumes k (plants or market), the lane
 *       a → b is open for k, and o = trusted only when a is trusted (no trans-shipment).
 *   balance[k,o,a,y] −= ship;  balance[k,o,b,y] += ship;  cost transport(a,b) · ship, discounted.
 *
 *   buy[k,c,y] ≥ 0   t of k bought from the rival supplier and delivered to c (untrusted content),
 *       absent in years an export control stops k, or when the lane rival → c is closed.
 *   balance[k, untrusted, c, y] += buy;  cost (price_k(y) + transport(rival, c)) · buy, discounted.
 */
import type { FormulationContext } from '../context.js';
import type { Origin } from '../instance.js';

export function addTrade(ctx: FormulationContext): void {
  const { instance, builder, sets } = ctx;
  for (const [product, producers] of sets.producers) {
    const consumers = sets.consumers.get(product);
    if (!consumers) continue;
    for (const from of producers) {
      const origins: Origin[] = instance.trusted.has(from) ? ['trusted', 'untrusted'] : ['untrusted'];
      for (const to of consumers) {
        if (to === from || !instance.laneOpen(from, to, product)) continue;
        const cost = instance.transportUsdPerT(from, to);
        for (const origin of origins) {
          for (const y of instance.years) {
            const column = builder.addVariable('ship', [product, origin, from, to, y]);
            builder.addCost(column, cost * instance.discountFactor(y), 'transport');
            ctx.balance(product, origin, from, y).add(column, -1);
            ctx.balance(product, origin, to, y).add(column, 1);
          }
        }
      }
    }
  }
  for (const [product, consumers] of sets.consumers) {
    for (const to of consumers) {
      if (to === instance.rival || !instance.laneOpen(instance.rival, to, product)) continue;
      for (const y of instance.years) {
        const price = instance.priceUsdPerT(product, y);
        if (price === undefined) continue;
        const column = builder.addVariable('buy', [product, to, y]);
        const d = instance.discountFactor(y);
        builder.addCost(column, price * d, 'purchases');
        builder.addCost(column, instance.transportUsdPerT(instance.rival, to) * d, 'transport');
        ctx.balance(product, 'untrusted', to, y).add(column, 1);
      }
    }
  }
}
