/**
 * Infeasibility and shortfall diagnosis: when hard targets make a scenario infeasible, or soft
 * targets leave a shortfall, find the smallest changes that would close the gap and state them as
 * edits to the scenario's JSON.
 *
 * Each remedy changes one thing and is checked by a solve of the changed scenario:
 *   1. a target's first year — the earliest year Y* from which the target can hold in every year it
 *      applies, found by bisection on feasibility probes (target hard from Y, every other target
 *      soft, zero objective). Feasible from Y implies feasible from Y + 1 (fewer rows), so
 *      bisection is exact;
 *   2. a target's limit — the least limit it could have: elastic relaxation of its rows,
 *        min Σ_y e_y  s.t. dependency[t,y] − e_y ≤ 0,  all costs zero,
 *      gives the tonnes that cannot be avoided; α_needed = max_y (α + e_y / T_y);
 *   3. budgets — the least extra money: elastic relaxation of every budget row,
 *        min Σ e_r (USD)  s.t. budget row r − e_r ≤ limit_r,  the failing targets hard, costs zero.
 *   4. custom constraints (infeasible scenarios) — the least relaxation of each one's right-hand
 *      side: elastic relaxation of its rows alone,
 *        min Σ_r e_r  s.t. custom row r ± e_r ⋈ rhs_r,  all costs zero,
 *      gives the amount E = max_r e_r (in the row's unit) by which the condition must be loosened;
 *      the remedy restates `constraints[i].expression` with its right side moved by E and is
 *      checked by a solve. When the scenario stays infeasible with every target soft, the custom
 *      constraints are at fault and the target probes of step 1 leave them out.
 * The diagnosis has a time budget (the planner gives it max(5 s, the solve time)); past it, it
 * stops and says so (`complete: false`), keeping what it found.
 * Remedies are ranked by the total cost of the plan each one leads to (cheapest first); the
 * earliest year each target can be met at all is reported for every target, with the earliest
 * year new capacity of each stage can come online (start year + lead time) as the explanation.
 */
import type { Dataset } from '../data/schema.js';
import type { LinearModel } from '../model/builder.js';
import { parseName } from '../model/builder.js';
import type { Instance } from '../model/instance.js';
import type { Scenario } from '../schemas/scenario.js';
import type { Diagnosis } from '../schemas/report.js';
import type { SolveOptions } from '../solver/types.js';
import { solveModel } from '../solver/index.js';
import { formulateScenario } from '../planner.js';
import { blocConsumptionT, consumptionByOrigin } from './portfolio.js';

const STAGES = ['separation', 'metal', 'magnet'] as const;

export interface DiagnosisInput {
  scenario: Scenario;
  dataset: Dataset;
  instance: Instance;
  status: 'infeasible' | 'shortfall';
  /** Shortfall tonnes per target id (soft targets), from the first solve. */
  shortfallT: ReadonlyMap<string, number>;
  solveOptions: SolveOptions;
  /** Time the diagnosis may take (ms); past it, it stops and reports what it found so far. */
  budgetMs: number;
}

class OutOfTime extends Error {}

