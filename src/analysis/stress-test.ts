/**
 * Stress test of a solved portfolio: its builds are fixed (scenario `fixedBuilds`), its targets
 * reported but not enforced, and operations (feed, production, trade, purchases from the rival,
 * unserved demand) re-optimised under each disruption; once without a disruption as the reference.
 * Resilience in the sense of Simchi-Levi et al. (models/analyses.md states each definition):
 * per member country, time-to-survive (years from the disruption's start until its demand first
 * goes unserved beyond the reference run) and time-to-recover (years until it is met again in every
 * later year); a member is at risk when time-to-survive is shorter than the disruption's duration.
 * Pure: the member solves come from the `SolveMembers` callback.
 */
import type { Dataset } from '../data/schema.js';
import type { FieldError } from '../errors.js';
import type { Scenario } from '../schemas/scenario.js';
import type { Portfolio } from '../schemas/portfolio.js';
import type { Disruption, DisruptionOutcome, StressTestResult } from '../schemas/analysis.js';
import { cloneScenario, optimalCost, type MemberOutcome, type MemberSpec, type SolveMembers } from './members.js';

export interface StressedPortfolio {
  portfolioId: string;
  scenarioId: string;
  scenario: Scenario;
  portfolio: Portfolio;
}

export interface StressTestInput {
  portfolios: readonly StressedPortfolio[];
  disruptions: readonly Disruption[];
  /** Countries scored. */
  members: readonly string[];
}

/** Unserved tonnes below this count as served (solver round-off). */
const SHORT_T = 1e-6;

export const lastYear = (d: Disruption, endYear: number) => Math.min(endYear, d.fromYear + d.years - 1);

/** Problems with disruptions against a dataset and horizon; `path` places them in the request. */
export function checkDisruption(d: Disruption, dataset: Dataset, horizon: { startYear: number; endYear: number }, path: string): FieldError[] {
  const errors: FieldError[] = [];
  const err = (field: string, message: string) => errors.push({ path: `${path}.${field}`, in: 'body', message });
  if (d.fromYear < horizon.startYear || d.fromYear > horizon.endYear)
    err('fromYear', `year ${d.fromYear} is outside the horizon ${horizon.startYear}-${horizon.endYear}`);
  else if (d.fromYear + d.years - 1 > horizon.endYear)
    err('years', `the disruption would run to ${d.fromYear + d.years - 1}, past the horizon's end ${horizon.endYear}`);
  const products = new Set(dataset.products.map((p) => p.id));
  const plants = new Set(dataset.plants.map((p) => p.id));
  const countries = new Set(dataset.countries.map((c) => c.id));
  d.products?.forEach((id, i) => products.has(id) || err(`products[${i}]`, `unknown product '${id}'`));
  d.plants?.forEach((id, i) => plants.has(id) || err(`plants[${i}]`, `unknown plant '${id}'`));
  d.countries?.forEach((id, i) => countries.has(id) || err(`countries[${i}]`, `unknown country '${id}'`));
  if (d.lane) {
    if (!countries.has(d.lane.from)) err('lane.from', `unknown country '${d.lane.from}'`);
    if (!countries.has(d.lane.to)) err('lane.to', `unknown country '${d.lane.to}'`);
    d.lane.products?.forEach((id, i) => products.has(id) || err(`lane.products[${i}]`, `unknown product '${id}'`));
  }
  const need = (field: keyof Disruption, ok: boolean, message: string) => ok || err(String(field), message);
  if (d.kind === 'export_control' || d.kind === 'price') need('products', !!d.products?.length, `a ${d.kind} disruption names its products`);
  if (d.kind === 'outage') need('plants', !!(d.plants?.length || d.countries?.length), 'an outage names plants or countries');
  if (d.kind === 'lane_closed') need('lane', !!d.lane, 'a lane_closed disruption names its lane');
  if (d.kind === 'price') need('usdPerT', (d.usdPerT === undefined) !== (d.factor === undefined), 'a price disruption gives exactly one of usdPerT and factor');
  if (d.kind === 'demand') need('factor', d.factor !== undefined, 'a demand disruption gives its factor');
  return errors;
}

