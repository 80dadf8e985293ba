/**
 * Origin tracing: every tonne of every product is trusted or untrusted content, and the two are
 * balanced separately in each country and year.
 *
 *   downgrade[k,c,y] ≥ 0   trusted k used in untrusted production in country c
 *   balance[k,o,c,y]:  production + imports + purchases (o = untrusted) ± downgrade
 *                      − exports − plant inputs − market deliveries ≥ 0        (t)
 *
 * Output inherits the origin of its inputs (conversion.ts), a plant in an untrusted country only
 * makes untrusted output, and a plant mixing trusted with untrusted inputs makes untrusted output
 * (the trusted part enters through downgrade). So the untrusted share a market consumes is the
 * share of its supply that has untrusted content anywhere upstream: a Texas magnet made from
 * Chinese metal is a Chinese-dependent magnet. Surplus (e.g. NdPr separated for its heavy
 * co-products) may go unused: the row is ≥ 0, not = 0.
 * downgrade exists where plants in c use k and some country can make trusted k, and only in years
 * where trusted k can reach c and untrusted k is used there (lean: see trade-network.ts).
 * Dual of balance[k,o,c,y]: USD (discounted) marginal cost of one more tonne of k of origin o in c, y (≥ 0).
 */
import type { FormulationContext } from '../context.js';

export function addDowngrades(ctx: FormulationContext): void {
  const { builder } = ctx;
  for (const { product, country, year } of ctx.tradeNetwork.downgrades) {
    const column = builder.addVariable('downgrade', [product, country, year]);
    ctx.balance(product, 'trusted', country, year).add(column, -1);
    ctx.balance(product, 'untrusted', country, year).add(column, 1);
  }
}

/** Adds every accumulated balance row (after all concepts contributed their terms). */
export function addBalances(ctx: FormulationContext): void {
  for (const [id, expression] of ctx.allBalances()) {
    const { product, origin, country, year } = ctx.node(id);
    ctx.builder.addConstraint('balance', [product, origin, country, year], expression, { lower: 0 });
  }
}
