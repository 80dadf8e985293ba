/**
 * Contracts: supply agreements on one plant's output of one product (offtakes, firm volumes, shares
 * promised to a buyer country) that bind flows, from the dataset's `contracts.json`.
 *
 * For a contract c on plant p (country a), product k, buyer country b, in each year y it runs (a
 * contract binds committed capacity: only years in which the plant has existing capacity in the data):
 *   contract[c,y]:          output(p,k,y) + contract_shortfall[c,y] ≥ V_c(y)            (t; firm volume)
 *   contract_delivery[c,y]: kept(c,y) + contract_shortfall[c,y] ≥ V_c(y)                  (t; when b ≠ a)
 *   contract_share[c,y]:    kept(c,y) − σ_c · output(p,k,y) ≥ 0                          (t; a share σ_c to b ≠ a)
 *   kept(c,y) = Σ_o ship[k,o,a,b,y] − Σ_{o,d} ship[k,o,b,d,y] − Σ_o sell[k,o,b,y]
 *               what b receives from a less what b ships or sells on: the contracted tonnes stay in
 *               the buyer's country (used there, or held: a balance may keep a surplus), so an
 *               offtake cannot be met by shipping the tonnes in and straight back out
 *   contract_shortfall[c,y] ≥ 0, priced at the dataset's breach penalty per t (discounted)
 *
 * output(p,k,y) is what plant p makes of k (separation yields or conversion output), or its whole
 * activity (t fed or t made) when the contract names no product; ship is
 * country to country, so with several plants making k in country a a delivery is the country's,
 * not the plant's (the reference dataset has one such plant per contracted country and product).
 * A volume the plant cannot deliver (capacity, feed, an excluded source) becomes a shortfall: a
 * priced, reported breach, never an infeasible model and never hidden.
 * A price floor (`floorUsdPerT`) does not enter the objective: it is a transfer from the payer to
 * the producer, paid when the rival's price is below it and reported as public cost
 * (analysis/contracts.ts).
 * Duals: contract / contract_delivery — USD (discounted) the volume costs per extra t (≥ 0 as a
 * dual of a ≥ row); contract_share — USD per extra t of the buyer's share.
 */
import { Expression } from '../builder.js';
import type { FormulationContext } from '../context.js';
import type { ResolvedContract } from '../instance.js';

/** Marks the ship arcs contracts read, so the lean trade pass keeps them (call before the trade network is built). */
export function requireContractShips(ctx: FormulationContext): void {
  for (const contract of ctx.instance.contracts) {
    if (!deliversAbroad(contract)) continue;
    for (const y of contract.years) ctx.requiredShips.add(`${contract.product}|${contract.plant.country}|${contract.buyerCountry}|${y}`);
    let countries = ctx.contractCountries.get(contract.product);
    if (!countries) ctx.contractCountries.set(contract.product, (countries = new Set()));
    countries.add(contract.plant.country).add(contract.buyerCountry);
  }
}

export function addContracts(ctx: FormulationContext): void {
  const { instance, builder } = ctx;
  for (const contract of instance.contracts) {
    const from = contract.plant.country;
    for (const y of contract.years) {
      const output =
        (contract.product === undefined ? ctx.peekActivity(contract.plant.id, y) : ctx.peekOutput(contract.plant.id, contract.product, y)) ?? new Expression();
      const kept = new Expression();
      if (deliversAbroad(contract)) {
        for (const column of ctx.shipColumns.get(`${contract.product}|${from}|${contract.buyerCountry}|${y}`) ?? []) kept.add(column, 1);
        for (const column of ctx.shipOutColumns.get(`${contract.product}|${contract.buyerCountry}|${y}`) ?? []) kept.add(column, -1);
        for (const column of ctx.sellColumnsBy.get(`${contract.product}|${contract.buyerCountry}|${y}`) ?? []) kept.add(column, -1);
      }
      const volume = contract.minTonnes(y);
      if (volume > 0) {
        const shortfall = builder.addVariable('contract_shortfall', [contract.id, y]);
        builder.addCost(shortfall, instance.contractBreachPenaltyUsdPerT * instance.discountFactor(y), 'contractShortfallPenalty');
        builder.addConstraint('contract', [contract.id, y], new Expression().addExpression(output).add(shortfall, 1), { lower: volume });
        if (deliversAbroad(contract)) {
          builder.addConstraint('contract_delivery', [contract.id, y], new Expression().addExpression(kept).add(shortfall, 1), { lower: volume });
        }
      }
      if (contract.minShareOfOutput !== undefined && deliversAbroad(contract) && !output.empty) {
        const row = new Expression().addExpression(kept).addExpression(output, -contract.minShareOfOutput);
        builder.addConstraint('contract_share', [contract.id, y], row, { lower: 0 });
      }
    }
  }
}

function deliversAbroad(contract: ResolvedContract): contract is ResolvedContract & { product: string } {
  return contract.product !== undefined && contract.buyerCountry !== contract.plant.country;
}
