/**
 * Builds the linear model of one resolved scenario. Reads like a table of contents: each concept
 * adds its own named columns, rows and cost terms; the order matters only where a concept's rows
 * read accumulators that other concepts fill (balances, capacity, supply and targets come last).
 * Pure: no I/O, no solver.
 */
import type { LinearModel } from './builder.js';
import { FormulationContext, deriveSets } from './context.js';
import type { Instance } from './instance.js';
import { addBuilds, addCapacityLimits } from './concepts/capacity.js';
import { addSeparation } from './concepts/separation.js';
import { addConversion } from './concepts/conversion.js';
import { addDemand } from './concepts/demand.js';
import { addTrade } from './concepts/trade.js';
import { addDowngrades, addBalances } from './concepts/origin.js';
import { addSourceSupply } from './concepts/feedstock.js';
import { addDependencyTargets } from './concepts/dependency-target.js';
import { addBudgets } from './concepts/budget.js';
import { addNearOptimal } from './concepts/near-optimal.js';
import { addWorldMarket } from './concepts/world-market.js';
import { addContracts, requireContractShips } from './concepts/contracts.js';
import { candidateTradeNetwork, leanTradeNetwork } from './trade-network.js';

export interface FormulateOptions {
  /**
   * Leave out trade columns that cannot carry flow (default true). The optimum is the same either
   * way; `false` exists so a test can prove that on real scenarios.
   */
  readonly leanTrade?: boolean;
  /**
   * Write capacity rows through a stock of online builds where that takes fewer nonzeros (default
   * true). The optimum is the same either way; `false` exists so a test can prove it.
   */
  readonly cumulativeCapacity?: boolean;
}

export function formulate(instance: Instance, options: FormulateOptions = {}): LinearModel {
  const ctx = new FormulationContext(instance, deriveSets(instance));
  // Columns: decisions and flows.
  addBuilds(ctx);
  addSeparation(ctx);
  addConversion(ctx);
  addDemand(ctx);
  // The arcs contracts read are kept whatever the lean pass would drop, and their columns indexed.
  requireContractShips(ctx);
  addWorldMarket(ctx);
  // Which trade arcs can carry flow follows from the production and use added above.
  ctx.tradeNetwork = options.leanTrade === false ? candidateTradeNetwork(ctx) : leanTradeNetwork(ctx);
  addTrade(ctx);
  addDowngrades(ctx);
  addContracts(ctx);
  // Rows that read the accumulators filled above.
  addBalances(ctx);
  addSourceSupply(ctx);
  addCapacityLimits(ctx, { cumulative: options.cumulativeCapacity ?? true });
  addDependencyTargets(ctx);
  addBudgets(ctx);
  // Last: it caps the cost that every concept above has added.
  addNearOptimal(ctx);
  return ctx.builder.build();
}
