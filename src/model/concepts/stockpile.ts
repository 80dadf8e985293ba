/**
 * Strategic stockpiles: a holder (a country's reserve, or a reserve pooled by several members)
 * keeps stock of a product, filled from what its members hold and drawn back into their supply.
 *
 * For a holder h turned on for product k (scenario `stockpiles[]`), members M_h, years y ≥ from_h:
 *   stock[h,k,o,y] ≥ 0        t of k with content of origin o held by h at the end of year y
 *   fill[h,k,o,c,y] ≥ 0       t put into stock by member c in year y   (balance[k,o,c,y] −= fill)
 *   draw[h,k,o,c,y] ≥ 0       t taken out of stock into member c        (balance[k,o,c,y] += draw)
 *   stock_balance[h,k,o,y]:   stock[h,k,o,y] − stock[h,k,o,y−1] − Σ_c fill[h,k,o,c,y] + Σ_c draw[h,k,o,c,y] = 0
 *                             (stock[h,k,o,from_h − 1] = 0: every reserve starts empty)
 *   stock_capacity[h,k,y]:    Σ_o stock[h,k,o,y] ≤ S_{h,k}                          (t; scenario maxStockT)
 *   stock_envelope[h]:        Σ_{k,o,c,y} P_k(y) · fill[h,k,o,c,y] ≤ E_h              (USD at the rival's world price)
 *
 * The stock sits in the holder's location ℓ_h (a pool's first member unless the data says): a member
 * c ≠ ℓ_h fills and draws only where the lane c → ℓ_h (fill) or ℓ_h → c (draw) is open for k, and
 * pays transport(c, ℓ_h) per t filled and transport(ℓ_h, c) per t drawn (category `transport`), so a
 * pool is no free trade route between its members.
 * Cost: holding, H_{h,k}(y) · stock[h,k,o,y], discounted (H in USD per t-yr: the scenario's figure,
 * else the holder's share of the world price, stockpiles.json); cost category `stockHolding`. What
 * goes into stock was already paid for where it was made or bought (production cost, purchases), so
 * a fill has no price of its own; filling early costs the time value of that money through
 * discounting, and the envelope is the programme's funding (Project Vault, Australia's reserve).
 * Origin: stock keeps the origin of what went in (one stock per origin), so a draw of Chinese oxide
 * bought before a ban is untrusted content when it is used: a stockpile buys time, not independence.
 * A fill is not consumption (it does not enter use[…]); a draw is supply, and the tonne counts in
 * dependency where it is consumed, by its origin. Fills and draws exist only at balance nodes that
 * some other concept created (something supplies or uses k of origin o in c that year).
 * In years without an origin split (../origin-split.ts: after the last split year) o is `all`, and
 * the first such year's stock_balance takes last year's stock of both origins.
 * Stock left at the horizon's end has no salvage value: with no export control the optimum holds
 * none, so turning a stockpile on never changes a plan that has no use for it.
 * Duals: stock_balance — USD (discounted) value of one more tonne in stock at the end of year y;
 * stock_capacity — USD saved per extra t of capacity in year y (≤ 0); stock_envelope — USD saved
 * per extra USD of envelope (≤ 0).
 */
import { Expression } from '../builder.js';
import type { FormulationContext } from '../context.js';
import { ORIGINS, type NodeOrigin } from '../instance.js';

/** Split origins first (the order columns had before pooling), then the pooled one. */
const ALL_ORIGINS: readonly NodeOrigin[] = [...ORIGINS, 'all'];

