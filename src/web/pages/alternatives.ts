/**
 * Near-optimal alternatives: how much room there is near the least cost. `#/alternatives` starts
 * one for a stored scenario (cost slacks in %, the quantities to range — a bloc's share of a
 * stage's new capacity, new capacity, public spending — and the senses) and lists those started
 * from this browser; `#/alternatives/{id}` follows it (member solves, cancel) and, once done, shows
 * the table of ranges: for each quantity and slack, its value at the optimum and the least and most
 * it can be in a plan costing at most (1 + slack) × the least cost, each extreme with its cost and
 * its portfolio. The API's `POST/GET/DELETE /alternatives` (models/analyses.md).
 */
import type { PageContext } from '../lib/page.js';
import { api } from '../lib/api.js';
import { followAnalysis, rememberAnalysis, rememberedAnalyses, showFieldProblems } from '../lib/analysis.js';
import { append, clear, errorBox, h, num, table } from '../lib/dom.js';
import { exact, formatNumber, formatShare, formatUsd } from '../lib/format.js';
import type { Alternatives, AlternativeQuantity, ScenarioPage, ScenarioRecord } from '../lib/types.js';

type Result = NonNullable<Alternatives['result']>;
type Extreme = NonNullable<Result['ranges'][number]['min']>;

const pct = (share: number) => `${(Math.round(share * 1e6) / 1e4).toLocaleString('en-US')}`;
const quantityId = (q: AlternativeQuantity, i: number) => q.id ?? `q${i}`;

/** A quantity's value for reading, in its unit: a share in %, capacity in t/yr, money in USD. */
function valueText(q: AlternativeQuantity | undefined, v: number | null | undefined): { text: string; exactText: string } {
  if (v === null || v === undefined) return { text: '—', exactText: 'no value (nothing built in the stage)' };
  if (q?.kind === 'capacity_share') return { text: formatShare(v), exactText: exact(v * 100, '%') };
  if (q?.kind === 'public_spending') return { text: formatUsd(v), exactText: exact(v, 'USD') };
  return { text: formatNumber(v, 't/yr'), exactText: exact(v, 't/yr') };
}

function describe(q: AlternativeQuantity): string {
  if (q.kind === 'capacity_share') return `share of new ${q.stage} capacity built in ${q.countries.join(', ')}`;
  if (q.kind === 'new_capacity')
    return `new ${q.stages?.length ? q.stages.join(' and ') : ''} capacity${q.countries?.length ? ` in ${q.countries.join(', ')}` : ''}, t/yr`.replace(
      'new  capacity',
      'new capacity',
    );
  return `public money spent${q.funders?.length ? ` by ${q.funders.join(', ')}` : ''}, USD`;
}

// ---------------------------------------------------------------------------------------------
// Start one
// ---------------------------------------------------------------------------------------------

