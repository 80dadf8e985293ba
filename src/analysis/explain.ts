/**
 * Comparisons that explain: what changed in the inputs (JSON paths, before → after), and how much
 * of the cost difference each change caused. The attribution re-solves the first scenario with
 * subsets of the changes applied:
 * - Shapley values (few changes): v(S) the cost with the changes in S applied; each change gets
 *   φ_i = Σ_{S ⊆ N∖{i}} |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)), its marginal contribution averaged
 *   over every order; Σ φ_i = v(N) − v(∅) exactly (efficiency). 2^n member solves.
 * - One at a time, in order (many changes): change i gets v({1..i}) − v({1..i−1}); the parts
 *   telescope to v(N) − v(∅) exactly, but depend on the order. n + 1 member solves.
 * The same weights split each cost category. Pure: member solves come from the callback.
 */
import type { Scenario } from '../schemas/scenario.js';
import type { Portfolio } from '../schemas/portfolio.js';
import type { ExplainResult, InputChange } from '../schemas/analysis.js';
import { COST_CATEGORIES, costBreakdownKey } from '../model/cost-categories.js';
import { cloneScenario, optimalCost, type MemberOutcome, type MemberSpec, type SolveMembers } from './members.js';

/** Fields that name or describe a scenario without changing what is solved. */
const IGNORED = new Set(['name', 'description']);

type Key = string | number;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export function formatPath(path: readonly Key[]): string {
  let out = '';
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out ? `.${k}` : k;
  return out || '(root)';
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}
function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (isObject(v))
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .filter((k) => v[k] !== undefined)
        .map((k) => [k, canonical(v[k])]),
    );
  return v;
}

export interface RawChange {
  path: Key[];
  before: unknown;
  after: unknown;
}

