/**
 * Cost-of-independence frontier: the least cost as a function of the swept targets' limit (their
 * largest untrusted share), from a loose limit to a tight one. Pure: the member solves come from
 * the `SolveMembers` callback; models/analyses.md states what is computed, and how a member that
 * differs only in its limits is made from the formulated scenario in place (planner
 * `formulateFromTemplate`, src/model/target-limits.ts) and re-solved from the previous basis.
 *
 * Per point: the cost; the cost per percentage point of the step from the previous (looser) point;
 * the swept targets that bind (share at the limit) and their priced shortfall; the other limits
 * that bind (from the member's solver report); the plants whose new capacity grows or shrinks
 * against the previous point. Knees: points after which the slope at least doubles.
 */
import type { FieldError } from '../errors.js';
import type { Scenario } from '../schemas/scenario.js';
import type { FrontierPoint, FrontierResult } from '../schemas/analysis.js';
import type { Portfolio } from '../schemas/portfolio.js';
import type { Report } from '../schemas/report.js';
import { REL_TOL, cloneScenario, optimalCost, type MemberOutcome, type MemberSpec, type SolveMembers } from './members.js';

export interface FrontierInput {
  scenario: Scenario;
  /** Target ids (resolved: a target without an id is `t<index>`); empty: all. */
  targets?: readonly string[] | undefined;
  from: number;
  to: number;
  points: number;
}

/** A knee: the next step's cost per point is at least this many times the previous step's. */
export const KNEE_FACTOR = 2;
/** How many of a member's other binding limits a point lists. */
const BINDING_LIMITS = 8;

const targetId = (scenario: Scenario, index: number) => scenario.targets[index]!.id ?? `t${index}`;

export function sweptTargets(input: FrontierInput): string[] {
  const all = input.scenario.targets.map((_, i) => targetId(input.scenario, i));
  return input.targets?.length ? [...input.targets] : all;
}

/** Problems with a frontier request against its scenario, as JSON paths of the request body. */
export function checkFrontier(input: FrontierInput): FieldError[] {
  const errors: FieldError[] = [];
  for (const key of ['from', 'to'] as const) {
    const v = input[key];
    if (!Number.isFinite(v) || v < 0 || v > 1) errors.push({ path: key, in: 'body', message: `a limit is a share in [0, 1]; got ${v}` });
  }
  if (!errors.length && input.from === input.to) errors.push({ path: 'to', in: 'body', message: '`to` must differ from `from`' });
  if (!input.scenario.targets.length) errors.push({ path: 'scenarioId', in: 'body', message: 'the scenario has no targets to sweep' });
  const known = new Set(input.scenario.targets.map((_, i) => targetId(input.scenario, i)));
  input.targets?.forEach((id, i) => {
    if (!known.has(id))
      errors.push({ path: `targets[${i}]`, in: 'body', message: `the scenario has no target '${id}' (it has: ${[...known].join(', ') || 'none'})` });
  });
  return errors;
}

/** The swept limits, loosest first. */
export function frontierLimits(input: FrontierInput): number[] {
  const out: number[] = [];
  for (let k = 0; k < input.points; k++) out.push(Math.round((input.from + ((input.to - input.from) * k) / (input.points - 1)) * 1e9) / 1e9);
  return out.sort((a, b) => b - a);
}

export const frontierLabel = (limit: number) => `limit=${limit}`;

export function frontierMembers(input: FrontierInput): MemberSpec[] {
  const swept = new Set(sweptTargets(input));
  return frontierLimits(input).map((limit) => {
    const scenario = cloneScenario(input.scenario);
    scenario.targets = scenario.targets.map((t, i) => (swept.has(targetId(input.scenario, i)) ? { ...t, maxUntrustedShare: limit } : t));
    scenario.name = `${input.scenario.name} — frontier point ${Math.round(limit * 1e6) / 1e4} %`.slice(0, 200);
    return { label: frontierLabel(limit), scenario };
  });
}

function capacityByPlant(p: Portfolio | null): Map<string, { country: string; stage: string; total: number }> {
  const out = new Map<string, { country: string; stage: string; total: number }>();
  for (const b of p?.builds ?? []) {
    const entry = out.get(b.plant) ?? { country: b.country, stage: b.stage, total: 0 };
    entry.total += b.capacityTpa;
    out.set(b.plant, entry);
  }
  return out;
}

