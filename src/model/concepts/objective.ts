/**
 * Objective: minimise total discounted cost (`total_cost`, USD 2026).
 *
 *   total_cost = Σ_y δ_y · ( capex spend_y − salvage + fixed opex_y + variable opex_y + feedstock_y
 *                            + transport_y + purchases_y + penalty · (shortfall_y + unserved_y) )
 *
 *   δ_y = (1 + r)^−(y − y0), r the scenario discount rate, y0 the first year of the horizon.
 *
 * Capex of a build decided in year b with lead time L is spent in equal parts over the
 * construction years b … b+L−1 (in b when L = 0) and discounted year by year.
 * Capex beyond the horizon — a **salvage credit**: a build online from b+L for a lifetime of T years
 * whose life runs n years past the horizon end Y is credited capex · n/T (straight-line
 * undepreciated value), discounted at δ_{Y+1}. A build whose whole life ends inside the horizon
 * gets no credit. This keeps late builds from looking dearer than early ones only because the
 * horizon cuts off their output. Every concept adds its own terms with `builder.addCost(column,
 * amount, category)`; the categories make up the portfolio's cost breakdown.
 */
import type { Instance } from '../instance.js';

/** Share of a build's capex spent in year y when it was decided in year b with lead time L. */
export function constructionSpendShare(leadTimeYears: number, buildYear: number, year: number): number {
  if (leadTimeYears <= 0) return year === buildYear ? 1 : 0;
  return year >= buildYear && year < buildYear + leadTimeYears ? 1 / leadTimeYears : 0;
}

/** Discounted capex per USD of capex for a build decided in year b (before the salvage credit). */
export function discountedSpendFactor(instance: Instance, leadTimeYears: number, buildYear: number): number {
  const years = Math.max(1, leadTimeYears);
  let factor = 0;
  for (let y = buildYear; y < buildYear + years; y++) factor += constructionSpendShare(leadTimeYears, buildYear, y) * instance.discountFactor(y);
  return factor;
}

/** Salvage credit per USD of capex: undepreciated share at the horizon end, discounted to Y+1. */
export function salvageFactor(instance: Instance, leadTimeYears: number, lifetimeYears: number, buildYear: number): number {
  const lastYear = buildYear + leadTimeYears + lifetimeYears - 1;
  const yearsAfter = Math.max(0, lastYear - instance.endYear);
  const share = Math.min(1, yearsAfter / lifetimeYears);
  return share * instance.discountFactor(instance.endYear + 1);
}
