/**
 * Portfolio: what a planner briefs from. The material flows of a year as a Sankey (mine →
 * separation → metal → magnet → market, by country, trusted and untrusted apart), the dependency
 * trajectory of each target against its limit and the no-new-builds baseline, the builds on a
 * timeline, the cost breakdown, budget use per funder, the solver report in plain words, and links
 * to the CSV, the Markdown brief and the model as LP and MPS.
 */
import type { PageContext } from '../lib/page.js';
import { api } from '../lib/api.js';
import { mountChart, type ChartOption } from '../lib/charts.js';
import { clear, errorBox, h, num, table } from '../lib/dom.js';
import { exact, formatNumber, formatShare, formatTonnes, formatUsd } from '../lib/format.js';
import { OKABE_ITO, ORIGIN_COLOURS, SERIES_COLOURS, STAGE_COLOURS } from '../lib/palette.js';
import { buildSankey, COLUMN_TITLES, COLUMNS, isSankeyStage, sankeyYears, WORLD, type ProductInfo, type SankeyLink, type SankeyYear } from '../lib/sankey.js';
import { timelineRows } from '../lib/timeline.js';
import { trajectoryOption } from '../lib/trajectory-chart.js';
import type { Dataset, PortfolioRecord, Report, ScenarioRecord } from '../lib/types.js';
import { COST_CATEGORIES, COST_CATEGORY_INFO, costBreakdownKey, type CostBreakdownKey } from '../../model/cost-categories.js';

/** A label for every cost category of the API, declared with the category (src/model/cost-categories.ts). */
export const COST_LABELS: Record<keyof NonNullable<PortfolioRecord['costBreakdown']>, string> = Object.fromEntries(
  COST_CATEGORIES.map((category) => [costBreakdownKey(category), COST_CATEGORY_INFO[category].label]),
) as Record<CostBreakdownKey, string>;

export const costLabel = (key: string) => (COST_LABELS as Record<string, string>)[key] ?? key;

const BASIS_WORDS: Record<SankeyLink['basis'], string> = {
  feed: 'feed',
  ship: 'shipped',
  buy: 'bought from the rival supplier',
  sell: 'sold to the rest of the world',
  home: 'kept at home',
};

/** Names for ids: countries and products from the portfolio's dataset. */
export interface Names {
  country(id: string): string;
  product(id: string): string;
}

export function namesFrom(dataset: Dataset | null): Names {
  const countries = new Map((dataset?.countries ?? []).map((c) => [c.id, c.name]));
  const products = new Map((dataset?.products ?? []).map((p) => [p.id, p.name]));
  return { country: (id) => countries.get(id) ?? (id === WORLD ? 'Rest of the world' : id), product: (id) => products.get(id) ?? id };
}

export async function render(ctx: PageContext): Promise<void> {
  const { root, signal } = ctx;
  const id = ctx.params[0]!;
  // The report (the largest answer) is asked for at once; the dataset (names, product stages) and
  // the scenario (budget envelopes) once the portfolio says which. A page without them still shows
  // what the portfolio has.
  const reportAnswer = api.get<Report>(`/portfolios/${id}/report`, signal).catch((error: unknown) => error as Error);
  const portfolio = await api.get<PortfolioRecord>(`/portfolios/${id}`, signal);
  const [dataset, scenario, report] = await Promise.all([
    api.get<Dataset>(`/datasets/${portfolio.datasetId}`, signal).catch(() => null),
    api.get<ScenarioRecord>(`/scenarios/${portfolio.scenarioId}`, signal).catch(() => null),
    reportAnswer,
  ]);
  if (signal.aborted) return;
  const names = namesFrom(dataset);
  document.title = `${portfolio.scenarioName} · Portfolio · Allied midstream planner`;

  root.append(header(portfolio));
  if (portfolio.status === 'time_limit' && portfolio.feasible) {
    root.append(
      h(
        'p',
        { class: 'error' },
        `The solve stopped at its limit with this plan, not proven optimal${portfolio.relativeGap != null ? `: it may cost up to ${(portfolio.relativeGap * 100).toFixed(2)} % more than the best possible` : ''}.`,
      ),
    );
  } else if (portfolio.status !== 'optimal' && portfolio.status !== 'time_limit') {
    root.append(
      h(
        'p',
        { class: 'error' },
        `This scenario was not solved to a plan (${portfolio.status}${portfolio.message ? `: ${portfolio.message.replace(/\.?$/, '')}` : ''}). The report below says why.`,
      ),
    );
  }
  const reportPart = reportSection(report);
  root.append(
    flowsSection(ctx, portfolio, dataset, names),
    dependencySection(portfolio, names),
    buildsSection(portfolio, names),
    costSection(portfolio),
    budgetSection(portfolio, scenario),
    reportPart,
  );
  // The sections that need extra solves come after the portfolio (issue 13): wait for them and
  // show the whole report once they are stored.
  if (report && !(report instanceof Error) && report.extras?.status === 'pending') {
    void api
      .get<Report>(`/portfolios/${id}/report?wait=60`, signal)
      .then((whole) => {
        if (!signal.aborted && whole.extras?.status !== 'pending') reportPart.replaceWith(reportSection(whole));
      })
      .catch(() => {});
  }
}

