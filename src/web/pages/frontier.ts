/**
 * Frontier: what each point of independence costs. `#/frontiers` starts one for a stored scenario
 * (which targets, the range of limits, how many points) and lists those started from this
 * browser; `#/frontiers/{id}` follows it (member solves finished, cancel) and, once done, draws the
 * cost curve (total cost against the limit, knees marked), the knees in words, and a table of the
 * points (limit, cost, cost per point, what binds, builds entering and leaving) linking each
 * member's portfolio. The API's `POST/GET/DELETE /frontiers` (models/analyses.md).
 */
import type { PageContext } from '../lib/page.js';
import { api } from '../lib/api.js';
import { followAnalysis, rememberAnalysis, rememberedAnalyses, showFieldProblems } from '../lib/analysis.js';
import { mountChart } from '../lib/charts.js';
import { append, clear, errorBox, h, num, table } from '../lib/dom.js';
import { exact, formatNumber, formatShare, formatTonnes, formatUsd } from '../lib/format.js';
import { frontierOption, yearRanges } from '../lib/frontier-chart.js';
import type { Frontier, FrontierPoint, ScenarioPage, ScenarioRecord } from '../lib/types.js';

const pct = (share: number) => `${(Math.round(share * 1e6) / 1e4).toLocaleString('en-US')}`;
const usd = (v: number | null, key?: string) => num(v, formatUsd(v), exact(v, 'USD'), key ? { 'data-cell': key } : {});

// ---------------------------------------------------------------------------------------------
// Start one
// ---------------------------------------------------------------------------------------------