function buildChanges(before: Portfolio | null, after: Portfolio | null) {
  const a = capacityByPlant(before);
  const b = capacityByPlant(after);
  const entering: FrontierPoint['buildsEntering'] = [];
  const leaving: FrontierPoint['buildsLeaving'] = [];
  for (const plant of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const x = a.get(plant);
    const y = b.get(plant);
    const change = (y?.total ?? 0) - (x?.total ?? 0);
    if (Math.abs(change) <= REL_TOL * Math.max(1, x?.total ?? 0, y?.total ?? 0)) continue;
    const info = (y ?? x)!;
    (change > 0 ? entering : leaving).push({ plant, country: info.country, stage: info.stage, capacityTpa: change });
  }
  return { entering, leaving };
}

function bindingTargets(p: Portfolio | null, swept: ReadonlySet<string>) {
  const binding: FrontierPoint['bindingTargets'] = [];
  let shortfallT = 0;
  for (const d of p?.dependency ?? []) {
    if (!swept.has(d.target)) continue;
    const years = d.points.filter((q) => q.limit !== null && q.portfolioShare !== null && q.portfolioShare >= q.limit - 1e-6).map((q) => q.year);
    shortfallT += d.points.reduce((s, q) => s + (q.shortfallT ?? 0), 0);
    if (years.length) binding.push({ target: d.target, years });
  }
  return { binding, shortfallT };
}

function otherBindingLimits(report: Report | null, except: ReadonlySet<string> = new Set()): string[] {
  return [...(report?.binding ?? [])]
    .filter((b) => b.family !== 'dependency' && !except.has(b.constraint))
    .sort((a, b) => Math.abs(b.dual ?? 0) - Math.abs(a.dual ?? 0))
    .slice(0, BINDING_LIMITS)
    .map((b) => b.constraint);
}

const bindingSet = (report: Report | null) => new Set((report?.binding ?? []).map((b) => b.constraint));

export function frontierResult(input: FrontierInput, outcomes: readonly MemberOutcome[]): FrontierResult {
  const swept = new Set(sweptTargets(input));
  const limits = frontierLimits(input);
  const points: FrontierPoint[] = limits.map((limit, i) => {
    const m = outcomes[i]!;
    const previous = i > 0 ? outcomes[i - 1]! : null;
    const cost = optimalCost(m);
    const previousCost = previous ? optimalCost(previous) : null;
    const { binding, shortfallT } = bindingTargets(m.portfolio, swept);
    const changes = previous ? buildChanges(previous.portfolio, m.portfolio) : { entering: [], leaving: [] };
    return {
      limit,
      label: m.label,
      status: m.status === 'done' ? (m.portfolio?.status ?? 'error') : m.status,
      totalCostUsd: cost,
      costPerPointUsd: cost !== null && previousCost !== null ? (cost - previousCost) / ((limits[i - 1]! - limit) * 100) : null,
      bindingTargets: binding,
      shortfallT,
      bindingLimits: otherBindingLimits(m.report),
      newlyBinding: previous ? otherBindingLimits(m.report, bindingSet(previous.report)) : [],
      buildsEntering: changes.entering,
      buildsLeaving: changes.leaving,
      portfolioId: m.portfolioId,
      jobId: m.jobId,
    };
  });
  const costs = points.map((p) => p.totalCostUsd);
  const scale = Math.max(1, ...costs.map((c) => Math.abs(c ?? 0)));
  const monotone = costs.every((c, i) => i === 0 || c === null || costs[i - 1] === null || c >= costs[i - 1]! - REL_TOL * scale);
  const knees: FrontierResult['knees'] = [];
  const tolerance = REL_TOL * scale;
  for (let i = 1; i + 1 < points.length; i++) {
    const before = points[i]!.costPerPointUsd;
    const after = points[i + 1]!.costPerPointUsd;
    if (before === null || after === null) continue;
    if (after - before > tolerance && after >= KNEE_FACTOR * Math.max(0, before)) {
      const names = (p: FrontierPoint) => [...p.bindingTargets.map((b) => `${b.target} (${b.years.join(', ')})`), ...p.newlyBinding];
      knees.push({
        limit: points[i]!.limit,
        slopeBeforeUsdPerPoint: before,
        slopeAfterUsdPerPoint: after,
        bindingBefore: names(points[i]!),
        bindingAfter: names(points[i + 1]!),
        buildsEntering: points[i + 1]!.buildsEntering,
      });
    }
  }
  return { targets: [...swept], method: 'in_place', points, monotone, knees };
}

export async function runFrontier(input: FrontierInput, solve: SolveMembers): Promise<FrontierResult> {
  return frontierResult(input, await solve(frontierMembers(input)));
}
