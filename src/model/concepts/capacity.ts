/**
 * Capacity: builds, lead times, lifetimes and maximum sizes.
 *
 *   build[p,b] ≥ 0                       t/yr added at plant p, construction starting in year b,
 *                                        for b ≥ earliestStartYear_p and b + L_p ≤ Y (online inside the horizon)
 *   capacity[p,y]:  activity(p,y) − Σ_{b : b+L_p ≤ y ≤ b+L_p+T_p−1} ρ_p(y − b − L_p) · build[p,b] ≤ existing_p(y)
 *   max_size[p]:    Σ_b build[p,b] ≤ maxSize_p
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
 * extra t/yr of maximum size (≤ 0). Reports state both as positive values.
 */
import { Expression } from '../builder.js';
import type { FormulationContext } from '../context.js';
import { stepValue } from '../instance.js';
import { discountedSpendFactor, salvageFactor } from './objective.js';

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
}

/** Adds capacity[p,y] once every concept has added its throughput to activity(p,y). */
export function addCapacityLimits(ctx: FormulationContext): void {
  const { instance, builder } = ctx;
  for (const plant of instance.plants) {
    const e = plant.expansion;
    const columns = ctx.buildColumns.get(plant.id);
    for (const y of instance.years) {
      const activity = ctx.peekActivity(plant.id, y);
      if (!activity || activity.empty) continue;
      const row = new Expression().addExpression(activity);
      if (e && columns) {
        for (const [b, column] of columns) {
          const online = b + e.leadTimeYears;
          if (y >= online && y < online + e.lifetimeYears) row.add(column, -instance.rampShare(plant, y - online));
        }
      }
      const retired = plant.retirementYear !== undefined && y > plant.retirementYear;
      const existing = retired ? 0 : stepValue(plant.existingCapacityTpa, y);
      builder.addConstraint('capacity', [plant.id, y], row, { upper: existing });
    }
  }
}
