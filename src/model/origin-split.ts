/**
 * Where the formulation splits origins. Origin tracing (origin.ts) doubles the flows of every
 * product-country-year node (make, ship, deliver, sell, fill, draw, stock and balance carry an
 * origin index, and downgrade columns join the two).
 *
 * Two modes (`FormulateOptions.originSplit`):
 * - `every-year` (the default): every year is split. A plan and its no-new-builds baseline are
 *   formulated so: a planner reads every year's shares in a plan's report, and pooled shares
 *   follow whichever of several equal-cost plans the solver picks (with pooling the shipped
 *   scenarios' production and trade moved among alternative optima and 2026's share in story 1
 *   changed from 0.7676 to 0.7582), so the plan's report is the optimiser's split in every year.
 *   The calibration too (its figures compare origin-traced shares in every observed year).
 * - `target-years`: only the years below are split; in every other year the flows have one pooled
 *   origin, `all` (`make[p,r,all,y]`, `ship[k,all,a,b,y]`, `balance[k,all,c,y]`), and no
 *   downgrade, no untrusted tie-break (REF 4,727×34,610 → 4,302×31,113). Used for the inner solves
 *   of analyses, which read costs and target-year shares only (`ANALYSIS_ORIGIN_SPLIT`):
 *     - frontier members (src/analysis/frontier.ts; the template of planner.ts
 *       `formulateFromTemplate`, src/model/target-limits.ts): cost, swept targets' shares and
 *       shortfall (target years), binding limits, builds;
 *     - the diagnosis's probe solves (src/analysis/diagnosis.ts): feasibility, costs, elastic
 *       slacks of target, budget and custom rows, consumption by origin in target years;
 *     - the whole-point target costs (src/analysis/target-points.ts): costs;
 *     - near-optimal alternatives (src/analysis/alternatives.ts): cost, capacity, spending and
 *       capacity shares, none origin-traced; the least-cost member and the capped members are
 *       formulated alike, so the cap multiplies the same cost vector the members are solved with;
 *     - explained comparisons (src/analysis/explain.ts): member costs and cost categories.
 *   Not stress-test members (src/analysis/stress-test.ts): they re-optimise a portfolio's
 *   operations with its builds fixed, and the stress test's result shows every year's share of
 *   each disruption against the undisrupted run — disruptions often fall before the target years,
 *   and pooled shares of two runs would differ by the solver's pick among equal-cost operations.
 *   They keep `every-year` (`memberOriginSplit`: a member with `fixedBuilds`).
 *   Every analysis member is a solve with `SolveRequest.member` (src/services/local-members.ts,
 *   the job queue), so the planner formulates members by `memberOriginSplit`
 *   (`PlanHooks.originSplit` overrides it).
 *   A member portfolio is stored and can be opened; its shares of pooled years are traced in
 *   proportion and marked `shareMethod: 'pooled'` (src/analysis/origin-tracing.ts).
 *   Costs: the same optimum without the tie-break (below). The tie-break category itself differs
 *   by the untrusted tie-break of pooled years (~1e-7 of the total), so a member's `totalCostUsd`
 *   (which includes it) can differ from the full split's by that much.
 *
 * In `target-years`, a year y is split (`originSplitYears`) when
 *   1. a dependency target applies in y — enforced or not: the no-new-builds baseline resolves the
 *      scenario's targets without enforcing them, and its shares in the target years are compared
 *      with the portfolio's, so both are the optimiser's split (and the baseline cache is keyed by
 *      these years: planner.ts);
 *   2. a custom constraint reads `untrusted_use` in y (the years it names, or every horizon year for
 *      a per-year condition); `consumption`, `flow`, `production` and the other quantities sum both
 *      origins, so they read the pooled columns as well;
 *   3. a stockpile may carry origin into a split year: stock keeps the origin of what went in, so
 *      every year from the earliest stockpile's first year up to the last split year of 1–2 is split
 *      (after it, stock is pooled: stock_balance[h,k,all,y] takes last year's stock of both origins);
 *   4. pooling could change the optimum in y (the exactness guard below).
 * Not a reason: contracts (their rows sum ship and sell over origins), budgets, capacity, the
 * frontier and target points (they change target limits in place, never target years: the split
 * years stay), near-optimal alternatives (they cap the same cost vector the model was solved with).
 * Reports read the shares of the other years by proportional tracing through the solved flows
 * (src/analysis/origin-tracing.ts), marked `shareMethod: 'pooled'`.
 *
 * Why the optimum is unchanged. Every split solution sums (over origins) to a pooled one of the
 * same cost without tie-break (downgrades cancel in the sum of the two balance rows). Conversely a
 * pooled solution of year y can be labelled: every flow untrusted (untrusted make, ship, deliver,
 * sell and fill exist wherever the trusted ones do), except what is trusted by construction —
 * separation output of trusted feed in a trusted country and recycling output in a trusted country.
 * That content is downgraded where the country's plants use the product; in a trusted country every
 * other use has a trusted column (deliver, sell, ship, fill), so it can travel on labelled trusted
 * until it reaches a plant (downgrade there) or a market (trusted delivery exists everywhere). The one
 * dead end: an untrusted country b whose plants do not use the product (no downgrade) and that
 * ships it on, sells it or fills a stock with it (untrusted only from b). Where the candidate arcs
 * allow that — a trusted country can ship k to such a b in year y — year y stays split (rule 4); the
 * shipped data never meets it (it would be a trusted re-export through the rival's side), generated
 * instances may. Dependency targets and `untrusted_use` rows live in split years only, so they read
 * the same columns as before. The tie-break (tie-break.ts) costs ≤ 0.01 USD/t and exists only in
 * split years: the optimum without it is the same (test/model/origin-split.test.ts compares every
 * shipped scenario and generated instances to 1e-9).
 */