function header(p: PortfolioRecord): HTMLElement {
  const base = `/portfolios/${p.id}`;
  const v = p.verification;
  return h(
    'header',
    { class: 'page-head' },
    h('p', { class: 'crumb no-print' }, h('a', { href: '#/scenarios' }, 'Scenarios'), ' › Portfolio'),
    h('h1', {}, p.scenarioName),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Status'),
      h('dd', {}, h('span', { class: `status status-${p.status}` }, p.status)),
      h('dt', {}, 'Total cost'),
      h('dd', {}, num(p.totalCostUsd, formatUsd(p.totalCostUsd), exact(p.totalCostUsd, 'USD')), ' (discounted)'),
      h('dt', {}, 'No new builds'),
      h('dd', {}, num(p.baseline.totalCostUsd, formatUsd(p.baseline.totalCostUsd), exact(p.baseline.totalCostUsd, 'USD')), ` (${p.baseline.status})`),
      h('dt', {}, 'Horizon'),
      h('dd', {}, `${p.horizon.startYear}–${p.horizon.endYear}`),
      h('dt', {}, 'Builds'),
      h('dd', {}, String(p.builds.length), ` in ${new Set(p.builds.map((b) => b.country)).size} countries`),
      h('dt', {}, 'Unserved demand'),
      h('dd', {}, num(p.unservedT, formatTonnes(p.unservedT), exact(p.unservedT, 't'))),
      h('dt', {}, 'Solver'),
      h(
        'dd',
        {},
        `${p.solver.name} ${p.solver.version}${p.solver.algorithm ? ` (${p.solver.algorithm})` : ''}, `,
        num(p.solver.solveMs, `${formatNumber(p.solver.solveMs / 1000)} s`, exact(p.solver.solveMs, 'ms')),
        `; ${formatNumber(p.model.rows)} rows × ${formatNumber(p.model.columns)} columns`,
      ),
      h('dt', {}, 'Checked'),
      h('dd', {}, v ? `every row recomputed; worst relative violation ${v.maxRelativeViolation.toExponential(1)}` : 'not verified (no solution)'),
      h('dt', {}, 'Dataset'),
      h('dd', {}, p.datasetId),
    ),
    h(
      'p',
      { class: 'links no-print' },
      'Download: ',
      h('a', { href: `${base}/export?format=csv`, download: '' }, 'builds and flows (CSV)'),
      ' · ',
      h('a', { href: `${base}/report?format=markdown`, target: '_blank' }, 'report (Markdown)'),
      ' · ',
      h('a', { href: `${base}/model.lp`, download: '' }, 'model (LP)'),
      ' · ',
      h('a', { href: `${base}/model.mps`, download: '' }, 'model (MPS)'),
      ' · ',
      h('a', { href: base, target: '_blank' }, 'portfolio (JSON)'),
      ' · ',
      h('a', { href: `/scenarios/${p.scenarioId}`, target: '_blank' }, 'scenario (JSON)'),
      ' · ',
      h('a', { href: `#/compare?ids=${p.id}` }, 'compare with…'),
      ' · ',
      h('a', { href: `#/stress-tests?portfolio=${p.id}` }, 'stress test'),
      ' · ',
      h('a', { href: `#/frontiers?scenario=${p.scenarioId}` }, 'frontier of its scenario'),
      ' · ',
      h('button', { type: 'button', onclick: () => window.print() }, 'Print / PDF'),
    ),
    h(
      'p',
      { class: 'print-only muted' },
      `Portfolio ${p.id}, solved ${new Date(p.createdAt).toLocaleString('en-GB')}; printed ${new Date().toLocaleString('en-GB')}.`,
    ),
  );
}

// ---------------------------------------------------------------------------------------------
// Flows
// ---------------------------------------------------------------------------------------------

/** Which stage makes each product; without the dataset only feed links can be placed (the Sankey notes the rest). */
function productsOf(dataset: Dataset | null): ProductInfo[] {
  return dataset?.products.flatMap((x) => (isSankeyStage(x.stage) ? [{ id: x.id, stage: x.stage, final: x.final }] : [])) ?? [];
}

