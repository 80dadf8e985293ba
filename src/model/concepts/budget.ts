/**
 * Budgets: public funders pay part of the construction spend of new builds.
 *
 *   spend(p,y) = Σ_b capex_p · build[p,b] · share(L_p, b, y)        (USD; equal parts over b … b+L−1)
 *   fund[f,p,y] ≥ 0   for funders f eligible for p's country and stage, in construction years
 *   public_share[p,y]:  Σ_f fund[f,p,y] − θ · spend(p,y) ≥ 0          (θ = scenario capexPublicShare)
 *   cofinancing[f,p,y]: fund[f,p,y] − s_f · spend(p,y) ≤ 0            (s_f = funder's max share of capex)
 *   budget_year[f,y]:   Σ_p fund[f,p,y] ≤ perYear_f                  (when the funder has a yearly cap)
 *   budget_total[f]:    Σ_{p,y} fund[f,p,y] ≤ total_f
 *
 * Public money is a transfer, not a cost: fund has no objective coefficient (capex is already
 * charged on build). When θ = 0 budgets never bind and no fund columns are created.
 *
 * Lean form: where a plant-year has E eligible funders and spend(p,y) has T build terms, writing
 * spend inline costs (E + T) + E·(1 + T) nonzeros; with its own column
 *   spend[p,y] ≥ 0 (USD),   spend_def[p,y]:  spend[p,y] − Σ_b capex_p · build[p,b] · share(L_p, b, y) = 0
 * it costs (T + 1) + (E + 1) + 2E, fewer whenever 2 + E < E·T. The optimum is the same.
 * Duals: budget_year / budget_total — USD (discounted) saved per extra USD of envelope (≤ 0).
 */
import { Expression } from '../builder.js';
import type { FormulationContext } from '../context.js';
import { constructionSpendShare } from './objective.js';

export function addBudgets(ctx: FormulationContext, options: { readonly spendColumns?: boolean } = {}): void {
  const { instance, builder } = ctx;
  const theta = instance.capexPublicShare;
  if (theta <= 0) return;
  const totals = instance.funders.map(() => new Expression());
  // Σ_p fund[f,p,y] by funder index and year offset.
  const yearly: Array<Expression | undefined> = [];
  const years = instance.years.length;
  const funderIndex = new Map(instance.funders.map((f, i) => [f, i]));
  for (const plant of instance.plants) {
    const e = plant.expansion;
    const columns = ctx.buildColumns.get(plant.id);
    if (!e || !columns) continue;
    const eligible = instance.funders.filter((f) => f.eligibleCountries.has(plant.country) && f.eligibleStages.has(plant.stage));
    const builds = [...columns];
    for (const y of instance.years) {
      const inlineSpend = new Expression();
      for (const [b, column] of builds) inlineSpend.add(column, e.capexUsdPerTpa * constructionSpendShare(e.leadTimeYears, b, y));
      if (inlineSpend.empty) continue;
      let spend = inlineSpend;
      if (options.spendColumns !== false && 2 + eligible.length < eligible.length * inlineSpend.cols.length) {
        const column = builder.addVariable('spend', [plant.id, y]);
        builder.addConstraint('spend_def', [plant.id, y], new Expression().add(column, 1).addExpression(inlineSpend, -1), { lower: 0, upper: 0 });
        spend = new Expression().add(column, 1);
      }
      const publicShare = new Expression().addExpression(spend, -theta);
      for (const funder of eligible) {
        const fund = builder.addVariable('fund', [funder.id, plant.id, y]);
        publicShare.add(fund, 1);
        ctx.fundColumns.push({ funder: funder.id, column: fund });
        builder.addConstraint('cofinancing', [funder.id, plant.id, y], new Expression().add(fund, 1).addExpression(spend, -funder.maxShareOfCapex), {
          upper: 0,
        });
        const f = funderIndex.get(funder)!;
        totals[f]!.add(fund, 1);
        const slot = f * years + (y - instance.startYear);
        (yearly[slot] ??= new Expression()).add(fund, 1);
      }
      builder.addConstraint('public_share', [plant.id, y], publicShare, { lower: 0 });
    }
  }
  instance.funders.forEach((funder, f) => {
    if (funder.perYearUsd !== undefined) {
      for (const y of instance.years) {
        const expression = yearly[f * years + (y - instance.startYear)];
        if (expression) builder.addConstraint('budget_year', [funder.id, y], expression, { upper: funder.perYearUsd });
      }
    }
    builder.addConstraint('budget_total', [funder.id], totals[f]!, { upper: funder.totalUsd });
  });
}