import type { Sets } from './context.js';
import type { Instance } from './instance.js';
import type { Scenario } from '../schemas/scenario.js';

/** Which years the formulation splits by origin: `every-year` (default) or `target-years` (see the header). */
export type OriginSplit = 'every-year' | 'target-years';

/** The split the inner solves of analyses use (see the header for which, and why). */
export const ANALYSIS_ORIGIN_SPLIT: OriginSplit = 'target-years';

/**
 * The split of an analysis member's model: `every-year` for a member with fixed builds (a stress
 * test's: its result shows every year's share), else ANALYSIS_ORIGIN_SPLIT (see the header).
 */
export function memberOriginSplit(scenario: Scenario): OriginSplit {
  return scenario.fixedBuilds !== undefined ? 'every-year' : ANALYSIS_ORIGIN_SPLIT;
}

/** The years in which the formulation splits origins (see the header). */
export function originSplitYears(instance: Instance, sets: Sets, mode: OriginSplit = 'every-year'): ReadonlySet<number> {
  if (mode === 'every-year') return new Set(instance.years);
  const split = new Set<number>();
  const inHorizon = (y: number) => y >= instance.startYear && y <= instance.endYear;
  // 1. Dependency targets (enforced or not).
  for (const target of instance.targets) for (const y of target.years) if (inHorizon(y)) split.add(y);
  // 2. Custom constraints that read untrusted content.
  for (const constraint of instance.customConstraints) {
    for (const term of constraint.parsed.terms) {
      if (term.call.kind !== 'untrusted_use') continue;
      for (const y of term.call.years ?? instance.years) if (inHorizon(y)) split.add(y);
    }
  }
  // 4. Years in which pooling could change the optimum.
  for (const y of unsafeYears(instance, sets)) split.add(y);
  // 3. Stockpiles carry origin across years: split from the first stockpile year to the last split year.
  if (instance.stockpiles.length && split.size) {
    const first = Math.min(...instance.stockpiles.map((p) => p.fromYear));
    const last = Math.max(...split);
    for (const y of instance.years) if (y >= first && y <= last) split.add(y);
  }
  return split;
}

/**
 * Years with a product k and an untrusted country b such that a trusted country can ship k to b,
 * b's plants do not use k (so b has no downgrade of k) and b can pass k on without using it: a
 * ship from b, a world-market sale at b, or a fill of a stockpile of k that b is a member of.
 */
function unsafeYears(instance: Instance, sets: Sets): Set<number> {
  const years = new Set<number>();
  const stocked = new Map<string, Set<string>>();
  for (const pile of instance.stockpiles) {
    const members = stocked.get(pile.product) ?? new Set<string>();
    for (const m of pile.members) members.add(m);
    stocked.set(pile.product, members);
  }
  // A contract may deliver to a country that does not use the product (it holds it): a receiver too.
  const buyers = new Map<string, Set<string>>();
  for (const contract of instance.contracts) {
    if (contract.product === undefined) continue;
    const set = buyers.get(contract.product) ?? new Set<string>();
    buyers.set(contract.product, set.add(contract.buyerCountry));
  }
  for (const [product, producers] of sets.producers) {
    const trustedProducers = [...producers].filter((c) => instance.trusted.has(c));
    if (!trustedProducers.length) continue;
    const consumers = new Set([...(sets.consumers.get(product) ?? []), ...(buyers.get(product) ?? [])]);
    const plantUsers = sets.plantConsumers.get(product) ?? new Set<string>();
    for (const b of consumers) {
      if (instance.trusted.has(b) || plantUsers.has(b)) continue;
      const passesOn =
        (producers.has(b) && [...consumers].some((c) => c !== b)) ||
        (instance.worldMarketSales && producers.has(b) && b !== instance.rival) ||
        (stocked.get(product)?.has(b) ?? false);
      if (!passesOn) continue;
      for (const y of instance.years) {
        if (years.has(y)) continue;
        if (trustedProducers.some((a) => a !== b && instance.laneOpen(a, b, product, y))) years.add(y);
      }
    }
  }
  return years;
}
