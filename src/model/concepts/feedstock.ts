/**
 * Feedstock: what each mine can supply.
 *
 *   source_supply[s,y]:  Σ_p feed[s,p,y] ≤ supply_s(y) − committed_s(y)        (the feed unit per year: t TREO/yr in quad-2026)
 *
 * supply_s and committed_s are step series from the dataset (committed: offtakes to buyers outside
 * the model, such as Serra Verde's Chinese contracts until end-2026). The mine-gate cost of
 * concentrate is charged on feed in separation.ts.
 * Dual: USD (discounted) saved per extra t TREO/yr of source s in year y (≤ 0; reported positive as
 * "the value of one more tonne of this feed").
 */
import type { FormulationContext } from '../context.js';
import { stepValue } from '../instance.js';
import { feedCommittedTpa, feedSupplyTpa } from '../../data/chain.js';

export function addSourceSupply(ctx: FormulationContext): void {
  const { instance, builder } = ctx;
  for (const source of instance.sources) {
    for (const y of instance.years) {
      const use = ctx.peekSourceUse(source.id, y);
      if (!use || use.empty) continue;
      const available = Math.max(0, stepValue(feedSupplyTpa(source), y) - stepValue(feedCommittedTpa(source), y));
      builder.addConstraint('source_supply', [source.id, y], use, { upper: available });
    }
  }
}