/** The portfolio's builds fixed, targets reported only, one LP. */
export function fixedScenario(s: Scenario, p: Portfolio): Scenario {
  const scenario = cloneScenario(s);
  scenario.fixedBuilds = p.builds.map((b) => ({ plant: b.plant, buildYear: b.buildYear, capacityTpa: b.capacityTpa }));
  scenario.enforceTargets = false;
  scenario.solver = { ...scenario.solver, lumpyBuilds: false };
  return scenario;
}

/** The scenario under a disruption (its overrides added to the scenario's own). */
export function disrupt(base: Scenario, d: Disruption): Scenario {
  const s = cloneScenario(base);
  const toYear = lastYear(d, s.horizon.endYear);
  const o = s.overrides;
  if (d.kind === 'export_control') o.exportControls = [...o.exportControls, { products: d.products ?? [], fromYear: d.fromYear, toYear }];
  if (d.kind === 'outage')
    o.outages = [
      ...(o.outages ?? []),
      { ...(d.plants ? { plants: d.plants } : {}), ...(d.countries ? { countries: d.countries } : {}), fromYear: d.fromYear, toYear },
    ];
  if (d.kind === 'lane_closed' && d.lane) o.closedLanes = [...o.closedLanes, { ...d.lane, fromYear: d.fromYear, toYear }];
  if (d.kind === 'price')
    o.priceChanges = [
      ...(o.priceChanges ?? []),
      { products: d.products ?? [], fromYear: d.fromYear, toYear, ...(d.usdPerT !== undefined ? { usdPerT: d.usdPerT } : { factor: d.factor ?? 1 }) },
    ];
  if (d.kind === 'demand')
    o.demandChanges = [
      ...(o.demandChanges ?? []),
      {
        ...(d.countries ? { countries: d.countries } : {}),
        ...(d.products ? { products: d.products } : {}),
        fromYear: d.fromYear,
        toYear,
        factor: d.factor ?? 1,
      },
    ];
  s.name = `${base.name} — stress: ${d.name}`.slice(0, 200);
  return s;
}

export function stressMembers(input: StressTestInput): MemberSpec[] {
  return input.portfolios.flatMap((p, k) => {
    const fixed = fixedScenario(p.scenario, p.portfolio);
    const tag = input.portfolios.length > 1 ? `p${k + 1}:` : '';
    return [
      { label: `${tag}reference`, scenario: { ...fixed, name: `${p.scenario.name} — stress: fixed portfolio, no disruption`.slice(0, 200) } },
      ...input.disruptions.map((d) => ({ label: `${tag}${d.id}`, scenario: disrupt(fixed, d) })),
    ];
  });
}

/** Unserved tonnes by country and year, summed over products. */
function unservedByCountryYear(p: Portfolio | null): Map<string, number> {
  const out = new Map<string, number>();
  for (const u of p?.unserved ?? []) out.set(`${u.country}|${u.year}`, (out.get(`${u.country}|${u.year}`) ?? 0) + u.tonnes);
  return out;
}

