/**
 * The solver report as Markdown a planner can paste into a brief: the same content as the JSON,
 * cut to the rows that matter (largest values first), every figure with its unit. Pure.
 * The CLI's text format prints this too.
 */
import type { Portfolio } from '../schemas/portfolio.js';
import type { Report } from '../schemas/report.js';

const usd = (v: number | null | undefined) => {
  if (v === null || v === undefined) return '–';
  const a = Math.abs(v);
  if (a >= 1e9) return `${(v / 1e9).toFixed(2)} bn`;
  if (a >= 1e6) return `${(v / 1e6).toFixed(1)} M`;
  return Math.round(v).toLocaleString('en-US');
};
const num = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined ? '–' : v.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)} %`);
const range = (r: Report['binding'][number] | { range: { fromLimit: number | null; toLimit: number | null; unique: boolean } | null }) => {
  if (!('range' in r) || !r.range) return '–';
  const { fromLimit, toLimit, unique } = r.range;
  return `${fromLimit === null ? '−∞' : num(fromLimit)} … ${toLimit === null ? '∞' : num(toLimit)}${unique ? '' : ' (one of several valid values)'}`;
};

/**
 * Text from a scenario or a dataset override (a scenario or plant name) as inline Markdown: line
 * breaks become spaces, so a name cannot end a heading or a table row, and Markdown punctuation
 * is escaped, so it reads as written.
 */
export function mdText(text: string): string {
  return text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/[\\`*_[\]<>#|~!]/g, (c) => `\\${c}`);
}

/** A table cell stays one cell: no line breaks, no unescaped `|`. */
const cell = (text: string) => text.replace(/[\r\n\u2028\u2029]+/g, ' ').replace(/(?<!\\)\|/g, '\\|');

