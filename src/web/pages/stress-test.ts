/**
 * Stress test: how a fixed portfolio holds up against disruptions. `#/stress-tests` starts one
 * (a solved portfolio, optionally a second to set beside it, disruptions from the dataset's
 * library and/or your own, the member countries scored) and lists those started from this
 * browser; `#/stress-tests/{id}` follows it (member solves, cancel) and, once done, shows per
 * portfolio the table of scores (time-to-survive and time-to-recover per member, resilience
 * score, extra cost, unserved demand, risk exposure), unserved demand by country and year (chart
 * and table), and the two portfolios side by side. The API's `POST/GET/DELETE /stress-tests` and
 * `GET /disruptions` (models/analyses.md).
 */
import type { PageContext } from '../lib/page.js';
import { api } from '../lib/api.js';
import { followAnalysis, rememberAnalysis, rememberedAnalyses, showFieldProblems } from '../lib/analysis.js';
import { mountChart } from '../lib/charts.js';
import { append, clear, errorBox, h, num, table } from '../lib/dom.js';
import { exact, formatNumber, formatTonnes, formatUsd } from '../lib/format.js';
import { SERIES_COLOURS } from '../lib/palette.js';
import { unservedOption } from '../lib/unserved-chart.js';
import type { Disruption, PortfolioPage, PortfolioRecord, StressTest } from '../lib/types.js';

type Result = NonNullable<StressTest['result']>;
type PortfolioResult = Result['portfolios'][number];

const usd = (v: number | null, key?: string) => num(v, formatUsd(v), exact(v, 'USD'), key ? { 'data-cell': key } : {});
const tonnes = (v: number, key?: string) => num(v, formatTonnes(v), exact(v, 't'), key ? { 'data-cell': key } : {});
const score = (v: number | null, key?: string) =>
  num(v, v === null ? '—' : v === 0 || v === 1 ? String(v) : v.toFixed(2), exact(v), key ? { 'data-cell': key } : {});
const years = (v: number | null, key: string) =>
  num(v, v === null ? 'never short' : `${formatNumber(v)} y`, v === null ? 'never short within the horizon' : exact(v, 'years'), { 'data-cell': key });
const KIND_WORDS: Record<Disruption['kind'], string> = {
  export_control: 'export control',
  outage: 'outage',
  lane_closed: 'lane closed',
  price: 'price',
  demand: 'demand',
};

// ---------------------------------------------------------------------------------------------
// Start one
// ---------------------------------------------------------------------------------------------

