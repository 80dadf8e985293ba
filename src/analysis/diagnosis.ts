/**
 * Infeasibility and shortfall diagnosis: when hard targets make a scenario infeasible, or soft
 * targets leave a shortfall, find the smallest changes that would close the gap and state them as
 * edits to the scenario's JSON (`src/analysis/scenario-edits.ts` applies them).
 *
 * Determinism. The diagnosis is bounded by a number of solves (`maxSolves`, default
 * DEFAULT_DIAGNOSIS_SOLVES), never by wall-clock time: its steps run in a fixed order on the same
 * models, so the same scenario on the same data gets the same remedies on a quiet or a busy
 * machine. Past the bound it stops, keeps what it found and says so (`complete: false`).
 *
 * The gap. Infeasible: the hard targets that cannot hold. Shortfall: the soft targets left short,
 * which every probe below makes hard. A probe is a feasibility LP (all costs zero, integers
 * relaxed) of the scenario with some changes; a remedy is verified by solving the changed scenario
 * with its real costs (its `resultingCostUsd`), and its minimality by a probe of the change undercut
 * by one step (infeasible). Remedies are ranked by the cost of the plan each leads to.
 *
 *   1. a target's first year — the earliest year Y* from which it can hold in every year it
 *      applies (bisection on probes with that target hard from Y, the others soft; feasible from Y
 *      implies feasible from Y + 1, so the bisection is exact); undercut: Y* − 1;
 *   2. a target's limit — elastic relaxation of its rows, min Σ_y e_y  s.t. dependency[t,y] − e_y ≤ 0,
 *      gives α* = max_y (α + e_y / T_y), rounded up to 0.1 point; undercut: α* − 0.1 point;
 *   3. budgets — elastic relaxation of every budget row (failing targets hard), min Σ extra USD,
 *      rounded up to 1 M USD per envelope; undercut: every envelope 1 M USD less;
 *   4. project and policy levers, each a ladder of steps from mild to extreme:
 *      a plant's lead time (−1 year per step to 0), earliest start (−1 year to the horizon's start),
 *      maximum size (+10 % per step to 10×), capex (−5 % per step to 0; only when budgets bind);
 *      a closed lane (a scenario closed lane removed; a dataset lane rule ended a year earlier per
 *      step, then switched off); an export control ended a year earlier per step, then removed (or
 *      a dataset control no longer applied); an excluded plant no longer excluded.
 *      Feasibility is monotone along every ladder and in any set of levers, so: a probe with every
 *      lever at its extreme decides whether any of them can help; halving that set (group testing)
 *      finds each lever that closes the gap alone; bisection on its ladder finds its mildest step.
 *      When none does alone, a deletion filter over the set at its extreme (halves, quarters, …,
 *      single levers) finds a minimal set; if it has two or three levers, each is then eased to its
 *      mildest step with the others fixed — a combination, each part minimal.
 *   5. custom constraints (infeasible scenarios) — the least relaxation of each one's right-hand
 *      side: elastic relaxation of its rows alone, min Σ_r e_r  s.t. custom row r ± e_r ⋈ rhs_r,
 *      all costs zero, gives the amount E = max_r e_r (in the row's unit) by which the condition
 *      must be loosened; the remedy restates `constraints[i].expression` with its right side moved
 *      by E and is checked by a solve. When the scenario stays infeasible with every target soft,
 *      the custom constraints are at fault: they are diagnosed first and the target probes leave
 *      them out.
 * The earliest year each target can be met at all is reported for every target, with the earliest
 * year new capacity of each stage can come online (start year + lead time) as the explanation.
 */
import type { Dataset, LaneRule } from '../data/schema.js';
import { stageOrderOf } from '../data/chain.js';
import type { LinearModel } from '../model/builder.js';
import { parseName } from '../model/families.js';
import { mergeDeep, type Instance } from '../model/instance.js';
import type { Scenario } from '../schemas/scenario.js';
import type { Diagnosis, Remedy } from '../schemas/report.js';
import type { SolverRunOptions, SolveResult } from '../solver/types.js';
import { solveModel } from '../solver/index.js';
import { formulateVariant } from '../model/formulate-scenario.js';
import { ANALYSIS_ORIGIN_SPLIT, type OriginSplit } from '../model/origin-split.js';
import { blocConsumptionT, consumptionByOrigin } from './portfolio.js';
import { applyChanges, type ScenarioChange } from './scenario-edits.js';

/** Default bound on the diagnosis' solves: enough for every step on the shipped stories (models/report.md). */
export const DEFAULT_DIAGNOSIS_SOLVES = 400;

