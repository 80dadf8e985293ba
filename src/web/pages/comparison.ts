/**
 * Comparison: two or more portfolios side by side, as `POST /comparisons` answers — totals and cost
 * categories with their deltas against the first, the builds that differ, capacity by country and
 * stage, the dependency trajectories overlaid, and budget use per funder. Every delta cell keeps
 * the API's exact value (`data-value`, and on hover).
 */
import type { PageContext } from '../lib/page.js';
import { api } from '../lib/api.js';
import { followAnalysis } from '../lib/analysis.js';
import { mountChart } from '../lib/charts.js';
import { append, clear, errorBox, h, num, table } from '../lib/dom.js';
import { exact, formatDelta, formatNumber, formatPoints, formatShare, formatUsd } from '../lib/format.js';
import { SERIES_COLOURS } from '../lib/palette.js';
import { trajectoryOption } from '../lib/trajectory-chart.js';
import type { Comparison, ExplainedComparison, PortfolioPage } from '../lib/types.js';
import { costLabel } from './portfolio.js';
import { portfolioPicker } from './scenarios.js';

const DIFFERENCE_WORDS: Record<Comparison['buildDifferences'][number]['difference'], string> = {
  only_in_some: 'built in some only',
  size: 'different size',
  year: 'different year',
  size_and_year: 'different size and year',
};

const usd = (v: number | null) => num(v, formatUsd(v), exact(v, 'USD'));
const usdDelta = (v: number | null, key: string) => num(v, formatDelta(v, formatUsd), exact(v, 'USD'), { 'data-delta': key });
const tpa = (v: number) => num(v, formatNumber(v, 't/yr'), exact(v, 't/yr'));
const tpaDelta = (v: number, key: string) =>
  num(
    v,
    formatDelta(v, (x) => formatNumber(x, 't/yr')),
    exact(v, 't/yr'),
    { 'data-delta': key },
  );

export async function render(ctx: PageContext): Promise<void> {
  const { root, signal } = ctx;
  const ids = (ctx.query.get('ids') ?? '').split(',').filter(Boolean);
  root.append(h('h1', {}, 'Comparison'));

  if (ids.length < 2) {
    const page = await api.get<PortfolioPage>('/portfolios?limit=100', signal);
    root.append(
      h('p', { class: 'lede' }, 'Tick two or more portfolios to see them side by side; differences are against the first ticked.'),
      page.items.length ? portfolioPicker(page.items, ids) : h('p', { class: 'empty' }, 'No portfolios yet: solve a scenario first.'),
    );
    return;
  }

  const { body: c } = await api.post<Comparison>('/comparisons', { portfolioIds: ids });
  if (signal.aborted) return;
  const label = new Map(c.portfolios.map((p, i) => [p.id, `${String.fromCharCode(65 + i)}: ${p.scenarioName}`]));
  const name = (id: string) => label.get(id) ?? id;
  // Legends keep to one line: the letter and the start of the name (the list above has it whole).
  const shortName = (id: string) => {
    const full = name(id);
    return full.length > 36 ? `${full.slice(0, 35)}…` : full;
  };
  const heads = c.portfolios.map((p) => name(p.id));

  root.append(
    h('p', { class: 'lede' }, 'Differences are against ', h('strong', {}, name(c.portfolios[0]!.id)), '.'),
    h(
      'ul',
      { class: 'compared' },
      c.portfolios.map((p) =>
        h(
          'li',
          {},
          h('a', { href: `#/portfolios/${p.id}` }, name(p.id)),
          ` · ${p.status} · ${p.horizon.startYear}–${p.horizon.endYear} · `,
          h('code', { title: p.id }, p.id.slice(0, 8)),
        ),
      ),
    ),
    h('p', { class: 'no-print' }, h('button', { type: 'button', onclick: () => window.print() }, 'Print / PDF')),

    h(
      'section',
      { id: 'totals', 'aria-labelledby': 'totals-h' },
      h('h2', { id: 'totals-h' }, 'Total cost', h('span', { class: 'unit' }, ' · present value, USD')),
      table(
        ['Portfolio', 'Total cost', 'Difference', 'Difference (%)'],
        c.totals.map((t) => [
          name(t.portfolioId),
          usd(t.totalCostUsd),
          usdDelta(t.deltaUsd, `total:${t.portfolioId}`),
          num(
            t.deltaPct,
            formatDelta(t.deltaPct, (x) => `${formatNumber(x)} %`),
            exact(t.deltaPct, '%'),
            { 'data-delta': `total-pct:${t.portfolioId}` },
          ),
        ]),
        { class: 'totals' },
      ),
    ),

    h(
      'section',
      { id: 'cost-categories', 'aria-labelledby': 'categories-h' },
      h('h2', { id: 'categories-h' }, 'Cost by category', h('span', { class: 'unit' }, ' · present value, USD (difference below)')),
      table(
        ['Category', ...heads],
        c.costBreakdown.map((row) => [
          costLabel(row.category),
          ...row.values.map((v) => h('span', { class: 'pair' }, usd(v.usd), h('br'), usdDelta(v.deltaUsd, `cost:${row.category}:${v.portfolioId}`))),
        ]),
        { class: 'categories' },
      ),
    ),

    ...(ids.length === 2 ? [explainSection(ctx, ids as [string, string], name)] : []),
    buildDifferences(c, heads),
    capacity(c, heads),
    dependency(c, name, shortName),
    budgets(c, heads),
  );
}

