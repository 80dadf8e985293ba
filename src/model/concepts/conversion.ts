/**
 * Conversion: plants of every stage but the feed stage (metal and magnet in quad-2026) run recipes (processes) that turn inputs into one output.
 *
 *   make[p,r,o,y] ≥ 0   t of recipe r's output made at plant p in year y with content of origin o
 *   balance[out_r, o, c_p, y]  += make                         (the output keeps the inputs' origin)
 *   balance[k, o, c_p, y]      −= a_{r,k} · make  for each input k (a = t input per t output)
 *   use[k, o, c_p, y]          += a_{r,k} · make              (what the country's plants consume)
 *   activity(p, y)             += make                         (capacity rows, t output)
 *   output(p, out_r, y)        += make                         (contracts, t output)
 *
 * Origin tracing: trusted output needs every input trusted; a plant in an untrusted country only
 * makes untrusted output (o = untrusted); in years without an origin split o is `all`
 * (../origin-split.ts), so a magnet made in a trusted country from untrusted
 * metal is untrusted. Cost: the plant's variable opex per tonne of output, discounted; untrusted
 * output also carries the 0.01 USD/t origin tie-break (../tie-break.ts).
 */
import type { FormulationContext } from '../context.js';
import { UNTRUSTED_TIE_BREAK_USD_PER_T } from '../tie-break.js';
import { feedStageOf } from '../../data/chain.js';
import { POOLED_ORIGIN, type NodeOrigin } from '../instance-types.js';

export function addConversion(ctx: FormulationContext): void {
  const { instance, builder, sets } = ctx;
  const feedStage = feedStageOf(instance.dataset.meta.chain);
  for (const plant of instance.plants) {
    if (plant.stage === feedStage) continue;
    const years = sets.activeYears(plant);
    for (const processId of plant.processes ?? []) {
      const process = instance.processes.get(processId);
      if (!process) continue;
      // Origin-major, as before pooled years existed: the same column order, so the same vertex among equal-cost optima.
      for (const origin of [...sets.origins(plant), POOLED_ORIGIN] as NodeOrigin[]) {
        for (const y of years) {
          if (!ctx.plantOrigins(plant, y).includes(origin)) continue;
          const column = builder.addVariable('make', [plant.id, process.id, origin, y]);
          if (ctx.baseline && !ctx.baseline.active(plant, y)) ctx.baseline.exclude(column);
          builder.addCost(column, plant.variableOpexUsdPerT * instance.discountFactor(y), 'variableOpex');
          if (origin === 'untrusted') builder.addCost(column, UNTRUSTED_TIE_BREAK_USD_PER_T * instance.discountFactor(y), 'originTieBreak');
          ctx.activity(plant.id, y).add(column, 1);
          ctx.balance(process.output, origin, plant.country, y).add(column, 1);
          ctx.output(plant.id, process.output, y).add(column, 1);
          for (const [input, perTonne] of Object.entries(process.inputsTPerT)) {
            ctx.balance(input, origin, plant.country, y).add(column, -perTonne);
            ctx.use(input, origin, plant.country, y).add(column, perTonne);
          }
        }
      }
    }
  }
}