/** Leaf differences: objects by key, arrays of equal length by index, anything else whole. */
export function diffInputs(a: unknown, b: unknown, path: Key[] = []): RawChange[] {
  if (equal(a, b)) return [];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.filter((k) => !(path.length === 0 && IGNORED.has(k))).flatMap((k) => diffInputs(a[k], b[k], [...path, k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => diffInputs(x, b[i], [...path, i]));
  return [{ path, before: a, after: b }];
}

function setAt(target: unknown, path: readonly Key[], value: unknown): void {
  let node = target as Record<Key, unknown>;
  for (let i = 0; i < path.length - 1; i++) {
    const k = path[i]!;
    if (node[k] === undefined || node[k] === null) node[k] = typeof path[i + 1] === 'number' ? [] : {};
    node = node[k] as Record<Key, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else node[last] = structuredClone(value);
}

/** The first scenario with the changes in `subset` (indices into `changes`) applied. */
export function applyChanges(base: Scenario, changes: readonly RawChange[], subset: readonly number[]): Scenario {
  const s = cloneScenario(base);
  for (const i of subset) setAt(s, changes[i]!.path, changes[i]!.after);
  return s;
}

export const toInputChanges = (changes: readonly RawChange[]): InputChange[] =>
  changes.map((c) => ({ path: formatPath(c.path), before: c.before ?? null, after: c.after ?? null }));

export interface ExplainInput {
  before: { portfolioId: string; scenario: Scenario; portfolio: Portfolio };
  after: { portfolioId: string; scenario: Scenario; portfolio: Portfolio };
  method: 'shapley' | 'one_at_a_time';
}

/** Shapley is used up to this many changes (2^4 = 16 solves) when the request says `auto`. */
export const SHAPLEY_MAX_CHANGES = 4;

export function attributionSolves(n: number, method: 'shapley' | 'one_at_a_time'): number {
  return method === 'shapley' ? 2 ** n : n + 1;
}

/** Subsets solved, as bit masks: all of them (Shapley) or the prefixes (one at a time). */
function subsets(n: number, method: 'shapley' | 'one_at_a_time'): number[] {
  if (method === 'shapley') return Array.from({ length: 2 ** n }, (_, m) => m);
  return Array.from({ length: n + 1 }, (_, k) => (1 << k) - 1);
}

const members = (mask: number, n: number) => Array.from({ length: n }, (_, i) => i).filter((i) => mask & (1 << i));

export function explainMembers(input: ExplainInput, changes: readonly RawChange[]): MemberSpec[] {
  const n = changes.length;
  return subsets(n, input.method).map((mask) => {
    const scenario = applyChanges(input.before.scenario, changes, members(mask, n));
    scenario.name = `${input.before.scenario.name} — attribution {${members(mask, n)
      .map((i) => i + 1)
      .join(',')}}`.slice(0, 200);
    return {
      label: `changes{${members(mask, n)
        .map((i) => i + 1)
        .join(',')}}`,
      scenario,
    };
  });
}

const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));

function categories(p: Portfolio | null): Record<string, number> | null {
  if (!p?.costBreakdown || p.status !== 'optimal') return null;
  return Object.fromEntries(COST_CATEGORIES.map((c) => [costBreakdownKey(c), p.costBreakdown![costBreakdownKey(c)]]));
}

export function explainResult(input: ExplainInput, changes: readonly RawChange[], outcomes: readonly MemberOutcome[]): ExplainResult {
  const n = changes.length;
  const masks = subsets(n, input.method);
  const byMask = new Map(masks.map((m, k) => [m, outcomes[k]!]));
  const storedBefore = input.before.portfolio.totalCostUsd;
  const storedAfter = input.after.portfolio.totalCostUsd;
  const cost = (mask: number) => optimalCost(byMask.get(mask)!);
  const cats = (mask: number) => categories(byMask.get(mask)!.portfolio);
  const full = (1 << n) - 1;
  const failed = masks.filter((m) => cost(m) === null || cats(m) === null);
  const base = {
    method: input.method,
    storedDifferenceUsd: storedBefore !== null && storedAfter !== null ? storedAfter - storedBefore : null,
    solves: masks.length,
    members: masks.map((m) => ({ changes: members(m, n).map((i) => i + 1), totalCostUsd: cost(m), portfolioId: byMask.get(m)!.portfolioId })),
  };
  if (failed.length) {
    return {
      ...base,
      beforeCostUsd: null,
      afterCostUsd: null,
      totalDifferenceUsd: null,
      parts: [],
      residualUsd: null,
      note: `${failed.length} member solve(s) not optimal: no attribution`,
    };
  }
  const weightsFor = (i: number): Array<[number, number, number]> => {
    // [weight, mask with i, mask without i]
    if (input.method === 'one_at_a_time') return [[1, (1 << (i + 1)) - 1, (1 << i) - 1]];
    const out: Array<[number, number, number]> = [];
    for (let m = 0; m <= full; m++) {
      if (m & (1 << i)) continue;
      const size = members(m, n).length;
      out.push([(factorial(size) * factorial(n - size - 1)) / factorial(n), m | (1 << i), m]);
    }
    return out;
  };
  const keys = COST_CATEGORIES.map(costBreakdownKey);
  const parts = changes.map((c, i) => {
    const w = weightsFor(i);
    const usd = w.reduce((s, [weight, withI, without]) => s + weight * (cost(withI)! - cost(without)!), 0);
    const byCategory = Object.fromEntries(
      keys.map((k) => [k, w.reduce((s, [weight, withI, without]) => s + weight * (cats(withI)![k]! - cats(without)![k]!), 0)]),
    );
    return { change: i + 1, path: formatPath(c.path), usd, byCategory };
  });
  const total = cost(full)! - cost(0)!;
  return {
    ...base,
    beforeCostUsd: cost(0),
    afterCostUsd: cost(full),
    totalDifferenceUsd: total,
    parts,
    residualUsd: parts.reduce((s, p) => s + p.usd, 0) - total,
    note: null,
  };
}

export async function runExplain(input: ExplainInput, solve: SolveMembers): Promise<ExplainResult> {
  const changes = diffInputs(input.before.scenario, input.after.scenario);
  if (!changes.length) {
    return {
      method: input.method,
      storedDifferenceUsd: null,
      solves: 0,
      members: [],
      beforeCostUsd: null,
      afterCostUsd: null,
      totalDifferenceUsd: 0,
      parts: [],
      residualUsd: 0,
      note: 'the scenarios do not differ',
    };
  }
  return explainResult(input, changes, await solve(explainMembers(input, changes)));
}