export function addStockpiles(ctx: FormulationContext): void {
  const { instance, builder } = ctx;
  if (!instance.stockpiles.length) return;
  const envelopes = new Map<string, { expression: Expression; usd: number }>();
  // A holder's envelope is the smallest of its piles' that have fills: the baseline, with fewer fills, could
  // have another bound, and is then formulated on its own.
  if (ctx.baseline) {
    const usd = new Map<string, number>();
    for (const pile of instance.stockpiles) {
      if (usd.has(pile.holder) && usd.get(pile.holder) !== pile.envelopeUsd) ctx.baseline.failed = 'stockpile envelopes differ within a holder';
      usd.set(pile.holder, pile.envelopeUsd);
    }
  }
  for (const pile of instance.stockpiles) {
    const years = instance.years.filter((y) => y >= pile.fromYear);
    const stockByYear = new Map<number, number[]>();
    // stock columns by origin and year: a pooled year's stock carries last year's of both origins.
    const stockOf = new Map<string, number>();
    for (const origin of ALL_ORIGINS) {
      for (const y of years) {
        if (!ctx.originsIn(y).includes(origin)) continue;
        const stock = builder.addVariable('stock', [pile.holder, pile.product, origin, y]);
        stockOf.set(`${origin}|${y}`, stock);
        builder.addCost(stock, pile.holdCostUsdPerTYear(y) * instance.discountFactor(y), 'stockHolding');
        const row = new Expression().add(stock, 1);
        if (y > pile.fromYear) {
          const same = stockOf.get(`${origin}|${y - 1}`);
          if (same !== undefined) row.add(same, -1);
          else if (origin === 'all') for (const o of ORIGINS) row.add(stockOf.get(`${o}|${y - 1}`)!, -1);
          else
            throw new Error(
              `stockpile ${pile.holder}: origins split in ${y} but pooled in ${y - 1} (origin-split.ts keeps the split from the first stockpile year)`,
            );
        }
        for (const member of pile.members) {
          if (origin === 'trusted' && !instance.trusted.has(member)) continue;
          if (!ctx.hasBalance(pile.product, origin, member, y)) continue;
          // The no-new-builds baseline has this balance only when one of its own columns is in it.
          const inBaseline = ctx.baseline?.reaches(ctx.peekBalance(pile.product, origin, member, y)) ?? true;
          const away = member !== pile.location;
          const d = instance.discountFactor(y);
          if (!away || instance.laneOpen(member, pile.location, pile.product, y)) {
            const fill = builder.addVariable('fill', [pile.holder, pile.product, origin, member, y]);
            if (!inBaseline) ctx.baseline?.exclude(fill);
            if (away) builder.addCost(fill, instance.transportUsdPerT(member, pile.location) * d, 'transport');
            row.add(fill, -1);
            ctx.balance(pile.product, origin, member, y).add(fill, -1);
            const price = instance.worldPriceUsdPerT(pile.product, y) ?? 0;
            let envelope = envelopes.get(pile.holder);
            if (!envelope) envelopes.set(pile.holder, (envelope = { expression: new Expression(), usd: pile.envelopeUsd }));
            envelope.usd = Math.min(envelope.usd, pile.envelopeUsd);
            envelope.expression.add(fill, price);
          }
          if (!away || instance.laneOpen(pile.location, member, pile.product, y)) {
            const draw = builder.addVariable('draw', [pile.holder, pile.product, origin, member, y]);
            if (!inBaseline) ctx.baseline?.exclude(draw);
            if (away) builder.addCost(draw, instance.transportUsdPerT(pile.location, member) * d, 'transport');
            row.add(draw, 1);
            ctx.balance(pile.product, origin, member, y).add(draw, 1);
          }
        }
        builder.addConstraint('stock_balance', [pile.holder, pile.product, origin, y], row, { lower: 0, upper: 0 });
        const list = stockByYear.get(y) ?? [];
        list.push(stock);
        stockByYear.set(y, list);
      }
    }
    for (const y of years) {
      const row = new Expression();
      for (const column of stockByYear.get(y) ?? []) row.add(column, 1);
      builder.addConstraint('stock_capacity', [pile.holder, pile.product, y], row, { upper: pile.maxStockT });
    }
  }
  for (const [holder, { expression, usd }] of [...envelopes].sort(([a], [b]) => (a < b ? -1 : 1))) {
    // A holder with several products has one envelope: the smallest the scenario gives wins.
    if (!expression.empty) builder.addConstraint('stock_envelope', [holder], expression, { upper: usd });
  }
}
