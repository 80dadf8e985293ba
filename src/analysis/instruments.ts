/**
 * Portfolio sections of the stockpile and recycling instruments (issue 15), read from a solved
 * plan's columns by name. Pure.
 *
 * Months of cover of member c in year y from holder h's stock of k: the stock carried into y (end of
 * y − 1) against the consumption of k in y by the holder's members (a pooled reserve covers the
 * pool, so each member's months are the pool's): cover = 12 · stock / Σ_{m ∈ M_h} consumption_m(k, y).
 * Consumption is what markets receive and plants take in, unserved demand included (as dependency).
 *
 * Recycled share: NdPr oxide-equivalent recycled (route yields × oxide per t of the product, plus
 * NdPr separated from feed of a recycled feed type, e.g. Caremag's scrap line) over recycled + NdPr
 * separated from mined feed in trusted countries + NdPr content trusted countries buy from the rival
 * (oxide, metal and magnets, through the recipes' inputs).
 */
import type { LinearModel } from '../model/builder.js';
import { tracedColumns } from './origin-tracing.js';
import { parseName } from '../model/families.js';
import type { Instance } from '../model/instance.js';
import { referenceProductOf } from '../data/chain.js';
import type { Portfolio } from '../schemas/portfolio.js';
import { feedYields } from '../model/feed-yield.js';

const EPS = 1e-9;

/** `use`: tonnes consumed by origin, keyed `product|origin|country|year` (the portfolio's `consumptionByOrigin`). */
export function stockpileSection(
  instance: Instance,
  model: LinearModel,
  values: Float64Array,
  use: ReadonlyMap<string, number>,
): NonNullable<Portfolio['stockpiles']> | null {
  if (!instance.stockpiles.length) return null;
  const get = (map: ReadonlyMap<string, number>, key: string) => map.get(key) ?? 0;
  const stock = new Map<string, number>(); // holder|product|origin|year
  const fills = new Map<string, number>(); // holder|product|year
  const draws = new Map<string, number>();
  const add = (map: Map<string, number>, key: string, v: number) => map.set(key, (map.get(key) ?? 0) + v);
  // Stock of years without an origin split comes as its traced trusted and untrusted parts (origin-tracing.ts).
  for (const parsed of tracedColumns(instance, model, values)) {
    const value = parsed.value;
    if (Math.abs(value) <= EPS) continue;
    if (parsed.family === 'stock') add(stock, `${parsed.index.holder}|${parsed.index.product}|${parsed.index.origin}|${parsed.index.year}`, value);
    else if (parsed.family === 'fill') add(fills, `${parsed.index.holder}|${parsed.index.product}|${parsed.index.year}`, value);
    else if (parsed.family === 'draw') add(draws, `${parsed.index.holder}|${parsed.index.product}|${parsed.index.year}`, value);
  }
  const consumption = (country: string, product: string, year: number) =>
    get(use, `${product}|trusted|${country}|${year}`) + get(use, `${product}|untrusted|${country}|${year}`);
  const years: NonNullable<Portfolio['stockpiles']>['years'] = [];
  const cover: NonNullable<Portfolio['stockpiles']>['cover'] = [];
  for (const pile of instance.stockpiles) {
    for (const year of instance.years) {
      if (year < pile.fromYear) continue;
      const key = `${pile.holder}|${pile.product}`;
      const trusted = get(stock, `${key}|trusted|${year}`);
      const untrusted = get(stock, `${key}|untrusted|${year}`);
      years.push({
        holder: pile.holder,
        product: pile.product,
        year,
        stockT: trusted + untrusted,
        trustedStockT: trusted,
        untrustedStockT: untrusted,
        fillT: get(fills, `${key}|${year}`),
        drawT: get(draws, `${key}|${year}`),
        holdCostUsd: (trusted + untrusted) * pile.holdCostUsdPerTYear(year),
      });
      const carried = get(stock, `${key}|trusted|${year - 1}`) + get(stock, `${key}|untrusted|${year - 1}`);
      const pool = pile.members.reduce((sum, m) => sum + consumption(m, pile.product, year), 0);
      for (const member of pile.members) {
        cover.push({
          holder: pile.holder,
          member,
          product: pile.product,
          year,
          stockT: carried,
          consumptionT: pool,
          monthsOfCover: pool > EPS ? (12 * carried) / pool : null,
        });
      }
    }
  }
  return { years, cover };
}