function table(header: string[], rows: string[][]): string[] {
  if (!rows.length) return ['_none_', ''];
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`), ''];
}

/**
 * `feedUnit`: the dataset's feed unit (`meta.chain.feedUnit`), the unit of the feedstock marginal values;
 * callers that know the dataset pass it (the text then says "t TREO" for quad-2026).
 */
/** Where the report's extra sections are not (yet) there: how to say so, or null. */
function extrasNote(report: Report): string | null {
  const state = report.extras;
  if (state?.status === 'pending')
    return 'pending: still being computed after the portfolio was answered (`GET /portfolios/{id}/report?wait=N` waits for them)';
  if (state?.status === 'failed') return `not available: ${state.message ?? 'computing them failed'}`;
  return null;
}

export function reportMarkdown(report: Report, portfolio?: Portfolio, top = 10, feedUnit = 'unit'): string {
  const lines: string[] = [];
  const title = portfolio ? portfolio.scenarioName : 'Solver report';
  lines.push(`# ${portfolio ? mdText(title) : title}`, '');
  lines.push(`Status: **${report.status}**. Total discounted cost: **${usd(report.totalCostUsd)} USD**. Money is ${report.currency}.`, '');
  // The sections that need extra solves (issue 13) may not be there yet, or may have failed.
  const extras = extrasNote(report);
  if (extras)
    lines.push(`The sections that need extra solves (reduced costs of unbuilt candidates, the diagnosis, whole-point target costs) are ${extras}.`, '');
  const unmet = report.status === 'infeasible' || (portfolio?.dependency.some((d) => d.points.some((p) => p.met === false)) ?? false);
  if (portfolio) {
    lines.push(
      `Model: ${num(portfolio.model.rows)} rows × ${num(portfolio.model.columns)} columns; ${portfolio.solver.name} ${portfolio.solver.version}, ${num(portfolio.solver.solveMs)} ms.`,
      '',
    );
    if (portfolio.builds.length) {
      lines.push('## Builds', '');
      const builds = [...portfolio.builds].sort((a, b) => b.capexUsd - a.capexUsd).slice(0, top);
      lines.push(
        ...table(
          ['plant', 'country', 'stage', 'build year', 'online', 't/yr', 'capex USD'],
          builds.map((b) => [mdText(b.name), b.country, b.stage, String(b.buildYear), String(b.onlineYear), num(b.capacityTpa), usd(b.capexUsd)]),
        ),
      );
      if (portfolio.builds.length > top) lines.push(`…and ${portfolio.builds.length - top} more builds (see the JSON).`, '');
    }
    if (portfolio.dependency.length) {
      lines.push('## Dependency targets', '');
      const rows = portfolio.dependency.flatMap((d) =>
        d.points
          .filter((p) => p.limit !== null)
          .map((p) => [
            d.target,
            String(p.year),
            pct(p.limit),
            traced(pct(p.baselineShare), p.baselineShareMethod),
            traced(pct(p.portfolioShare), p.shareMethod),
            p.met === null ? '–' : p.met ? 'met' : `short ${num(p.shortfallT)} t`,
          ]),
      );
      lines.push(...table(['target', 'year', 'limit', 'no new builds', 'plan', ''], rows.slice(0, top * 3)));
    }
  }

  if (portfolio) lines.push(...instrumentSections(portfolio, top));

  if (extras && !report.diagnosis && unmet) lines.push('## Why the targets are not met', '', `_The diagnosis is ${extras}._`, '');

  if (report.diagnosis) {
    const d = report.diagnosis;
    lines.push('## Why the targets are not met', '', d.summary, '');
    lines.push('Each change below closes the gap on its own (cheapest resulting plan first):', '');
    lines.push(
      ...table(
        ['scenario field', 'change', 'plan cost', 'why'],
        d.remedies.map((r) => [`\`${r.path}\``, r.change, r.resultingCostUsd === null ? '–' : `${usd(r.resultingCostUsd)} USD`, r.explanation]),
      ),
    );
    lines.push('Earliest year each target can be met at all:', '');
    lines.push(
      ...table(
        ['target', 'stated year', 'earliest', ''],
        d.targets.map((t) => [t.target, String(t.year), t.earliestYear === null ? 'never in the horizon' : String(t.earliestYear), t.explanation]),
      ),
    );
    lines.push(
      `Earliest new trusted capacity online: ${d.earliestOnline.map((e) => `${e.stage} ${e.year ?? 'never'}${e.plant ? ` (${e.explanation})` : ''}`).join('; ')}.`,
      '',
    );
  }

  const mv = report.marginalValues;
  lines.push('## Marginal values', '', `Duals: ${report.duals.note}.`, '');
  if (mv) {
    const topBy = <T extends { dual: number }>(list: T[]) => [...list].sort((a, b) => a.dual - b.dual).slice(0, top);
    lines.push(`**Feedstock**: cost saved by one more ${feedUnit} of feed in that year.`, '');
    lines.push(
      ...table(
        ['constraint', 'USD per t', 'holds for limit in'],
        topBy(mv.feedstock).map((m) => [m.description, num(m.valueUsdPerT), range(m)]),
      ),
    );
    lines.push('**Budgets**: present-value cost saved per extra nominal USD in the envelope (and per present-value USD, for a yearly envelope).', '');
    lines.push(
      ...table(
        ['constraint', 'PV USD per nominal USD', 'PV USD per PV USD', 'holds for limit in (nominal USD)'],
        topBy(mv.budgets).map((m) => [m.description, num(m.valueUsdPerUsd, 4), m.valuePvUsdPerPvUsd === null ? '–' : num(m.valuePvUsdPerPvUsd, 4), range(m)]),
      ),
    );
    if (extras && !report.targetPoints.length && mv.targets.length) {
      lines.push(`**Targets, a whole point**: ${extras}.`, '');
    }
    if (report.targetPoints.length) {
      lines.push('**Targets, a whole point**: the plan re-solved with each limit one percentage point tighter (and looser) in every year it applies.', '');
      lines.push(
        ...table(
          ['target', 'limit', 'years', 'one point tighter costs', 'one point looser saves'],
          report.targetPoints.map((p) => [
            p.target,
            pct(p.limit),
            `${p.fromYear ?? '–'}–${p.untilYear ?? '–'}`,
            p.tightenUsd === null ? (p.tightenedStatus ?? 'not run') : `${usd(p.tightenUsd)} USD`,
            p.loosenUsd === null ? (p.loosenedStatus ?? 'not run') : `${usd(p.loosenUsd)} USD`,
          ]),
        ),
      );
    }
    lines.push('**Targets**: extra cost of tightening the limit (first order).', '');
    lines.push(
      ...table(
        ['constraint', 'USD per t', 'USD per point', 'holds for limit in (t)'],
        topBy(mv.targets).map((m) => [m.description, num(m.costUsdPerT), usd(m.costUsdPerPoint), range(m)]),
      ),
    );
    lines.push('**Plant size**: cost saved by one more t/yr of allowed expansion.', '');
    lines.push(
      ...table(
        ['constraint', 'USD per t/yr', 'holds for limit in'],
        topBy(mv.plantSize).map((m) => [m.description, num(m.valueUsdPerTpa), range(m)]),
      ),
    );
    if (mv.customConstraints?.length) {
      lines.push('**Custom constraints**: extra cost per unit a condition is tightened.', '');
      lines.push(
        ...table(
          ['constraint', 'expression', 'USD per unit', 'unit', 'holds for limit in'],
          mv.customConstraints.map((m) => [`\`${m.constraint}\``, `\`${m.expression}\``, num(m.costUsdPerUnit), m.unit, range(m)]),
        ),
      );
    }
  }

  if (extras && !report.reducedCosts.length) lines.push('## Candidates left unbuilt', '', `_${extras[0]!.toUpperCase()}${extras.slice(1)}._`, '');
  if (report.reducedCosts.length) {
    lines.push('## Candidates left unbuilt', '');
    for (const r of report.reducedCosts.slice(0, top)) lines.push(`- ${r.statement}.`);
    lines.push('');
  }

  if (report.binding.length) {
    lines.push(
      '## Binding limits',
      '',
      `${report.binding.length} limits are at their bound; the ${Math.min(top, report.binding.length)} with the largest marginal values:`,
      '',
    );
    const rows = [...report.binding].sort((a, b) => Math.abs(b.dual ?? 0) - Math.abs(a.dual ?? 0)).slice(0, top);
    lines.push(
      ...table(
        ['limit', 'activity', 'limit', 'unit', 'scenario field'],
        rows.map((b) => [b.description, num(b.activity, 1), num(b.limit, 1), b.unit, b.path ? `\`${b.path}\`` : '–']),
      ),
    );
  }

  const metrics = report.dependencyMetrics.portfolio;
  if (metrics?.length) {
    const baseline = new Map((report.dependencyMetrics.baseline ?? []).map((r) => [`${r.bloc}|${r.product}|${r.year}`, r]));
    const last = Math.max(...metrics.map((r) => r.year));
    lines.push(`## Dependency metrics, ${last} (no new builds → plan)`, '');
    const rows = metrics
      .filter((r) => r.year === last)
      .map((r) => {
        const b = baseline.get(`${r.bloc}|${r.product}|${r.year}`);
        return [
          r.bloc,
          r.product,
          `${traced(pct(b?.untrustedShare), b?.shareMethod)} → ${traced(pct(r.untrustedShare), r.shareMethod)}`,
          `${b?.usgsNotation ?? '–'} → ${r.usgsNotation}`,
          `${num(b?.hhi)} → ${num(r.hhi)}`,
          r.topSupplier ? `${r.topSupplier} ${num(r.topSupplierSharePct)} %` : '–',
        ];
      });
    lines.push(...table(['bloc', 'product', 'untrusted share', 'net import reliance %', 'HHI', 'top supplier'], rows));
    if (
      metrics.some((r) => r.year === last && r.shareMethod === 'pooled') ||
      (report.dependencyMetrics.baseline ?? []).some((r) => r.year === last && r.shareMethod === 'pooled')
    ) {
      lines.push('', POOLED_NOTE);
    }
  }
  return lines.join('\n');
}