export function disruptionOutcome(
  d: Disruption,
  m: MemberOutcome,
  reference: MemberOutcome,
  members: readonly string[],
  horizon: { startYear: number; endYear: number },
): Omit<DisruptionOutcome, 'riskExposureIndex'> {
  const toYear = lastYear(d, horizon.endYear);
  const duration = toYear - d.fromYear + 1;
  const cost = optimalCost(m);
  const referenceCost = optimalCost(reference);
  const solved = m.status === 'done' && m.portfolio?.status === 'optimal';
  const now = unservedByCountryYear(m.portfolio);
  const before = unservedByCountryYear(reference.portfolio);
  const unserved: DisruptionOutcome['unserved'] = [];
  for (const [key, tonnes] of now) {
    const extra = tonnes - (before.get(key) ?? 0);
    if (extra > SHORT_T) {
      const [country, year] = key.split('|') as [string, string];
      unserved.push({ country, year: Number(year), tonnes: extra });
    }
  }
  unserved.sort((a, b) => a.year - b.year || a.country.localeCompare(b.country));
  const memberResults = members.map((country) => {
    const years = unserved.filter((u) => u.country === country && u.year >= d.fromYear).map((u) => u.year);
    const first = years.length ? Math.min(...years) : null;
    const last = years.length ? Math.max(...years) : null;
    const tts = first === null ? null : first - d.fromYear;
    return {
      country,
      timeToSurviveYears: tts,
      timeToRecoverYears: last === null ? 0 : last + 1 - d.fromYear,
      recovered: last === null || last < horizon.endYear,
      unservedT: unserved.filter((u) => u.country === country).reduce((s, u) => s + u.tonnes, 0),
      atRisk: tts !== null && tts < duration,
    };
  });
  const referenceShares = new Map<string, number | null>();
  for (const t of reference.portfolio?.dependency ?? []) for (const q of t.points) referenceShares.set(`${t.target}|${q.year}`, q.portfolioShare);
  return {
    disruption: d.id,
    name: d.name,
    fromYear: d.fromYear,
    toYear,
    durationYears: duration,
    status: m.status === 'done' ? (m.portfolio?.status ?? 'error') : m.status,
    totalCostUsd: cost,
    extraCostUsd: cost !== null && referenceCost !== null ? cost - referenceCost : null,
    unservedT: unserved.reduce((s, u) => s + u.tonnes, 0),
    unserved,
    dependency: (m.portfolio?.dependency ?? []).map((t) => ({
      target: t.target,
      points: t.points.map((q) => ({
        year: q.year,
        limit: q.limit,
        share: q.portfolioShare,
        undisruptedShare: referenceShares.get(`${t.target}|${q.year}`) ?? null,
      })),
    })),
    members: memberResults,
    score:
      solved && members.length
        ? memberResults.reduce((s, r) => s + (r.timeToSurviveYears === null ? 1 : Math.min(1, r.timeToSurviveYears / duration)), 0) / members.length
        : null,
    portfolioId: m.portfolioId,
    jobId: m.jobId,
  };
}

export function stressResult(input: StressTestInput, outcomes: readonly MemberOutcome[]): StressTestResult {
  const per = input.disruptions.length + 1;
  const portfolios = input.portfolios.map((p, k) => {
    const slice = outcomes.slice(k * per, (k + 1) * per);
    const reference = slice[0]!;
    const horizon = p.portfolio.horizon;
    const rows = input.disruptions.map((d, i) => disruptionOutcome(d, slice[i + 1]!, reference, input.members, horizon));
    const worstExtra = Math.max(0, ...rows.map((r) => r.extraCostUsd ?? 0));
    const disruptions = rows.map((r) => ({
      ...r,
      riskExposureIndex: r.extraCostUsd === null ? null : worstExtra > 0 ? Math.max(0, r.extraCostUsd) / worstExtra : 0,
    }));
    const scores = disruptions.map((r) => r.score).filter((s): s is number => s !== null);
    const worst = [...disruptions].sort((a, b) => (a.score ?? 2) - (b.score ?? 2) || (b.extraCostUsd ?? 0) - (a.extraCostUsd ?? 0))[0];
    return {
      portfolioId: p.portfolioId,
      scenarioId: p.scenarioId,
      referenceCostUsd: optimalCost(reference),
      referencePortfolioId: reference.portfolioId,
      overallScore: scores.length === disruptions.length && scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
      worstDisruption: worst?.disruption ?? null,
      disruptions,
    };
  });
  const sideBySide =
    portfolios.length > 1
      ? input.disruptions.map((d, i) => ({
          disruption: d.id,
          scores: portfolios.map((p) => p.disruptions[i]!.score),
          extraCostUsd: portfolios.map((p) => p.disruptions[i]!.extraCostUsd),
          unservedT: portfolios.map((p) => p.disruptions[i]!.unservedT),
        }))
      : null;
  return { members: [...input.members], portfolios, sideBySide };
}

export async function runStressTest(input: StressTestInput, solve: SolveMembers): Promise<StressTestResult> {
  return stressResult(input, await solve(stressMembers(input)));
}

/** Default members: the countries of the scenario's target blocs, else every market with demand. */
export function defaultMembers(scenario: Scenario, dataset: Dataset): string[] {
  const blocs = [...new Set(scenario.targets.flatMap((t) => t.bloc))];
  return (blocs.length ? blocs : [...new Set(dataset.demand.map((d) => d.country))]).sort();
}