function buildDifferences(c: Comparison, heads: string[]): HTMLElement {
  const section = h('section', { id: 'build-differences', 'aria-labelledby': 'builds-h' }, h('h2', { id: 'builds-h' }, 'Builds that differ'));
  if (!c.buildDifferences.length) {
    section.append(h('p', { class: 'empty' }, 'Every portfolio builds the same plants, at the same size and in the same years.'));
    return section;
  }
  section.append(
    table(
      ['Plant', 'Country', 'Stage', 'Difference', ...heads],
      c.buildDifferences.map((d) => [
        d.name,
        d.country,
        d.stage,
        h('span', { 'data-difference': `${d.plant}:${d.difference}` }, DIFFERENCE_WORDS[d.difference]),
        ...d.values.map((v) =>
          v.builds.length
            ? h(
                'span',
                {},
                tpa(v.totalCapacityTpa),
                h('br'),
                h('small', {}, v.builds.map((b) => `${formatNumber(b.capacityTpa, 't/yr')} built ${b.buildYear}, online ${b.onlineYear}`).join('; ')),
              )
            : h('span', { class: 'muted' }, 'not built'),
        ),
      ]),
      { class: 'build-differences' },
    ),
  );
  return section;
}

function capacity(c: Comparison, heads: string[]): HTMLElement {
  const rows = c.capacity.filter((r) => r.values.some((v) => v.builtTpa !== 0 || v.builtDeltaTpa !== 0 || v.operatingDeltaTpa !== 0));
  const section = h(
    'section',
    { id: 'capacity', 'aria-labelledby': 'capacity-h' },
    h('h2', { id: 'capacity-h' }, 'New capacity by country and stage', h('span', { class: 'unit' }, ' · t/yr built over the horizon (difference below)')),
  );
  if (!rows.length) {
    section.append(h('p', { class: 'empty' }, 'No portfolio builds new capacity.'));
    return section;
  }
  section.append(
    table(
      ['Country', 'Stage', ...heads],
      rows.map((r) => [
        r.country,
        r.stage,
        ...r.values.map((v) =>
          h('span', { class: 'pair' }, tpa(v.builtTpa), h('br'), tpaDelta(v.builtDeltaTpa, `capacity:${r.country}:${r.stage}:${v.portfolioId}`)),
        ),
      ]),
      { class: 'capacity' },
    ),
  );
  return section;
}

const SYMBOLS = ['circle', 'triangle', 'rect', 'diamond'] as const;

