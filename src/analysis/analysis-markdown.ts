/**
 * Markdown renderings of the analyses, for a brief: a title, what was asked, the result as tables,
 * and links to the member portfolios. Pure functions of the analysis resource.
 */
import type { AlternativesResult, ExplainedComparisonResult, FrontierResult, StressTestResult } from '../schemas/analysis.js';

export const usd = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v / 1e9).toFixed(3)} B`);
export const usdPlain = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : Math.abs(v) >= 1e9 ? `${(v / 1e9).toFixed(3)} B` : Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v.toFixed(0);
export const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '—' : `${(100 * v).toFixed(digits)} %`);
export const num = (v: number | null | undefined, digits = 0) =>
  v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits });

export function table(header: string[], rows: string[][]): string[] {
  if (!rows.length) return ['_none_', ''];
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`), ''];
}

export interface AnalysisHeader {
  title: string;
  id?: string | null;
  status?: string;
  scenarioName?: string;
}

function header(h: AnalysisHeader): string[] {
  const lines = [`# ${h.title}`, ''];
  if (h.scenarioName) lines.push(`Scenario: ${h.scenarioName}.`, '');
  if (h.id) lines.push(`Analysis ${h.id}${h.status ? `, ${h.status}` : ''}.`, '');
  return lines;
}

const builds = (list: FrontierResult['points'][number]['buildsEntering']) =>
  list.map((b) => `${b.plant} (${b.country} ${b.stage} ${b.capacityTpa > 0 ? '+' : ''}${num(b.capacityTpa)} t/yr)`).join(', ') || '—';