/** t of the light separation product (NdPr oxide) in one tonne of each product, through the recipes. */
export function oxideEquivalents(instance: Instance): Map<string, number> {
  const light = referenceProductOf(instance.dataset.meta.chain, instance.products.values());
  const eq = new Map<string, number>([[light, 1]]);
  for (let pass = 0; pass < 3; pass++) {
    for (const process of instance.processes.values()) {
      let total = 0;
      for (const [input, perT] of Object.entries(process.inputsTPerT)) total += perT * (eq.get(input) ?? 0);
      if (total > 0) eq.set(process.output, total);
    }
  }
  return eq;
}

export function recyclingSection(instance: Instance, model: LinearModel, values: Float64Array): NonNullable<Portfolio['recycling']> | null {
  const recycling = instance.recycling;
  if (!recycling) return null;
  const eq = oxideEquivalents(instance);
  const routes = new Map(recycling.plants.flatMap((p) => p.routes).map((r) => [r.id, r]));
  const flows: NonNullable<Portfolio['recycling']>['flows'] = [];
  const scrap = new Map<number, number>();
  const recycled = new Map<number, number>();
  const purchased = new Map<number, number>();
  const add = (map: Map<number, number>, year: number, v: number) => map.set(year, (map.get(year) ?? 0) + v);
  model.colNames.forEach((name, j) => {
    const value = values[j] ?? 0;
    if (value <= EPS) return;
    const parsed = parseName(name);
    if (parsed.family === 'recycle') {
      const { stream, plant, route, year } = parsed.index;
      flows.push({ stream, plant, route, year, scrapT: value });
      add(scrap, year, value);
      for (const [k, share] of Object.entries(routes.get(route)?.yieldsTPerT ?? {})) add(recycled, year, value * share * (eq.get(k) ?? 0));
    } else if (parsed.family === 'buy') {
      const { product, country, year } = parsed.index;
      if (instance.trusted.has(country)) add(purchased, year, value * (eq.get(product) ?? 0));
    }
  });
  // Separated NdPr from trusted plants: mined feed is primary; feed of a recycled feed type (Caremag's
  // scrap line in the primary data) is recycled.
  const primary = new Map<number, number>();
  const plants = new Map(instance.plants.map((p) => [p.id, p]));
  const sources = new Map(instance.sources.map((s) => [s.id, s]));
  model.colNames.forEach((name, j) => {
    const value = values[j] ?? 0;
    if (value <= EPS) return;
    const parsed = parseName(name);
    if (parsed.family !== 'feed') return;
    const { source: sourceId, plant: plantId, year } = parsed.index;
    const source = sources.get(sourceId);
    const plant = plants.get(plantId);
    if (!source || !plant || !instance.trusted.has(plant.country)) return;
    const recycledFeed = source.feedType !== undefined && instance.feedTypes.get(source.feedType)?.recycled === true;
    for (const [product, rate] of feedYields(instance, source, plant, year)) {
      if (eq.get(product) === 1) add(recycledFeed ? recycled : primary, year, value * rate);
    }
  });
  const years = instance.years.map((year) => {
    const r = recycled.get(year) ?? 0;
    const total = r + (primary.get(year) ?? 0) + (purchased.get(year) ?? 0);
    return {
      year,
      scrapT: scrap.get(year) ?? 0,
      recycledNdprOxideEqT: r,
      primaryNdprOxideEqT: primary.get(year) ?? 0,
      purchasedNdprOxideEqT: purchased.get(year) ?? 0,
      recycledShare: total > EPS ? r / total : null,
    };
  });
  return { flows: flows.sort((a, b) => a.year - b.year || a.plant.localeCompare(b.plant) || a.stream.localeCompare(b.stream)), years };
}