function dependency(c: Comparison, name: (id: string) => string, shortName: (id: string) => string): HTMLElement {
  const section = h('section', { id: 'dependency', 'aria-labelledby': 'dependency-h' }, h('h2', { id: 'dependency-h' }, 'Dependency trajectories, overlaid'));
  if (!c.dependency.length) {
    section.append(h('p', { class: 'empty' }, 'None of these scenarios sets a dependency target.'));
    return section;
  }
  const startYear = Math.min(...c.portfolios.map((p) => p.horizon.startYear));
  const endYear = Math.max(...c.portfolios.map((p) => p.horizon.endYear));
  c.dependency.forEach((d, i) => {
    const box = h('div', {
      class: 'chart trajectory',
      id: `compare-trajectory-${i}`,
      role: 'img',
      'aria-label': `Untrusted share of ${d.target} by year, per portfolio`,
    });
    const years = d.points.map((p) => p.year);
    section.append(
      h(
        'figure',
        { class: 'figure' },
        h(
          'figcaption',
          {},
          h('strong', {}, d.target),
          `: ${d.product} consumed by ${d.bloc.join(', ')}`,
          h('span', { class: 'unit' }, ' · untrusted share of consumption, %'),
        ),
        box,
        h(
          'details',
          { class: 'data-table' },
          h('summary', {}, 'Shares and differences as a table'),
          table(
            ['Year', 'Limit', ...c.portfolios.map((p) => name(p.id))],
            d.points.map((pt) => [
              String(pt.year),
              formatShare(pt.limit),
              ...pt.values.map((v) =>
                h(
                  'span',
                  { class: 'pair' },
                  num(v.share, formatShare(v.share), exact(v.share)),
                  v.met === false ? ' (missed)' : '',
                  h('br'),
                  num(v.deltaShare, v.deltaShare === null ? '—' : formatDelta(v.deltaShare, formatPoints), exact(v.deltaShare), {
                    'data-delta': `share:${d.target}:${pt.year}:${v.portfolioId}`,
                  }),
                ),
              ),
            ]),
            { class: 'trajectory-table' },
          ),
        ),
      ),
    );
    queueMicrotask(() =>
      mountChart(
        box,
        `compare-trajectory-${i}`,
        trajectoryOption(
          c.portfolios.map((p, k) => ({
            name: shortName(p.id),
            symbol: SYMBOLS[k % SYMBOLS.length]!,
            colour: SERIES_COLOURS[k % SERIES_COLOURS.length]!,
            dashed: k % 2 === 1,
            data: d.points.map((pt) => [pt.year, pt.values.find((v) => v.portfolioId === p.id)?.share ?? null] as [number, number | null]),
          })),
          d.points.map((pt) => [pt.year, pt.limit]),
          { startYear: Math.min(startYear, ...years), endYear: Math.max(endYear, ...years) },
        ),
      ),
    );
  });
  return section;
}

function budgets(c: Comparison, heads: string[]): HTMLElement {
  const section = h(
    'section',
    { id: 'budget-use', 'aria-labelledby': 'budget-h' },
    h('h2', { id: 'budget-h' }, 'Public money used, per funder', h('span', { class: 'unit' }, ' · USD over the horizon (difference below)')),
  );
  if (!c.budgets.length) {
    section.append(h('p', { class: 'empty' }, 'None of these scenarios sets public budgets.'));
    return section;
  }
  section.append(
    table(
      ['Funder', ...heads],
      c.budgets.map((b) => [
        b.funder,
        ...b.values.map((v) => h('span', { class: 'pair' }, usd(v.usedUsd), h('br'), usdDelta(v.deltaUsd, `budget:${b.funder}:${v.portfolioId}`))),
      ]),
      { class: 'budgets' },
    ),
  );
  return section;
}

/**
 * Why the cost differs (two portfolios): `POST /comparisons` with `attribution` re-solves the first
 * scenario with subsets of the input changes and splits the difference among them (Shapley values,
 * or one change at a time). Started on request, since it costs solves; its id is kept in the page's
 * address so a reload shows it again.
 */