/** A copy of the model with new costs (and optionally extra upper bounds). */
function withCosts(model: LinearModel, cost: (j: number, name: string) => number, upper?: (j: number, name: string) => number | undefined): LinearModel {
  return {
    ...model,
    colCost: Float64Array.from(model.colNames, (name, j) => cost(j, name)),
    colUpper: Float64Array.from(model.colNames, (name, j) => upper?.(j, name) ?? model.colUpper[j]!),
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
function withElasticBothWays(model: LinearModel, rows: ReadonlySet<number>): { model: LinearModel; columns: Array<{ row: number; column: number; sign: 1 | -1 }> } {
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
  const magnitude = Math.pow(10, Math.floor(Math.log10(Math.max(Math.abs(v), 1e-9))) - 3);
  return Math.ceil(v / magnitude) * magnitude;
};

function withTargets(scenario: Scenario, change: (target: Scenario['targets'][number], i: number) => Scenario['targets'][number]): Scenario {
  return { ...scenario, targets: scenario.targets.map(change), solver: { ...scenario.solver, lumpyBuilds: false } };
}

export async function diagnose(input: DiagnosisInput): Promise<Diagnosis> {
  const { scenario, dataset, instance, solveOptions } = input;
  const lp: SolveOptions = { ...solveOptions, backend: 'highs', sensitivity: false };
  let solves = 0;
  const deadline = performance.now() + input.budgetMs;
  const solve = async (model: LinearModel) => {
    const left = deadline - performance.now();
    if (left <= 0) throw new OutOfTime();
    solves++;
    const result = await solveModel(model, { ...lp, timeLimitSeconds: Math.min(lp.timeLimitSeconds, left / 1000) });
    if (result.status === 'time_limit') throw new OutOfTime();
    return result;
  };

  // Earliest year new capacity of each stage can produce (trusted countries only: that is what
  // lowers dependency).
  const earliestOnline = STAGES.map((stage) => {
    let best: { year: number; plant: string; explanation: string } | null = null;
    for (const p of instance.plants) {
      if (p.stage !== stage || !p.expansion || !instance.trusted.has(p.country)) continue;
      const start = Math.max(p.expansion.earliestStartYear, instance.startYear);
      const online = start + p.expansion.leadTimeYears;
      if (online > instance.endYear) continue;
      if (!best || online < best.year) {
        best = { year: online, plant: p.id, explanation: `${p.name}: construction from ${start}, lead time ${p.expansion.leadTimeYears} years` };
      }
    }
    return { stage, year: best?.year ?? null, plant: best?.plant ?? null, explanation: best?.explanation ?? 'no expansion option in a trusted country' };
  });
  const onlineText = earliestOnline.map((e) => `${e.stage} ${e.year ?? 'never'}`).join(', ');

  let problem = instance.targets.filter((t) => (input.status === 'infeasible' ? t.hard : (input.shortfallT.get(t.id) ?? 0) > 1e-6));
  const targets: Diagnosis['targets'] = [];
  const earliestOf = new Map<string, number | null>();
  const remedies: Diagnosis['remedies'] = [];

  let complete = true;
  let customAtFault = false;
  const customFound: string[] = [];
  /** 4. The least relaxation of each custom constraint's right-hand side (infeasible scenarios). */
  const diagnoseCustom = async () => {
    if (input.status === 'infeasible') {
      const lpScenario: Scenario = { ...scenario, solver: { ...scenario.solver, lumpyBuilds: false } };
      const { model } = formulateScenario(lpScenario, dataset);
      for (const c of instance.customConstraints) {
        const rows = new Set<number>();
        model.rowNames.forEach((name, i) => {
          const { family, indices } = parseName(name);
          if (family === 'custom' && indices[0] === c.id) rows.add(i);
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
        let outOfTime = false;
        try {
          const check = await solve(formulateScenario(relaxed, dataset).model);
          resultingCostUsd = check.status === 'optimal' ? (check.objective ?? null) : null;
        } catch (error) {
          if (!(error instanceof OutOfTime)) throw error;
          // The relaxation is known; only its check did not fit in the budget: report it unchecked.
          outOfTime = true;
        }
        customFound.push(c.id);
        remedies.push({
          path: `constraints[${c.index}].expression`,
          change: `loosen by ${Number(by.toPrecision(6)).toLocaleString('en-US')} ${c.parsed.unit}: ${expression}`,
          from: -c.parsed.constant + 0,
          to: -c.parsed.constant + (lower ? -by : by) + 0,
          resultingCostUsd,
          explanation: `the least amount by which custom constraint ${c.id} must give way in its tightest ${c.parsed.perYear ? 'year' : 'row'}, everything else as in the scenario${
            outOfTime ? ' (the plan with it was not solved: the diagnosis ran out of time)' : resultingCostUsd === null ? ' (with it, the scenario is still infeasible: other conditions also fail)' : ''
          }`,
        });
        if (outOfTime) throw new OutOfTime();
      }
    }
  };

  try {
    // Custom constraints at fault: the scenario stays infeasible with every target soft.
    if (input.status === 'infeasible' && instance.customConstraints.length) {
      // Without hard targets nothing else can make the scenario infeasible (every other shortfall is priced).
      if (!instance.targets.some((t) => t.hard)) customAtFault = true;
      else {
        const { model } = formulateScenario(withTargets(scenario, (x) => ({ ...x, hard: false })), dataset);
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
        const { model } = formulateScenario(variant, dataset);
        const result = await solve(withCosts(model, () => 0));
        return result.status === 'optimal';
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
      const alone = problem.filter((t) => { const e = earliestOf.get(t.id); return e === null || e === undefined || e > scenario.targets[t.index]!.year; });
      if (alone.length) problem = alone;
      else if (customAtFault) problem = [];
    }
    for (const t of problem) {
      const original = scenario.targets[t.index]!;
      const earliest = earliestOf.get(t.id) ?? null;
      if (earliest !== null && earliest > original.year) {
        const variant = withTargets(scenario, (x, i) => (i === t.index ? { ...x, year: earliest! } : x));
        const result = await solve(formulateScenario(variant, dataset).model);
        remedies.push({
          path: `targets[${t.index}].year`,
          change: `needs ≥ ${earliest}`,
          from: original.year,
          to: earliest,
          resultingCostUsd: result.status === 'optimal' ? (result.objective ?? null) : null,
          explanation: `new trusted capacity cannot produce earlier (earliest online: ${onlineText})`,
        });
      }
    }

    // 2. The least limit each problem target could have, by elastic relaxation of its rows.
    for (const t of problem) {
      const original = scenario.targets[t.index]!;
      const { instance: inst, model } = formulateScenario(withTargets(scenario, (x, i) => (i === t.index ? { ...x, hard: true } : x)), dataset);
      const rows = new Map<number, number>();
      model.rowNames.forEach((name, i) => {
        const { family, indices } = parseName(name);
        if (family === 'dependency' && indices[0] === t.id) rows.set(i, 1);
      });
      const elastic = withElastic(withCosts(model, () => 0), rows);
      const result = await solve(elastic.model);
      if (result.status !== 'optimal' || !result.columnValues) continue;
      const values = result.columnValues;
      const use = consumptionByOrigin(inst, model, values.subarray(0, model.colNames.length));
      let needed = t.maxUntrustedShare;
      for (const [i, j] of elastic.columns) {
        const year = Number(parseName(model.rowNames[i]!).indices[1]);
        const total = blocConsumptionT(use, t.bloc, t.product, year);
        if (total > 1e-9) needed = Math.max(needed, t.maxUntrustedShare + (values[j] ?? 0) / total);
      }
      if (needed <= t.maxUntrustedShare + 1e-9) continue;
      const to = Math.min(1, Math.ceil(needed * 1000) / 1000);
      const check = await solve(formulateScenario(withTargets(scenario, (x, i) => (i === t.index ? { ...x, maxUntrustedShare: to } : x)), dataset).model);
      remedies.push({
        path: `targets[${t.index}].maxUntrustedShare`,
        change: `needs ≥ ${(to * 100).toFixed(1)} % (from ${(original.maxUntrustedShare * 100).toFixed(1)} %)`,
        from: original.maxUntrustedShare,
        to,
        resultingCostUsd: check.status === 'optimal' ? (check.objective ?? null) : null,
        explanation: 'the least untrusted share the bloc can reach in every year the target applies, with everything else as in the scenario',
      });
    }

    // 3. The least extra money, by elastic relaxation of every budget row (failing targets hard).
    if (problem.length && scenario.budgets.length && scenario.capexPublicShare > 0) {
      const hardIds = new Set(problem.map((t) => t.index));
      const { model: forced } = formulateScenario(withTargets(scenario, (x, i) => (hardIds.has(i) ? { ...x, hard: true } : { ...x, hard: false })), dataset);
      const rows = new Map<number, number>();
      forced.rowNames.forEach((name, i) => {
        const { family } = parseName(name);
        if (family === 'budget_year' || family === 'budget_total') rows.set(i, 1);
      });
      const elastic = withElastic(withCosts(forced, () => 0), rows);
      const result = await solve(elastic.model);
      if (result.status === 'optimal' && result.columnValues) {
        const extraTotal = new Map<string, number>();
        const extraYear = new Map<string, number>();
        for (const [i, j] of elastic.columns) {
          const v = result.columnValues[j] ?? 0;
          if (v <= 1) continue;
          const { family, indices } = parseName(forced.rowNames[i]!);
          const map = family === 'budget_total' ? extraTotal : extraYear;
          map.set(indices[0]!, Math.max(map.get(indices[0]!) ?? 0, v));
        }
        const budgets = scenario.budgets.map((b) => {
          const funder = instance.funders.find((f) => f.id === b.funder);
          const total = (funder?.totalUsd ?? 0) + (extraTotal.get(b.funder) ?? 0);
          const perYear = funder?.perYearUsd !== undefined ? funder.perYearUsd + (extraYear.get(b.funder) ?? 0) : undefined;
          return { ...b, totalUsd: Math.ceil(total), ...(perYear !== undefined ? { perYearUsd: Math.ceil(perYear) } : {}) };
        });
        const check = extraTotal.size || extraYear.size ? await solve(formulateScenario({ ...scenario, budgets }, dataset).model) : null;
        scenario.budgets.forEach((b, i) => {
          for (const [map, field] of [
            [extraTotal, 'totalUsd'],
            [extraYear, 'perYearUsd'],
          ] as const) {
            const extra = map.get(b.funder);
            if (!extra) continue;
            const funder = instance.funders.find((f) => f.id === b.funder);
            const from = field === 'totalUsd' ? (funder?.totalUsd ?? null) : (funder?.perYearUsd ?? null);
            remedies.push({
              path: `budgets[${i}].${field}`,
              change: `+${(extra / 1e6).toFixed(0)} M USD`,
              from,
              to: from === null ? null : Math.ceil(from + extra),
              resultingCostUsd: check?.status === 'optimal' ? (check.objective ?? null) : null,
              explanation: 'the least extra public money that closes the gap with the targets as stated (together with any other budget change listed with it)',
            });
          }
        });
      } else if (result.status === 'infeasible') {
        remedies.push({ path: 'budgets', change: 'no budget increase alone closes it', from: null, to: null, resultingCostUsd: null, explanation: 'the targets cannot be met even with unlimited public money' });
      }
    }

    // 4. Custom constraints, unless they were diagnosed first (above).
    if (!customAtFault) await diagnoseCustom();
  } catch (error) {
    if (!(error instanceof OutOfTime)) throw error;
    complete = false;
  }

  remedies.sort((a, b) => (a.resultingCostUsd ?? Infinity) - (b.resultingCostUsd ?? Infinity));
  const customText = customFound.length
    ? `custom constraint(s) ${customFound.join(', ')} cannot hold as written${customAtFault ? ' (the scenario is infeasible even with every target soft)' : ''}; `
    : '';
  const summary =
    input.status === 'infeasible'
      ? customAtFault && !problem.length
        ? `${customText}${remedies.length} change(s) found that would each close the gap`
        : `${customText}hard target(s) ${problem.map((t) => t.id).join(', ') || '(none)'} cannot be met as stated; ${remedies.length} change(s) found that would each close the gap`
      : `soft target(s) ${problem.map((t) => t.id).join(', ')} end with a shortfall; ${remedies.length} change(s) found that would each close it`;
  const cut = complete ? '' : ` (stopped after ${solves} solves at its time budget of ${(input.budgetMs / 1000).toFixed(1)} s; later steps were not run)`;
  return { reason: input.status, summary: summary + cut, complete, remedies, targets, earliestOnline, solves };
}
