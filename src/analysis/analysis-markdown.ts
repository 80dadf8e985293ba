/**
 * Markdown renderings of the analyses, for a brief: a title, what was asked, the result as tables,
 * and links to the member portfolios. Pure functions of the analysis resource.
 */
import type { FrontierResult, StressTestResult } from '../schemas/analysis.js';

export const usd = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${(v / 1e9).toFixed(3)} B`);
export const usdPlain = (v: number | null | undefined) =>
  v === null || v === undefined ? '—' : Math.abs(v) >= 1e9 ? `${(v / 1e9).toFixed(3)} B` : Math.abs(v) >= 1e6 ? `${(v / 1e6).toFixed(2)} M` : v.toFixed(0);
export const pct = (v: number | null | undefined, digits = 1) => (v === null || v === undefined ? '—' : `${(100 * v).toFixed(digits)} %`);
export const num = (v: number | null | undefined, digits = 0) => (v === null || v === undefined ? '—' : v.toLocaleString('en-US', { maximumFractionDigits: digits }));

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
      ['limit', 'status', 'total cost', 'USD per point', 'binding targets', 'builds entering', 'builds leaving'],
      result.points.map((p) => [
        pct(p.limit),
        p.status,
        usd(p.totalCostUsd),
        p.costPerPointUsd === null ? '—' : usdPlain(p.costPerPointUsd),
        p.bindingTargets.map((b) => `${b.target} (${b.years.length} yr)`).join(', ') || '—',
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
    lines.push(`Undisrupted cost ${usd(p.referenceCostUsd)}; overall score **${p.overallScore === null ? '—' : p.overallScore.toFixed(2)}**; worst: ${p.worstDisruption ?? '—'}.`, '');
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
          d.members.filter((m) => m.atRisk).map((m) => `${m.country} (${years(m.timeToSurviveYears)} / ${m.timeToRecoverYears} yr)`).join(', ') || '—',
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
