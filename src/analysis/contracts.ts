/**
 * What the dataset's contracts delivered in a solved plan, and what their price floors and per-tonne
 * supports cost the public (contracts.ts in the formulation binds the volumes; the payments are
 * transfers from a payer to a producer, so they are reported here and not in the objective).
 *
 * For contract c on plant p (country a), product k, buyer b, year y:
 *   output(p,k,y)  = Σ_s feed[s,p,y] · yield_{s,p,k}  (separation)  or  Σ_r make[p,r,·,y] with out_r = k
 *   delivered      = min(output, Σ_o ship[k,o,a,b,y])  when b ≠ a;  output otherwise
 *   covered        = min(delivered, V_c(y)) when the contract has a volume V_c, else delivered
 *   floorPayment   = max(0, floor_c − P_k(y)) · covered        (P_k: the rival's world price)
 *   supportPayment = support_c · covered
 *   presentValue   = δ_y · (floorPayment + supportPayment)
 * Pure: reads the instance, the model's column names and a vector of column values.
 */
import type { LinearModel } from '../model/builder.js';
import { parseName } from '../model/families.js';
import type { Instance } from '../model/instance.js';
import { plantOutputs } from './plant-output.js';
import type { ContractUse } from '../schemas/portfolio.js';

export function contractUse(instance: Instance, model: LinearModel, values: Float64Array): ContractUse[] {
  if (!instance.contracts.length) return [];
  const output = plantOutputs(instance, model, values); // plant|product|year
  const shipped = new Map<string, number>(); // product|from|to|year
  const shortfall = new Map<string, number>(); // contract|year
  const add = (map: Map<string, number>, key: string, v: number) => map.set(key, (map.get(key) ?? 0) + v);
  model.colNames.forEach((name, j) => {
    const value = values[j] ?? 0;
    if (value <= 1e-9) return;
    const parsed = parseName(name);
    if (parsed.family === 'ship') {
      const { product, from, to, year } = parsed.index;
      add(shipped, `${product}|${from}|${to}|${year}`, value);
    } else if (parsed.family === 'contract_shortfall') {
      const { contract, year } = parsed.index;
      add(shortfall, `${contract}|${year}`, value);
    }
  });
  const rows: ContractUse[] = [];
  for (const contract of instance.contracts) {
    const from = contract.plant.country;
    for (const year of contract.years) {
      const made =
        contract.product === undefined ? sumOutputs(output, contract.plant.id, year) : (output.get(`${contract.plant.id}|${contract.product}|${year}`) ?? 0);
      const delivered =
        contract.buyerCountry === from ? made : Math.min(made, shipped.get(`${contract.product}|${from}|${contract.buyerCountry}|${year}`) ?? 0);
      const volume = contract.minTonnes(year);
      const covered = volume > 0 ? Math.min(delivered, volume) : delivered;
      const price = contract.product !== undefined ? (instance.worldPriceUsdPerT(contract.product, year) ?? null) : null;
      const floorPayment = contract.floorUsdPerT !== undefined && price !== null ? Math.max(0, contract.floorUsdPerT - price) * covered : 0;
      const supportPayment = (contract.supportUsdPerT ?? 0) * covered;
      rows.push({
        contract: contract.id,
        plant: contract.plant.id,
        product: contract.product ?? null,
        buyerCountry: contract.buyerCountry,
        year,
        minTonnes: volume,
        outputT: made,
        deliveredT: delivered,
        shortfallT: shortfall.get(`${contract.id}|${year}`) ?? 0,
        floorUsdPerT: contract.floorUsdPerT ?? null,
        rivalPriceUsdPerT: price,
        floorPaymentUsd: floorPayment,
        supportPaymentUsd: supportPayment,
        presentValueUsd: (floorPayment + supportPayment) * instance.discountFactor(year),
        payer: contract.payer ?? null,
      });
    }
  }
  return rows;
}

/** A plant's whole output in a year (every product), for contracts that name none. */
function sumOutputs(output: ReadonlyMap<string, number>, plantId: string, year: number): number {
  let total = 0;
  for (const [key, tonnes] of output) {
    const [plant, , y] = key.split('|');
    if (plant === plantId && Number(y) === year) total += tonnes;
  }
  return total;
}