export async function renderStart(ctx: PageContext): Promise<void> {
  const { root, signal } = ctx;
  const scenarios = await api.get<ScenarioPage>('/scenarios?limit=100', signal);
  if (signal.aborted) return;
  root.append(
    h('h1', {}, 'Cost-of-independence frontier'),
    h(
      'p',
      { class: 'lede' },
      'Sweep the limit on the untrusted share of a scenario’s targets from loose to tight: each point is a separate solve, and the curve shows what each percentage point of independence costs, where it jumps (the knees), and which builds enter.',
    ),
  );
  const remembered = rememberedAnalyses('frontier');
  if (remembered.length) {
    root.append(
      h(
        'section',
        { 'aria-labelledby': 'started-h' },
        h('h2', { id: 'started-h' }, 'Frontiers started from this browser'),
        h(
          'ul',
          { class: 'remembered' },
          remembered.map((a) => h('li', {}, h('a', { href: `#/frontiers/${a.id}` }, a.title), ` · ${new Date(a.createdAt).toLocaleString('en-GB')}`)),
        ),
      ),
    );
  }
  if (!scenarios.items.length) {
    root.append(h('p', { class: 'empty' }, 'No scenarios stored yet: ', h('a', { href: '#/scenarios' }, 'add one'), ' first.'));
    return;
  }

  const select = h(
    'select',
    { id: 'frontier-scenario', 'data-path': 'scenarioId' },
    scenarios.items.map((s) => h('option', { value: s.id }, `${s.name} (${s.id.slice(0, 8)})`)),
  );
  const wanted = ctx.query.get('scenario');
  if (wanted && scenarios.items.some((s) => s.id === wanted)) select.value = wanted;
  const targetsBox = h('fieldset', { id: 'frontier-targets', class: 'targets', 'data-path': 'targets' });
  const from = h('input', { type: 'number', id: 'frontier-from', min: 0, max: 100, step: 'any', value: 50, 'data-path': 'from', required: true });
  const to = h('input', { type: 'number', id: 'frontier-to', min: 0, max: 100, step: 'any', value: 0, 'data-path': 'to', required: true });
  const points = h('input', { type: 'number', id: 'frontier-points', min: 2, max: 64, step: 1, value: 6, 'data-path': 'points', required: true });
  const problems = h('div', { id: 'frontier-problems', 'aria-live': 'polite' });
  const start = h('button', { type: 'submit', id: 'start-frontier' }, 'Start the frontier');
  let targetBoxes: HTMLInputElement[] = [];

  const loadTargets = async () => {
    clear(targetsBox);
    targetsBox.append(h('legend', {}, 'Targets swept'), h('p', { class: 'muted' }, 'Loading the scenario’s targets…'));
    const record = await api.get<ScenarioRecord>(`/scenarios/${select.value}`, signal);
    clear(targetsBox);
    targetsBox.append(h('legend', {}, 'Targets swept (one limit applied to each ticked target; none ticked: all of them)'));
    const targets = record.scenario.targets;
    targetBoxes = targets.map((t, i) => h('input', { type: 'checkbox', value: t.id ?? `t${i}`, 'data-target': t.id ?? `t${i}` }));
    if (!targets.length) targetsBox.append(h('p', { class: 'warn' }, 'This scenario has no targets: there is nothing to sweep.'));
    targets.forEach((t, i) =>
      targetsBox.append(
        h(
          'label',
          { class: 'target' },
          targetBoxes[i]!,
          ' ',
          h('code', {}, t.id ?? `t${i}`),
          `: ${t.product} for ${t.bloc.join(', ')} from ${t.year}${t.untilYear ? ` to ${t.untilYear}` : ''}, limit now ${formatShare(t.maxUntrustedShare)}${t.hard ? ' (hard)' : ' (soft)'}`,
        ),
      ),
    );
    const loosest = Math.max(0, ...targets.map((t) => t.maxUntrustedShare));
    if (targets.length) from.value = pct(Math.min(1, loosest + 0.2));
  };
  select.addEventListener('change', () => void loadTargets().catch((e: unknown) => targetsBox.append(errorBox(e))));

  const showProblems = (error: unknown) => showFieldProblems(root, problems, error, (path) => path.replace(/\[\d+\]$/, ''), false);

  const form = h(
    'form',
    { id: 'frontier-form', novalidate: true },
    h('p', {}, h('label', { for: 'frontier-scenario' }, 'Scenario: '), select),
    targetsBox,
    h(
      'p',
      { class: 'range' },
      h('label', { for: 'frontier-from' }, 'Loosest limit, % '),
      from,
      ' ',
      h('label', { for: 'frontier-to' }, 'tightest limit, % '),
      to,
      ' ',
      h('label', { for: 'frontier-points' }, 'points '),
      points,
    ),
    h(
      'p',
      { class: 'muted' },
      'Limits are the untrusted share of each target bloc’s consumption; the points are evenly spaced from the loosest to the tightest, both included. Each point is one solve.',
    ),
    problems,
    h('p', { class: 'no-print' }, start),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      start.disabled = true;
      try {
        const ticked = targetBoxes.filter((b) => b.checked).map((b) => b.value);
        const body = {
          scenarioId: select.value,
          ...(ticked.length ? { targets: ticked } : {}),
          from: Number(from.value) / 100,
          to: Number(to.value) / 100,
          points: Number(points.value),
        };
        const { body: frontier } = await api.post<Frontier>('/frontiers', body);
        const name = select.selectedOptions[0]?.textContent ?? select.value;
        rememberAnalysis({
          id: frontier.id,
          kind: 'frontier',
          title: `${name}: ${pct(body.from)} % → ${pct(body.to)} %, ${body.points} points`,
          createdAt: frontier.createdAt,
        });
        location.hash = `#/frontiers/${frontier.id}`;
      } catch (error) {
        showProblems(error);
      } finally {
        start.disabled = false;
      }
    })();
  });
  root.append(h('section', { 'aria-labelledby': 'new-h', class: 'no-print' }, h('h2', { id: 'new-h' }, 'Start a frontier'), form));
  await loadTargets();
}

// ---------------------------------------------------------------------------------------------
// Follow one, and its result
// ---------------------------------------------------------------------------------------------

