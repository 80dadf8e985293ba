/**
 * Capacity: builds, lead times, lifetimes and maximum sizes.
 *
 *   build[p,b] ≥ 0                       t/yr added at plant p, construction starting in year b,
 *                                        for b ≥ earliestStartYear_p and b + L_p ≤ Y (online inside the horizon)
 *   capacity[p,y]:  activity(p,y) − Σ_{b : b+L_p ≤ y ≤ b+L_p+T_p−1} ρ_p(y − b − L_p) · build[p,b] ≤ existing_p(y)
 *   max_size[p]:    Σ_b build[p,b] ≤ maxSize_p
 *   where it needs fewer nonzeros (long horizons: a build enters every capacity row of its life),
 *   the same capacity rows are written through a stock of online builds:
 *     online[p,y] ≥ 0          t/yr of builds online in y at full rate (arrived, not retired)
 *     online_stock[p,y]:  online[p,y] − online[p,y−1] − build[p,y−L_p] + build[p,y−L_p−T_p] = 0
 *     capacity[p,y]:      activity(p,y) − online[p,y] + Σ_{n<m} (1 − ρ_p(n)) · build[p,y−L_p−n] ≤ existing_p(y)
 *   (m the length of the ramp): each row then has ~m+2 terms instead of one per build alive, and
 *   both forms define the same feasible set (a test solves both).
 *   fixed builds (stress tests, scenario `fixedBuilds`): every build column is fixed,
 *     fixed_build[p,b]:  build[p,b] = B_{p,b}     (the listed t/yr, 0 for every other plant and year)
 *   outages (scenario `overrides.outages`): a plant out of service produces nothing,
 *     outage[p,y]:       activity(p,y) ≤ 0        for y in the outage's years
 *   lumpy builds (scenario option): build_on[p,b] ∈ {0,1},
 *     min_build[p,b]: build[p,b] − minSize_p · build_on[p,b] ≥ 0
 *     max_build[p,b]: build[p,b] − maxSize_p · build_on[p,b] ≤ 0
 *
 * activity(p,y) is t TREO fed for separation plants and t output for metal and magnet plants.
 * existing_p(y) is the dataset's step series, zero after the retirement year. ρ_p(n) is the ramp-up:
 * the share of a build's capacity available in its n-th online year (n = 0 first), from the plant's
 * `expansion.rampUpShares` or the dataset's default for its stage, and 1 after the list.
 * Costs: capex_p · build · (discounted construction spend − salvage credit), see objective.ts;
 * fixed opex_p · build for every online year inside the horizon, discounted.
 * Duals: capacity[p,y] — USD saved per extra t/yr at p in y (≤ 0); max_size[p] — USD saved per
 * extra t/yr of maximum size (≤ 0). Reports state both as positive values. online_stock[p,y] —
 * USD (discounted) per t/yr of builds online in y, an accounting row with no limit of its own.
 * fixed_build[p,b] — USD (discounted) per extra t/yr of the fixed build. outage[p,y] — USD
 * (discounted) the outage costs per t of activity it stops (≤ 0).
 */
import { Expression } from '../builder.js';
import type { FormulationContext } from '../context.js';
import { stepValue } from '../instance.js';
import { discountedSpendFactor, salvageFactor } from './objective.js';
import type { Plant } from '../../data/schema.js';
import { ScenarioError } from '../instance.js';

/** Adds build columns with their capex and fixed-opex costs (rows come later, in addCapacityLimits). */
export function addBuilds(ctx: FormulationContext): void {
  const { instance, builder, sets } = ctx;
  const lumpy = instance.solver.lumpyBuilds;
  for (const plant of instance.plants) {
    const e = plant.expansion;
    const buildYears = sets.buildYears(plant);
    if (!e || !buildYears.length) continue;
    const columns = new Map<number, number>();
    const total = new Expression();
    for (const b of buildYears) {
      const column = builder.addVariable('build', [plant.id, b], { upper: e.maxSizeTpa });
      columns.set(b, column);
      total.add(column, 1);
      builder.addCost(column, e.capexUsdPerTpa * discountedSpendFactor(instance, e.leadTimeYears, b), 'capex');
      builder.addCost(column, -e.capexUsdPerTpa * salvageFactor(instance, e.leadTimeYears, e.lifetimeYears, b), 'salvageCredit');
      let fixed = 0;
      for (let y = b + e.leadTimeYears; y < b + e.leadTimeYears + e.lifetimeYears && y <= instance.endYear; y++) {
        fixed += instance.discountFactor(y);
      }
      builder.addCost(column, plant.fixedOpexUsdPerTpaYear * fixed, 'fixedOpex');
      if (lumpy && e.minSizeTpa > 0) {
        const on = builder.addVariable('build_on', [plant.id, b], { upper: 1, integer: true });
        builder.addConstraint('min_build', [plant.id, b], new Expression().add(column, 1).add(on, -e.minSizeTpa), { lower: 0 });
        builder.addConstraint('max_build', [plant.id, b], new Expression().add(column, 1).add(on, -e.maxSizeTpa), { upper: 0 });
      }
    }
    ctx.buildColumns.set(plant.id, columns);
    builder.addConstraint('max_size', [plant.id], total, { upper: e.maxSizeTpa });
  }
  const fixed = instance.fixedBuilds;
  if (!fixed) return;
  for (const [plantId, columns] of ctx.buildColumns) {
    for (const [b, column] of columns) {
      const value = fixed.get(`${plantId}|${b}`) ?? 0;
      builder.addConstraint('fixed_build', [plantId, b], new Expression().add(column, 1), { lower: value, upper: value });
    }
  }
  const issues = (instance.scenario.fixedBuilds ?? []).flatMap((b, i) =>
    ctx.buildColumns.get(b.plant)?.has(b.buildYear) || b.capacityTpa === 0
      ? []
      : [
          {
            path: `fixedBuilds[${i}].buildYear`,
            message: `plant '${b.plant}' cannot start a build in ${b.buildYear} in this scenario (earliest start, lead time or horizon)`,
          },
        ],
  );
  if (issues.length) throw new ScenarioError(issues);
}

