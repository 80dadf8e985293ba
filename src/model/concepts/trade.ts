/**
 * Trade: shipments between countries, and purchases from the rival supplier.
 *
 *   ship[k,o,a,b,y] ≥ 0   t of product k with origin o from country a to country b ≠ a (o = `all`
 *       in years without an origin split: ../origin-split.ts)
 *       created only where a has a plant that makes k, b consumes k (plants or market), the lane
 *       a → b is open for k, and o = trusted only when a is trusted (no trans-shipment).
 *   balance[k,o,a,y] −= ship;  balance[k,o,b,y] += ship;  cost transport(a,b) · ship, discounted
 *       (a trusted or pooled ship also carries the origin tie-break of ../tie-break.ts: home first,
 *       nearest next; in pooled years it fixes the routing the traced shares are read from).
 *
 *   buy[k,c,y] ≥ 0   t of k bought from the rival supplier and delivered to c (untrusted content),
 *       absent in years an export control stops k, or when the lane rival → c is closed.
 *   balance[k, untrusted, c, y] += buy;  cost (price_k(y) + transport(rival, c)) · buy, discounted.
 *
 * Lean: of these candidates (enumerated in trade-network.ts) only arcs that can carry flow are
 * created — no ship whose origin node no supply reaches or whose destination leads to no use, no buy
 * nothing can use, and (with triangle-inequality transport costs) no re-export that a direct ship
 * or purchase does as cheaply. This never changes the optimum (proof in trade-network.ts).
 */
import type { FormulationContext } from '../context.js';
import { trustedShipTieBreak } from '../tie-break.js';

/** Creates the ship and buy columns of `ctx.tradeNetwork` (the candidates above, less the lean pass's drops). */
function push(map: Map<string, number[]>, key: string, column: number): void {
  const columns = map.get(key);
  if (columns) columns.push(column);
  else map.set(key, [column]);
}

export function addTrade(ctx: FormulationContext): void {
  const { instance, builder } = ctx;
  const { ships, buys, nodes } = ctx.tradeNetwork;
  for (let i = 0; i < ships.length; i++) {
    const { product, origin, from, to, year, costUsdPerT } = ships[i]!;
    const column = builder.addVariable('ship', [product, origin, from, to, year]);
    if (ctx.baseline && !ctx.baseline.ships?.[i]) ctx.baseline.exclude(column);
    builder.addCost(column, costUsdPerT * instance.discountFactor(year), 'transport');
    // Pooled ships carry it too: which of several equally cheap routes the flows take decides the traced shares (origin-tracing.ts).
    if (origin !== 'untrusted') builder.addCost(column, trustedShipTieBreak(instance, from, to, costUsdPerT) * instance.discountFactor(year), 'originTieBreak');
    // Contracts read the ship columns of their products and countries (contracts.ts).
    const watched = ctx.contractCountries.get(product);
    if (watched?.has(from)) {
      push(ctx.shipColumns, `${product}|${from}|${to}|${year}`, column);
      push(ctx.shipOutColumns, `${product}|${from}|${year}`, column);
    }
    // The network's node ids when it has them (trade-network.ts numbers its arcs), or by name.
    (nodes ? ctx.balanceAt(nodes.shipTail[i]!) : ctx.balance(product, origin, from, year)).add(column, -1);
    (nodes ? ctx.balanceAt(nodes.shipHead[i]!) : ctx.balance(product, origin, to, year)).add(column, 1);
  }
  for (let i = 0; i < buys.length; i++) {
    const { product, country, year, priceUsdPerT } = buys[i]!;
    const column = builder.addVariable('buy', [product, country, year]);
    if (ctx.baseline && !ctx.baseline.buys?.[i]) ctx.baseline.exclude(column);
    const d = instance.discountFactor(year);
    builder.addCost(column, priceUsdPerT * d, 'purchases');
    builder.addCost(column, instance.transportUsdPerT(instance.rival, country) * d, 'transport');
    (nodes ? ctx.balanceAt(nodes.buyHead[i]!) : ctx.balance(product, ctx.originOf('untrusted', year), country, year)).add(column, 1);
  }
}