export async function renderStart(ctx: PageContext): Promise<void> {
  const { root, signal } = ctx;
  const portfolios = await api.get<PortfolioPage>('/portfolios?limit=100', signal);
  if (signal.aborted) return;
  root.append(
    h('h1', {}, 'Stress test'),
    h(
      'p',
      { class: 'lede' },
      'Fix a portfolio’s builds and re-optimise its operations under each disruption: how long each member keeps its demand met (time-to-survive), how long until it is met again (time-to-recover), the resilience score, the extra cost, and the demand left unserved by country and year.',
    ),
  );
  const remembered = rememberedAnalyses('stress_test');
  if (remembered.length) {
    root.append(
      h(
        'section',
        { 'aria-labelledby': 'started-h' },
        h('h2', { id: 'started-h' }, 'Stress tests started from this browser'),
        h(
          'ul',
          { class: 'remembered' },
          remembered.map((a) => h('li', {}, h('a', { href: `#/stress-tests/${a.id}` }, a.title), ` · ${new Date(a.createdAt).toLocaleString('en-GB')}`)),
        ),
      ),
    );
  }
  const solved = portfolios.items.filter((p) => p.status === 'optimal');
  if (!solved.length) {
    root.append(h('p', { class: 'empty' }, 'No solved portfolio yet: ', h('a', { href: '#/scenarios' }, 'solve a scenario'), ' first.'));
    return;
  }
  const option = (p: PortfolioPage['items'][number]) => h('option', { value: p.id }, `${p.scenarioName} · ${formatUsd(p.totalCostUsd)} (${p.id.slice(0, 8)})`);
  const select = h('select', { id: 'stress-portfolio', 'data-path': 'portfolioId' }, solved.map(option));
  const wanted = ctx.query.get('portfolio');
  if (wanted && solved.some((p) => p.id === wanted)) select.value = wanted;
  const second = h('select', { id: 'stress-compare', 'data-path': 'compareWith' }, h('option', { value: '' }, 'none'), solved.map(option));
  const libraryBox = h('fieldset', { id: 'stress-library', class: 'targets', 'data-path': 'disruptions' });
  const custom = h('textarea', {
    id: 'stress-custom',
    rows: 6,
    spellcheck: 'false',
    'data-path': 'custom',
    placeholder: '[{ "id": "my_outage", "name": "…", "kind": "outage", "fromYear": 2028, "years": 1, "plants": ["…"] }]',
  });
  const members = h('input', { type: 'text', id: 'stress-members', 'data-path': 'members', placeholder: 'default: the countries of the target blocs' });
  const problems = h('div', { id: 'stress-problems', 'aria-live': 'polite' });
  const start = h('button', { type: 'submit', id: 'start-stress-test' }, 'Start the stress test');
  let libraryBoxes: HTMLInputElement[] = [];

  const loadLibrary = async () => {
    clear(libraryBox);
    libraryBox.append(h('legend', {}, 'Disruptions from the dataset’s library'), h('p', { class: 'muted' }, 'Loading…'));
    const portfolio = await api.get<PortfolioRecord>(`/portfolios/${select.value}`, signal);
    const library = await api.get<{ datasetId: string; items: Disruption[] }>(`/disruptions?datasetId=${encodeURIComponent(portfolio.datasetId)}`, signal);
    clear(libraryBox);
    libraryBox.append(h('legend', {}, `Disruptions from the library of ${library.datasetId} (none ticked and none of your own: all of them)`));
    libraryBoxes = library.items.map((d) => h('input', { type: 'checkbox', value: d.id, 'data-disruption': d.id }));
    if (!library.items.length)
      libraryBox.append(
        h('p', { class: 'muted', id: 'stress-library-empty' }, `The dataset ${library.datasetId} has no disruption library: describe your own below.`),
      );
    library.items.forEach((d, i) =>
      libraryBox.append(
        h(
          'label',
          { class: 'target', title: d.description ?? '' },
          libraryBoxes[i]!,
          ' ',
          h('strong', {}, d.name),
          ` · ${KIND_WORDS[d.kind]}, ${d.fromYear}${d.years > 1 ? `–${d.fromYear + d.years - 1}` : ''}`,
          d.facts?.length ? h('small', { class: 'muted' }, ` · facts ${d.facts.join(', ')}`) : null,
        ),
      ),
    );
  };
  select.addEventListener('change', () => void loadLibrary().catch((e: unknown) => libraryBox.append(errorBox(e))));

  const showProblems = (error: unknown) => showFieldProblems(root, problems, error);

  const form = h(
    'form',
    { id: 'stress-form', novalidate: true },
    h('p', {}, h('label', { for: 'stress-portfolio' }, 'Portfolio: '), select),
    h('p', {}, h('label', { for: 'stress-compare' }, 'Beside it (optional, same dataset): '), second),
    libraryBox,
    h('p', {}, h('label', { for: 'stress-custom' }, 'Disruptions of your own (JSON array; fields as in the API’s Disruption schema):')),
    custom,
    h('p', {}, h('label', { for: 'stress-members' }, 'Countries scored (ids, comma-separated): '), members),
    problems,
    h('p', { class: 'no-print' }, start),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clear(problems);
      let own: unknown;
      try {
        own = custom.value.trim() ? JSON.parse(custom.value) : undefined;
      } catch (error) {
        showProblems(new Error(`Your disruptions are not valid JSON: ${(error as Error).message}`));
        custom.setAttribute('aria-invalid', 'true');
        return;
      }
      start.disabled = true;
      try {
        const ticked = libraryBoxes.filter((b) => b.checked).map((b) => b.value);
        const countries = members.value.split(/[\s,]+/).filter(Boolean);
        const body = {
          portfolioId: select.value,
          ...(second.value ? { compareWith: second.value } : {}),
          ...(ticked.length ? { disruptions: ticked } : {}),
          ...(own !== undefined ? { custom: own } : {}),
          ...(countries.length ? { members: countries } : {}),
        };
        const { body: test } = await api.post<StressTest>('/stress-tests', body);
        const name = select.selectedOptions[0]?.textContent ?? select.value;
        const beside = second.value ? ` beside ${second.selectedOptions[0]?.textContent ?? second.value}` : '';
        rememberAnalysis({
          id: test.id,
          kind: 'stress_test',
          title: `${name}${beside}: ${test.request.disruptions?.length ?? 0} + ${test.request.custom?.length ?? 0} disruptions`,
          createdAt: test.createdAt,
        });
        location.hash = `#/stress-tests/${test.id}`;
      } catch (error) {
        showProblems(error);
      } finally {
        start.disabled = false;
      }
    })();
  });
  root.append(h('section', { 'aria-labelledby': 'new-h', class: 'no-print' }, h('h2', { id: 'new-h' }, 'Start a stress test'), form));
  await loadLibrary();
}

// ---------------------------------------------------------------------------------------------
// Follow one, and its result
// ---------------------------------------------------------------------------------------------

