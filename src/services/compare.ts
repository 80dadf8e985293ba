/**
 * Side-by-side comparison of portfolios, as a pure function of the portfolios (no I/O, no Fastify)
 * so it can be tested on hand-made inputs. Every delta is against the first portfolio. Values that
 * do not exist for a portfolio (a year outside its horizon, a cost of a solve that was not optimal)
 * are null, and so is any delta that needs them, rather than a misleading zero.
 */
import type { Comparison } from '../schemas/api/comparisons.js';
import type { Portfolio } from '../schemas/portfolio.js';
import { COST_CATEGORIES, costBreakdownKey } from '../model/cost-categories.js';

export interface ComparedPortfolio {
  id: string;
  scenarioId: string;
  portfolio: Portfolio;
}

/** Relative tolerance for "the same size": solver values carry round-off. */
const SAME = 1e-6;
const same = (a: number, b: number) => Math.abs(a - b) <= SAME * Math.max(1, Math.abs(a), Math.abs(b));
const delta = (value: number | null | undefined, reference: number | null | undefined) =>
  value === null || value === undefined || reference === null || reference === undefined ? null : value - reference;

const COST_KEYS = COST_CATEGORIES.map(costBreakdownKey);

export function comparePortfolios(items: readonly ComparedPortfolio[]): Comparison {
  if (items.length < 2) throw new RangeError('a comparison needs at least two portfolios');
  const first = items[0]!;
  return {
    portfolios: items.map(({ id, scenarioId, portfolio: p }) => ({
      id,
      scenarioId,
      scenarioName: p.scenarioName,
      datasetId: p.datasetId,
      status: p.status,
      horizon: { ...p.horizon },
    })),
    totals: items.map(({ id, portfolio: p }) => {
      const reference = first.portfolio.totalCostUsd;
      const d = delta(p.totalCostUsd, reference);
      return {
        portfolioId: id,
        totalCostUsd: p.totalCostUsd,
        deltaUsd: d,
        deltaPct: d === null || !reference ? null : (100 * d) / Math.abs(reference),
      };
    }),
    costBreakdown: COST_KEYS.map((category) => ({
      category,
      values: items.map(({ id, portfolio: p }) => {
        const usd = p.costBreakdown ? p.costBreakdown[category] : null;
        const reference = first.portfolio.costBreakdown ? first.portfolio.costBreakdown[category] : null;
        return { portfolioId: id, usd, deltaUsd: delta(usd, reference) };
      }),
    })),
    buildDifferences: buildDifferences(items),
    capacity: capacityByCountryStage(items),
    dependency: dependencyTrajectories(items),
    budgets: budgetUse(items),
  };
}

function buildDifferences(items: readonly ComparedPortfolio[]): Comparison['buildDifferences'] {
  const plants = new Map<string, { name: string; country: string; stage: string }>();
  for (const { portfolio } of items) {
    for (const b of portfolio.builds) if (!plants.has(b.plant)) plants.set(b.plant, { name: b.name, country: b.country, stage: b.stage });
  }
  const out: Comparison['buildDifferences'] = [];
  for (const [plant, info] of [...plants].sort(([a], [b]) => a.localeCompare(b))) {
    const values = items.map(({ id, portfolio }) => {
      const builds = portfolio.builds
        .filter((b) => b.plant === plant)
        .map((b) => ({ buildYear: b.buildYear, onlineYear: b.onlineYear, capacityTpa: b.capacityTpa }))
        .sort((a, b) => a.buildYear - b.buildYear);
      return { portfolioId: id, totalCapacityTpa: builds.reduce((sum, b) => sum + b.capacityTpa, 0), builds };
    });
    const presentIn = values.filter((v) => v.builds.length > 0).map((v) => v.portfolioId);
    let difference: Comparison['buildDifferences'][number]['difference'] | null;
    if (presentIn.length < items.length) {
      difference = 'only_in_some';
    } else {
      const years = (v: (typeof values)[number]) => [...new Set(v.builds.map((b) => b.buildYear))].join(',');
      const reference = values[0]!;
      const yearDiffers = values.some((v) => years(v) !== years(reference));
      // With the same build years a different split between them is a size difference too.
      const perYear = (v: (typeof values)[number]) => {
        const m = new Map<number, number>();
        for (const b of v.builds) m.set(b.buildYear, (m.get(b.buildYear) ?? 0) + b.capacityTpa);
        return m;
      };
      const splitDiffers =
        !yearDiffers &&
        values.some((v) => {
          const mine = perYear(v);
          return [...perYear(reference)].some(([year, tpa]) => !same(mine.get(year) ?? 0, tpa));
        });
      const sizeDiffers = values.some((v) => !same(v.totalCapacityTpa, reference.totalCapacityTpa)) || splitDiffers;
      difference = sizeDiffers && yearDiffers ? 'size_and_year' : sizeDiffers ? 'size' : yearDiffers ? 'year' : null;
    }
    if (difference) out.push({ plant, ...info, difference, presentIn, values });
  }
  return out;
}