export interface DiagnosisInput {
  scenario: Scenario;
  dataset: Dataset;
  instance: Instance;
  status: 'infeasible' | 'shortfall';
  /** Shortfall tonnes per target id (soft targets), from the first solve. */
  shortfallT: ReadonlyMap<string, number>;
  solveOptions: SolverRunOptions;
  /** Most solves the diagnosis may run; past it, it stops and reports what it found so far. */
  maxSolves?: number;
  /** Called after each solve (progress; the service's watchdog restarts its allowance). */
  onSolve?: (solves: number) => void;
  /** Which years the probes split by origin (default ANALYSIS_ORIGIN_SPLIT: src/model/origin-split.ts); `every-year` exists for the test that compares. */
  originSplit?: OriginSplit;
}

class OutOfSolves extends Error {}

/** A copy of the model with new costs (and optionally other column upper bounds), integers relaxed. */
function withCosts(model: LinearModel, cost: (j: number, name: string) => number): LinearModel {
  return {
    ...model,
    colCost: Float64Array.from(model.colNames, (name, j) => cost(j, name)),
    colInteger: new Uint8Array(model.colNames.length),
    colCostParts: new Map(),
  };
}

/** Appends an elastic column `relax[<row>]` (cost `weight`) to each chosen ≤ row: row − relax ≤ limit. */
function withElastic(model: LinearModel, rows: ReadonlyMap<number, number>): { model: LinearModel; columns: Map<number, number> } {
  const n = model.colNames.length;
  const columns = new Map<number, number>();
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const names = [...model.colNames];
  const costs = Array.from(model.colCost);
  for (let i = 0; i < model.rowNames.length; i++) {
    for (let k = model.rowStarts[i]!; k < model.rowStarts[i + 1]!; k++) {
      indices.push(model.rowIndices[k]!);
      values.push(model.rowValues[k]!);
    }
    const weight = rows.get(i);
    if (weight !== undefined) {
      const j = n + columns.size;
      columns.set(i, j);
      names.push(`relax[${model.rowNames[i]}]`);
      costs.push(weight);
      indices.push(j);
      values.push(-1);
    }
    starts.push(indices.length);
  }
  const extra = columns.size;
  return {
    columns,
    model: {
      ...model,
      colNames: names,
      colCost: Float64Array.from(costs),
      colUpper: Float64Array.from([...model.colUpper, ...new Array<number>(extra).fill(Infinity)]),
      colInteger: new Uint8Array(n + extra),
      colCostParts: new Map(),
      rowStarts: Int32Array.from(starts),
      rowIndices: Int32Array.from(indices),
      rowValues: Float64Array.from(values),
    },
  };
}

/** Appends elastic columns (cost 1) to rows: +e on a row with a finite lower bound, −e on one with a finite upper bound. */
function withElasticBothWays(
  model: LinearModel,
  rows: ReadonlySet<number>,
): { model: LinearModel; columns: Array<{ row: number; column: number; sign: 1 | -1 }> } {
  const n = model.colNames.length;
  const columns: Array<{ row: number; column: number; sign: 1 | -1 }> = [];
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  const names = [...model.colNames];
  for (let i = 0; i < model.rowNames.length; i++) {
    for (let k = model.rowStarts[i]!; k < model.rowStarts[i + 1]!; k++) {
      indices.push(model.rowIndices[k]!);
      values.push(model.rowValues[k]!);
    }
    if (rows.has(i)) {
      for (const sign of [1, -1] as const) {
        if (!Number.isFinite(sign === 1 ? model.rowLower[i]! : model.rowUpper[i]!)) continue;
        const j = n + columns.length;
        columns.push({ row: i, column: j, sign });
        names.push(`relax${sign === 1 ? 'up' : 'down'}[${model.rowNames[i]}]`);
        indices.push(j);
        values.push(sign);
      }
    }
    starts.push(indices.length);
  }
  const extra = columns.length;
  return {
    columns,
    model: {
      ...model,
      colNames: names,
      colCost: Float64Array.from([...new Array<number>(n).fill(0), ...new Array<number>(extra).fill(1)]),
      colUpper: Float64Array.from([...model.colUpper, ...new Array<number>(extra).fill(Infinity)]),
      colInteger: new Uint8Array(n + extra),
      colCostParts: new Map(),
      rowStarts: Int32Array.from(starts),
      rowIndices: Int32Array.from(indices),
      rowValues: Float64Array.from(values),
    },
  };
}

const roundUp = (v: number) => {
  const magnitude = 10 ** (Math.floor(Math.log10(Math.max(Math.abs(v), 1e-9))) - 3);
  return Math.ceil(v / magnitude) * magnitude;
};

function withTargets(scenario: Scenario, change: (target: Scenario['targets'][number], i: number) => Scenario['targets'][number]): Scenario {
  return { ...scenario, targets: scenario.targets.map(change), solver: { ...scenario.solver, lumpyBuilds: false } };
}