export async function renderStart(ctx: PageContext): Promise<void> {
  const { root, signal } = ctx;
  const scenarios = await api.get<ScenarioPage>('/scenarios?limit=100', signal);
  if (signal.aborted) return;
  root.append(
    h('h1', {}, 'Near-optimal alternatives'),
    h(
      'p',
      { class: 'lede' },
      'How much room is there near the least cost? For each quantity, the least and the most it can be in a plan that costs at most a few per cent more than the cheapest: where the answer is a wide range, the choice is political, not economic.',
    ),
  );
  const remembered = rememberedAnalyses('alternatives');
  if (remembered.length) {
    root.append(
      h(
        'section',
        { 'aria-labelledby': 'started-h' },
        h('h2', { id: 'started-h' }, 'Alternatives started from this browser'),
        h(
          'ul',
          { class: 'remembered' },
          remembered.map((a) => h('li', {}, h('a', { href: `#/alternatives/${a.id}` }, a.title), ` · ${new Date(a.createdAt).toLocaleString('en-GB')}`)),
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
    { id: 'alt-scenario', 'data-path': 'scenarioId' },
    scenarios.items.map((s) => h('option', { value: s.id }, `${s.name} (${s.id.slice(0, 8)})`)),
  );
  const wanted = ctx.query.get('scenario');
  if (wanted && scenarios.items.some((s) => s.id === wanted)) select.value = wanted;
  const slacks = h('input', { type: 'text', id: 'alt-slacks', value: '2, 5, 10', 'data-path': 'slacks' });
  const quantities = h('textarea', { id: 'alt-quantities', rows: 8, spellcheck: 'false', 'data-path': 'quantities' });
  const senseMin = h('input', { type: 'checkbox', id: 'alt-min', checked: true });
  const senseMax = h('input', { type: 'checkbox', id: 'alt-max', checked: true });
  const iterations = h('input', { type: 'number', id: 'alt-iterations', min: 1, max: 20, value: 6, 'data-path': 'maxIterations' });
  const problems = h('div', { id: 'alt-problems', 'aria-live': 'polite' });
  const start = h('button', { type: 'submit', id: 'start-alternatives' }, 'Start');

  const suggest = async () => {
    const record = await api.get<ScenarioRecord>(`/scenarios/${select.value}`, signal);
    const bloc = record.scenario.targets[0]?.bloc;
    const suggested: AlternativeQuantity[] = [
      ...(bloc ? [{ id: 'bloc_magnet_share', kind: 'capacity_share' as const, countries: [...bloc], stage: 'magnet' as const }] : []),
      { id: 'new_separation', kind: 'new_capacity', stages: ['separation'] },
      { id: 'public_money', kind: 'public_spending' },
    ];
    quantities.value = JSON.stringify(suggested, null, 2);
  };
  select.addEventListener('change', () => void suggest().catch((e: unknown) => problems.append(errorBox(e))));

  const showProblems = (error: unknown) => showFieldProblems(root, problems, error);

  const form = h(
    'form',
    { id: 'alt-form', novalidate: true },
    h('p', {}, h('label', { for: 'alt-scenario' }, 'Scenario: '), select),
    h('p', {}, h('label', { for: 'alt-slacks' }, 'Cost slacks, % above the least cost (comma-separated): '), slacks),
    h('p', {}, h('label', { for: 'alt-quantities' }, 'Quantities to range (JSON: capacity_share of countries in a stage, new_capacity, public_spending):')),
    quantities,
    h(
      'p',
      {},
      h('label', {}, senseMin, ' least'),
      ' ',
      h('label', {}, senseMax, ' most'),
      ' · ',
      h('label', { for: 'alt-iterations' }, 'at most '),
      iterations,
      ' solves per extreme of a share',
    ),
    problems,
    h('p', { class: 'no-print' }, start),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void (async () => {
      clear(problems);
      let qs: unknown;
      try {
        qs = JSON.parse(quantities.value);
      } catch (error) {
        showProblems(new Error(`The quantities are not valid JSON: ${(error as Error).message}`));
        quantities.setAttribute('aria-invalid', 'true');
        return;
      }
      start.disabled = true;
      try {
        const senses = [...(senseMin.checked ? ['min'] : []), ...(senseMax.checked ? ['max'] : [])];
        const body = {
          scenarioId: select.value,
          slacks: slacks.value
            .split(/[\s,;]+/)
            .filter(Boolean)
            .map((x) => Number(x) / 100),
          quantities: qs,
          ...(senses.length ? { senses } : {}),
          maxIterations: Number(iterations.value),
        };
        const { body: a } = await api.post<Alternatives>('/alternatives', body);
        const name = select.selectedOptions[0]?.textContent ?? select.value;
        rememberAnalysis({ id: a.id, kind: 'alternatives', title: `${name}: within ${slacks.value} %`, createdAt: a.createdAt });
        location.hash = `#/alternatives/${a.id}`;
      } catch (error) {
        showProblems(error);
      } finally {
        start.disabled = false;
      }
    })();
  });
  root.append(h('section', { 'aria-labelledby': 'new-h', class: 'no-print' }, h('h2', { id: 'new-h' }, 'Start'), form));
  await suggest();
}

// ---------------------------------------------------------------------------------------------
// Follow one, and its ranges
// ---------------------------------------------------------------------------------------------

export async function renderOne(ctx: PageContext): Promise<void> {
  const { root, signal } = ctx;
  const id = ctx.params[0]!;
  const alternatives = await api.get<Alternatives>(`/alternatives/${id}`, signal);
  const scenario = await api.get<ScenarioRecord>(`/scenarios/${alternatives.scenarioId}`, signal).catch(() => null);
  if (signal.aborted) return;
  const name = scenario?.name ?? alternatives.scenarioId.slice(0, 12);
  document.title = `Alternatives to ${name} · Allied midstream planner`;
  const progress = h('div', { id: 'analysis-progress', class: 'job', 'aria-live': 'polite' });
  const result = h('div', { id: 'alt-result' });
  const r = alternatives.request;
  root.append(
    h('p', { class: 'crumb no-print' }, h('a', { href: '#/alternatives' }, 'Alternatives'), ' › ', name),
    h('h1', {}, 'Near-optimal alternatives: ', name),
    h(
      'p',
      { class: 'lede' },
      `Plans within ${r.slacks.map((s) => `${pct(s)} %`).join(', ')} of the least cost; ${r.quantities.length} quantities, ${r.senses?.join(' and ') ?? 'min and max'}.`,
    ),
    h(
      'p',
      { class: 'links no-print' },
      h('a', { href: `/alternatives/${id}?format=markdown`, target: '_blank' }, 'alternatives (Markdown)'),
      ' · ',
      h('a', { href: `/alternatives/${id}`, target: '_blank' }, 'alternatives (JSON)'),
      ' · ',
      h('button', { type: 'button', onclick: () => window.print() }, 'Print / PDF'),
    ),
    progress,
    result,
  );
  const draw = (a: Alternatives) => {
    clear(result);
    if (a.status === 'done' && a.result) append(result, rangesSection(a.result, r.quantities));
  };
  if (alternatives.status !== 'running') {
    await followAnalysis(progress, alternatives, signal);
    draw(alternatives);
    return;
  }
  void followAnalysis(progress, alternatives, signal).then((a) => a && draw(a));
}

function rangesSection(result: Result, quantities: readonly AlternativeQuantity[]): HTMLElement[] {
  const byId = new Map(quantities.map((q, i) => [quantityId(q, i), q]));
  const value = (q: string, v: number | null | undefined, key: string) => {
    const t = valueText(byId.get(q), v);
    return num(v ?? null, t.text, t.exactText, { 'data-cell': key });
  };
  const extreme = (q: string, e: Extreme | null, key: string) =>
    e
      ? h(
          'span',
          { class: 'pair' },
          value(q, e.value, key),
          e.numerator !== null && e.denominator !== null
            ? h('small', {}, ` (${formatNumber(e.numerator, 't/yr')} of ${formatNumber(e.denominator, 't/yr')})`)
            : null,
          h('br'),
          h(
            'small',
            {},
            num(e.totalCostUsd, formatUsd(e.totalCostUsd), exact(e.totalCostUsd, 'USD')),
            ` · ${e.status}`,
            e.converged ? '' : ' · not converged',
            ` · ${e.iterations} solve${e.iterations === 1 ? '' : 's'}`,
          ),
          e.portfolioId ? [' ', h('a', { href: `#/portfolios/${e.portfolioId}`, 'data-portfolio': e.portfolioId }, 'open')] : null,
        )
      : '—';
  return [
    h(
      'section',
      { id: 'optimum', 'aria-labelledby': 'optimum-h' },
      h('h2', { id: 'optimum-h' }, 'The least-cost plan'),
      h(
        'p',
        {},
        'Total cost ',
        num(result.optimum.totalCostUsd, formatUsd(result.optimum.totalCostUsd), exact(result.optimum.totalCostUsd, 'USD'), { 'data-cell': 'optimum' }),
        result.optimum.portfolioId ? [' · ', h('a', { href: `#/portfolios/${result.optimum.portfolioId}` }, 'its portfolio')] : null,
      ),
    ),
    h(
      'section',
      { id: 'ranges', 'aria-labelledby': 'ranges-h' },
      h(
        'h2',
        { id: 'ranges-h' },
        'Ranges',
        h('span', { class: 'unit' }, ' · least and most within the cost cap; below each, its cost (discounted USD) and portfolio'),
      ),
      table(
        ['Quantity', 'Slack', 'Cost cap', 'At the optimum', 'Least', 'Most'],
        result.ranges.map((row) => {
          const q = byId.get(row.quantity);
          const key = `${row.quantity}:${row.slack}`;
          return [
            h('span', {}, h('code', {}, row.quantity), q ? h('br') : null, q ? h('small', {}, describe(q)) : null),
            `${pct(row.slack)} %`,
            num(row.maxTotalCostUsd, formatUsd(row.maxTotalCostUsd), exact(row.maxTotalCostUsd, 'USD'), { 'data-cell': `cap:${key}` }),
            value(row.quantity, row.optimumValue, `optimum:${key}`),
            extreme(row.quantity, row.min, `min:${key}`),
            extreme(row.quantity, row.max, `max:${key}`),
          ];
        }),
        { class: 'alternative-ranges' },
      ),
    ),
  ];
}