function defaultYear(p: PortfolioRecord, years: number[]): number | undefined {
  const targetYears = p.dependency.map((d) => d.fromYear).filter((y) => years.includes(y));
  return targetYears.length ? Math.min(...targetYears) : years[years.length - 1];
}

function flowsSection(ctx: PageContext, p: PortfolioRecord, dataset: Dataset | null, names: Names): HTMLElement {
  const input = { flows: p.flows, production: p.production, products: productsOf(dataset) };
  const years = sankeyYears(input);
  const section = h('section', { id: 'flows', 'aria-labelledby': 'flows-h' });
  if (!years.length) {
    section.append(h('h2', { id: 'flows-h' }, 'Material flows'), h('p', { class: 'empty' }, 'This portfolio has no flows.'));
    return section;
  }
  const asked = Number(ctx.query.get('year'));
  let year = years.includes(asked) ? asked : defaultYear(p, years)!;
  const select = h(
    'select',
    { id: 'flow-year', 'aria-label': 'Year of the flows' },
    years.map((y) => h('option', { value: y }, String(y))),
  );
  select.value = String(year);
  const title = h('h2', { id: 'flows-h' });
  const chartBox = h('div', { class: 'chart sankey', id: 'sankey', role: 'img' });
  const notes = h('div', { class: 'notes' });
  const tableBox = h('details', { class: 'data-table' });

  const draw = () => {
    const sankey = buildSankey(input, year);
    clear(title);
    title.append(`Material flows in ${year}`, h('span', { class: 'unit' }, ' tonnes per year, by country'));
    chartBox.setAttribute(
      'aria-label',
      `Sankey diagram of the material flows in ${year}: ${sankey.links.length} links between ${sankey.nodes.length} country stages.`,
    );
    mountChart(chartBox, 'sankey', sankeyOption(sankey, names));
    clear(notes);
    for (const note of sankey.notes) notes.append(h('p', { class: 'muted' }, note));
    clear(tableBox);
    tableBox.append(
      h('summary', {}, `The ${sankey.links.length} flows of ${year} as a table`),
      table(
        ['From', 'To', 'Content', 'How', 'Tonnes', 'What'],
        sankey.links.map((l) => [
          nodeLabel(l.source, names),
          nodeLabel(l.target, names),
          l.origin,
          BASIS_WORDS[l.basis],
          num(l.tonnes, formatTonnes(l.tonnes, l.unit), exact(l.tonnes, l.unit)),
          l.parts.map((x) => (l.basis === 'feed' ? x.label : names.product(x.label))).join(', '),
        ]),
        { class: 'flows' },
      ),
    );
  };
  select.addEventListener('change', () => {
    year = Number(select.value);
    const query = new URLSearchParams(ctx.query);
    query.set('year', String(year));
    ctx.replaceQuery(query);
    draw();
  });

  section.append(
    title,
    h(
      'div',
      { class: 'chart-head' },
      h('label', { class: 'no-print' }, 'Year ', select),
      legend([
        ['Trusted content', ORIGIN_COLOURS.trusted],
        ['Untrusted content', ORIGIN_COLOURS.untrusted],
      ]),
    ),
    // Column titles sit over the node columns: ECharts puts column i at left + i·(width − left − right − nodeWidth)/4.
    h(
      'div',
      { class: 'columns', 'aria-hidden': 'true' },
      COLUMNS.map((c, i) => h('span', { style: `--i:${i}` }, COLUMN_TITLES[c])),
    ),
    chartBox,
    h(
      'p',
      { class: 'muted caption' },
      'Feed is in tonnes of rare-earth oxide (TREO) in concentrate; later stages in tonnes of their product. “Kept at home” is what a country made less what it shipped abroad or sold to the rest of the world (including any co-product nothing used). Hover for exact values.',
    ),
    notes,
    tableBox,
  );
  // Drawn once the section is in the document, so the chart knows its width.
  queueMicrotask(draw);
  return section;
}

/** A node's country; a supplier that only sells (the rival's market) says so. */
function sankeyNodeLabel(node: SankeyYear['nodes'][number] | undefined, s: SankeyYear, names: Names): string {
  if (!node) return '';
  const out = s.links.filter((l) => l.source === node.id);
  const onlySells = node.inT === 0 && out.length > 0 && out.every((l) => l.basis === 'buy');
  return onlySells ? `${names.country(node.country)} (purchases)` : names.country(node.country);
}

function nodeLabel(id: string, names: Names): string {
  const [column, country = ''] = id.split(/:(.*)/s) as [string, string];
  return `${names.country(country)} (${column})`;
}

const SANKEY_LEFT = 8;
const SANKEY_RIGHT = 150;
const SANKEY_NODE_WIDTH = 14;