export async function renderOne(ctx: PageContext): Promise<void> {
  const { root, signal } = ctx;
  const id = ctx.params[0]!;
  const test = await api.get<StressTest>(`/stress-tests/${id}`, signal);
  const ids = [test.request.portfolioId, ...(test.request.compareWith ? [test.request.compareWith] : [])];
  const records = await Promise.all(ids.map((p) => api.get<PortfolioRecord>(`/portfolios/${p}`, signal).catch(() => null)));
  if (signal.aborted) return;
  const names = new Map(ids.map((p, i) => [p, `${String.fromCharCode(65 + i)}: ${records[i]?.scenarioName ?? p.slice(0, 8)}`]));
  const name = (p: string) => names.get(p) ?? p;
  document.title = `Stress test of ${name(ids[0]!)} · Allied midstream planner`;
  const progress = h('div', { id: 'analysis-progress', class: 'job', 'aria-live': 'polite' });
  const result = h('div', { id: 'stress-result' });
  root.append(
    h('p', { class: 'crumb no-print' }, h('a', { href: '#/stress-tests' }, 'Stress tests'), ' › ', name(ids[0]!)),
    h('h1', {}, 'Stress test: ', ids.map(name).join(' beside ')),
    h(
      'ul',
      { class: 'compared' },
      ids.map((p) =>
        h(
          'li',
          {},
          h('a', { href: `#/portfolios/${p}` }, name(p)),
          records[ids.indexOf(p)] ? ` · ${formatUsd(records[ids.indexOf(p)]!.totalCostUsd)} as solved` : '',
          ' · ',
          h('code', { title: p }, p.slice(0, 8)),
        ),
      ),
    ),
    h(
      'p',
      { class: 'links no-print' },
      h('a', { href: `/stress-tests/${id}?format=markdown`, target: '_blank' }, 'stress test (Markdown)'),
      ' · ',
      h('a', { href: `/stress-tests/${id}`, target: '_blank' }, 'stress test (JSON)'),
      ' · ',
      h('a', { href: `#/stress-tests?portfolio=${ids[0]}` }, 'another stress test of this portfolio'),
      ' · ',
      h('button', { type: 'button', onclick: () => window.print() }, 'Print / PDF'),
    ),
    h(
      'p',
      { class: 'print-only muted' },
      `Stress test ${id}, started ${new Date(test.createdAt).toLocaleString('en-GB')}; printed ${new Date().toLocaleString('en-GB')}.`,
    ),
    progress,
    result,
  );
  const draw = (s: StressTest) => {
    clear(result);
    if (s.status === 'done' && s.result) append(result, resultSections(s.result, name));
  };
  if (test.status !== 'running') {
    await followAnalysis(progress, test, signal);
    draw(test);
    return;
  }
  void followAnalysis(progress, test, signal).then((s) => s && draw(s));
}

function resultSections(result: Result, name: (id: string) => string): HTMLElement[] {
  return [...result.portfolios.map((p, i) => portfolioSection(p, i, result.members, name)), sideBySideSection(result, name)].filter(
    (x): x is HTMLElement => x !== null,
  );
}

