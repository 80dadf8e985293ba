/**
 * The cost of a whole point: for each target, the change in total discounted cost when its limit
 * is tightened by one whole percentage point in every year it applies (α − 0.01), and when it is
 * loosened by one (α + 0.01), each from a re-solve of the changed scenario with the same solver
 * options — not a first-order dual, whose validity range is often a fraction of a point and which
 * prices one year at a time. Beside the per-year duals of `marginalValues.targets`.
 *
 *   tightenUsd = z*(α − 0.01) − z*(α),   loosenUsd = z*(α) − z*(α + 0.01)   (present-value USD, ≥ 0)
 *
 * null when the tightened scenario is infeasible (the point cannot be had at any cost), the limit
 * is already 0 (or 1), or a re-solve did not end optimal. Lumpy scenarios re-solve the MIP at the
 * scenario's gap, so the differences carry that gap's noise.
 *
 * The re-solves split origins only where targets (and the like) read them (`ANALYSIS_ORIGIN_SPLIT`,
 * src/model/origin-split.ts), while the plan splits every year: the same optimum, but not the same
 * origin tie-break (pooled years carry none of its untrusted part). So z* is compared without the
 * tie-break (cost category `originTieBreak`, ~1e-7 of the total) on both sides: a target that does
 * not bind costs exactly 0 a point, not the tie-break's difference.
 */
import type { Scenario } from '../schemas/scenario.js';
import type { TargetPointCost } from '../schemas/report.js';
import type { Instance } from '../model/instance.js';
import type { SolverRunOptions } from '../solver/types.js';
import { solveModel } from '../solver/index.js';
import { formulateVariant } from '../model/formulate-scenario.js';
import { ANALYSIS_ORIGIN_SPLIT, type OriginSplit } from '../model/origin-split.js';
import type { LinearModel } from '../model/builder.js';
import { costBreakdown } from './portfolio.js';

export const POINT = 0.01;

export async function wholePointCosts(input: {
  scenario: Scenario;
  /** The resolved instance of `scenario`: each variant is derived from it (`formulateVariant`). */
  instance: Instance;
  /** The plan's optimum without the origin tie-break (`costWithoutTieBreak`). */
  objective: number;
  solveOptions: SolverRunOptions;
  onSolve?: () => void;
  /** Which years the re-solves split by origin (default ANALYSIS_ORIGIN_SPLIT); `every-year` exists for the test that compares. */
  originSplit?: OriginSplit;
}): Promise<TargetPointCost[]> {
  const { scenario, instance, objective } = input;
  const { probes: _probes, ...plain } = input.solveOptions;
  const options: SolverRunOptions = { ...plain, sensitivity: false };
  const at = async (index: number, share: number) => {
    const variant = { ...scenario, targets: scenario.targets.map((x, i) => (i === index ? { ...x, maxUntrustedShare: share } : x)) };
    const { model } = formulateVariant(instance, variant, { originSplit: input.originSplit ?? ANALYSIS_ORIGIN_SPLIT });
    const result = await solveModel(model, options);
    input.onSolve?.();
    return result.status === 'optimal'
      ? { status: result.status, objective: costWithoutTieBreak(model, result.objective!, result.columnValues) }
      : { status: result.status };
  };
  const round = (v: number) => Math.round(v * 1e9) / 1e9;
  const out: TargetPointCost[] = [];
  for (const t of instance.targets) {
    const alpha = scenario.targets[t.index]!.maxUntrustedShare;
    const tighter = alpha >= POINT - 1e-12 ? await at(t.index, round(alpha - POINT)) : null;
    const looser = alpha <= 1 - POINT + 1e-12 ? await at(t.index, round(alpha + POINT)) : null;
    const tightenUsd = tighter?.status === 'optimal' ? tighter.objective! - objective : null;
    const loosenUsd = looser?.status === 'optimal' ? objective - looser.objective! : null;
    out.push({
      target: t.id,
      path: `targets[${t.index}].maxUntrustedShare`,
      limit: alpha,
      fromYear: t.years[0] ?? null,
      untilYear: t.years[t.years.length - 1] ?? null,
      tightenUsd,
      tightenedStatus: tighter?.status ?? null,
      loosenUsd,
      loosenedStatus: looser?.status ?? null,
    });
  }
  return out;
}

/** An optimum without its origin tie-break (cost category `originTieBreak`): what whole-point costs compare. */
export function costWithoutTieBreak(model: LinearModel, objective: number, values: Float64Array | undefined): number {
  return values ? objective - costBreakdown(model, values).originTieBreak : objective;
}