function sankeyOption(s: SankeyYear, names: Names): ChartOption {
  const nodes = new Map(s.nodes.map((n) => [n.id, n]));
  const unitOf = (id: string) => {
    const n = nodes.get(id);
    return n?.column === 'mine' ? 't TREO' : n?.column === 'separation' ? 't oxide' : n?.column === 'metal' ? 't metal' : 't magnet';
  };
  const rows = Math.max(1, ...COLUMNS.map((c) => s.nodes.filter((n) => n.column === c).length));
  return {
    tooltip: {
      trigger: 'item',
      formatter: (params: { dataType?: string; data: Record<string, unknown>; name: string }) => {
        if (params.dataType === 'edge') {
          const d = params.data as unknown as {
            source: string;
            target: string;
            value: number;
            origin: string;
            basis: SankeyLink['basis'];
            unit: string;
            parts: SankeyLink['parts'];
          };
          const parts =
            d.parts.length > 1 || d.basis === 'feed'
              ? `<br>${d.parts.map((x) => `${d.basis === 'feed' ? x.label : names.product(x.label)}: ${exact(x.tonnes, d.unit)}`).join('<br>')}`
              : '';
          return `${nodeLabel(d.source, names)} → ${nodeLabel(d.target, names)}<br><b>${formatTonnes(d.value, d.unit)}</b> ${d.origin}, ${BASIS_WORDS[d.basis]} (${exact(d.value, d.unit)})${parts}`;
        }
        const n = nodes.get(params.name)!;
        const inUnit = n.column === 'separation' ? 't TREO' : n.column === 'metal' ? 't oxide' : n.column === 'magnet' ? 't metal' : 't magnet';
        return `${COLUMN_TITLES[n.column]}: <b>${names.country(n.country)}</b>${n.inT ? `<br>in: ${formatTonnes(n.inT, inUnit)} (${exact(n.inT, inUnit)})` : ''}${n.outT ? `<br>out: ${formatTonnes(n.outT, unitOf(n.id))} (${exact(n.outT, unitOf(n.id))})` : ''}`;
      },
    },
    series: [
      {
        type: 'sankey',
        id: 'flows',
        left: SANKEY_LEFT,
        right: SANKEY_RIGHT,
        top: 8,
        bottom: 8,
        nodeWidth: SANKEY_NODE_WIDTH,
        nodeGap: Math.max(6, Math.min(14, 200 / rows)),
        nodeAlign: 'justify',
        layoutIterations: 32,
        draggable: false,
        emphasis: { focus: 'adjacency' },
        label: { color: '#111', fontSize: 12, formatter: (params: { name: string }) => sankeyNodeLabel(nodes.get(params.name), s, names) },
        data: s.nodes.map((n) => ({
          name: n.id,
          value: n.valueT,
          depth: n.depth,
          column: n.column,
          country: n.country,
          itemStyle: { color: '#4d4d4d', borderColor: '#4d4d4d' },
        })),
        links: s.links.map((l) => ({
          source: l.source,
          target: l.target,
          value: l.tonnes,
          origin: l.origin,
          basis: l.basis,
          unit: l.unit,
          parts: l.parts,
          lineStyle: { color: ORIGIN_COLOURS[l.origin], opacity: l.origin === 'trusted' ? 0.45 : 0.6, curveness: 0.5 },
        })),
      },
    ],
  };
}

function legend(entries: Array<[string, string, string?]>): HTMLElement {
  return h(
    'ul',
    { class: 'legend' },
    entries.map(([label, colour, style]) => h('li', {}, h('span', { class: `swatch ${style ?? ''}`, style: `--swatch:${colour}` }), label)),
  );
}

// ---------------------------------------------------------------------------------------------
// Dependency trajectories
// ---------------------------------------------------------------------------------------------