export async function renderOne(ctx: PageContext): Promise<void> {
  const { root, signal } = ctx;
  const id = ctx.params[0]!;
  const frontier = await api.get<Frontier>(`/frontiers/${id}`, signal);
  const scenario = await api.get<ScenarioRecord>(`/scenarios/${frontier.scenarioId}`, signal).catch(() => null);
  if (signal.aborted) return;
  const name = scenario?.name ?? frontier.scenarioId.slice(0, 12);
  document.title = `Frontier of ${name} · Allied midstream planner`;
  const r = frontier.request;
  const progress = h('div', { id: 'analysis-progress', class: 'job', 'aria-live': 'polite' });
  const result = h('div', { id: 'frontier-result' });
  root.append(
    h('p', { class: 'crumb no-print' }, h('a', { href: '#/frontiers' }, 'Frontiers'), ' › ', name),
    h('h1', {}, 'Cost-of-independence frontier: ', name),
    h(
      'p',
      { class: 'lede' },
      `Limit on the untrusted share of ${r.targets?.length ? r.targets.join(', ') : 'every target'} swept from ${pct(r.from)} % to ${pct(r.to)} % in ${r.points} points; each point is one solve.`,
    ),
    h(
      'p',
      { class: 'links no-print' },
      h('a', { href: `/frontiers/${id}?format=markdown`, target: '_blank' }, 'frontier (Markdown)'),
      ' · ',
      h('a', { href: `/frontiers/${id}`, target: '_blank' }, 'frontier (JSON)'),
      ' · ',
      h('a', { href: `#/frontiers?scenario=${frontier.scenarioId}` }, 'another sweep of this scenario'),
      ' · ',
      h('button', { type: 'button', onclick: () => window.print() }, 'Print / PDF'),
    ),
    h(
      'p',
      { class: 'print-only muted' },
      `Frontier ${id}, started ${new Date(frontier.createdAt).toLocaleString('en-GB')}; printed ${new Date().toLocaleString('en-GB')}.`,
    ),
    progress,
    result,
  );
  const draw = (f: Frontier) => {
    clear(result);
    if (f.status === 'done' && f.result) append(result, resultSections(f.result, name));
  };
  if (frontier.status !== 'running') {
    await followAnalysis(progress, frontier, signal);
    draw(frontier);
    return;
  }
  // Running: the page is ready with its progress; the result is drawn when the last solve is in.
  void followAnalysis(progress, frontier, signal).then((f) => f && draw(f));
}

type Result = NonNullable<Frontier['result']>;

function resultSections(result: Result, name: string): HTMLElement[] {
  const chartBox = h('div', {
    class: 'chart frontier',
    id: 'frontier-chart',
    role: 'img',
    'aria-label': `Total cost against the limit on the untrusted share, ${result.points.length} points, ${result.knees.length} knees`,
  });
  queueMicrotask(() => mountChart(chartBox, 'frontier', frontierOption(result.points, result.knees, `What independence costs: ${name}`)));
  const optimal = result.points.filter((p) => p.status === 'optimal').length;
  return [
    h(
      'section',
      { id: 'curve', 'aria-labelledby': 'curve-h' },
      h('h2', { id: 'curve-h' }, 'The cost curve', h('span', { class: 'unit' }, ' · total discounted cost, USD bn, against the limit, %')),
      result.monotone
        ? null
        : h('p', { class: 'warn' }, 'The cost falls somewhere as the limit tightens: a member was not solved to optimality (see the status column).'),
      optimal < result.points.length
        ? h(
            'p',
            { class: 'warn' },
            `${result.points.length - optimal} of ${result.points.length} points were not solved to an optimum; they have no cost on the curve.`,
          )
        : null,
      h(
        'figure',
        { class: 'figure' },
        chartBox,
        h(
          'figcaption',
          { class: 'caption muted' },
          `Swept: ${result.targets.join(', ')}. Hover a point for its exact cost and the cost per point of the step to it.`,
        ),
      ),
    ),
    kneesSection(result),
    pointsSection(result),
  ];
}

const builds = (list: FrontierPoint['buildsEntering'], sign: '+' | '−') =>
  list.length
    ? h(
        'ul',
        { class: 'compact' },
        list.map((b) =>
          h(
            'li',
            {},
            `${b.plant} (${b.country}, ${b.stage}) ${sign}`,
            num(b.capacityTpa, formatNumber(Math.abs(b.capacityTpa), 't/yr'), exact(b.capacityTpa, 't/yr')),
          ),
        ),
      )
    : '—';

