/**
 * Demand: each market's need for final products (magnet grades), by year.
 *
 *   deliver[c,g,o,y] ≥ 0 (o = `all` in years without an origin split: ../origin-split.ts), unserved[c,g,y] ≥ 0
 *   demand[c,g,y]:  Σ_o deliver[c,g,o,y] + unserved[c,g,y] = D_{c,g,y}
 *   balance[g, o, c, y] −= deliver[c,g,o,y];   use[g, o, c, y] += deliver[c,g,o,y]
 *
 * D_{c,g,y} = baseTonnes_c · (1 + growth_c)^(y − baseYear_c) · gradeShare_{c,g}.
 * unserved is priced at the dataset's unserved penalty (USD/t, discounted); it is non-zero only
 * when export controls and capacity leave no supply, and the portfolio reports it.
 * Dual of demand[c,g,y]: USD (discounted) marginal cost of one more tonne of that demand.
 *
 * Origin tie-break: deliver[c,g,untrusted,y] costs 0.01 USD/t (discounted; the rule is in
 * ../tie-break.ts). In years without a target, labelling a tonne trusted or untrusted costs the
 * same (a trusted tonne may always be downgraded or left unused), so without it the solver picks
 * either and the reported shares of untargeted years are arbitrary.
 */

import { Expression } from '../builder.js';
import type { FormulationContext } from '../context.js';
import { UNTRUSTED_TIE_BREAK_USD_PER_T } from '../tie-break.js';

export function addDemand(ctx: FormulationContext): void {
  const { instance, builder } = ctx;
  for (const [key, tonnes] of instance.demand) {
    const [country, product, yearText] = key.split('|') as [string, string, string];
    const y = Number(yearText);
    const row = new Expression();
    for (const origin of ctx.originsIn(y)) {
      const column = builder.addVariable('deliver', [country, product, origin, y]);
      if (origin === 'untrusted') builder.addCost(column, UNTRUSTED_TIE_BREAK_USD_PER_T * instance.discountFactor(y), 'originTieBreak');
      row.add(column, 1);
      ctx.balance(product, origin, country, y).add(column, -1);
      ctx.use(product, origin, country, y).add(column, 1);
    }
    const unserved = builder.addVariable('unserved', [country, product, y]);
    builder.addCost(unserved, instance.unservedPenaltyUsdPerT * instance.discountFactor(y), 'unservedPenalty');
    ctx.unservedColumns.set(key, unserved);
    row.add(unserved, 1);
    builder.addConstraint('demand', [country, product, y], row, { lower: tonnes, upper: tonnes });
  }
}
