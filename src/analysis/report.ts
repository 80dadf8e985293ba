/**
 * The solver report, computed from a solved model: pure, no solving (the diagnosis, which does
 * solve, is in diagnosis.ts).
 *
 * Sign convention of the solver port: dual_i = d(total discounted cost)/d(limit_i). Every value
 * below is restated so a planner reads it without knowing that convention:
 *   - a ≤ limit (supply, capacity, size, budget): loosening it by one unit saves −dual ≥ 0;
 *   - a dependency row  U − α·T − shortfall ≤ 0: allowing one more tonne of untrusted content saves
 *     −dual; tightening α by one percentage point costs −dual · T / 100 to first order (T the
 *     bloc's consumption in the solution, held fixed).
 * Ranging (HiGHS): the limit may move within [rowDown.value, rowUp.value] with the same dual. When
 * the current limit is an end of that interval, the left and right rates differ and the dual is
 * one of several valid values (these LPs are dual-degenerate); `range.unique` says so.
 *
 * Reduced costs: a candidate build column at zero has reduced cost d ≥ 0 (discounted USD per t/yr).
 * At a degenerate optimum the basis' d can understate the true cost of bringing the column in, so
 * the solve probes it: d = (cost with the column forced to a small amount − cost) / amount.
 * Its capex enters its cost through the `capex` and `salvageCredit` parts (both proportional to
 * capex per t/yr), so cutting capex by the fraction f = d / (capex part + salvage part) makes the
 * build break even. Where capex also enters budget rows (capexPublicShare > 0) this is first order.
 *
 * Strong duality: the dual objective Σ_i dual_i · (active bound of row i) + Σ_j rc_j · (active
 * bound of column j) equals the primal objective at an optimum; both are reported.
 */
import type { LinearModel } from '../model/builder.js';
import { parseName } from '../model/families.js';
import type { Instance } from '../model/instance.js';
import { CONSTRUCTION_COST_CATEGORIES } from '../model/cost-categories.js';
import { hasSolution, type SolveResult } from '../solver/types.js';
import type { BindingLimit, MarginalValues, ReducedCost, Report } from '../schemas/report.js';
import { evaluateRows } from './evaluate.js';
import { constraintTerms } from './constraint-terms.js';
import { blocConsumptionT, consumptionByOrigin } from './portfolio.js';
import type { DependencySummaryRow } from './dependency-metrics.js';

/** Families whose rows are limits a planner can move (and so appear as binding limits). */
export const LIMIT_FAMILIES = [
  'source_supply',
  'capacity',
  'max_size',
  'budget_year',
  'budget_total',
  'cofinancing',
  'public_share',
  'dependency',
  'min_build',
  'max_build',
  'custom',
] as const;

/** Limits listed whenever they hold with some activity, even at a zero marginal value. */
const PLANNING_LIMITS = new Set(['source_supply', 'max_size', 'budget_year', 'budget_total', 'dependency', 'custom']);

const DUAL_TOLERANCE = 1e-7;

export interface ReportInput {
  instance: Instance;
  model: LinearModel;
  result: SolveResult;
  /** How the duals were obtained when they do not come from `result`'s own LP. */
  dualsSource?: 'highs-resolve';
  dependencyMetrics?: { baseline: DependencySummaryRow[] | null; portfolio: DependencySummaryRow[] | null };
  diagnosis?: Report['diagnosis'];
  /** Whole-point target costs from re-solves (target-points.ts). */
  targetPoints?: Report['targetPoints'];
  /** False: leave `reducedCosts` empty (the planner fills them in after its probes: `reducedCostsOf`). */
  reducedCosts?: boolean;
}

/** Σ dual · active bound over rows and columns: the dual objective (equals the primal at an optimum). */
export function dualObjective(model: LinearModel, rowDuals: Float64Array, columnDuals: Float64Array, fixedColumns?: ReadonlyMap<number, number>): number {
  let total = 0;
  for (let i = 0; i < model.rowNames.length; i++) {
    const y = rowDuals[i] ?? 0;
    // A dual's sign picks the bound that is active: > 0 the lower, < 0 the upper. On a side without
    // a finite bound the dual is zero up to round-off and contributes nothing.
    const bound = y > 0 ? (model.rowLower[i] ?? -Infinity) : (model.rowUpper[i] ?? Infinity);
    if (y !== 0 && Number.isFinite(bound)) total += y * bound;
  }
  for (let j = 0; j < model.colNames.length; j++) {
    const d = columnDuals[j] ?? 0;
    // A column fixed at a value (an integer decision of a lumpy solve, in the LP its duals come
    // from) has that value as both bounds, whatever the sign of its reduced cost.
    const fixed = fixedColumns?.get(j);
    if (fixed !== undefined) {
      total += d * fixed;
      continue;
    }
    // Lower bounds are 0 and contribute nothing; a negative reduced cost sits at the upper bound.
    const upper = model.colUpper[j] ?? Infinity;
    if (d < 0 && Number.isFinite(upper)) total += d * upper;
  }
  return total;
}