function dependencySection(p: PortfolioRecord, names: Names): HTMLElement {
  const section = h('section', { id: 'dependency', 'aria-labelledby': 'dependency-h' }, h('h2', { id: 'dependency-h' }, 'Dependency on untrusted content'));
  if (!p.dependency.length) {
    section.append(h('p', { class: 'empty' }, 'This scenario sets no dependency targets.'));
    return section;
  }
  section.append(
    h(
      'p',
      { class: 'muted' },
      'Share of what the bloc consumes whose content is untrusted (unserved demand counts as untrusted), with this portfolio and with no new builds, against the target’s limit.',
    ),
  );
  p.dependency.forEach((d, i) => {
    const box = h('div', { class: 'chart trajectory', id: `trajectory-${i}`, role: 'img', 'aria-label': `Untrusted share of ${d.target} by year` });
    const missed = d.points.filter((x) => x.met === false);
    const judged = d.points.filter((x) => x.met !== null).length;
    section.append(
      h(
        'figure',
        { class: 'figure' },
        h(
          'figcaption',
          {},
          h('strong', {}, d.target),
          `: ${names.product(d.product)} consumed by ${d.bloc.map(names.country).join(', ')}; at most ${formatShare(d.maxUntrustedShare)} untrusted from ${d.fromYear}`,
          d.hard ? ' (hard)' : ' (soft: a shortfall is priced)',
          h('span', { class: 'unit' }, ' · share of consumption, %'),
        ),
        box,
        h(
          'p',
          { class: missed.length ? 'warn' : judged ? 'ok' : 'muted' },
          missed.length
            ? `Missed in ${missed.map((x) => `${x.year} (short by ${formatTonnes(x.shortfallT)})`).join(', ')}.`
            : judged
              ? 'Met in every year the limit applies.'
              : 'Not judged: there is no plan to compare with the limit.',
        ),
      ),
    );
    queueMicrotask(() =>
      mountChart(
        box,
        `trajectory-${i}`,
        trajectoryOption(
          [
            { name: 'With this portfolio', colour: OKABE_ITO.blue, data: d.points.map((x) => [x.year, x.portfolioShare]) },
            { name: 'No new builds (baseline)', colour: OKABE_ITO.orange, dashed: true, data: d.points.map((x) => [x.year, x.baselineShare]) },
          ],
          d.points.map((x) => [x.year, x.limit]),
          p.horizon,
        ),
      ),
    );
  });
  return section;
}

// ---------------------------------------------------------------------------------------------
// Builds
// ---------------------------------------------------------------------------------------------

function buildsSection(p: PortfolioRecord, names: Names): HTMLElement {
  const section = h('section', { id: 'builds', 'aria-labelledby': 'builds-h' }, h('h2', { id: 'builds-h' }, 'What gets built, where and when'));
  if (!p.builds.length) {
    section.append(h('p', { class: 'empty' }, 'No new builds.'));
    return section;
  }
  const rows = timelineRows(p.builds, p.horizon);
  const box = h('div', {
    class: 'chart timeline',
    id: 'timeline',
    role: 'img',
    'aria-label': `Timeline of ${rows.length} builds`,
    style: `height:${rows.length * 22 + 70}px`,
  });
  const stageItems = (phase: 'construction' | 'online') =>
    rows.map((r) => ({
      value: phase === 'construction' ? r.constructionYears : r.onlineYears,
      itemStyle: {
        color: STAGE_COLOURS[r.stage] ?? OKABE_ITO.black,
        opacity: phase === 'construction' ? 0.55 : 1,
        ...(phase === 'construction'
          ? { decal: { symbol: 'rect', dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -Math.PI / 4, color: 'rgba(0,0,0,0.45)' } }
          : {}),
      },
    }));
  section.append(
    h(
      'div',
      { class: 'chart-head' },
      legend([
        ['Separation', STAGE_COLOURS.separation!],
        ['Metal', STAGE_COLOURS.metal!],
        ['Magnet', STAGE_COLOURS.magnet!],
        ['Under construction (hatched)', '#999', 'hatched'],
        ['Online (solid)', '#555'],
      ]),
    ),
    box,
  );
  queueMicrotask(() =>
    mountChart(box, 'timeline', {
      grid: { left: 8, right: 24, top: 28, bottom: 28, containLabel: true },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (params: Array<{ dataIndex: number }>) => {
          const r = rows[params[0]!.dataIndex]!;
          return `<b>${r.name}</b> (${names.country(r.country)}, ${r.stage})<br>${formatNumber(r.capacityTpa, 't/yr')} (${exact(r.capacityTpa, 't/yr')})<br>construction ${r.buildYear}–${r.onlineYear - 1}, online from ${r.onlineYear}<br>capex ${formatUsd(r.capexUsd)} (${exact(r.capexUsd, 'USD')})`;
        },
      },
      xAxis: {
        type: 'value',
        min: p.horizon.startYear,
        max: p.horizon.endYear + 1,
        interval: 1,
        name: 'year',
        axisLabel: { formatter: (v: number) => String(v) },
        position: 'top',
      },
      yAxis: { type: 'category', inverse: true, data: rows.map((r) => `${r.label} · ${formatNumber(r.capacityTpa, 't/yr')}`), axisLabel: { fontSize: 11 } },
      series: [
        {
          type: 'bar',
          name: 'start',
          stack: 'build',
          silent: true,
          itemStyle: { color: 'transparent' },
          data: rows.map((r) => Math.min(Math.max(r.buildYear, p.horizon.startYear), r.endYear)),
          barWidth: 14,
        },
        { type: 'bar', name: 'Under construction', stack: 'build', data: stageItems('construction') },
        { type: 'bar', name: 'Online', stack: 'build', data: stageItems('online') },
      ],
    }),
  );
  section.append(
    h(
      'details',
      { class: 'data-table' },
      h('summary', {}, `The ${rows.length} builds as a table`),
      table(
        ['Plant', 'Country', 'Stage', 'Capacity', 'Build year', 'Online', 'Capex (undiscounted)', 'Public funding'],
        p.builds.map((b) => [
          b.name,
          names.country(b.country),
          b.stage,
          num(b.capacityTpa, formatNumber(b.capacityTpa, 't/yr'), exact(b.capacityTpa, 't/yr')),
          String(b.buildYear),
          String(b.onlineYear),
          num(b.capexUsd, formatUsd(b.capexUsd), exact(b.capexUsd, 'USD')),
          b.funding.length ? b.funding.map((f) => `${f.funder} ${formatUsd(f.usd)}`).join(', ') : 'private',
        ]),
        { class: 'builds' },
      ),
    ),
  );
  return section;
}

