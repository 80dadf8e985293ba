/**
 * Near-optimal alternatives (modelling to generate alternatives, as PyPSA's optimize_mga): with
 * the total cost capped at (1 + ε) × the least cost, minimise and maximise chosen quantities — new
 * capacity (t/yr) of some countries and stages, public spending of some funders (USD), or a
 * country's share of a stage's new capacity. Linear quantities take one member solve per extreme;
 * a share N/D is a ratio, found by Dinkelbach's method: solve max (or min) N − λ·D under the cost
 * cap, set λ to the ratio of that solution, repeat until the share stops improving (each step one
 * member solve; λ rises monotonically to the maximum, or falls to the minimum). Pure: member solves
 * come from the `SolveMembers` callback; models/analyses.md states the definitions.
 */
import type { Dataset } from '../data/schema.js';
import type { FieldError } from '../errors.js';
import type { Quantity, Scenario } from '../schemas/scenario.js';
import type { Portfolio } from '../schemas/portfolio.js';
import type { AlternativeQuantity, AlternativesResult } from '../schemas/analysis.js';
import { cloneScenario, optimalCost, type MemberOutcome, type MemberSpec, type SolveMembers } from './members.js';

export interface AlternativesInput {
  scenario: Scenario;
  slacks: readonly number[];
  quantities: readonly AlternativeQuantity[];
  senses: ReadonlyArray<'min' | 'max'>;
  maxIterations: number;
}

export const DEFAULT_ITERATIONS = 6;
const CONVERGED = 1e-6;

export const quantityId = (q: AlternativeQuantity, i: number): string => q.id ?? `q${i}`;

/** The most member solves the analysis can need. */
export function plannedAlternativeSolves(input: AlternativesInput): number {
  const perSlack = input.quantities.reduce((n, q) => n + (q.kind === 'capacity_share' ? input.maxIterations : 1), 0);
  return 1 + input.slacks.length * input.senses.length * perSlack;
}

export function checkAlternatives(input: AlternativesInput, dataset: Dataset): FieldError[] {
  const errors: FieldError[] = [];
  input.slacks.forEach((s, i) => {
    if (!(s > 0) || !Number.isFinite(s))
      errors.push({ path: `slacks[${i}]`, in: 'body', message: `a slack is a positive share of the least cost (0.05 for 5 %); got ${s}` });
  });
  const countries = new Set(dataset.countries.map((c) => c.id));
  const funders = new Set(dataset.funders.map((f) => f.id));
  const stages = new Set(dataset.meta.chain.stages.map((s) => s.id));
  const ids = new Set<string>();
  input.quantities.forEach((q, i) => {
    const id = quantityId(q, i);
    if (ids.has(id)) errors.push({ path: `quantities[${i}].id`, in: 'body', message: `quantity id '${id}' is used twice` });
    ids.add(id);
    if (q.kind !== 'public_spending')
      q.countries?.forEach(
        (c, j) => countries.has(c) || errors.push({ path: `quantities[${i}].countries[${j}]`, in: 'body', message: `unknown country '${c}'` }),
      );
    else q.funders?.forEach((f, j) => funders.has(f) || errors.push({ path: `quantities[${i}].funders[${j}]`, in: 'body', message: `unknown funder '${f}'` }));
    // Stages are the dataset's own (meta.chain.stages), no longer an enum of the API.
    if (q.kind === 'capacity_share' && !stages.has(q.stage))
      errors.push({ path: `quantities[${i}].stage`, in: 'body', message: `unknown stage '${q.stage}' (the dataset's stages: ${[...stages].join(', ')})` });
    if (q.kind === 'new_capacity')
      q.stages?.forEach(
        (s, j) =>
          stages.has(s) ||
          errors.push({ path: `quantities[${i}].stages[${j}]`, in: 'body', message: `unknown stage '${s}' (the dataset's stages: ${[...stages].join(', ')})` }),
      );
  });
  return errors;
}

/** N and D of a quantity (D absent for a linear one), as model quantities. */
function parts(q: AlternativeQuantity): { numerator: Quantity; denominator?: Quantity } {
  if (q.kind === 'capacity_share')
    return { numerator: { kind: 'new_capacity', countries: q.countries, stages: [q.stage] }, denominator: { kind: 'new_capacity', stages: [q.stage] } };
  if (q.kind === 'new_capacity')
    return { numerator: { kind: 'new_capacity', ...(q.countries ? { countries: q.countries } : {}), ...(q.stages ? { stages: q.stages } : {}) } };
  return { numerator: { kind: 'public_spending', ...(q.funders ? { funders: q.funders } : {}) } };
}

/** A model quantity read off a portfolio (builds and their funding). */
export function measure(p: Portfolio, q: Quantity): number {
  if (q.kind === 'new_capacity') {
    return p.builds
      .filter((b) => (!q.countries || q.countries.includes(b.country)) && (!q.stages || q.stages.includes(b.stage as never)))
      .reduce((s, b) => s + b.capacityTpa, 0);
  }
  return p.builds.reduce((s, b) => s + b.funding.filter((f) => !q.funders || q.funders.includes(f.funder)).reduce((x, f) => x + f.usd, 0), 0);
}