/** Price floors, stockpiles and recycling (issue 15), when the scenario turned them on. */
export function instrumentSections(portfolio: Portfolio, top = 10): string[] {
  const lines: string[] = [];
  const f = portfolio.floors;
  if (f) {
    lines.push('## Price floors and grants per plant', '');
    lines.push(
      `Keeping every allied plant of the plan solvent at the rival's prices costs the public **${usd(f.publicCostPvUsd)} USD** (present value) with floors and grants` +
        (f.unviablePlants.length ? ` (not viable within the bounds: ${f.unviablePlants.join(', ')})` : '') +
        `; with capex grants only, ${usd(f.capexOnly.publicCostPvUsd)} USD and ` +
        (f.capexOnly.unviablePlants.length
          ? `${f.capexOnly.unviablePlants.length} plants left not viable (${f.capexOnly.unviablePlants.join(', ')}).`
          : 'every plant viable.') +
        ` Existing contracts pay ${usd(f.contractsPvUsd)} USD (present value), counted as revenue.`,
      '',
    );
    const rows = [...f.plants]
      .sort((a, b) => b.supportPvUsd + b.grantPvUsd - (a.supportPvUsd + a.grantPvUsd))
      .slice(0, top)
      .map((x) => [
        x.plant,
        x.stage,
        x.needsFloor ? `${x.fromYear}–${x.toYear} (${x.floorYears.length} yr)` : 'none',
        x.maxFloorUsdPerT === null ? '–' : num(x.maxFloorUsdPerT),
        usd(x.supportPvUsd),
        usd(x.grantPvUsd),
        x.capexOnly.viable ? 'viable' : 'not viable',
        x.neededWithoutContractsPvUsd === null ? '–' : `${usd(x.contractPvUsd)} paid, ${usd(x.neededWithoutContractsPvUsd)} needed`,
      ]);
    lines.push(...table(['plant', 'stage', 'floor years', 'highest floor USD/t', 'support PV', 'grants PV', 'grants only', 'contracts'], rows));
  }
  const s = portfolio.stockpiles;
  if (s) {
    lines.push('## Strategic stockpiles', '');
    const rows = s.years
      .filter((r) => r.stockT > 1e-6 || r.fillT > 1e-6 || r.drawT > 1e-6)
      .map((r) => [r.holder, r.product, String(r.year), num(r.fillT, 1), num(r.stockT, 1), num(r.untrustedStockT, 1), num(r.drawT, 1)]);
    lines.push(...table(['holder', 'product', 'year', 'fill t', 'stock t', 'of which untrusted', 'draw t'], rows));
    const cover = s.cover.filter((c) => c.stockT > 1e-6).map((c) => [c.member, c.holder, c.product, String(c.year), num(c.monthsOfCover, 1)]);
    lines.push(
      "Months of cover (stock carried into the year against the year's consumption). A draw counts by the origin of what went in: stock bought from the rival is untrusted when used.",
      '',
    );
    lines.push(...table(['member', 'holder', 'product', 'year', 'months'], cover));
  }
  const r = portfolio.recycling;
  if (r) {
    lines.push('## Recycling', '');
    const rows = r.years.filter((y) => y.scrapT > 1e-6).map((y) => [String(y.year), num(y.scrapT), num(y.recycledNdprOxideEqT), pct(y.recycledShare)]);
    lines.push(
      'Recycled in an allied country is trusted content. Share: recycled NdPr (oxide-equivalent) over recycled + separated from mined feed in trusted countries + bought from the rival.',
      '',
    );
    lines.push(...table(['year', 'scrap t', 'recycled t NdPr oxide-eq', 'recycled share'], rows));
  }
  return lines;
}

/** Said under a table with a pooled share (origin-tracing.ts). */
const POOLED_NOTE =
  "(pooled): the model does not split origins that year (no target reads it); the share is traced in proportion through the solved flows, usually higher than the optimiser's split would give.";

/** A share, marked when proportional tracing gave it instead of the model's origin split. */
function traced(text: string, method: 'optimised' | 'pooled' | null | undefined): string {
  return method === 'pooled' ? `${text} (pooled)` : text;
}
