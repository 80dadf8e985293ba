/**
 * Builds the linear model of one resolved scenario. Reads like a table of contents: each concept
 * adds its own named columns, rows and cost terms; the order matters only where a concept's rows
 * read accumulators that other concepts fill (balances, capacity, supply and targets come last).
 * Pure: no I/O, no solver.
 */
import { subModel, type LinearModel } from './builder.js';
import { BaselineTrack, FormulationContext, deriveSets, type TargetRowTerms } from './context.js';
import { baselineInstance, type Instance } from './instance.js';
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
import { addStockpiles } from './concepts/stockpile.js';
import { addRecycling } from './concepts/recycling.js';
import { addCustomConstraints, customReadsFlows } from './concepts/custom.js';
import { tradeNetwork } from './trade-network.js';
import { originSplitYears, type OriginSplit } from './origin-split.js';

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
  /**
   * Write a plant-year's construction spend as its own column where that takes fewer nonzeros
   * (default true), so co-financing rows hold two terms instead of every build of the plant. Same
   * optimum either way; `false` exists so a test can prove it.
   */
  readonly spendColumns?: boolean;
  /**
   * Which years split flows by origin (origin-split.ts): `every-year` (default; plans, baselines,
   * the calibration: their reports read every year's shares) or `target-years` (only where a
   * target, a custom `untrusted_use` condition or a stockpile reads the split; the other years
   * pool origins: the inner solves of analyses, which read costs and target-year shares). Same
   * optimum without the tie-break either way (test/model/origin-split.test.ts).
   */
  readonly originSplit?: OriginSplit;
}

export function formulate(instance: Instance, options: FormulateOptions = {}): LinearModel {
  return formulateWithTargetRows(instance, options).model;
}

/**
 * Families the no-new-builds baseline has none of: build decisions and what hangs on them (online
 * stock, construction spend, public funding), and what it does not enforce (dependency targets,
 * custom constraints, a near-optimal cost cap).
 */
const BASELINE_DROPS: ReadonlySet<string> = new Set([
  'build',
  'build_on',
  'online',
  'spend',
  'fund',
  'shortfall',
  'recycle_build',
  'max_size',
  'fixed_build',
  'online_stock',
  'min_build',
  'max_build',
  'dependency',
  'spend_def',
  'public_share',
  'cofinancing',
  'budget_year',
  'budget_total',
  'near_optimal_cost',
  'recycle_max_size',
  'custom',
]);

export interface PlanWithBaseline {
  readonly model: LinearModel;
  readonly targetRows: readonly TargetRowTerms[];
  /**
   * The no-new-builds baseline (`baselineInstance(instance)`) cut from the same formulation: the same
   * model a separate `formulate(baselineInstance(instance))` makes, up to the order of columns and
   * rows. Undefined when it cannot be cut (the caller formulates the baseline on its own).
   */
  readonly baseline: () => LinearModel | undefined;
}

/**
 * Formulates the plan and records what its no-new-builds baseline keeps, so the baseline is cut from
 * the same arrays (a pass over the matrix) instead of formulated again. The plan's model is the one
 * `formulate(instance)` makes.
 */
export function formulateWithBaseline(instance: Instance): PlanWithBaseline {
  if (instance.noNewBuilds) {
    const { model, targetRows } = formulateWithTargetRows(instance);
    return { model, targetRows, baseline: () => undefined };
  }
  const base = baselineInstance(instance);
  const track = new BaselineTrack(base, deriveSets(base));
  const { model, targetRows } = formulateWithTargetRows(instance, {}, track);
  let cut: LinearModel | undefined;
  return {
    model,
    targetRows,
    baseline: () => {
      if (track.failed) return undefined;
      cut ??= subModel(model, track.keep(model.colCost.length), new Uint8Array(model.rowLower.length).fill(1), BASELINE_DROPS);
      return cut;
    },
  };
}

/** `formulate`, also returning the dependency target rows' terms (to change their limits in place: target-limits.ts). */
export function formulateWithTargetRows(
  instance: Instance,
  options: FormulateOptions = {},
  baseline?: BaselineTrack,
): { model: LinearModel; targetRows: readonly TargetRowTerms[] } {
  const sets = deriveSets(instance);
  const ctx = new FormulationContext(instance, sets, originSplitYears(instance, sets, options.originSplit ?? 'every-year'));
  ctx.baseline = baseline;
  // Columns: decisions and flows.
  addBuilds(ctx);
  addSeparation(ctx);
  addConversion(ctx);
  addDemand(ctx);
  // Recycled feed (off unless the scenario turns it on) adds production before trade is enumerated.
  addRecycling(ctx);
  // The arcs contracts read are kept whatever the lean pass would drop, and their columns indexed.
  requireContractShips(ctx);
  addWorldMarket(ctx);
  // Which trade arcs can carry flow follows from the production and use added above.
  // A custom condition on flows may force flow on an arc the lean pass drops as dominated.
  const lean = options.leanTrade ?? !(instance.targetsEnforced && customReadsFlows(instance.customConstraints));
  ctx.tradeNetwork = tradeNetwork(ctx, lean);
  addTrade(ctx);
  const downgradesFrom = ctx.builder.columnCount;
  addDowngrades(ctx);
  if (baseline) {
    // origin.ts adds one downgrade column per arc, in the network's order.
    const added = ctx.builder.columnCount - downgradesFrom;
    if (added !== ctx.tradeNetwork.downgrades.length) baseline.failed = 'downgrade columns do not follow the network';
    else for (let i = 0; i < added; i++) if (!baseline.downgrades?.[i]) baseline.exclude(downgradesFrom + i);
  }
  addContracts(ctx);
  // Strategic stockpiles fill from and draw into balances the concepts above created.
  addStockpiles(ctx);
  // Rows that read the accumulators filled above.
  addBalances(ctx);
  addSourceSupply(ctx);
  addCapacityLimits(ctx, { cumulative: options.cumulativeCapacity ?? true });
  addDependencyTargets(ctx);
  addBudgets(ctx, { spendColumns: options.spendColumns ?? true });
  // Custom constraints read the columns and accumulators of every concept above.
  addCustomConstraints(ctx);
  // Last: it caps the cost that every concept above has added.
  addNearOptimal(ctx);
  return { model: ctx.builder.build(), targetRows: ctx.targetRows };
}
