/**
 * Price floors and offtakes sized per plant: a second-stage model on a solved plan (off unless the
 * scenario sets `floors.enabled`). The plan fixes what each allied plant makes; this model finds the
 * least public money (present value) that keeps every plant of the plan solvent at the rival's prices,
 * choosing between capex grants and per-tonne support (a floor or an offtake premium).
 *
 * Economics of plant p (trusted country, output in the plan) in year y, from the solved plan, USD:
 *   q_{p,y}  t of its floor product: NdPr oxide for separation (the MP–DoD and Lynas–JARE floors),
 *            NdPr metal for metal plants, all output for magnet plants (other outputs are co-products)
 *   R_{p,y}  revenue Σ_k P_k(y) · out_{p,k,y} at the rival's world prices (a price war lowers P)
 *   C_{p,y}  cash cost: feed, transport, cracking, processing (feed columns) or conversion opex
 *            plus inputs at world prices (make columns), undiscounted
 *   K_{p,y}  capex recovered: Σ_b capex_p · build[p,b] · CRF(r, T_p) for builds online in y
 *            (CRF(r,T) = r / (1 − (1+r)^−T), the annuity over the build's life at the discount rate)
 *   F_{p,y}  fixed opex of those builds;  G_p^max = Σ_b capex_p · build[p,b] · discounted spend
 *   X_{p,y}  payments of existing contracts on p (analysis/contracts.ts), counted as revenue
 * Columns (funders f eligible for p's country and stage, from `floors.funders`):
 *   floor_support[f,p,y] ≥ 0   USD paid on p's output in y;  support per t s_{p,y} = Σ_f floor_support / q
 *   floor_grant[f,p] ≥ 0       USD (present value) towards p's builds (only with builds and `floors.grants`)
 *   floor_unviable[p,y] ≥ 0    loss left after the most the bounds allow (priced 10 USD per USD)
 * Rows:
 *   floor_operating[p,y]:  Σ_f floor_support[f,p,y] + floor_unviable[p,y] ≥ C − R − X           (cash: grants cannot help)
 *   floor_life[p]:         Σ_y δ_y (Σ_f floor_support + floor_unviable) + Σ_f floor_grant ≥ Σ_y δ_y (C + F + K − R − X)
 *   floor_cap[p,y]:        Σ_f floor_support[f,p,y] ≤ max(0, φ_p − P̄_{p,y}) · q_{p,y}        (floor level ≤ bound)
 *   floor_grant_share[f,p]: floor_grant[f,p] ≤ share_f · G_p^max
 *   floor_envelope[f]:     Σ_p floor_grant[f,p] + Σ_{p,y} floor_support[f,p,y] ≤ envelope_f
 * Objective: min Σ_f Σ_p floor_grant + Σ_{f,p,y} δ_y floor_support + 10 · Σ δ_y floor_unviable
 * (present value of public money, USD 2026). φ_p is the plant's cap (`floors.caps`) or the bound
 * `floors.maxFloorUsdPerT`; P̄ = R/q is the plant's realised price per t of floor product (for
 * separation the NdPr price plus co-product revenue per t NdPr), so the floor level is P̄ + s.
 * The capex-only alternative is the same model without floor_support columns: a plant whose cash
 * cost exceeds its revenue cannot be saved by grants, and shows as floor_unviable.
 * Fixed opex of existing capacity is not in the data, and a plant's existing capex is sunk: an
 * existing plant needs support only where its cash cost exceeds its revenue.
 * Duals (of this model; objective is public money, not system cost): floor_operating / floor_life —
 * USD of public money per extra USD of cost to cover; floor_cap — saved per extra USD of support
 * allowed; floor_grant_share — saved per extra USD of grant allowed; floor_envelope — saved per extra
 * USD of envelope.
 */
import { Expression, LpBuilder, type LinearModel } from '../builder.js';
import type { Instance } from '../instance.js';