/** One lever: a ladder of changes from the mildest (index 0) to the most extreme (last). */
interface Lever {
  kind: Remedy['lever'];
  /** Sort key and label, e.g. `overrides.plants.lynas_seadrift.expansion.leadTimeYears`. */
  path: string;
  from: number | null;
  steps: ReadonlyArray<{ change: ScenarioChange; words: string }>;
  explanation: string;
}

const pct = (v: number) => `${(v * 100).toFixed(1)} %`;
const musd = (v: number) => `${(v / 1e6).toFixed(0)} M USD`;

export async function diagnose(input: DiagnosisInput): Promise<Diagnosis> {
  const { scenario, dataset, instance, solveOptions } = input;
  const maxSolves = input.maxSolves ?? DEFAULT_DIAGNOSIS_SOLVES;
  // Probes read feasibility, costs and target years' rows only: origins pooled elsewhere (origin-split.ts).
  const formulateProbe = (variant: Scenario) => formulateVariant(instance, variant, { originSplit: input.originSplit ?? ANALYSIS_ORIGIN_SPLIT });
  const lp: SolverRunOptions = {
    backend: 'highs',
    timeLimitSeconds: solveOptions.timeLimitSeconds,
    mipRelGap: solveOptions.mipRelGap,
    algorithm: solveOptions.algorithm,
    sensitivity: false,
  };
  let solves = 0;
  let stopReason = '';
  const solve = async (model: LinearModel): Promise<SolveResult> => {
    if (solves >= maxSolves) {
      stopReason = `stopped at its bound of ${maxSolves} solves`;
      throw new OutOfSolves();
    }
    solves++;
    const result = await solveModel(model, lp);
    input.onSolve?.(solves);
    if (result.status === 'time_limit' || result.status === 'error') {
      stopReason = `stopped when a solve ended ${result.status}${result.message ? ` (${result.message})` : ''}`;
      throw new OutOfSolves();
    }
    return result;
  };

  // Earliest year new capacity of each stage can produce (trusted countries only: that is what
  // lowers dependency).
  const earliestOnline = stageOrderOf(dataset.meta.chain).map((stage) => {
    let best: { year: number; plant: string; explanation: string } | null = null;
    for (const p of instance.plants) {
      if (p.stage !== stage || !p.expansion || !instance.trusted.has(p.country)) continue;
      const start = Math.max(p.expansion.earliestStartYear, instance.startYear);
      const online = start + p.expansion.leadTimeYears;
      if (online > instance.endYear) continue;
      if (!best || online < best.year || (online === best.year && p.id < best.plant)) {
        best = { year: online, plant: p.id, explanation: `${p.name}: construction from ${start}, lead time ${p.expansion.leadTimeYears} years` };
      }
    }
    return { stage, year: best?.year ?? null, plant: best?.plant ?? null, explanation: best?.explanation ?? 'no expansion option in a trusted country' };
  });
  const onlineText = earliestOnline.map((e) => `${e.stage} ${e.year ?? 'never'}`).join(', ');

  let problem = instance.targets.filter((t) => (input.status === 'infeasible' ? t.hard : (input.shortfallT.get(t.id) ?? 0) > 1e-6));
  const targets: Diagnosis['targets'] = [];
  const earliestOf = new Map<string, number | null>();
  const remedies: Remedy[] = [];
  /** The scenario the remedies change: the problem targets hard (the gap to close), nothing else changed. */
  let base = scenario;
  const feasible = async (changes: readonly ScenarioChange[]) => {
    const { model } = formulateProbe({ ...applyChanges(base, changes), solver: { ...base.solver, lumpyBuilds: false } });
    return (await solve(withCosts(model, () => 0))).status === 'optimal';
  };
  /** The cost of the plan a remedy leads to (its real objective, the problem targets hard); null when that solve is not optimal. */
  const costWith = async (changes: readonly ScenarioChange[]) => {
    const result = await solve(formulateProbe(applyChanges(base, changes)).model);
    return result.status === 'optimal' ? (result.objective ?? null) : null;
  };
  const remedy = async (
    lever: Remedy['lever'],
    parts: Array<{ change: ScenarioChange; words: string; from: number | null }>,
    undercuts: ScenarioChange[][],
    explanation: string,
  ) => {
    const changes = parts.map((p) => p.change);
    const cost = await costWith(changes);
    if (cost === null) return;
    const checked: Remedy['undercuts'] = [];
    for (const undercut of undercuts) {
      if (await feasible(undercut)) return; // not minimal: cannot happen for a monotone ladder, but never report it as minimal
      checked.push({ changes: undercut.map(view) });
    }
    const first = parts[0]!;
    remedies.push({
      path: first.change.path,
      change: parts.map((p) => (parts.length > 1 ? `${p.change.path}: ${p.words}` : p.words)).join('; '),
      from: parts.length === 1 ? first.from : null,
      to: parts.length === 1 && typeof first.change.to === 'number' ? first.change.to : null,
      lever,
      changes: parts.map((p) => ({ ...view(p.change), from: p.from, change: p.words })),
      undercuts: checked,
      resultingCostUsd: cost,
      explanation,
    });
  };

  let complete = true;
  let customAtFault = false;
  const customFound: string[] = [];
  /** 4. The least relaxation of each custom constraint's right-hand side (infeasible scenarios). */
  const diagnoseCustom = async () => {
    if (input.status === 'infeasible') {
      const lpScenario: Scenario = { ...scenario, solver: { ...scenario.solver, lumpyBuilds: false } };
      const { model } = formulateProbe(lpScenario);
      for (const c of instance.customConstraints) {
        const rows = new Set<number>();
        model.rowNames.forEach((name, i) => {
          const row = parseName(name);
          if (row.family === 'custom' && row.index.constraint === c.id) rows.add(i);
        });
        if (!rows.size) continue;
        const elastic = withElasticBothWays(model, rows);
        const result = await solve(elastic.model);
        if (result.status !== 'optimal' || !result.columnValues) continue;
        let up = 0;
        let down = 0;
        for (const { column, sign } of elastic.columns) {
          const v = result.columnValues[column] ?? 0;
          if (sign === 1) up = Math.max(up, v);
          else down = Math.max(down, v);
        }
        const amount = Math.max(up, down);
        if (amount <= 1e-6 * Math.max(1, Math.abs(c.parsed.constant))) continue;
        const by = roundUp(amount);
        // Row: Σ a·q ⋈ rhs. Loosening a ≥ row lowers the right side; a ≤ row raises it; an == row moves it the way the relaxation went.
        const lower = c.parsed.sense === '>=' || (c.parsed.sense === '==' && up >= down);
        const op = c.parsed.sense === '==' ? '==' : c.parsed.sense;
        const expression = `${c.parsed.left} ${op} ${c.parsed.right} ${lower ? '-' : '+'} ${Number(by.toPrecision(6))}`;
        const relaxed: Scenario = { ...scenario, constraints: scenario.constraints.map((x, i) => (i === c.index ? { ...x, expression } : x)) };
        let resultingCostUsd: number | null = null;
        let outOfSolves = false;
        try {
          const check = await solve(formulateProbe(relaxed).model);
          resultingCostUsd = check.status === 'optimal' ? (check.objective ?? null) : null;
        } catch (error) {
          if (!(error instanceof OutOfSolves)) throw error;
          // The relaxation is known; only its check did not fit in the bound: report it unchecked.
          outOfSolves = true;
        }
        customFound.push(c.id);
        remedies.push({
          path: `constraints[${c.index}].expression`,
          change: `loosen by ${Number(by.toPrecision(6)).toLocaleString('en-US')} ${c.parsed.unit}: ${expression}`,
          from: -c.parsed.constant + 0,
          to: -c.parsed.constant + (lower ? -by : by) + 0,
          lever: 'custom_constraint',
          changes: [
            {
              path: `constraints[${c.index}].expression`,
              to: expression,
              remove: false,
              from: null,
              change: `loosen by ${Number(by.toPrecision(6))} ${c.parsed.unit}`,
            },
          ],
          undercuts: [],
          resultingCostUsd,
          explanation: `the least amount by which custom constraint ${c.id} must give way in its tightest ${c.parsed.perYear ? 'year' : 'row'}, everything else as in the scenario${
            outOfSolves
              ? ' (the plan with it was not solved: the diagnosis reached its bound of solves)'
              : resultingCostUsd === null
                ? ' (with it, the scenario is still infeasible: other conditions also fail)'
                : ''
          }`,
        });
        if (outOfSolves) throw new OutOfSolves();
      }
    }
  };

  /** Soft targets whose shortfall the scenario could avoid as it stands (a priced choice). */
  let avoidable: string[] = [];
  try {
    // Custom constraints at fault: the scenario stays infeasible with every target soft.
    if (input.status === 'infeasible' && instance.customConstraints.length) {
      // Without hard targets nothing else can make the scenario infeasible (every other shortfall is priced).
      if (!instance.targets.some((t) => t.hard)) customAtFault = true;
      else {
        const { model } = formulateProbe(withTargets(scenario, (x) => ({ ...x, hard: false })));
        customAtFault = (await solve(withCosts(model, () => 0))).status !== 'optimal';
      }
      // They are the cause: say by how much each must give way before the (longer) target probes.
      if (customAtFault) await diagnoseCustom();
    }
    // The target probes leave out custom constraints that are infeasible on their own.
    const probeBase: Scenario = customAtFault ? { ...scenario, constraints: [] } : scenario;
    // 1. Earliest first year of every target, each probed alone (others soft).
    for (const t of instance.targets) {
      const original = scenario.targets[t.index]!;
      const until = original.untilYear ?? instance.endYear;
      const feasibleFrom = async (year: number) => {
        const variant = withTargets(probeBase, (x, i) => (i === t.index ? { ...x, year, untilYear: until, hard: true } : { ...x, hard: false }));
        const { model } = formulateProbe(variant);
        return (await solve(withCosts(model, () => 0))).status === 'optimal';
      };
      let earliest: number | null = null;
      if (await feasibleFrom(until)) {
        let lo = instance.startYear;
        let hi = until;
        if (await feasibleFrom(lo)) hi = lo;
        else {
          while (hi - lo > 1) {
            const mid = Math.floor((lo + hi) / 2);
            if (await feasibleFrom(mid)) hi = mid;
            else lo = mid;
          }
        }
        earliest = hi;
      }
      earliestOf.set(t.id, earliest);
      const lateBy = earliest === null ? null : earliest - original.year;
      targets.push({
        target: t.id,
        path: `targets[${t.index}].year`,
        year: original.year,
        earliestYear: earliest,
        explanation:
          earliest === null
            ? `cannot be met even in ${until} with the scenario's plants, feed and budgets (earliest new trusted capacity online: ${onlineText})`
            : lateBy! > 0
              ? `can be met from ${earliest}, ${lateBy} year(s) after its ${original.year} start (earliest new trusted capacity online: ${onlineText})`
              : `can be met from ${earliest} (its start year is ${original.year})`,
      });
    }
    // The targets at fault: those that cannot hold alone from their start year; when each can alone
    // but not together, all of them.
    if (input.status === 'infeasible') {
      const alone = problem.filter((t) => {
        const e = earliestOf.get(t.id);
        return e === null || e === undefined || e > scenario.targets[t.index]!.year;
      });
      if (alone.length) problem = alone;
      else if (customAtFault) problem = [];
    }
    const problemIds = new Set(problem.map((t) => t.index));
    base = { ...scenario, targets: scenario.targets.map((x, i) => (problemIds.has(i) ? { ...x, hard: true } : x)) };

    // A shortfall the scenario could avoid as it stands is a choice at the target's penalty, not a
    // gap: the one remedy is to make the target hard (or its penalty dearer), at the cost stated.
    if (input.status === 'shortfall' && (await feasible([]))) {
      for (const t of problem) {
        const target = scenario.targets[t.index]!;
        const path = `targets[${t.index}].hard`;
        await remedy(
          'target_hard',
          [{ change: { path, to: true }, words: 'make it hard', from: null }],
          [],
          `the target can be met as the scenario stands: its shortfall is cheaper than meeting it at a penalty of ${Math.round(t.penaltyUsdPerT).toLocaleString('en-US')} USD per t${target.penaltyUsdPerT === undefined ? ' (the dataset default)' : ''}; making it hard (or its penalty dearer) closes it at this cost`,
        );
      }
      avoidable = problem.map((t) => t.id);
      problem = [];
    }

    // 2. Target years.
    for (const t of problem) {
      const original = scenario.targets[t.index]!;
      const earliest = earliestOf.get(t.id) ?? null;
      if (earliest === null || earliest <= original.year) continue;
      const path = `targets[${t.index}].year`;
      await remedy(
        'target_year',
        [{ change: { path, to: earliest }, words: `needs ≥ ${earliest}`, from: original.year }],
        earliest - 1 > original.year ? [[{ path, to: earliest - 1 }]] : [],
        `new trusted capacity cannot produce earlier (earliest online: ${onlineText})`,
      );
    }

    // 3. Target limits, by elastic relaxation of the target's rows.
    for (const t of problem) {
      const original = scenario.targets[t.index]!;
      const { instance: inst, model } = formulateProbe(withTargets(base, (x) => x));
      const rows = new Map<number, number>();
      model.rowNames.forEach((name, i) => {
        const row = parseName(name);
        if (row.family === 'dependency' && row.index.target === t.id) rows.set(i, 1);
      });
      const elastic = withElastic(
        withCosts(model, () => 0),
        rows,
      );
      const result = await solve(elastic.model);
      if (result.status !== 'optimal' || !result.columnValues) continue;
      const values = result.columnValues;
      const use = consumptionByOrigin(inst, model, values.subarray(0, model.colNames.length));
      let needed = t.maxUntrustedShare;
      for (const [i, j] of elastic.columns) {
        const row = parseName(model.rowNames[i]!);
        if (row.family !== 'dependency') continue;
        const year = row.index.year;
        const total = blocConsumptionT(use, t.bloc, t.product, year);
        if (total > 1e-9) needed = Math.max(needed, t.maxUntrustedShare + (values[j] ?? 0) / total);
      }
      if (needed <= t.maxUntrustedShare + 1e-9) continue;
      const to = Math.min(1, Math.ceil(needed * 1000 - 1e-6) / 1000);
      const path = `targets[${t.index}].maxUntrustedShare`;
      const under = Math.round((to - 0.001) * 1000) / 1000;
      await remedy(
        'target_share',
        [{ change: { path, to }, words: `needs ≥ ${pct(to)} (from ${pct(original.maxUntrustedShare)})`, from: original.maxUntrustedShare }],
        under > original.maxUntrustedShare ? [[{ path, to: under }]] : [],
        'the least untrusted share (to 0.1 point) the bloc can reach in every year the target applies, with everything else as in the scenario',
      );
    }

    // 4. Budgets: the least extra money, by elastic relaxation of every budget row.
    if (problem.length && scenario.budgets.length && scenario.capexPublicShare > 0) {
      const { model: forced } = formulateProbe(withTargets(base, (x) => x));
      const rows = new Map<number, number>();
      forced.rowNames.forEach((name, i) => {
        const { family } = parseName(name);
        if (family === 'budget_year' || family === 'budget_total') rows.set(i, 1);
      });
      const elastic = withElastic(
        withCosts(forced, () => 0),
        rows,
      );
      const result = await solve(elastic.model);
      if (result.status === 'optimal' && result.columnValues) {
        const extra = new Map<string, number>(); // `${funder}|totalUsd` or `${funder}|perYearUsd` → USD
        for (const [i, j] of elastic.columns) {
          const v = result.columnValues[j] ?? 0;
          if (v <= 1) continue;
          const row = parseName(forced.rowNames[i]!);
          if (row.family !== 'budget_year' && row.family !== 'budget_total') continue;
          const key = `${row.index.funder}|${row.family === 'budget_total' ? 'totalUsd' : 'perYearUsd'}`;
          extra.set(key, Math.max(extra.get(key) ?? 0, v));
        }
        const parts: Array<{ change: ScenarioChange; words: string; from: number | null }> = [];
        const under: ScenarioChange[] = [];
        scenario.budgets.forEach((b, i) => {
          const funder = instance.funders.find((f) => f.id === b.funder);
          for (const field of ['totalUsd', 'perYearUsd'] as const) {
            const more = extra.get(`${b.funder}|${field}`);
            const from = field === 'totalUsd' ? (funder?.totalUsd ?? null) : (funder?.perYearUsd ?? null);
            if (!more || from === null) continue;
            const step = Math.ceil(more / 1e6 - 1e-9);
            parts.push({
              change: { path: `budgets[${i}].${field}`, to: from + step * 1e6 },
              words: `+${musd(step * 1e6)} nominal (to ${musd(from + step * 1e6)})`,
              from,
            });
            under.push({ path: `budgets[${i}].${field}`, to: from + (step - 1) * 1e6 });
          }
        });
        if (parts.length) {
          await remedy(
            'budget',
            parts,
            [under],
            'the least extra public money (in nominal USD, as envelopes are written, to 1 M USD) that closes the gap with the targets as stated; every envelope listed together',
          );
        }
      }
    }

    // 5. Project and policy levers.
    const levers = projectLevers(scenario, dataset, instance);
    const extreme = (l: Lever) => l.steps[l.steps.length - 1]!.change;
    /** Mildest step of `lever` that closes the gap with `others` applied (its extreme is known to). */
    const mildest = async (lever: Lever, others: ScenarioChange[]) => {
      let lo = -1; // infeasible (no change) …
      let hi = lever.steps.length - 1; // … feasible
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (await feasible([...others, lever.steps[mid]!.change])) hi = mid;
        else lo = mid;
      }
      return hi;
    };
    const undercutOf = (lever: Lever, step: number): ScenarioChange[] | null => (step > 0 ? [lever.steps[step - 1]!.change] : null);
    if (problem.length && levers.length && (await feasible(levers.map(extreme)))) {
      // Group testing: the levers that close the gap alone.
      const alone: Lever[] = [];
      const split = async (group: Lever[], known: boolean) => {
        if (!known && !(await feasible(group.map(extreme)))) return;
        if (group.length === 1) {
          alone.push(group[0]!);
          return;
        }
        const half = Math.ceil(group.length / 2);
        await split(group.slice(0, half), false);
        await split(group.slice(half), false);
      };
      await split(levers, true);
      for (const lever of alone) {
        const step = await mildest(lever, []);
        const under = undercutOf(lever, step);
        await remedy(
          lever.kind,
          [{ change: lever.steps[step]!.change, words: lever.steps[step]!.words, from: lever.from }],
          under ? [under] : [],
          lever.explanation,
        );
      }
      if (!alone.length) {
        // Deletion filter: a minimal set of levers that closes the gap together.
        let set = [...levers];
        for (let chunk = Math.ceil(set.length / 2); chunk >= 1; chunk = chunk === 1 ? 0 : Math.ceil(chunk / 2)) {
          for (let i = 0; i < set.length; ) {
            const rest = [...set.slice(0, i), ...set.slice(i + chunk)];
            if (rest.length && (await feasible(rest.map(extreme)))) set = rest;
            else i += chunk;
          }
          if (chunk === 1) break;
        }
        if (set.length >= 2 && set.length <= 3) {
          // Ease each part to its mildest step with the others at theirs so far (each stays minimal:
          // easing a later part only makes an earlier part's undercut less feasible).
          const chosen = set.map((l) => l.steps.length - 1);
          for (let k = 0; k < set.length; k++) {
            const others = set.flatMap((l, m) => (m === k ? [] : [l.steps[chosen[m]!]!.change]));
            chosen[k] = await mildest(set[k]!, others);
          }
          const changes = set.map((l, m) => l.steps[chosen[m]!]!.change);
          const undercuts = set.map((l, m) => {
            const others = changes.filter((_, n) => n !== m);
            const under = undercutOf(l, chosen[m]!);
            return under ? [...others, ...under] : others;
          });
          await remedy(
            'combination',
            set.map((l, m) => ({ change: l.steps[chosen[m]!]!.change, words: l.steps[chosen[m]!]!.words, from: l.from })),
            undercuts,
            `no single project or policy change closes the gap; these ${set.length} together do, each at its least: ${set.map((l) => l.explanation).join('; ')}`,
          );
        }
      }
    }

    // 4. Custom constraints, unless they were diagnosed first (above).
    if (!customAtFault) await diagnoseCustom();
  } catch (error) {
    if (!(error instanceof OutOfSolves)) throw error;
    complete = false;
  }

  remedies.sort((a, b) => (a.resultingCostUsd ?? Infinity) - (b.resultingCostUsd ?? Infinity) || a.path.localeCompare(b.path));
  const customText = customFound.length
    ? `custom constraint(s) ${customFound.join(', ')} cannot hold as written${customAtFault ? ' (the scenario is infeasible even with every target soft)' : ''}; `
    : '';
  const summary = avoidable.length
    ? `soft target(s) ${avoidable.join(', ')} end with a shortfall the scenario could avoid as it stands: at their penalties it is cheaper than meeting them`
    : input.status === 'infeasible'
      ? customAtFault && !problem.length
        ? `${customText}${remedies.length} change(s) found that would each close the gap`
        : `${customText}hard target(s) ${problem.map((t) => t.id).join(', ') || '(none)'} cannot be met as stated; ${remedies.length} change(s) found that would each close the gap`
      : `soft target(s) ${problem.map((t) => t.id).join(', ')} end with a shortfall; ${remedies.length} change(s) found that would each close it`;
  const cut = complete ? '' : ` (${stopReason} after ${solves} solves; later steps were not run)`;
  return { reason: input.status, summary: summary + cut, complete, remedies, targets, earliestOnline, solves, maxSolves };
}