function rangeOf(result: SolveResult, i: number, limit: number) {
  const r = result.ranging;
  if (!r) return null;
  const down = r.rowDown.value[i] ?? -Infinity;
  const up = r.rowUp.value[i] ?? Infinity;
  const scale = Math.max(1, Math.abs(limit));
  const inside = down < limit - 1e-9 * scale && up > limit + 1e-9 * scale;
  return { fromLimit: Number.isFinite(down) ? down : null, toLimit: Number.isFinite(up) ? up : null, unique: inside };
}

export function computeReport(input: ReportInput): Report {
  const { instance, model, result } = input;
  const values = hasSolution(result) ? result.columnValues : undefined;
  const duals = values ? result.rowDuals : undefined;
  const columnDuals = values ? result.columnDuals : undefined;
  const source = !duals ? 'unavailable' : (input.dualsSource ?? result.dualsFrom ?? 'lp');
  const currency = `present-value USD (discounted to ${instance.startYear} at ${(instance.discountRate * 100).toFixed(1)} %/yr)`;

  const note =
    source === 'unavailable'
      ? values
        ? 'the backend returned no duals for this solve'
        : `no duals: the solve ended ${result.status}`
      : source === 'fixed-integer-lp'
        ? `lumpy builds (MIP): duals come from the LP with every build-or-not decision fixed at its ${result.status === 'optimal' ? 'optimal' : 'incumbent'} value; they price small changes that keep those decisions, and that LP's optimum is the plan reported`
        : source === 'highs-resolve'
          ? 'javascript-lp-solver returns no duals: they come from HiGHS solving the same model (its objective agreed)'
          : 'duals of the LP at the optimal basis; these LPs are dual-degenerate, so a value marked not unique is one of several valid ones';

  const rows = values ? evaluateRows(model, values) : [];
  // T of each dependency row: the bloc's consumption (markets and plant inputs, unserved included).
  const consumption = values ? consumptionByOrigin(instance, model, values) : null;
  const marginalValues: MarginalValues | null = duals
    ? { feedstock: [], budgets: [], targets: [], plantSize: [], plantCapacity: [], customConstraints: [] }
    : null;
  const binding: BindingLimit[] = [];
  const limitFamilies = new Set<string>(LIMIT_FAMILIES);

  if (values) {
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      // The family from the name's prefix first: most rows are not limits, and parsing costs ~5 µs.
      if (!limitFamilies.has(row.name.slice(0, row.name.indexOf('[')))) continue;
      const parsed = parseName(row.name);
      const { family } = parsed;
      const dual = duals?.[i] ?? null;
      const upper = row.upper;
      const lower = row.lower;
      const limit = Number.isFinite(upper) ? upper : lower;
      const atLimit = row.slack <= 1e-6 * Math.max(1, Math.abs(limit));
      // Described only when listed (most limit rows are neither binding nor priced).
      let described: ReturnType<typeof constraintTerms> | undefined;
      const terms = () => (described ??= constraintTerms(instance, row.name));
      // Rows that only hold at zero activity (a plant not built, a fund not used) are not limits anyone
      // would move; they are listed only when they carry a marginal value.
      const priced = dual !== null && Math.abs(dual) > DUAL_TOLERANCE;
      const used = Math.abs(row.activity) > 1e-9;
      const alwaysListed = PLANNING_LIMITS.has(family) || dual === null;
      if (atLimit && (priced || (used && alwaysListed))) {
        binding.push({
          constraint: row.name,
          family,
          description: terms().description,
          path: terms().path,
          unit: terms().unit,
          activity: row.activity,
          limit,
          slack: Math.max(0, row.slack),
          dual,
        });
      }
      if (marginalValues && dual !== null && parsed.family === 'custom') {
        // Every custom row is listed, priced or not: a planner wants to see each of their conditions.
        const custom = instance.customConstraints.find((c) => c.id === parsed.index.constraint);
        if (custom) {
          const { sense, unit } = custom.parsed;
          const value = Math.abs(dual) <= DUAL_TOLERANCE ? 0 : dual;
          const costUsdPerUnit = sense === '<=' ? -value : value;
          const when = parsed.index.year !== undefined ? ` in ${parsed.index.year}` : '';
          marginalValues.customConstraints!.push({
            constraint: row.name,
            description: terms().description,
            path: terms().path,
            year: terms().year,
            limit,
            activity: row.activity,
            dual: value,
            range: rangeOf(result, i, limit),
            id: custom.id,
            expression: custom.expression,
            sense,
            unit,
            costUsdPerUnit,
            statement:
              costUsdPerUnit === 0
                ? `${custom.id}${when} costs nothing at the margin (it ${atLimit ? 'holds with equality, at no marginal cost' : 'is not binding'})`
                : `${custom.id}${when} costs USD ${formatUsd(costUsdPerUnit)} per ${unit} (discounted): ${sense === '==' ? 'raising its right-hand side' : 'tightening it'} by one ${unit} raises the plan's cost by that much`,
          });
        }
        continue;
      }
      if (!marginalValues || dual === null || Math.abs(dual) <= DUAL_TOLERANCE) continue;
      const base = {
        constraint: row.name,
        description: terms().description,
        path: terms().path,
        year: terms().year,
        limit,
        activity: row.activity,
        dual,
        range: rangeOf(result, i, limit),
      };
      switch (parsed.family) {
        case 'source_supply':
          marginalValues.feedstock.push({ ...base, source: parsed.index.source, valueUsdPerT: -dual });
          break;
        case 'budget_year':
        case 'budget_total':
          marginalValues.budgets.push({
            ...base,
            funder: parsed.index.funder,
            valueUsdPerUsd: -dual,
            // One nominal USD of year y is discountFactor(y) present-value USD.
            valuePvUsdPerPvUsd: parsed.family === 'budget_year' ? -dual / instance.discountFactor(parsed.index.year) : null,
            envelopeUnit: 'nominal USD',
          });
          break;
        case 'max_size':
          marginalValues.plantSize.push({ ...base, plant: parsed.index.plant, valueUsdPerTpa: -dual });
          break;
        case 'capacity':
          marginalValues.plantCapacity.push({ ...base, plant: parsed.index.plant, valueUsdPerTpa: -dual });
          break;
        case 'dependency': {
          const { target: targetId, year: y } = parsed.index;
          const target = instance.targets.find((t) => t.id === targetId);
          const consumptionT = target ? blocConsumptionT(consumption!, target.bloc, target.product, y) : 0;
          marginalValues.targets.push({ ...base, target: targetId, consumptionT, costUsdPerT: -dual, costUsdPerPoint: (-dual * consumptionT) / 100 });
          break;
        }
        default:
          break;
      }
    }
    marginalValues?.customConstraints?.sort((a, b) => a.constraint.localeCompare(b.constraint, 'en', { numeric: true }));
    for (const [key, list] of Object.entries(marginalValues ?? {}))
      if (key !== 'customConstraints') list.sort((a: { dual: number }, b: { dual: number }) => a.dual - b.dual);
    binding.sort((a, b) => a.family.localeCompare(b.family) || Math.abs(b.dual ?? 0) - Math.abs(a.dual ?? 0) || a.constraint.localeCompare(b.constraint));
  }

  return {
    status: result.status,
    totalCostUsd: values ? (result.objective ?? null) : null,
    provenOptimal: result.status === 'optimal',
    currency,
    duals: {
      source,
      note,
      primalObjective: values ? (result.objective ?? null) : null,
      dualObjective: duals && columnDuals ? dualObjective(model, duals, columnDuals, result.fixedColumns) : null,
    },
    marginalValues,
    targetPoints: input.targetPoints ?? [],
    reducedCosts: input.reducedCosts !== false && values && columnDuals ? reducedCostsOf(instance, model, values, columnDuals, result.probeCosts) : [],
    binding,
    diagnosis: input.diagnosis ?? null,
    dependencyMetrics: input.dependencyMetrics ?? { baseline: null, portfolio: null },
  };
}

