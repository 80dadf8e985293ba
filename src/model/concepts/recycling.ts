/**
 * Recycling: end-of-life magnets and production swarf as a growing feed (off unless the scenario
 * sets `recycling.enabled`).
 *
 * Streams s (country c_s, scrap product g_s, t of magnet per year A_s(y): the sourced growth path),
 * recycling plants p (country c_p, routes R_p, capacity in t of scrap per year), routes r (short loop:
 * scrap → magnet alloy, i.e. metal; long loop: scrap → separated oxides), with yields a_{r,k} t of k per
 * t of scrap:
 *   recycle[s,p,r,y] ≥ 0      t of scrap of stream s processed at p on route r in year y (r takes g_s)
 *   balance[k, o_p, c_p, y]  += a_{r,k} · recycle            o_p = trusted when c_p is trusted
 *   scrap_supply[s,y]:         Σ_{p,r} recycle[s,p,r,y] ≤ A_s(y)                               (t scrap/yr)
 *   recycle_build[p,b] ≥ 0     t/yr of recycling capacity added, construction from b (b ≥ earliest
 *                              start, online b + L_p inside the horizon)
 *   recycle_capacity[p,y]:     Σ_{s,r} recycle[s,p,r,y] − Σ_{b : b+L ≤ y < b+L+T} recycle_build[p,b] ≤ existing_p(y)
 *   recycle_max_size[p]:       Σ_b recycle_build[p,b] ≤ maxSize_p
 *
 * Cost per t of scrap (discounted, category `recycling`): the stream's collection cost + transport
 * c_s → c_p + the route's processing cost. Builds: capex_p · recycle_build (discounted construction
 * spend less the salvage credit, as objective.ts) and fixed opex for each online year (categories
 * `capex`, `salvageCredit`, `fixedOpex`).
 * Origin rule: recycled in an allied (trusted) country is trusted content, whatever the scrap's first
 * origin: the rare earths are recovered and refined outside the rival's chain, which is what the
 * dependency targets measure. Recycling in an untrusted country yields untrusted content.
 * A recycling plant may name feed sources it stands for in the primary data (`replacesSources`): they
 * leave the sources when recycling is on, so nothing is counted twice (the reference data names none:
 * Caremag's first line stays the source `fr_recycled_magnets`; `caremag_recycling` is a second line).
 * Duals: scrap_supply — USD (discounted) saved per extra t of scrap (≤ 0); recycle_capacity — USD
 * saved per extra t/yr of recycling capacity (≤ 0); recycle_max_size — per extra t/yr of maximum size.
 */
import { Expression } from '../builder.js';
import type { FormulationContext } from '../context.js';
import { stepValue, type Origin } from '../instance.js';
import { discountedSpendFactor, salvageFactor } from './objective.js';

export function addRecycling(ctx: FormulationContext): void {
  const { instance, builder } = ctx;
  const recycling = instance.recycling;
  if (!recycling) return;
  const streamUse = new Map<string, Expression>();
  for (const plant of recycling.plants) {
    const origin: Origin = instance.trusted.has(plant.country) ? 'trusted' : 'untrusted';
    const e = plant.expansion;
    const builds = new Map<number, number>();
    if (e && !instance.noNewBuilds) {
      const total = new Expression();
      for (const b of instance.years) {
        if (b < e.earliestStartYear || b + e.leadTimeYears > instance.endYear) continue;
        const column = builder.addVariable('recycle_build', [plant.id, b], { upper: e.maxSizeTpa });
        builds.set(b, column);
        total.add(column, 1);
        builder.addCost(column, e.capexUsdPerTpa * discountedSpendFactor(instance, e.leadTimeYears, b), 'capex');
        builder.addCost(column, -e.capexUsdPerTpa * salvageFactor(instance, e.leadTimeYears, e.lifetimeYears, b), 'salvageCredit');
        let fixed = 0;
        for (let y = b + e.leadTimeYears; y < b + e.leadTimeYears + e.lifetimeYears && y <= instance.endYear; y++) fixed += instance.discountFactor(y);
        builder.addCost(column, plant.fixedOpexUsdPerTpaYear * fixed, 'fixedOpex');
      }
      if (!total.empty) builder.addConstraint('recycle_max_size', [plant.id], total, { upper: e.maxSizeTpa });
    }
    for (const y of instance.years) {
      const existing = stepValue(plant.existingCapacityTpa, y);
      const row = new Expression();
      for (const [b, column] of builds) {
        const online = b + e!.leadTimeYears;
        if (y >= online && y < online + e!.lifetimeYears) row.add(column, -1);
      }
      if (existing <= 0 && row.empty) continue;
      let used = false;
      for (const stream of recycling.streams) {
        if (stream.tonnes(y) <= 0) continue;
        if (!instance.laneOpen(stream.country, plant.country, stream.product, y)) continue;
        for (const route of plant.routes) {
          if (!route.inputProducts.includes(stream.product)) continue;
          const column = builder.addVariable('recycle', [stream.id, plant.id, route.id, y]);
          // Without new builds a plant recycles only in years it has existing capacity.
          if (ctx.baseline && existing <= 0) ctx.baseline.exclude(column);
          const perT = stream.collectionCostUsdPerT + instance.transportUsdPerT(stream.country, plant.country) + route.processingCostUsdPerT;
          builder.addCost(column, perT * instance.discountFactor(y), 'recycling');
          row.add(column, 1);
          used = true;
          for (const [product, share] of Object.entries(route.yieldsTPerT)) {
            if (share > 0) ctx.balance(product, ctx.originOf(origin, y), plant.country, y).add(column, share);
          }
          const key = `${stream.id}|${y}`;
          let use = streamUse.get(key);
          if (!use) streamUse.set(key, (use = new Expression()));
          use.add(column, 1);
        }
      }
      if (used) builder.addConstraint('recycle_capacity', [plant.id, y], row, { upper: existing });
    }
  }
  for (const stream of recycling.streams) {
    for (const y of instance.years) {
      const use = streamUse.get(`${stream.id}|${y}`);
      if (use) builder.addConstraint('scrap_supply', [stream.id, y], use, { upper: stream.tonnes(y) });
    }
  }
}