export function frontierMarkdown(result: FrontierResult, h: AnalysisHeader): string {
  const lines = header(h);
  lines.push(`Swept targets: ${result.targets.join(', ')}. Each point is a separate solve (method: ${result.method}). Money is discounted USD 2026.`, '');
  lines.push(
    ...table(
      ['limit', 'status', 'total cost', 'USD per point', 'binding targets', 'newly binding', 'builds entering', 'builds leaving'],
      result.points.map((p) => [
        pct(p.limit),
        p.status,
        usd(p.totalCostUsd),
        p.costPerPointUsd === null ? '—' : usdPlain(p.costPerPointUsd),
        p.bindingTargets.map((b) => `${b.target} (${b.years.length} yr)`).join(', ') || '—',
        p.newlyBinding.slice(0, 3).join(', ') || '—',
        builds(p.buildsEntering),
        builds(p.buildsLeaving),
      ]),
    ),
  );
  lines.push(`Cost non-decreasing as the limit tightens: ${result.monotone ? 'yes' : '**no** (see the member solves)'}.`, '');
  lines.push('## Knees', '');
  if (!result.knees.length) lines.push('No step costs twice the one before it.', '');
  for (const k of result.knees) {
    lines.push(
      `- At ${pct(k.limit)}: ${usdPlain(k.slopeBeforeUsdPerPoint)} → ${usdPlain(k.slopeAfterUsdPerPoint)} USD per point. ` +
        `Binding before: ${k.bindingBefore.join(', ') || '—'}; after: ${k.bindingAfter.join(', ') || '—'}. Entering: ${builds(k.buildsEntering)}.`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

const years = (v: number | null) => (v === null ? 'never short' : `${v} yr`);

export function stressTestMarkdown(result: StressTestResult, h: AnalysisHeader): string {
  const lines = header(h);
  lines.push(
    `Builds fixed, operations re-optimised under each disruption; members scored: ${result.members.join(', ')}. ` +
      'Time-to-survive: years from the start until demand first goes unserved; time-to-recover: until it is met again for good. ' +
      'Score: mean over members of min(1, time-to-survive / duration).',
    '',
  );
  for (const p of result.portfolios) {
    lines.push(`## Portfolio ${p.portfolioId}`, '');
    lines.push(
      `Undisrupted cost ${usd(p.referenceCostUsd)}; overall score **${p.overallScore === null ? '—' : p.overallScore.toFixed(2)}**; worst: ${p.worstDisruption ?? '—'}.`,
      '',
    );
    lines.push(
      ...table(
        ['disruption', 'years', 'status', 'extra cost', 'unserved t', 'score', 'risk exposure', 'members at risk (TTS / TTR)'],
        p.disruptions.map((d) => [
          d.name,
          `${d.fromYear}-${d.toYear}`,
          d.status,
          usdPlain(d.extraCostUsd),
          num(d.unservedT),
          d.score === null ? '—' : d.score.toFixed(2),
          d.riskExposureIndex === null ? '—' : d.riskExposureIndex.toFixed(2),
          d.members
            .filter((m) => m.atRisk)
            .map((m) => `${m.country} (${years(m.timeToSurviveYears)} / ${m.timeToRecoverYears} yr)`)
            .join(', ') || '—',
        ]),
      ),
    );
  }
  if (result.sideBySide) {
    lines.push('## Side by side', '');
    lines.push(
      ...table(
        ['disruption', ...result.portfolios.map((_, i) => `score ${i + 1}`), ...result.portfolios.map((_, i) => `extra cost ${i + 1}`)],
        result.sideBySide.map((r) => [r.disruption, ...r.scores.map((s) => (s === null ? '—' : s.toFixed(2))), ...r.extraCostUsd.map(usdPlain)]),
      ),
    );
  }
  return lines.join('\n');
}

const quantityValue = (v: number | null | undefined, share: boolean) => (v === null || v === undefined ? '—' : share ? pct(v) : num(v, 1));

export function alternativesMarkdown(result: AlternativesResult, h: AnalysisHeader, shares: ReadonlySet<string> = new Set()): string {
  const lines = header(h);
  lines.push(
    `Least cost ${usd(result.optimum.totalCostUsd)}. Each range: the least and the most a quantity can be among plans costing at most (1 + slack) × the least cost.`,
    '',
  );
  lines.push(
    ...table(
      ['quantity', 'slack', 'cost cap', 'at the optimum', 'min', 'max', 'new capacity at min / max (t/yr, of the stage)', 'solves (min / max)'],
      result.ranges.map((r) => {
        const share = shares.has(r.quantity) || (r.optimumValue !== null && r.optimumValue <= 1 && (r.max?.value ?? 0) <= 1 && r.quantity.includes('share'));
        return [
          r.quantity,
          pct(r.slack),
          usd(r.maxTotalCostUsd),
          quantityValue(r.optimumValue, share),
          quantityValue(r.min?.value, share),
          quantityValue(r.max?.value, share),
          r.min?.denominator !== null && r.min?.denominator !== undefined
            ? `${num(r.min.numerator)} of ${num(r.min.denominator)} / ${num(r.max?.numerator)} of ${num(r.max?.denominator)}`
            : '—',
          `${r.min?.iterations ?? '—'} / ${r.max?.iterations ?? '—'}`,
        ];
      }),
    ),
  );
  return lines.join('\n');
}

const show = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v).slice(0, 80));

export function explainMarkdown(result: ExplainedComparisonResult, h: AnalysisHeader): string {
  const lines = header(h);
  const a = result.attribution;
  lines.push('## What changed in the inputs', '');
  lines.push(
    ...table(
      ['#', 'path', 'before', 'after'],
      result.inputDifference.map((c, i) => [String(i + 1), `\`${c.path}\``, show(c.before), show(c.after)]),
    ),
  );
  lines.push('## Cost difference by category (stored portfolios)', '');
  lines.push(
    ...table(
      ['category', 'before', 'after', 'delta'],
      result.costDifference.filter((c) => c.deltaUsd !== 0).map((c) => [c.category, usdPlain(c.beforeUsd), usdPlain(c.afterUsd), usdPlain(c.deltaUsd)]),
    ),
  );
  lines.push(`## Attribution (${a.method === 'shapley' ? 'Shapley values' : 'one at a time, in order'})`, '');
  if (a.note) lines.push(a.note, '');
  lines.push(
    `Re-solved: ${usd(a.beforeCostUsd)} → ${usd(a.afterCostUsd)}, difference ${usdPlain(a.totalDifferenceUsd)} (stored portfolios: ${usdPlain(a.storedDifferenceUsd)}); ${a.solves} solves.`,
    '',
  );
  lines.push(
    ...table(
      ['#', 'change', 'USD'],
      a.parts.map((p) => [String(p.change), `\`${p.path}\``, usdPlain(p.usd)]),
    ),
  );
  lines.push(`The parts sum to the difference: residual ${a.residualUsd === null ? '—' : a.residualUsd.toExponential(2)} USD.`, '');
  lines.push(`Builds that differ: ${result.decisionDifference.length}.`, '');
  return lines.join('\n');
}