function formatUsd(value: number): string {
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 4;
  return value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: 0 });
}

/** Unbuilt candidate plants and, for each, the build column closest to entering (by its reduced cost). */
export function unbuiltCandidates(
  instance: Instance,
  model: LinearModel,
  values: Float64Array,
  columnDuals: Float64Array,
): Array<{ plant: string; column: number; amount: number; fraction: number }> {
  const byPlant = new Map<string, number[]>();
  model.colNames.forEach((name, j) => {
    if (!name.startsWith('build[')) return; // cheap test first: every column of the model passes here
    const parsed = parseName(name);
    if (parsed.family !== 'build') return;
    const { plant } = parsed.index;
    byPlant.set(plant, [...(byPlant.get(plant) ?? []), j]);
  });
  const out: Array<{ plant: string; column: number; amount: number; fraction: number }> = [];
  for (const [plant, columns] of byPlant) {
    if (columns.reduce((sum, j) => sum + (values[j] ?? 0), 0) > 1e-6) continue;
    if (!instance.plants.find((p) => p.id === plant)?.expansion) continue;
    let best = columns[0]!;
    let bestFraction = Infinity;
    for (const j of columns) {
      const part = capexPart(model, j);
      const fraction = part > 0 ? Math.max(0, columnDuals[j] ?? 0) / part : Infinity;
      if (fraction < bestFraction) [best, bestFraction] = [j, fraction];
    }
    const upper = model.colUpper[best] ?? Infinity;
    out.push({ plant, column: best, fraction: bestFraction, amount: Math.max(1e-3, Math.min(1, 1e-2 * (Number.isFinite(upper) ? upper : 100))) });
  }
  // Closest to entering first: probes are time-capped, and these are the ones a planner asks about.
  return out.sort((a, b) => a.fraction - b.fraction || a.plant.localeCompare(b.plant));
}

