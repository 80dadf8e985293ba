/**
 * Separation — the chain's feed stage (the stage of role `feed` in `meta.chain`; separation in
 * quad-2026): feed in, products out, in the feed's proportions. Quantities of feed are in the chain's
 * feed unit (`meta.chain.feedUnit`: t TREO in quad-2026, so read "t TREO" below as "unit of feed").
 *
 *   feed[s,p,y] ≥ 0   t TREO of source s separated at plant p in year y, where the feed may reach the
 *                     plant that year: no closed lane or lane rule (captive feed, a closed concentrate
 *                     lane) stops it, and no export control stops concentrate from the rival country
 *   yield of oxide k = assay_s(k) · recovery_p      (the feed-yield rule, src/model/feed-yield.ts)
 *   output of oxide k = Σ_s feed[s,p,y] · yield_{s,p,k}
 *
 * The output's origin is trusted only when both the source's and the plant's countries are trusted
 * (`all` in years without an origin split: ../origin-split.ts):
 * balance[k, o, p.country, y] += yield · feed; output(p, k, y) += yield · feed (contracts read it).
 * feed adds to activity(p,y) (capacity rows) and to sourceUse(s,y) (supply rows).
 *
 * Cost per t fed (USD, discounted):
 *   mine-gate_s + transport(s.country → p.country) + variableOpex_p
 *   + cracking_{f(s)} − coProductCredit_{f(s)}          (f(s): the source's feed type, if any)
 *   + Σ_k yield_{s,p,k} · separationCost_k              (per t of each oxide separated; the heavy
 *                                                        circuit's cost sits on the heavy oxides only)
 * so bastnaesite, monazite and a mixed carbonate cost what their cracking costs, and a lean feed
 * is not charged the separation cost of oxides it does not contain.
 */
import type { FormulationContext } from '../context.js';
import { CONCENTRATE, type Origin } from '../instance.js';
import { feedCostUsdPerT, feedStageOf } from '../../data/chain.js';

import { feedYields, heavyInService } from '../feed-yield.js';

export function addSeparation(ctx: FormulationContext): void {
  const { instance, builder, sets } = ctx;
  const feedStage = feedStageOf(instance.dataset.meta.chain);
  for (const plant of instance.plants) {
    if (plant.stage !== feedStage) continue;
    const outputs = sets.separationOutputs(plant);
    for (const source of instance.sources) {
      const origin: Origin = instance.trusted.has(source.country) && instance.trusted.has(plant.country) ? 'trusted' : 'untrusted';
      const fromRival = source.country === instance.rival && plant.country !== instance.rival;
      const feedType = source.feedType !== undefined ? instance.feedTypes.get(source.feedType) : undefined;
      const processing = (yields: ReturnType<typeof feedYields>) =>
        plant.variableOpexUsdPerT +
        (feedType?.crackingCostUsdPerT ?? 0) +
        yields.reduce((sum, [k, rate]) => sum + rate * (instance.products.get(k)?.separationCostUsdPerT ?? 0), 0);
      const coProductCredit = feedType?.coProductCreditUsdPerT ?? 0;
      let feedCost: number | undefined;
      let transport: number | undefined;
      // The yields depend on the year only through the heavy circuit being in service: two variants at most.
      const variants: Array<{ yields: ReturnType<typeof feedYields>; processing: number } | undefined> = [undefined, undefined];
      for (const y of sets.activeYears(plant)) {
        const heavy = heavyInService(plant, y) ? 1 : 0;
        let variant = variants[heavy];
        if (!variant) {
          const yields = feedYields(instance, source, plant, y, outputs);
          variants[heavy] = variant = { yields, processing: processing(yields) };
        }
        const { yields } = variant;
        if (!yields.length) continue;
        if (!instance.feedAllowed(source, plant, y)) continue;
        if (fromRival && instance.exportControlled(CONCENTRATE, y)) continue;
        const column = builder.addVariable('feed', [source.id, plant.id, y]);
        if (ctx.baseline && !ctx.baseline.active(plant, y)) ctx.baseline.exclude(column);
        const d = instance.discountFactor(y);
        feedCost ??= feedCostUsdPerT(source);
        transport ??= instance.transportUsdPerT(source.country, plant.country);
        builder.addCost(column, feedCost * d, 'feedstock');
        builder.addCost(column, transport * d, 'transport');
        builder.addCost(column, variant.processing * d, 'variableOpex');
        builder.addCost(column, -coProductCredit * d, 'coProductCredit');
        ctx.activity(plant.id, y).add(column, 1);
        ctx.sourceUse(source.id, y).add(column, 1);
        for (const [product, rate] of yields) {
          ctx.balance(product, ctx.originOf(origin, y), plant.country, y).add(column, rate);
          ctx.output(plant.id, product, y).add(column, rate);
        }
      }
    }
  }
}
