/**
 * World market: what allied (and other non-rival) producers make can be sold to the rest of the
 * world, where the rival sets the price. Without it, a trusted plant whose output the modelled
 * markets do not need has no outlet and sits idle, although in the world it sells (Lynas and MP sell
 * oxide to buyers outside the modelled countries).
 *
 *   sell[k,o,c,y] ≥ 0   t of product k with content of origin o (`all` where origins are pooled) sold from country c ≠ rival to the
 *                       rest of the world in year y, for each country that can make k
 *   balance[k,o,c,y] −= sell;   cost −(P_k(y) − transport(c → rival)) · sell, discounted
 *
 * P_k(y) is the rival's price record for k (its world price; an export control stops the rival's
 * sales to the modelled countries, not the world price, which the dataset does not raise). Only
 * when the dataset turns it on (`meta.defaults.worldMarketSales`), and only where the net price is
 * positive. A sale is an export: the dependency metrics count it as one, and it is not consumption.
 * Cost category `worldMarketSales` (negative: revenue).
 */
import type { FormulationContext } from '../context.js';
import { feedStageOf } from '../../data/chain.js';

export function addWorldMarket(ctx: FormulationContext): void {
  const { instance, builder, sets } = ctx;
  if (!instance.worldMarketSales) return;
  const feedStage = feedStageOf(instance.dataset.meta.chain);
  // Where and when each product can be made: product → country → years with an active plant.
  const made = new Map<string, Map<string, Set<number>>>();
  const baselineYears = new Map<string, Set<number>>();
  for (const plant of instance.plants) {
    if (plant.country === instance.rival) continue;
    const products =
      plant.stage === feedStage
        ? sets.separationOutputs(plant)
        : (plant.processes ?? []).flatMap((id) => {
            const process = instance.processes.get(id);
            return process ? [process.output] : [];
          });
    for (const product of products) {
      if (!made.has(product)) made.set(product, new Map());
      const byCountry = made.get(product)!;
      if (!byCountry.has(plant.country)) byCountry.set(plant.country, new Set());
      for (const y of sets.activeYears(plant)) byCountry.get(plant.country)!.add(y);
      // The no-new-builds baseline sells only in years an existing plant makes the product.
      if (ctx.baseline) {
        const key = `${product}|${plant.country}`;
        let years = baselineYears.get(key);
        if (!years) baselineYears.set(key, (years = new Set()));
        for (const y of ctx.baseline.sets.activeYears(plant)) years.add(y);
      }
    }
  }
  for (const product of [...made.keys()].sort()) {
    const byCountry = made.get(product)!;
    for (const country of [...byCountry.keys()].sort()) {
      const origins = instance.trusted.has(country) ? (['trusted', 'untrusted'] as const) : (['untrusted'] as const);
      for (const year of instance.years) {
        const yearOrigins = ctx.isSplit(year) ? origins : (['all'] as const);
        if (!byCountry.get(country)!.has(year)) continue;
        const price = instance.worldPriceUsdPerT(product, year);
        if (price === undefined) continue;
        const net = price - instance.transportUsdPerT(country, instance.rival);
        if (net <= 0) continue;
        for (const origin of yearOrigins) {
          const column = builder.addVariable('sell', [product, origin, country, year]);
          if (ctx.baseline && !baselineYears.get(`${product}|${country}`)?.has(year)) ctx.baseline.exclude(column);
          builder.addCost(column, -net * instance.discountFactor(year), 'worldMarketSales');
          ctx.balance(product, origin, country, year).add(column, -1);
          ctx.sellColumns.add(column);
          if (ctx.contractCountries.get(product)?.has(country)) {
            const key = `${product}|${country}|${year}`;
            const columns = ctx.sellColumnsBy.get(key);
            if (columns) columns.push(column);
            else ctx.sellColumnsBy.set(key, [column]);
          }
        }
      }
    }
  }
}