function explainSection(ctx: PageContext, ids: [string, string], name: (id: string) => string): HTMLElement {
  const panel = h('div', { id: 'explain-progress', class: 'job', 'aria-live': 'polite', hidden: true });
  const body = h('div', { id: 'explain-result' });
  const start = h('button', { type: 'button', id: 'explain' }, 'Explain the difference');
  const section = h(
    'section',
    { id: 'explain-section', 'aria-labelledby': 'explain-h' },
    h('h2', { id: 'explain-h' }, 'Why the cost differs', h('span', { class: 'unit' }, ` · from ${name(ids[0])} to ${name(ids[1])}`)),
    h(
      'p',
      { class: 'muted no-print' },
      'Re-solves the first scenario with each subset of the input changes (Shapley values up to 4 changes, one at a time beyond) and splits the cost difference among them.',
    ),
    h('p', { class: 'no-print' }, start),
    panel,
    body,
  );
  const follow = async (first: ExplainedComparison) => {
    panel.hidden = false;
    start.disabled = true;
    const done = await followAnalysis(panel, first, ctx.signal);
    if (!done) return;
    clear(body);
    if (done.status === 'done' && done.result) append(body, explanation(done.result));
    start.disabled = false;
  };
  start.addEventListener(
    'click',
    () =>
      void (async () => {
        start.disabled = true;
        try {
          const { body: started } = await api.post<ExplainedComparison>('/comparisons', { portfolioIds: ids, attribution: 'auto' });
          const query = new URLSearchParams(ctx.query);
          query.set('explain', started.id);
          ctx.replaceQuery(query);
          await follow(started);
        } catch (error) {
          body.append(errorBox(error));
          start.disabled = false;
        }
      })(),
  );
  const known = ctx.query.get('explain');
  if (known) {
    void api
      .get<ExplainedComparison>(`/comparisons/${known}`, ctx.signal)
      .then(follow)
      .catch((error: unknown) => ctx.signal.aborted || body.append(errorBox(error)));
  }
  return section;
}

const valueText = (v: unknown) => (v === null || v === undefined ? '—' : typeof v === 'string' ? v : JSON.stringify(v));

function explanation(r: NonNullable<ExplainedComparison['result']>): HTMLElement[] {
  const a = r.attribution;
  const usdCell = (v: number | null, key: string) => num(v, formatUsd(v), exact(v, 'USD'), { 'data-explain': key });
  return [
    h(
      'p',
      {},
      `${a.method === 'shapley' ? 'Shapley values' : 'One change at a time, in order'} over ${r.inputDifference.length} input change${r.inputDifference.length === 1 ? '' : 's'} (${a.solves} solves): re-solved, the cost goes from `,
      usdCell(a.beforeCostUsd, 'before'),
      ' to ',
      usdCell(a.afterCostUsd, 'after'),
      ', a difference of ',
      num(a.totalDifferenceUsd, formatDelta(a.totalDifferenceUsd, formatUsd), exact(a.totalDifferenceUsd, 'USD'), { 'data-explain': 'total' }),
      ` (the stored portfolios differ by ${formatDelta(a.storedDifferenceUsd, formatUsd)}; the parts leave `,
      usdCell(a.residualUsd, 'residual'),
      ' unexplained).',
    ),
    a.note ? h('p', { class: 'muted' }, a.note) : h('span'),
    table(
      ['#', 'Input change', 'Before', 'After', 'Its part of the difference', 'Share'],
      a.parts.map((p) => {
        const change = r.inputDifference[p.change - 1];
        const share = a.totalDifferenceUsd ? p.usd / a.totalDifferenceUsd : null;
        return [
          String(p.change),
          h('code', {}, p.path),
          h('small', {}, valueText(change?.before)),
          h('small', {}, valueText(change?.after)),
          num(p.usd, formatDelta(p.usd, formatUsd), exact(p.usd, 'USD'), { 'data-explain': `part:${p.change}` }),
          share === null ? '—' : formatShare(share),
        ];
      }),
      { class: 'attribution' },
    ),
  ];
}
