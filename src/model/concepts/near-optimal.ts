/**
 * Near-optimal alternatives (modelling to generate alternatives): with the cost capped at the
 * optimum × (1 + slack), minimise or maximise a linear quantity of the solution instead of the cost.
 *
 *   near_optimal_cost[]:  Σ_j c_j · x_j ≤ C_max                    (USD, discounted; c the cost vector)
 *   objective:            min  s · Σ_k w_k · q_k(x)                 (s = +1 to minimise, −1 to maximise)
 *   q = new_capacity(countries, stages) = Σ_{p in them} Σ_b build[p,b]            (t/yr)
 *   q = public_spending(funders)       = Σ_{f in them} Σ_{p,y} fund[f,p,y]       (USD, undiscounted)
 *
 * The portfolio's total cost is then Σ c_j x_j (the model keeps the cost vector), not the objective.
 * Dual of near_optimal_cost[]: change of the objective (the quantity, signed) per extra USD of cost allowed.
 */
import { Expression } from '../builder.js';
import type { FormulationContext } from '../context.js';
import type { Quantity } from '../../schemas/scenario.js';

/** The columns and coefficients of one quantity. */
export function quantityExpression(ctx: FormulationContext, quantity: Quantity): Expression {
  const e = new Expression();
  if (quantity.kind === 'new_capacity') {
    for (const plant of ctx.instance.plants) {
      if (quantity.countries && !quantity.countries.includes(plant.country)) continue;
      if (quantity.stages && !quantity.stages.includes(plant.stage)) continue;
      for (const column of ctx.buildColumns.get(plant.id)?.values() ?? []) e.add(column, 1);
    }
  } else {
    for (const { funder, column } of ctx.fundColumns) if (!quantity.funders || quantity.funders.includes(funder)) e.add(column, 1);
  }
  return e;
}

export function addNearOptimal(ctx: FormulationContext): void {
  const spec = ctx.instance.nearOptimal;
  if (!spec) return;
  const { builder } = ctx;
  builder.addConstraint('near_optimal_cost', [], builder.costExpression(), { upper: spec.maxTotalCostUsd });
  const sign = spec.sense === 'min' ? 1 : -1;
  const objective = new Expression();
  for (const term of spec.terms) objective.addExpression(quantityExpression(ctx, term.quantity), sign * term.weight);
  builder.replaceObjective(objective);
}