// ---------------------------------------------------------------------------------------------
// Cost and budgets
// ---------------------------------------------------------------------------------------------

function costSection(p: PortfolioRecord): HTMLElement {
  const section = h(
    'section',
    { id: 'cost', 'aria-labelledby': 'cost-h' },
    h('h2', { id: 'cost-h' }, 'What it costs', h('span', { class: 'unit' }, ' · present value, USD')),
  );
  const breakdown = p.costBreakdown;
  if (!breakdown) {
    section.append(h('p', { class: 'empty' }, 'No cost: the scenario has no solution.'));
    return section;
  }
  const entries = Object.entries(breakdown).filter(([, v]) => Math.abs(v) >= 0.5);
  const box = h('div', { class: 'chart cost', id: 'cost-chart', role: 'img', 'aria-label': 'Cost breakdown', style: `height:${entries.length * 30 + 60}px` });
  section.append(
    h('p', {}, 'Total: ', num(p.totalCostUsd, formatUsd(p.totalCostUsd), exact(p.totalCostUsd, 'USD')), ' discounted over the horizon.'),
    box,
    h(
      'details',
      { class: 'data-table' },
      h('summary', {}, 'Every category as a table'),
      table(
        ['Category', 'USD (present value)'],
        Object.entries(breakdown).map(([k, v]) => [costLabel(k), num(v, formatUsd(v), exact(v, 'USD'), { 'data-cost': k })]),
        { class: 'cost' },
      ),
    ),
  );
  queueMicrotask(() =>
    mountChart(box, 'cost', {
      grid: { left: 8, right: 90, top: 24, bottom: 24, containLabel: true },
      tooltip: { trigger: 'item', formatter: (x: { name: string; value: number }) => `${x.name}<br><b>${formatUsd(x.value)}</b> (${exact(x.value, 'USD')})` },
      xAxis: { type: 'value', name: 'USD', axisLabel: { formatter: (v: number) => formatUsd(v).replace(' USD', '') } },
      yAxis: { type: 'category', inverse: true, data: entries.map(([k]) => costLabel(k)) },
      series: [
        {
          type: 'bar',
          name: 'Cost',
          data: entries.map(([, v]) => ({ value: v, itemStyle: { color: v < 0 ? OKABE_ITO.bluishGreen : OKABE_ITO.blue } })),
          label: { show: true, position: 'right', formatter: (x: { value: number }) => formatUsd(x.value) },
        },
      ],
    }),
  );
  return section;
}