/** Loss left unrecovered, per USD, in the floors model (makes "not viable" a reported answer). */
export const UNVIABLE_PENALTY_PER_USD = 10;

export interface PlantEconomics {
  readonly plant: string;
  readonly country: string;
  readonly stage: string;
  /** The floor product (ndpr_oxide for separation; null: all output). */
  readonly product: string | null;
  readonly years: ReadonlyArray<{
    readonly year: number;
    readonly outputT: number;
    readonly revenueUsd: number;
    readonly cashCostUsd: number;
    readonly capexAnnuityUsd: number;
    readonly fixedOpexUsd: number;
    readonly contractUsd: number;
  }>;
  /** Discounted construction spend of the plant's builds in the plan, USD 2026. */
  readonly capexPvUsd: number;
}

export function capitalRecoveryFactor(rate: number, lifeYears: number): number {
  if (rate <= 0) return 1 / lifeYears;
  return rate / (1 - (1 + rate) ** -lifeYears);
}

export function floorModel(instance: Instance, plants: readonly PlantEconomics[], options: { readonly support: boolean }): LinearModel {
  const floors = instance.floors!;
  const builder = new LpBuilder(`${instance.scenario.name}: price floors`);
  const envelopes = new Map(floors.funders.map((f) => [f.id, new Expression()]));
  for (const plant of plants) {
    const funders = floors.funders.filter((f) => f.eligibleCountries.has(plant.country) && f.eligibleStages.has(plant.stage));
    const cap = Math.min(floors.caps.get(plant.plant) ?? floors.maxFloorUsdPerT, floors.maxFloorUsdPerT);
    const life = new Expression();
    let lifeNeed = 0;
    for (const y of plant.years) {
      const d = instance.discountFactor(y.year);
      const gap = y.cashCostUsd - y.revenueUsd - y.contractUsd;
      lifeNeed += d * (gap + y.fixedOpexUsd + y.capexAnnuityUsd);
      const unviable = builder.addVariable('floor_unviable', [plant.plant, y.year]);
      builder.addObjective(unviable, UNVIABLE_PENALTY_PER_USD * d);
      const operating = new Expression().add(unviable, 1);
      life.add(unviable, d);
      const realised = y.outputT > 0 ? y.revenueUsd / y.outputT : 0;
      const room = options.support && y.outputT > 0 ? Math.max(0, cap - realised) * y.outputT : 0;
      if (room > 0 && funders.length) {
        const capRow = new Expression();
        for (const funder of funders) {
          const support = builder.addVariable('floor_support', [funder.id, plant.plant, y.year]);
          builder.addObjective(support, d);
          operating.add(support, 1);
          life.add(support, d);
          capRow.add(support, 1);
          envelopes.get(funder.id)!.add(support, 1);
        }
        builder.addConstraint('floor_cap', [plant.plant, y.year], capRow, { upper: room });
      }
      if (gap > 0) builder.addConstraint('floor_operating', [plant.plant, y.year], operating, { lower: gap });
    }
    if (floors.grants && plant.capexPvUsd > 0) {
      for (const funder of funders) {
        const grant = builder.addVariable('floor_grant', [funder.id, plant.plant]);
        builder.addObjective(grant, 1);
        life.add(grant, 1);
        envelopes.get(funder.id)!.add(grant, 1);
        builder.addConstraint('floor_grant_share', [funder.id, plant.plant], new Expression().add(grant, 1), {
          upper: funder.maxShareOfCapex * plant.capexPvUsd,
        });
      }
    }
    if (lifeNeed > 0) builder.addConstraint('floor_life', [plant.plant], life, { lower: lifeNeed });
  }
  for (const funder of floors.funders) {
    const expression = envelopes.get(funder.id)!;
    if (!expression.empty) builder.addConstraint('floor_envelope', [funder.id], expression, { upper: funder.totalUsd });
  }
  return builder.build();
}