/** Adds capacity[p,y] once every concept has added its throughput to activity(p,y). */
export function addCapacityLimits(ctx: FormulationContext, options: { readonly cumulative?: boolean } = {}): void {
  const { instance, builder } = ctx;
  for (const plant of instance.plants) {
    const e = plant.expansion;
    const columns = ctx.buildColumns.get(plant.id);
    const rowYears = instance.years.filter((y) => !(ctx.peekActivity(plant.id, y)?.empty ?? true));
    const stock = e && columns && options.cumulative !== false && cumulativeIsSmaller(ctx, plant, rowYears) ? addOnlineStock(ctx, plant) : undefined;
    for (const y of rowYears) {
      const row = new Expression().addExpression(ctx.peekActivity(plant.id, y)!);
      if (e && columns && stock) {
        const online = stock.get(y);
        if (online !== undefined) row.add(online, -1);
        for (let n = 0; n < rampLength(ctx, plant); n++) {
          const arrived = columns.get(y - e.leadTimeYears - n);
          if (arrived !== undefined && n < e.lifetimeYears) row.add(arrived, 1 - instance.rampShare(plant, n));
        }
      } else if (e && columns) {
        for (const [b, column] of columns) {
          const online = b + e.leadTimeYears;
          if (y >= online && y < online + e.lifetimeYears) row.add(column, -instance.rampShare(plant, y - online));
        }
      }
      const retired = plant.retirementYear !== undefined && y > plant.retirementYear;
      const existing = retired ? 0 : stepValue(plant.existingCapacityTpa, y);
      builder.addConstraint('capacity', [plant.id, y], row, { upper: existing });
      if (instance.outage(plant, y))
        builder.addConstraint('outage', [plant.id, y], new Expression().addExpression(ctx.peekActivity(plant.id, y)!), { upper: 0 });
    }
  }
}

function rampLength(ctx: FormulationContext, plant: Plant): number {
  let m = 0;
  while (m < 10 && ctx.instance.rampShare(plant, m) < 1) m++;
  return m;
}

/** online[p,y] from the first year a build can be online to the horizon end, with its stock rows. */
function addOnlineStock(ctx: FormulationContext, plant: Plant): Map<number, number> {
  const { instance, builder } = ctx;
  const e = plant.expansion!;
  const columns = ctx.buildColumns.get(plant.id)!;
  const first = Math.min(...columns.keys()) + e.leadTimeYears;
  const stock = new Map<number, number>();
  let previous: number | undefined;
  for (let y = first; y <= instance.endYear; y++) {
    const online = builder.addVariable('online', [plant.id, y]);
    const row = new Expression().add(online, 1);
    if (previous !== undefined) row.add(previous, -1);
    const arriving = columns.get(y - e.leadTimeYears);
    if (arriving !== undefined) row.add(arriving, -1);
    const leaving = columns.get(y - e.leadTimeYears - e.lifetimeYears);
    if (leaving !== undefined) row.add(leaving, 1);
    builder.addConstraint('online_stock', [plant.id, y], row, { lower: 0, upper: 0 });
    stock.set(y, online);
    previous = online;
  }
  return stock;
}

/** True when writing the plant's capacity rows through the online stock takes fewer nonzeros. */
function cumulativeIsSmaller(ctx: FormulationContext, plant: Plant, rowYears: readonly number[]): boolean {
  const e = plant.expansion!;
  const columns = ctx.buildColumns.get(plant.id)!;
  const builds = [...columns.keys()];
  const m = rampLength(ctx, plant);
  let direct = 0;
  let cumulative = 0;
  for (const y of rowYears) {
    direct += builds.filter((b) => y >= b + e.leadTimeYears && y < b + e.leadTimeYears + e.lifetimeYears).length;
    cumulative += 1 + builds.filter((b) => y - b - e.leadTimeYears >= 0 && y - b - e.leadTimeYears < m).length;
  }
  const first = Math.min(...builds) + e.leadTimeYears;
  for (let y = first; y <= ctx.instance.endYear; y++) {
    cumulative += (y > first ? 2 : 1) + (columns.has(y - e.leadTimeYears) ? 1 : 0) + (columns.has(y - e.leadTimeYears - e.lifetimeYears) ? 1 : 0);
  }
  return cumulative < direct;
}
