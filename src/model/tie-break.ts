/**
 * The origin tie-break: tiny costs that decide, by a stated rule, what the least-cost plan leaves
 * open — which tonnes carry trusted labels and which country they go to when that costs nothing.
 * Without them the solver picks labels arbitrarily among optimal solutions, so shares of untargeted
 * years and per-country shares were noise (Australia 35 → 65 → 100 % with unchanged data).
 *
 * The rule, in order of weight (all discounted, cost category `originTieBreak`):
 * 1. keep every trusted label that can be kept for free: each tonne of untrusted final delivery
 *    (`deliver[c,g,untrusted,y]`) and of untrusted production (`make[p,r,untrusted,y]`) costs
 *    0.01 USD;
 * 2. trusted content stays in the country that made it, then goes to the nearest importer: each
 *    tonne of trusted shipment a → b costs 0.001 · (1 + transport(a,b) / 1,000) USD — and so does
 *    each pooled shipment (`ship[k,all,a,b,y]`, years without an origin split: origin-split.ts), so
 *    the routing the traced shares of those years are read from is fixed by the same rule;
 * 3. between importers at the same distance, the one first in id order: + 1e-6 · rank(b) USD/t,
 *    rank by sorted country id (never by the order of records in the dataset files).
 * So per-country shares are a function of the data, not of the solver's path: the same in every
 * year with the same data, under any order of the records, and with unrelated years added. Each
 * term is ≥ 4 orders of magnitude below any real cost difference (transport is ≥ 50 USD/t), and
 * the category is reported separately (~1e-7 of the total).
 */
import type { Instance } from './instance.js';

export const UNTRUSTED_TIE_BREAK_USD_PER_T = 0.01;
const TRUSTED_SHIP_USD_PER_T = 0.001;
const RANK_USD_PER_T = 1e-6;

const ranks = new WeakMap<Instance, Map<string, number>>();

/** Tie-break cost of one tonne of trusted shipment from → to (undiscounted USD). */
export function trustedShipTieBreak(instance: Instance, _from: string, to: string, transportUsdPerT: number): number {
  let rank = ranks.get(instance);
  if (!rank) ranks.set(instance, (rank = new Map([...instance.countries].sort().map((c, i) => [c, i]))));
  return TRUSTED_SHIP_USD_PER_T * (1 + transportUsdPerT / 1000) + RANK_USD_PER_T * (rank.get(to) ?? 0);
}
