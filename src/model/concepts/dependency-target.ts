/**
 * Dependency targets: a bloc's untrusted share of a product's consumption is capped.
 *
 *   dependency[t,y]:  Σ_{c∈B} (use[k,untrusted,c,y] + unserved[c,k,y])
 *                     − α_t · Σ_{c∈B} (Σ_o use[k,o,c,y] + unserved[c,k,y]) − shortfall[t,y] ≤ 0
 *
 * Unserved final demand counts as untrusted: leaving demand unmet is not independence, and
 * without this a hard target could be "met" by serving nothing.
 * for each target t = (bloc B, product k, limit α_t) and each year y from its year to its last year.
 * use[k,…] is what the bloc's markets receive (final products) and what its plants take in
 * (intermediates). Soft targets (the default) have shortfall[t,y] ≥ 0 priced at the target's
 * penalty per tonne (discounted), so an unmet target shows up as a reported gap, never hidden;
 * hard targets have no shortfall column, and the scenario is infeasible when they cannot be met.
 * Not added when the instance does not enforce its targets (the target-free baseline).
 * Dual: USD (discounted) saved per tonne of untrusted content the limit is loosened by (≤ 0).
 * Per percentage point: dual × Σ consumption / 100.
 */
import { Expression } from '../builder.js';
import type { FormulationContext, TargetRowTerms } from '../context.js';
import { ORIGINS } from '../instance.js';

export function addDependencyTargets(ctx: FormulationContext): void {
  const { instance, builder } = ctx;
  if (!instance.targetsEnforced) return;
  for (const target of instance.targets) {
    for (const y of target.years) {
      const row = new Expression();
      // The same terms before the limit: untrusted content and whole consumption (ctx.targetRows).
      const untrusted = new Expression();
      const total = new Expression();
      for (const country of target.bloc) {
        // Target years are always split (origin-split.ts).
        for (const origin of ORIGINS) {
          const use = ctx.peekUse(target.product, origin, country, y);
          if (!use) continue;
          row.addExpression(use, (origin === 'untrusted' ? 1 : 0) - target.maxUntrustedShare);
          if (origin === 'untrusted') untrusted.addExpression(use);
          total.addExpression(use);
        }
        const unserved = ctx.unservedColumns.get(`${country}|${target.product}|${y}`);
        if (unserved !== undefined) {
          row.add(unserved, 1 - target.maxUntrustedShare);
          untrusted.add(unserved, 1);
          total.add(unserved, 1);
        }
      }
      if (row.empty) continue;
      if (!target.hard) {
        const shortfall = builder.addVariable('shortfall', [target.id, y]);
        builder.addCost(shortfall, target.penaltyUsdPerT * instance.discountFactor(y), 'shortfallPenalty');
        row.add(shortfall, -1);
      }
      builder.addConstraint('dependency', [target.id, y], row, { upper: 0 });
      ctx.targetRows.push(rowTerms(target.id, y, untrusted, total));
    }
  }
}

function rowTerms(target: string, year: number, untrusted: Expression, total: Expression): TargetRowTerms {
  const u = untrusted.terms;
  const w = total.terms;
  const columns = Int32Array.from(new Set([...u.keys(), ...w.keys()])).sort();
  return { target, year, columns, untrusted: Float64Array.from(columns, (c) => u.get(c) ?? 0), total: Float64Array.from(columns, (c) => w.get(c) ?? 0) };
}