function portfolioSection(p: PortfolioResult, index: number, members: string[], name: (id: string) => string): HTMLElement {
  const worst = p.disruptions.find((d) => d.disruption === p.worstDisruption);
  const section = h(
    'section',
    { id: `stress-${index}`, class: 'stress-portfolio', 'data-portfolio': p.portfolioId, 'aria-labelledby': `stress-${index}-h` },
    h('h2', { id: `stress-${index}-h` }, name(p.portfolioId)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Overall score'),
      h('dd', {}, score(p.overallScore, `overall:${index}`), ' (mean of the disruptions’ scores; 1: every member rides out every disruption)'),
      h('dt', {}, 'Without a disruption'),
      h(
        'dd',
        {},
        usd(p.referenceCostUsd, `reference:${index}`),
        ' (builds fixed, targets reported but not enforced)',
        p.referencePortfolioId ? [' · ', h('a', { href: `#/portfolios/${p.referencePortfolioId}` }, 'its portfolio')] : null,
      ),
      h('dt', {}, 'Worst disruption'),
      h('dd', {}, worst ? worst.name : '—'),
      h('dt', {}, 'Members scored'),
      h('dd', {}, members.join(', ')),
    ),
    h(
      'h3',
      {},
      'Scores',
      h('span', { class: 'unit' }, ' · time-to-survive / time-to-recover in years per member; extra cost discounted USD, against the undisrupted run'),
    ),
    table(
      ['Disruption', 'Years', 'Status', 'Score', 'Extra cost', 'Unserved', 'Risk exposure', ...members.map((c) => `${c}: survive / recover`), 'Portfolio'],
      p.disruptions.map((d) => {
        const key = `${index}:${d.disruption}`;
        return [
          h('span', { 'data-disruption': d.disruption }, d.name),
          `${d.fromYear}${d.toYear > d.fromYear ? `–${d.toYear}` : ''}`,
          h('span', { class: `status status-${d.status}` }, d.status),
          score(d.score, `score:${key}`),
          usd(d.extraCostUsd, `extra:${key}`),
          tonnes(d.unservedT, `unserved:${key}`),
          score(d.riskExposureIndex, `risk:${key}`),
          ...members.map((c) => {
            const m = d.members.find((x) => x.country === c);
            if (!m) return '—';
            return h(
              'span',
              { class: `pair${m.atRisk ? ' at-risk' : ''}` },
              years(m.timeToSurviveYears, `tts:${key}:${c}`),
              ' / ',
              years(m.timeToRecoverYears, `ttr:${key}:${c}`),
              m.recovered ? '' : ' (not recovered)',
              m.atRisk ? h('strong', { class: 'warn' }, ' at risk') : '',
            );
          }),
          d.portfolioId ? h('a', { href: `#/portfolios/${d.portfolioId}`, 'data-portfolio': d.portfolioId }, 'open') : '—',
        ];
      }),
      { class: 'stress-scores' },
    ),
    h(
      'p',
      { class: 'muted caption' },
      'At risk: the member runs short before the disruption ends (time-to-survive shorter than its duration). Score: the mean over the members of min(1, time-to-survive / duration). Risk exposure: extra cost over the largest in this test.',
    ),
  );
  section.append(unservedBlock(p, index));
  return section;
}

/** Unserved demand by country and year: a chart (one bar per disruption and year) and the full table. */
function unservedBlock(p: PortfolioResult, index: number): HTMLElement {
  const short = p.disruptions.filter((d) => d.unserved.length);
  const block = h(
    'div',
    { class: 'unserved' },
    h('h3', {}, 'Unserved demand by country and year', h('span', { class: 'unit' }, ' · t, beyond the undisrupted run')),
  );
  if (!short.length) {
    block.append(h('p', { class: 'empty' }, 'No disruption leaves demand unserved.'));
    return block;
  }
  const allYears = [...new Set(short.flatMap((d) => d.unserved.map((u) => u.year)))].sort((a, b) => a - b);
  const chartBox = h('div', {
    class: 'chart unserved-chart',
    id: `unserved-chart-${index}`,
    role: 'img',
    'aria-label': `Unserved demand by year under ${short.length} disruptions`,
  });
  queueMicrotask(() => mountChart(chartBox, `unserved-${index}`, unservedOption(short, allYears, SERIES_COLOURS)));
  const rows: Array<Array<Node | string>> = [];
  for (const d of short) {
    const countries = [...new Set(d.unserved.map((u) => u.country))].sort();
    for (const c of countries) {
      rows.push([
        d.name,
        c,
        ...allYears.map((y) => {
          const u = d.unserved.find((x) => x.country === c && x.year === y);
          return u ? tonnes(u.tonnes, `unserved:${index}:${d.disruption}:${c}:${y}`) : '';
        }),
      ]);
    }
  }
  block.append(h('figure', { class: 'figure' }, chartBox), table(['Disruption', 'Country', ...allYears.map(String)], rows, { class: 'unserved-table' }));
  return block;
}

function sideBySideSection(result: Result, name: (id: string) => string): HTMLElement | null {
  if (!result.sideBySide || result.portfolios.length < 2) return null;
  const heads = result.portfolios.map((p) => name(p.portfolioId).slice(0, 1));
  const disruptionName = (id: string) => result.portfolios[0]!.disruptions.find((d) => d.disruption === id)?.name ?? id;
  return h(
    'section',
    { id: 'side-by-side', 'aria-labelledby': 'side-h' },
    h('h2', { id: 'side-h' }, 'Side by side', h('span', { class: 'unit' }, ` · ${result.portfolios.map((p) => name(p.portfolioId)).join(' and ')}`)),
    table(
      ['Disruption', ...heads.map((x) => `Score ${x}`), ...heads.map((x) => `Extra cost ${x}`), ...heads.map((x) => `Unserved ${x}`)],
      result.sideBySide.map((row) => [
        disruptionName(row.disruption),
        ...row.scores.map((v, i) => score(v, `side:${row.disruption}:score:${i}`)),
        ...row.extraCostUsd.map((v, i) => usd(v, `side:${row.disruption}:extra:${i}`)),
        ...row.unservedT.map((v, i) => tonnes(v, `side:${row.disruption}:unserved:${i}`)),
      ]),
      { class: 'side-by-side' },
    ),
  );
}