function capacityByCountryStage(items: readonly ComparedPortfolio[]): Comparison['capacity'] {
  const key = (country: string, stage: string) => `${country}|${stage}`;
  const keys = new Set<string>();
  const built = items.map(({ portfolio }) => {
    const m = new Map<string, number>();
    for (const b of portfolio.builds) {
      const k = key(b.country, b.stage);
      keys.add(k);
      m.set(k, (m.get(k) ?? 0) + b.capacityTpa);
    }
    return m;
  });
  const operating = items.map(({ portfolio }) => {
    const m = new Map<string, number>();
    for (const row of portfolio.production) {
      if (row.year !== portfolio.horizon.endYear) continue;
      const k = key(row.country, row.stage);
      keys.add(k);
      m.set(k, (m.get(k) ?? 0) + row.capacityTpa);
    }
    return m;
  });
  return [...keys].sort().map((k) => {
    const [country, stage] = k.split('|') as [string, string];
    return {
      country,
      stage,
      values: items.map(({ id }, i) => {
        const builtTpa = built[i]!.get(k) ?? 0;
        const operatingTpa = operating[i]!.get(k) ?? 0;
        return {
          portfolioId: id,
          builtTpa,
          builtDeltaTpa: builtTpa - (built[0]!.get(k) ?? 0),
          operatingTpa,
          operatingDeltaTpa: operatingTpa - (operating[0]!.get(k) ?? 0),
        };
      }),
    };
  });
}

function dependencyTrajectories(items: readonly ComparedPortfolio[]): Comparison['dependency'] {
  const targets = new Map<string, { target: string; product: string; bloc: string[] }>();
  for (const { portfolio } of items) {
    for (const d of portfolio.dependency) {
      const k = `${d.target}|${d.product}`;
      if (!targets.has(k)) targets.set(k, { target: d.target, product: d.product, bloc: [...d.bloc] });
    }
  }
  return [...targets.values()].map(({ target, product, bloc }) => {
    const trajectories = items.map(({ portfolio }) => portfolio.dependency.find((d) => d.target === target && d.product === product));
    const years = [...new Set(trajectories.flatMap((t) => t?.points.map((p) => p.year) ?? []))].sort((a, b) => a - b);
    return {
      target,
      product,
      bloc,
      points: years.map((year) => {
        const points = trajectories.map((t) => t?.points.find((p) => p.year === year));
        const reference = points[0]?.portfolioShare;
        return {
          year,
          limit: points.find((p) => p)?.limit ?? null,
          values: items.map(({ id }, i) => {
            const p = points[i];
            return {
              portfolioId: id,
              share: p?.portfolioShare ?? null,
              baselineShare: p?.baselineShare ?? null,
              met: p?.met ?? null,
              deltaShare: delta(p?.portfolioShare, reference),
            };
          }),
        };
      }),
    };
  });
}

function budgetUse(items: readonly ComparedPortfolio[]): Comparison['budgets'] {
  const funders = [...new Set(items.flatMap(({ portfolio }) => portfolio.budgets.map((b) => b.funder)))].sort();
  return funders.map((funder) => {
    const totals = items.map(({ portfolio }) => portfolio.budgets.filter((b) => b.funder === funder).reduce((sum, b) => sum + b.usedUsd, 0));
    const years = [...new Set(items.flatMap(({ portfolio }) => portfolio.budgets.filter((b) => b.funder === funder).map((b) => b.year)))].sort((a, b) => a - b);
    return {
      funder,
      values: items.map(({ id }, i) => ({ portfolioId: id, usedUsd: totals[i]!, deltaUsd: totals[i]! - totals[0]! })),
      years: years.map((year) => ({
        year,
        values: items.map(({ id, portfolio }) => ({
          portfolioId: id,
          usedUsd: portfolio.budgets.find((b) => b.funder === funder && b.year === year)?.usedUsd ?? null,
        })),
      })),
    };
  });
}