/**
 * What the step runs into: the limits binding here but not at the looser point (the first few,
 * largest marginal value first); every limit binding at the point on hover.
 */
function bindingList(newly: readonly string[], all: readonly string[]): HTMLElement | string {
  const title = all.length ? `Binding at this point (largest marginal value first):\n${all.join('\n')}` : 'No other limit binds at this point';
  if (!newly.length) return h('small', { class: 'binding muted', title }, all.length ? 'nothing new' : '—');
  const shown = 3;
  return h(
    'small',
    { class: 'binding', title },
    newly.slice(0, shown).join(', '),
    newly.length > shown ? h('span', { class: 'muted' }, ` and ${newly.length - shown} more`) : null,
  );
}

function kneesSection(result: Result): HTMLElement {
  const section = h('section', { id: 'knees', 'aria-labelledby': 'knees-h' }, h('h2', { id: 'knees-h' }, 'Knees'));
  if (!result.knees.length) {
    section.append(h('p', { class: 'empty' }, 'No knee: no step costs twice as much per point as the step before it.'));
    return section;
  }
  section.append(
    h(
      'ul',
      { class: 'knees' },
      result.knees.map((k) =>
        h(
          'li',
          { 'data-knee': String(k.limit) },
          h('strong', {}, `At ${pct(k.limit)} %`),
          ': a point of independence costs ',
          usd(k.slopeBeforeUsdPerPoint),
          ' before and ',
          usd(k.slopeAfterUsdPerPoint),
          ` after (${k.slopeBeforeUsdPerPoint > 0 ? `× ${formatNumber(k.slopeAfterUsdPerPoint / k.slopeBeforeUsdPerPoint)}` : 'from nothing'}).`,
          k.bindingBefore.length ? h('br') : null,
          k.bindingBefore.length ? `Binding before: ${k.bindingBefore.join(', ')}.` : null,
          k.bindingAfter.length ? h('br') : null,
          k.bindingAfter.length ? `Binding after: ${k.bindingAfter.join(', ')}.` : null,
          k.buildsEntering.length ? h('br') : null,
          k.buildsEntering.length
            ? `Entering after it: ${k.buildsEntering.map((b) => `${b.plant} (${b.country}, ${b.stage}, +${formatNumber(b.capacityTpa, 't/yr')})`).join(', ')}.`
            : null,
        ),
      ),
    ),
  );
  return section;
}

function pointsSection(result: Result): HTMLElement {
  return h(
    'section',
    { id: 'points', 'aria-labelledby': 'points-h' },
    h(
      'h2',
      { id: 'points-h' },
      'The points',
      h('span', { class: 'unit' }, ' · loosest first; cost per point is USD per percentage point on the step from the previous point'),
    ),
    table(
      [
        'Limit',
        'Status',
        'Total cost',
        'Cost per point',
        'Targets at the limit',
        'Builds entering',
        'Builds leaving',
        'Binding here, not at the looser point',
        'Portfolio',
      ],
      result.points.map((p, i) => [
        num(p.limit, `${pct(p.limit)} %`, exact(p.limit * 100, '%'), { 'data-cell': `limit:${i}` }),
        h('span', { class: `status status-${p.status}` }, p.status),
        usd(p.totalCostUsd, `cost:${i}`),
        usd(p.costPerPointUsd, `per-point:${i}`),
        h(
          'span',
          {},
          p.bindingTargets.length ? p.bindingTargets.map((b) => `${b.target} (${yearRanges(b.years)})`).join('; ') : '—',
          p.shortfallT > 0 ? h('br') : null,
          p.shortfallT > 0 ? h('small', {}, 'above the limit: ', num(p.shortfallT, formatTonnes(p.shortfallT), exact(p.shortfallT, 't'))) : null,
        ),
        builds(p.buildsEntering, '+'),
        builds(p.buildsLeaving, '−'),
        bindingList(p.newlyBinding, p.bindingLimits),
        p.portfolioId ? h('a', { href: `#/portfolios/${p.portfolioId}`, 'data-portfolio': p.portfolioId }, 'open') : '—',
      ]),
      { class: 'frontier-points' },
    ),
  );
}