/** The quantity's value in a portfolio: the ratio for a share (null when nothing is built in the stage). */
export function quantityValue(p: Portfolio | null, q: AlternativeQuantity): number | null {
  if (p?.status !== 'optimal') return null;
  const { numerator, denominator } = parts(q);
  const n = measure(p, numerator);
  if (!denominator) return n;
  const d = measure(p, denominator);
  return d > 1e-9 ? n / d : null;
}

function ratioParts(p: Portfolio | null, q: AlternativeQuantity): { numerator: number | null; denominator: number | null } {
  const { numerator, denominator } = parts(q);
  if (p?.status !== 'optimal' || !denominator) return { numerator: null, denominator: null };
  return { numerator: measure(p, numerator), denominator: measure(p, denominator) };
}

function variant(base: Scenario, maxCost: number, sense: 'min' | 'max', q: AlternativeQuantity, lambda: number, label: string): MemberSpec {
  const scenario = cloneScenario(base);
  const { numerator, denominator } = parts(q);
  scenario.nearOptimal = {
    maxTotalCostUsd: maxCost,
    sense,
    terms: [{ weight: 1, quantity: numerator }, ...(denominator ? [{ weight: -lambda, quantity: denominator }] : [])],
  };
  scenario.solver = { ...scenario.solver, lumpyBuilds: false };
  scenario.name = `${base.name} — alternative ${label}`.slice(0, 200);
  return { label, scenario };
}

interface Search {
  quantity: AlternativeQuantity;
  id: string;
  slack: number;
  sense: 'min' | 'max';
  lambda: number;
  best: MemberOutcome | null;
  bestValue: number | null;
  iterations: number;
  done: boolean;
  converged: boolean;
}

export async function runAlternatives(input: AlternativesInput, solve: SolveMembers): Promise<AlternativesResult> {
  const [optimum] = await solve([{ label: 'optimum', scenario: input.scenario }]);
  const cost = optimum ? optimalCost(optimum) : null;
  const values = input.quantities.map((q, i) => ({ quantity: quantityId(q, i), value: quantityValue(optimum?.portfolio ?? null, q) }));
  const searches: Search[] = [];
  for (const slack of input.slacks) {
    input.quantities.forEach((q, i) => {
      for (const sense of input.senses) {
        searches.push({
          quantity: q,
          id: quantityId(q, i),
          slack,
          sense,
          lambda: values[i]!.value ?? 0,
          best: null,
          bestValue: null,
          iterations: 0,
          done: cost === null,
          converged: false,
        });
      }
    });
  }
  while (searches.some((s) => !s.done)) {
    const active = searches.filter((s) => !s.done);
    const outcomes = await solve(
      active.map((s) => variant(input.scenario, cost! * (1 + s.slack), s.sense, s.quantity, s.lambda, `${s.id}:${s.sense}@${s.slack}#${s.iterations + 1}`)),
    );
    active.forEach((s, k) => {
      const m = outcomes[k]!;
      s.iterations++;
      const value = m.status === 'done' && m.portfolio?.status === 'optimal' ? quantityValue(m.portfolio, s.quantity) : null;
      const better = value !== null && (s.bestValue === null || (s.sense === 'max' ? value > s.bestValue + CONVERGED : value < s.bestValue - CONVERGED));
      if (m.status !== 'done' || m.portfolio?.status !== 'optimal') {
        s.best ??= m;
        s.done = true;
        return;
      }
      if (s.quantity.kind !== 'capacity_share') {
        s.best = m;
        s.bestValue = value;
        s.done = true;
        s.converged = true;
        return;
      }
      if (better || s.best === null) {
        s.best = m;
        s.bestValue = value;
      }
      // Dinkelbach: stop when the share no longer improves on λ (the previous best ratio).
      const improves = value !== null && (s.sense === 'max' ? value > s.lambda + CONVERGED : value < s.lambda - CONVERGED);
      if (!improves) {
        s.converged = true;
        s.done = true;
      } else {
        s.lambda = value!;
        if (s.iterations >= input.maxIterations) s.done = true;
      }
    });
  }
  const extreme = (s: Search | undefined) =>
    s?.best
      ? {
          value: s.bestValue,
          ...ratioParts(s.best.portfolio, s.quantity),
          totalCostUsd: optimalCost(s.best),
          status: s.best.status === 'done' ? (s.best.portfolio?.status ?? 'error') : s.best.status,
          iterations: s.iterations,
          converged: s.converged,
          portfolioId: s.best.portfolioId,
          jobId: s.best.jobId,
        }
      : null;
  const ranges: AlternativesResult['ranges'] = [];
  for (const slack of input.slacks) {
    input.quantities.forEach((q, i) => {
      const id = quantityId(q, i);
      const of = (sense: 'min' | 'max') => searches.find((s) => s.id === id && s.slack === slack && s.sense === sense);
      ranges.push({
        quantity: id,
        slack,
        maxTotalCostUsd: cost === null ? null : cost * (1 + slack),
        optimumValue: values[i]!.value,
        min: extreme(of('min')),
        max: extreme(of('max')),
      });
    });
  }
  return { optimum: { totalCostUsd: cost, portfolioId: optimum?.portfolioId ?? null, values }, ranges };
}
