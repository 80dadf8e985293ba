/**
 * Separation: concentrate in, separated oxides out, in the feed's proportions.
 *
 *   feed[s,p,y] ≥ 0   t TREO of source s separated at plant p in year y (lane s.country → p.country open,
 *                     and no export control on concentrate when s lies in the rival country)
 *   output of oxide k = Σ_s feed[s,p,y] · assay_s(k) · recovery_p      (heavy k only if p has a heavy circuit)
 *
 * The output's origin is trusted only when both the source's and the plant's countries are trusted:
 * balance[k, o, p.country, y] += assay · recovery · feed. feed adds to activity(p,y) (capacity rows)
 * and to sourceUse(s,y) (supply rows). Costs per tonne fed, discounted: mine-gate cost of the
 * concentrate, transport source → plant, and the plant's variable opex.
 */
import type { FormulationContext } from '../context.js';
import { CONCENTRATE, type Origin } from '../instance.js';

export function addSeparation(ctx: FormulationContext): void {
  const { instance, builder, sets } = ctx;
  for (const plant of instance.plants) {
    if (plant.stage !== 'separation') continue;
    const outputs = sets.separationOutputs(plant);
    const recovery = plant.recoveryRate ?? 0;
    for (const source of instance.sources) {
      const yields = outputs.map((k) => [k, (source.assay[k] ?? 0) * recovery] as const).filter(([, v]) => v > 0);
      if (!yields.length || !instance.laneOpen(source.country, plant.country, CONCENTRATE)) continue;
      const origin: Origin = instance.trusted.has(source.country) && instance.trusted.has(plant.country) ? 'trusted' : 'untrusted';
      const fromRival = source.country === instance.rival && plant.country !== instance.rival;
      for (const y of sets.activeYears(plant)) {
        if (fromRival && instance.exportControlled(CONCENTRATE, y)) continue;
        const column = builder.addVariable('feed', [source.id, plant.id, y]);
        const d = instance.discountFactor(y);
        builder.addCost(column, source.costUsdPerTTreo * d, 'feedstock');
        builder.addCost(column, instance.transportUsdPerT(source.country, plant.country) * d, 'transport');
        builder.addCost(column, plant.variableOpexUsdPerT * d, 'variableOpex');
        ctx.activity(plant.id, y).add(column, 1);
        ctx.sourceUse(source.id, y).add(column, 1);
        for (const [product, rate] of yields) ctx.balance(product, origin, plant.country, y).add(column, rate);
      }
    }
  }
}