function budgetSection(p: PortfolioRecord, scenario: ScenarioRecord | null): HTMLElement {
  const section = h(
    'section',
    { id: 'budgets', 'aria-labelledby': 'budgets-h' },
    h('h2', { id: 'budgets-h' }, 'Public money used, per funder', h('span', { class: 'unit' }, ' · USD per year, undiscounted')),
  );
  const funders = [...new Set(p.budgets.map((b) => b.funder))];
  if (!funders.length) {
    section.append(h('p', { class: 'empty' }, 'This scenario sets no public budgets: every build is privately financed.'));
    return section;
  }
  const years: number[] = [];
  for (let y = p.horizon.startYear; y <= p.horizon.endYear; y++) years.push(y);
  const used = (funder: string, year: number) => p.budgets.filter((b) => b.funder === funder && b.year === year).reduce((s, b) => s + b.usedUsd, 0);
  const box = h('div', { class: 'chart budgets', id: 'budget-chart', role: 'img', 'aria-label': 'Budget use per funder and year' });
  const envelopes = new Map((scenario?.scenario.budgets ?? []).map((b) => [b.funder, b]));
  section.append(
    box,
    table(
      ['Funder', 'Used over the horizon', 'Envelope', 'Per-year cap'],
      funders.map((f) => {
        const total = p.budgets.filter((b) => b.funder === f).reduce((s, b) => s + b.usedUsd, 0);
        const envelope = envelopes.get(f);
        return [
          f,
          num(total, formatUsd(total), exact(total, 'USD'), { 'data-budget': f }),
          envelope?.totalUsd !== undefined ? num(envelope.totalUsd, formatUsd(envelope.totalUsd), exact(envelope.totalUsd, 'USD')) : '—',
          envelope?.perYearUsd !== undefined ? num(envelope.perYearUsd, formatUsd(envelope.perYearUsd), exact(envelope.perYearUsd, 'USD')) : '—',
        ];
      }),
      { class: 'budgets' },
    ),
  );
  queueMicrotask(() =>
    mountChart(box, 'budgets', {
      grid: { left: 8, right: 24, top: 40, bottom: 36, containLabel: true },
      legend: { top: 4 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${formatUsd(v)} (${exact(v, 'USD')})` : '—') },
      xAxis: { type: 'category', data: years.map(String), name: 'year', nameLocation: 'middle', nameGap: 28 },
      yAxis: { type: 'value', name: 'USD', axisLabel: { formatter: (v: number) => formatUsd(v).replace(' USD', '') } },
      series: funders.map((f, i) => ({
        type: 'bar',
        name: f,
        stack: 'funders',
        data: years.map((y) => used(f, y)),
        itemStyle: { color: SERIES_COLOURS[i % SERIES_COLOURS.length] },
      })),
    }),
  );
  return section;
}

// ---------------------------------------------------------------------------------------------
// The solver report
// ---------------------------------------------------------------------------------------------

const TOP = 8;

function reportSection(report: Report | Error | null): HTMLElement {
  const section = h('section', { id: 'report', 'aria-labelledby': 'report-h' }, h('h2', { id: 'report-h' }, 'What binds, and what it is worth'));
  if (!report || report instanceof Error) {
    section.append(h('p', { class: 'muted' }, 'The solver report is not available for this portfolio.'), report ? errorBox(report) : '');
    return section;
  }
  section.append(h('p', { class: 'muted' }, `Money in ${report.currency}. Marginal values hold while the limit stays in its range; ${report.duals.note}.`));
  if (report.extras?.status === 'pending') {
    section.append(
      h(
        'p',
        { class: 'muted extras-pending' },
        'The diagnosis, whole-point target costs and the capex cuts that would bring unbuilt plants in need extra solves: they are still being computed and appear here when ready.',
      ),
    );
  } else if (report.extras?.status === 'failed') {
    section.append(
      h(
        'p',
        { class: 'error extras-failed' },
        `The diagnosis, whole-point target costs and capex cuts are not available: ${report.extras.message ?? 'computing them failed'}.`,
      ),
    );
  }

  const d = report.diagnosis;
  if (d) {
    section.append(
      h('h3', {}, d.reason === 'infeasible' ? 'Why it cannot be done' : 'Why a target is missed'),
      h('p', { class: 'diagnosis' }, d.summary),
      d.remedies.length
        ? h(
            'ol',
            { class: 'remedies' },
            d.remedies.map((r) =>
              h(
                'li',
                {},
                h('code', {}, r.path),
                ` ${r.change}: ${r.explanation}`,
                r.resultingCostUsd !== null ? ` The plan would then cost ${formatUsd(r.resultingCostUsd)}.` : '',
              ),
            ),
          )
        : '',
      d.targets.length
        ? h(
            'ul',
            {},
            d.targets.map((t) => h('li', {}, t.explanation)),
          )
        : '',
      d.complete
        ? ''
        : h('p', { class: 'muted' }, `The diagnosis stopped at its bound${d.maxSolves ? ` of ${d.maxSolves} solves` : ''} before every step ran.`),
    );
  }

  if (report.binding.length) {
    section.append(
      h('h3', {}, 'Binding limits'),
      table(
        ['Limit', 'Scenario field', 'Used', 'Limit', 'Cost change per unit more'],
        report.binding
          .slice(0, 20)
          .map((b) => [
            b.description,
            b.path ? h('code', {}, b.path) : '—',
            num(b.activity, formatNumber(b.activity, b.unit), exact(b.activity, b.unit)),
            num(b.limit, formatNumber(b.limit, b.unit), exact(b.limit, b.unit)),
            b.dual === null ? '—' : num(b.dual, `${formatUsd(b.dual)} per ${b.unit}`, exact(b.dual, `USD per ${b.unit}`)),
          ]),
        { class: 'binding' },
      ),
      report.binding.length > 20 ? h('p', { class: 'muted' }, `…and ${report.binding.length - 20} more in the Markdown report.`) : '',
    );
  }

  const m = report.marginalValues;
  if (m) {
    const sentences: HTMLElement[] = [];
    for (const p of report.targetPoints ?? []) {
      const years = `${p.fromYear ?? ''}–${p.untilYear ?? ''}`;
      sentences.push(
        h(
          'li',
          {},
          `A whole point on ${p.target} over ${years}: one point tighter `,
          p.tightenUsd === null
            ? `is not possible (${p.tightenedStatus ?? 'the limit is 0'})`
            : h('span', {}, 'costs ', num(p.tightenUsd, formatUsd(p.tightenUsd), exact(p.tightenUsd, 'USD'))),
          ', one point looser ',
          p.loosenUsd === null
            ? `was not solved (${p.loosenedStatus ?? 'the limit is 100 %'})`
            : h('span', {}, 'saves ', num(p.loosenUsd, formatUsd(p.loosenUsd), exact(p.loosenUsd, 'USD'))),
          ' (re-solved).',
        ),
      );
    }
    const byValue = <T>(items: T[], value: (x: T) => number) =>
      [...items]
        .sort((a, b) => value(b) - value(a))
        .filter((x) => value(x) > 0)
        .slice(0, TOP);
    for (const x of byValue(m.targets, (x) => x.costUsdPerPoint)) {
      sentences.push(
        h(
          'li',
          {},
          `Tightening ${x.target} by one percentage point in ${x.year} would cost about `,
          num(x.costUsdPerPoint, formatUsd(x.costUsdPerPoint), exact(x.costUsdPerPoint, 'USD per point')),
          '.',
        ),
      );
    }
    for (const x of byValue(m.feedstock, (x) => x.valueUsdPerT)) {
      sentences.push(
        h(
          'li',
          {},
          `One more tonne (TREO) of ${x.description} would save `,
          num(x.valueUsdPerT, formatUsd(x.valueUsdPerT), exact(x.valueUsdPerT, 'USD per t')),
          '.',
        ),
      );
    }
    for (const x of byValue(m.budgets, (x) => x.valueUsdPerUsd)) {
      sentences.push(
        h(
          'li',
          {},
          `Each extra (nominal) dollar in ${x.description} would save `,
          num(x.valueUsdPerUsd, `${formatNumber(x.valueUsdPerUsd)} USD`, exact(x.valueUsdPerUsd, 'present-value USD per nominal USD')),
          ' in present value.',
        ),
      );
    }
    for (const x of byValue(m.plantSize, (x) => x.valueUsdPerTpa)) {
      sentences.push(
        h(
          'li',
          {},
          `Allowing ${x.plant} one more t/yr would save `,
          num(x.valueUsdPerTpa, formatUsd(x.valueUsdPerTpa), exact(x.valueUsdPerTpa, 'USD per t/yr')),
          '.',
        ),
      );
    }
    for (const x of byValue(m.plantCapacity, (x) => x.valueUsdPerTpa)) {
      sentences.push(
        h(
          'li',
          {},
          `One more t/yr of existing capacity at ${x.plant} in ${x.year ?? ''} would save `,
          num(x.valueUsdPerTpa, formatUsd(x.valueUsdPerTpa), exact(x.valueUsdPerTpa, 'USD per t/yr')),
          '.',
        ),
      );
    }
    for (const x of (m.customConstraints ?? []).filter((x) => x.costUsdPerUnit !== 0).slice(0, TOP)) {
      sentences.push(
        h(
          'li',
          {},
          `Condition ${x.id}${x.year ? ` in ${x.year}` : ''} costs `,
          num(x.costUsdPerUnit, formatUsd(x.costUsdPerUnit), exact(x.costUsdPerUnit, `USD per ${x.unit}`)),
          ` per ${x.unit}.`,
        ),
      );
    }
    section.append(
      h('h3', {}, 'Marginal values'),
      sentences.length ? h('ul', { class: 'marginal' }, sentences) : h('p', { class: 'muted' }, 'No limit has a marginal value.'),
    );
  }

  const close = report.reducedCosts
    .filter((r) => r.capexCutPct !== null)
    .sort((a, b) => a.capexCutPct! - b.capexCutPct!)
    .slice(0, TOP);
  if (close.length) {
    section.append(
      h('h3', {}, 'Plants that were not built, and the capex cut that would bring them in'),
      h(
        'ul',
        { class: 'reduced' },
        close.map((r) => h('li', {}, r.statement)),
      ),
    );
  }
  return section;
}