function view(change: ScenarioChange): { path: string; to: number | boolean | string | null; remove: boolean } {
  return { path: change.path, to: change.to, remove: change.remove === true };
}

/**
 * The project and policy levers of a scenario, in a fixed order (plants by id, then lanes, export
 * controls and exclusions by position): a plant's lead time, earliest start, maximum size and
 * (when budgets bind) capex, for expandable plants in trusted countries; the scenario's closed
 * lanes and the dataset's active closed-lane rules; export controls; excluded plants.
 */
export function projectLevers(scenario: Scenario, dataset: Dataset, instance: Instance): Lever[] {
  const levers: Lever[] = [];
  const { startYear, endYear } = instance;
  const budgetsBind = scenario.budgets.length > 0 && scenario.capexPublicShare > 0;
  const plants = [...instance.plants].filter((p) => p.expansion && instance.trusted.has(p.country)).sort((a, b) => a.id.localeCompare(b.id));
  for (const p of plants) {
    const e = p.expansion!;
    const at = (field: string) => `overrides.plants.${p.id}.expansion.${field}`;
    const lastStart = endYear - e.leadTimeYears; // a later start produces nothing in the horizon
    if (e.leadTimeYears > 0 && Math.max(e.earliestStartYear, startYear) <= endYear) {
      levers.push({
        kind: 'lead_time',
        path: at('leadTimeYears'),
        from: e.leadTimeYears,
        steps: Array.from({ length: e.leadTimeYears }, (_, k) => e.leadTimeYears - 1 - k).map((v) => ({
          change: { path: at('leadTimeYears'), to: v },
          words: `${p.name} built in ${v} year(s) (from ${e.leadTimeYears})`,
        })),
        explanation: `${p.name} (${p.country}, ${p.stage}) online sooner: a shorter lead time`,
      });
    }
    if (e.earliestStartYear > startYear && startYear <= lastStart) {
      const years = Array.from({ length: e.earliestStartYear - startYear }, (_, k) => e.earliestStartYear - 1 - k);
      levers.push({
        kind: 'earliest_start',
        path: at('earliestStartYear'),
        from: e.earliestStartYear,
        steps: years.map((v) => ({ change: { path: at('earliestStartYear'), to: v }, words: `${p.name} may start in ${v} (from ${e.earliestStartYear})` })),
        explanation: `${p.name} (${p.country}, ${p.stage}) started earlier (permitting, financing)`,
      });
    }
    if (Math.max(e.earliestStartYear, startYear) <= lastStart) {
      levers.push({
        kind: 'max_size',
        path: at('maxSizeTpa'),
        from: e.maxSizeTpa,
        steps: Array.from({ length: 90 }, (_, k) => Math.round(e.maxSizeTpa * (1 + 0.1 * (k + 1)))).map((v) => ({
          change: { path: at('maxSizeTpa'), to: v },
          words: `${p.name} up to ${v.toLocaleString('en-US')} t/yr (from ${e.maxSizeTpa.toLocaleString('en-US')})`,
        })),
        explanation: `${p.name} (${p.country}, ${p.stage}) allowed to grow larger (10 % steps)`,
      });
      if (budgetsBind && e.capexUsdPerTpa > 0) {
        levers.push({
          kind: 'capex',
          path: at('capexUsdPerTpa'),
          from: e.capexUsdPerTpa,
          steps: Array.from({ length: 20 }, (_, k) => Math.round(e.capexUsdPerTpa * (1 - 0.05 * (k + 1)))).map((v) => ({
            change: { path: at('capexUsdPerTpa'), to: v },
            words: `${p.name} capex ${Math.round(v).toLocaleString('en-US')} USD per t/yr (from ${Math.round(e.capexUsdPerTpa).toLocaleString('en-US')})`,
          })),
          explanation: `${p.name} (${p.country}, ${p.stage}) cheaper to build, so the public money stretches further (5 % steps)`,
        });
      }
    }
  }
  scenario.overrides.closedLanes.forEach((lane, i) => {
    const path = `overrides.closedLanes[${i}]`;
    levers.push({
      kind: 'lane',
      path,
      from: null,
      steps: [{ change: { path, to: null, remove: true }, words: `reopen ${lane.from} → ${lane.to}${lane.products ? ` (${lane.products.join(', ')})` : ''}` }],
      explanation: 'a lane the scenario closes, reopened',
    });
  });
  const rules = [...dataset.laneRules]
    .map((r) => mergeDeep(r, (scenario.overrides.laneRules[r.id] ?? {}) as Record<string, unknown>) as LaneRule)
    .filter((r) => r.kind === 'closed_lane' && r.active && r.fromYear <= endYear && (r.toYear ?? endYear) >= startYear)
    .sort((a, b) => a.id.localeCompare(b.id));
  for (const r of rules) {
    const last = Math.min(r.toYear ?? endYear, endYear);
    const first = Math.max(r.fromYear, startYear);
    const path = `overrides.laneRules.${r.id}.toYear`;
    const steps: Lever['steps'][number][] = [];
    for (let y = last - 1; y >= first; y--) steps.push({ change: { path, to: y }, words: `lane rule ${r.id} ends in ${y}` });
    steps.push({ change: { path: `overrides.laneRules.${r.id}.active`, to: false }, words: `lane rule ${r.id} switched off` });
    levers.push({ kind: 'lane', path, from: r.toYear ?? null, steps, explanation: `${r.description}: reopened sooner` });
  }
  scenario.overrides.exportControls.forEach((c, i) => {
    const path = `overrides.exportControls[${i}]`;
    const last = Math.min(c.toYear ?? endYear, endYear);
    const first = Math.max(c.fromYear, startYear);
    const steps: Lever['steps'][number][] = [];
    for (let y = last - 1; y >= first; y--)
      steps.push({ change: { path: `${path}.toYear`, to: y }, words: `export control on ${c.products.join(', ')} ends in ${y}` });
    steps.push({ change: { path, to: null, remove: true }, words: `no export control on ${c.products.join(', ')}` });
    levers.push({ kind: 'export_control', path: `${path}.toYear`, from: c.toYear ?? null, steps, explanation: "the rival's export control ends sooner" });
  });
  scenario.overrides.applyExportControls.forEach((id, i) => {
    const path = `overrides.applyExportControls[${i}]`;
    levers.push({
      kind: 'export_control',
      path,
      from: null,
      steps: [{ change: { path, to: null, remove: true }, words: `dataset export control ${id} not applied` }],
      explanation: `the dataset's export control ${id} lifted`,
    });
  });
  scenario.overrides.excludePlants.forEach((id, i) => {
    const path = `overrides.excludePlants[${i}]`;
    levers.push({
      kind: 'excluded_plant',
      path,
      from: null,
      steps: [{ change: { path, to: null, remove: true }, words: `${id} no longer excluded` }],
      explanation: `the excluded plant ${id} allowed again`,
    });
  });
  return levers;
}