/** Discounted capex minus salvage credit per t/yr of a build column: the part a capex cut lowers. */
function capexPart(model: LinearModel, j: number): number {
  return (model.colCostParts.get(j) ?? []).reduce((sum, [category, c]) => (CONSTRUCTION_COST_CATEGORIES.has(category) ? sum + c : sum), 0);
}

/** The reduced costs of the unbuilt candidates: probed where `probeCosts` has a finite value, from the basis otherwise. */
export function reducedCostsOf(
  instance: Instance,
  model: LinearModel,
  values: Float64Array,
  columnDuals: Float64Array,
  probeCosts: Float64Array | undefined,
): ReducedCost[] {
  const out: ReducedCost[] = [];
  unbuiltCandidates(instance, model, values, columnDuals).forEach(({ plant: plantId, column: j }, k) => {
    const plant = instance.plants.find((p) => p.id === plantId)!;
    // The measured cost of forcing the build in, when probed; the basis' reduced cost otherwise.
    const probed = probeCosts?.[k];
    const measured = probed !== undefined && Number.isFinite(probed);
    const d = Math.max(0, measured ? probed : (columnDuals[j] ?? 0));
    const part = capexPart(model, j);
    const fraction = part > 0 ? d / part : d <= DUAL_TOLERANCE ? 0 : null;
    const capex = plant.expansion!.capexUsdPerTpa;
    const column = parseName(model.colNames[j]!);
    if (column.family !== 'build') throw new Error(`column ${model.colNames[j]} is not a build`);
    const { buildYear } = column.index;
    const enters = fraction !== null && fraction <= 1;
    const pct = enters ? fraction * 100 : null;
    const usd = enters ? fraction * capex : null;
    const how = measured ? '' : ' (from the basis reduced cost; not probed)';
    out.push({
      plant: plantId,
      name: plant.name,
      country: plant.country,
      stage: plant.stage,
      buildYear,
      column: model.colNames[j]!,
      reducedCostUsdPerTpa: d,
      capexUsdPerTpa: capex,
      capexCutPct: pct,
      capexCutUsdPerTpa: usd,
      statement: enters
        ? d <= DUAL_TOLERANCE
          ? `${plant.name} is tied with the chosen plan: a build in ${buildYear} costs the same (any capex cut brings it in)${how}`
          : `${plant.name} would be chosen (first in ${buildYear}) if its capex fell by ${pct!.toFixed(1)} % (USD ${Math.round(usd!).toLocaleString('en-US')} per t/yr, from ${Math.round(capex).toLocaleString('en-US')})${how}`
        : `${plant.name} would not be chosen even at zero capex: its other costs exceed the alternatives by USD ${Math.round(d).toLocaleString('en-US')} per t/yr (discounted)${how}`,
    });
  });
  return out.sort((a, b) => (a.capexCutPct ?? Infinity) - (b.capexCutPct ?? Infinity) || a.plant.localeCompare(b.plant));
}
