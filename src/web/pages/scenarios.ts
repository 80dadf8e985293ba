/**
 * Scenarios: the stored scenarios and their portfolios, a form to upload or paste a scenario file
 * (each validation error of the service shown at its field), and solves with live progress (the
 * job's phases) and a cancel button.
 */
import type { PageContext } from '../lib/page.js';
import { api, ApiError } from '../lib/api.js';
import { append, clear, errorBox, h, num, table } from '../lib/dom.js';
import { exact, formatUsd } from '../lib/format.js';
import { fieldForError, parseFieldInput, scenarioFields, setAtPath, type ScenarioField } from '../lib/scenario-fields.js';
import type { Job, JobPhase, PortfolioPage, PortfolioRecord, ScenarioPage, ScenarioRecord } from '../lib/types.js';

const PHASES: JobPhase[] = ['queued', 'formulating', 'solving', 'baseline', 'reporting', 'finished'];
const PHASE_WORDS: Record<JobPhase, string> = {
  queued: 'Waiting for a solver',
  formulating: 'Building the model',
  solving: 'Solving',
  baseline: 'Solving the no-new-builds baseline',
  reporting: 'Writing the report',
  finished: 'Finished',
};
const POLL_MS = 400;

export async function render(ctx: PageContext): Promise<void> {
  const { root, signal } = ctx;
  const scenarioList = h('div', { id: 'scenario-list' });
  const portfolioList = h('div', { id: 'portfolio-list' });
  const jobs = h('div', { id: 'jobs', 'aria-live': 'polite' });
  const skipBaseline = h('input', { type: 'checkbox', id: 'skip-baseline' });

  root.append(
    h('h1', {}, 'Scenarios'),
    h(
      'p',
      { class: 'lede' },
      'Store a scenario, solve it, and open its portfolio: where the material flows, how the dependency falls, what gets built and what it costs.',
    ),
    h(
      'section',
      { 'aria-labelledby': 'stored-h' },
      h('h2', { id: 'stored-h' }, 'Stored scenarios'),
      h('p', { class: 'no-print options' }, h('label', {}, skipBaseline, ' Skip the no-new-builds baseline when solving (faster; no baseline shares)')),
      scenarioList,
      jobs,
    ),
    uploadSection({ stored: () => loadScenarios(), solve: (id, name) => solve(id, name) }),
    h('section', { 'aria-labelledby': 'portfolios-h' }, h('h2', { id: 'portfolios-h' }, 'Portfolios'), portfolioList),
  );

  async function loadScenarios(): Promise<void> {
    const page = await api.get<ScenarioPage>('/scenarios?limit=100', signal);
    clear(scenarioList);
    if (!page.items.length) {
      scenarioList.append(h('p', { class: 'empty' }, 'No scenarios stored yet: add one below.'));
      return;
    }
    scenarioList.append(
      table(
        ['Scenario', 'Dataset', 'Stored', 'Id', ''],
        page.items.map((s) => [
          s.name,
          s.datasetId,
          new Date(s.createdAt).toLocaleString('en-GB'),
          h('code', { title: s.id }, s.id.slice(0, 12)),
          h(
            'span',
            { class: 'actions no-print' },
            h('button', { type: 'button', 'data-solve': s.id, onclick: () => void solve(s.id, s.name) }, 'Solve'),
            ' ',
            h('a', { href: `#/frontiers?scenario=${s.id}`, title: 'What each point of independence costs' }, 'Frontier'),
            ' ',
            h('a', { href: `/scenarios/${s.id}`, target: '_blank' }, 'JSON'),
          ),
        ]),
        { class: 'scenarios' },
      ),
      page.total > page.items.length ? h('p', { class: 'muted' }, `The newest ${page.items.length} of ${page.total}.`) : '',
    );
  }

  async function loadPortfolios(): Promise<void> {
    const page = await api.get<PortfolioPage>('/portfolios?limit=100', signal);
    clear(portfolioList);
    if (!page.items.length) {
      portfolioList.append(h('p', { class: 'empty' }, 'No portfolios yet: solve a scenario.'));
      return;
    }
    portfolioList.append(portfolioPicker(page.items));
  }

  async function solve(id: string, name: string): Promise<void> {
    const panel = h('div', { class: 'job', 'data-scenario': id });
    jobs.prepend(panel);
    const say = (...children: Array<Node | string>) => {
      clear(panel);
      append(panel, [h('h3', {}, `Solving “${name}”`), ...children]);
    };
    say('Submitting…');
    let job: Job;
    try {
      const answer = await api.post<Job | PortfolioRecord>(`/scenarios/${id}/solve`, skipBaseline.checked ? { skipBaseline: true } : {});
      if (answer.status === 200) {
        const p = answer.body as PortfolioRecord;
        say(h('p', {}, 'Solved. ', h('a', { href: `#/portfolios/${p.id}`, 'data-portfolio': p.id }, 'Open the portfolio')));
        void loadPortfolios();
        return;
      }
      job = answer.body as Job;
    } catch (error) {
      say(errorBox(error));
      return;
    }
    const started = Date.now();
    const cancel = h('button', { type: 'button', class: 'cancel' }, 'Cancel');
    cancel.addEventListener('click', async () => {
      cancel.disabled = true;
      try {
        job = await api.delete<Job>(`/jobs/${job.id}`);
      } catch (error) {
        // A job that finished meanwhile answers 409; the next poll shows how it ended.
        if (!(error instanceof ApiError && error.status === 409)) panel.append(errorBox(error));
      }
    });
    for (;;) {
      if (signal.aborted) return;
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const steps = h(
        'ol',
        { class: 'phases' },
        PHASES.filter((p) => p !== 'baseline' || !job.options.skipBaseline).map((p) => {
          const index = PHASES.indexOf(p);
          const now = PHASES.indexOf(job.progress.phase);
          return h(
            'li',
            { class: index < now ? 'done' : index === now ? 'current' : 'todo', ...(index === now ? { 'aria-current': 'step' } : {}) },
            PHASE_WORDS[p],
          );
        }),
      );
      const bar = h('progress', { max: 1, value: job.progress.fraction, 'aria-label': 'progress' });
      const status = h(
        'p',
        { class: 'job-status', 'data-job': job.id, 'data-status': job.status },
        `${job.status} · ${PHASE_WORDS[job.progress.phase]} · ${seconds} s`,
      );
      if (job.status === 'done') {
        say(status, h('p', {}, h('a', { href: `#/portfolios/${job.portfolioId}`, 'data-portfolio': job.portfolioId ?? '' }, 'Open the portfolio')));
        void loadPortfolios();
        return;
      }
      if (job.status === 'failed' || job.status === 'cancelled') {
        say(status, h('p', { class: job.status === 'failed' ? 'error' : 'muted' }, job.error ? `${job.error.code}: ${job.error.message}` : job.status));
        return;
      }
      say(status, bar, steps, cancel);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      if (signal.aborted) return;
      try {
        job = await api.get<Job>(`/jobs/${job.id}`, signal);
      } catch (error) {
        if (signal.aborted) return;
        say(errorBox(error));
        return;
      }
    }
  }

  await Promise.all([loadScenarios(), loadPortfolios()]);
}

/** Portfolios with checkboxes: open one, or compare those ticked. */
export function portfolioPicker(items: PortfolioPage['items'], preselected: readonly string[] = []): HTMLElement {
  const compare = h('a', { class: 'button', href: '#/compare', 'aria-disabled': 'true', id: 'compare-selected' }, 'Compare the selected portfolios');
  const boxes: HTMLInputElement[] = [];
  const update = () => {
    const ids = boxes.filter((b) => b.checked).map((b) => b.value);
    compare.href = `#/compare?ids=${ids.join(',')}`;
    compare.setAttribute('aria-disabled', String(ids.length < 2));
    compare.textContent = ids.length < 2 ? 'Tick two or more to compare' : `Compare the ${ids.length} selected portfolios`;
  };
  const rows = items.map((p) => {
    const box = h('input', { type: 'checkbox', value: p.id, 'aria-label': `select ${p.scenarioName}`, onchange: update });
    box.checked = preselected.includes(p.id);
    boxes.push(box);
    return [
      box,
      h('a', { href: `#/portfolios/${p.id}`, 'data-portfolio': p.id }, p.scenarioName),
      h('span', { class: `status status-${p.status}` }, p.status),
      num(p.totalCostUsd, formatUsd(p.totalCostUsd), exact(p.totalCostUsd, 'USD')),
      new Date(p.createdAt).toLocaleString('en-GB'),
      h('code', { title: p.id }, p.id.slice(0, 8)),
    ];
  });
  update();
  return h(
    'div',
    { class: 'picker' },
    table(['', 'Scenario', 'Status', 'Total cost (discounted)', 'Solved', 'Id'], rows, { class: 'portfolios' }),
    h('p', { class: 'no-print' }, compare),
  );
}

/** Upload or paste a scenario; store it (and solve it); show each validation error at its field. */
function uploadSection(actions: { stored(): Promise<void>; solve(id: string, name: string): Promise<void> }): HTMLElement {
  const file = h('input', { type: 'file', id: 'scenario-file', accept: '.json,application/json' });
  const text = h('textarea', {
    id: 'scenario-json',
    rows: 14,
    spellcheck: 'false',
    'aria-describedby': 'scenario-json-error',
    placeholder: '{ "name": "…", "horizon": { "startYear": 2026, "endYear": 2035 }, … }',
  });
  const textError = h('p', { id: 'scenario-json-error', class: 'field-error', role: 'alert', hidden: true });
  const summary = h('div', { id: 'scenario-problems', 'aria-live': 'polite' });
  const fieldsBox = h('div', { id: 'scenario-fields', class: 'fields' });
  const result = h('div', { id: 'scenario-result', 'aria-live': 'polite' });
  const store = h('button', { type: 'submit', id: 'store-scenario' }, 'Check and store');

  let documentValue: unknown = null;

  const showTextError = (message: string | null) => {
    textError.hidden = !message;
    textError.textContent = message ?? '';
    text.setAttribute('aria-invalid', String(Boolean(message)));
  };

  const parse = (): boolean => {
    clear(summary);
    if (!text.value.trim()) {
      documentValue = null;
      clear(fieldsBox);
      showTextError(null);
      return false;
    }
    try {
      documentValue = JSON.parse(text.value);
      showTextError(null);
      renderFields([]);
      return true;
    } catch (error) {
      documentValue = null;
      clear(fieldsBox);
      showTextError(`Not valid JSON: ${(error as Error).message}`);
      return false;
    }
  };

  const renderFields = (errors: Array<{ path: string; message: string }>) => {
    clear(fieldsBox);
    const fields = scenarioFields(
      documentValue,
      errors.map((e) => e.path),
    );
    const messages = new Map<string, string[]>();
    const rootErrors: string[] = [];
    for (const e of errors) {
      const field = fieldForError(fields, e.path);
      if (!field) {
        rootErrors.push(e.message);
        continue;
      }
      const note = field.path === e.path ? e.message : `${e.path.slice(field.path.length).replace(/^\./, '')}: ${e.message}`;
      messages.set(field.path, [...(messages.get(field.path) ?? []), note]);
    }
    showTextError(rootErrors.length ? rootErrors.join('; ') : null);
    fieldsBox.append(
      h('h3', {}, 'Scenario fields'),
      h('p', { class: 'muted' }, 'Edit a value here or in the JSON above; each problem the service finds is shown at its field.'),
      ...fields.map((f) => fieldRow(f, messages.get(f.path) ?? [])),
    );
  };

  const fieldRow = (f: ScenarioField, errors: string[]): HTMLElement => {
    const id = `field-${f.path.replace(/[^A-Za-z0-9_-]/g, '_')}`;
    const errorId = `${id}-error`;
    const invalid = errors.length > 0;
    const errorNode = invalid ? h('p', { class: 'field-error', id: errorId }, errors.join('; ')) : null;
    const attrs = { 'data-path': f.path, class: `field${invalid ? ' invalid' : ''}${f.missing ? ' missing' : ''}`, style: `--depth:${Math.min(f.depth, 8)}` };
    if (f.kind === 'object' || f.kind === 'array') {
      return h('div', attrs, h('span', { class: 'field-group', id }, f.key, f.kind === 'array' ? ' [ ]' : ''), errorNode);
    }
    if (f.missing) return h('div', attrs, h('span', { class: 'field-label', id }, f.key, ' (missing)'), errorNode);
    const input =
      f.kind === 'boolean'
        ? h('input', { type: 'checkbox', id, 'aria-invalid': String(invalid), 'aria-describedby': invalid ? errorId : null })
        : h('input', {
            type: 'text',
            id,
            value: f.value === null ? 'null' : String(f.value),
            'aria-invalid': String(invalid),
            'aria-describedby': invalid ? errorId : null,
          });
    if (f.kind === 'boolean') input.checked = f.value === true;
    input.addEventListener('change', () => {
      const value = f.kind === 'boolean' ? input.checked : parseFieldInput(input.value, f.kind);
      documentValue = setAtPath(documentValue, f.path, value);
      text.value = JSON.stringify(documentValue, null, 2);
    });
    return h('div', attrs, h('label', { for: id, class: 'field-label' }, f.key), input, errorNode);
  };

  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (!chosen) return;
    text.value = await chosen.text();
    parse();
  });
  // While typing, only the fields below the buttons follow the text: messages above them stay
  // until the next submit, so the buttons do not move under the reader's pointer.
  text.addEventListener('change', () => {
    try {
      documentValue = JSON.parse(text.value);
      renderFields([]);
    } catch {
      // Reported at the text box when the scenario is submitted.
    }
  });

  const submit = async (andSolve: boolean) => {
    clear(result);
    if (!parse()) {
      if (!text.value.trim()) showTextError('Paste a scenario or choose a file first.');
      return;
    }
    store.disabled = true;
    try {
      const answer = await api.post<ScenarioRecord>('/scenarios', text.value);
      const record = answer.body;
      renderFields([]);
      result.append(
        h(
          'p',
          { class: 'ok', 'data-scenario': record.id },
          answer.status === 201 ? 'Stored: ' : 'Already stored (same content): ',
          h('strong', {}, record.name),
          ' ',
          h('code', {}, record.id.slice(0, 12)),
        ),
      );
      await actions.stored();
      if (andSolve) void actions.solve(record.id, record.name);
    } catch (error) {
      if (error instanceof ApiError && error.problem?.errors?.length) {
        const errors = error.problem.errors;
        renderFields(errors);
        summary.append(
          h(
            'div',
            { class: 'error', role: 'alert' },
            h('p', {}, `${error.problem.title}: ${errors.length} problem${errors.length === 1 ? '' : 's'} with this scenario.`),
            h(
              'ul',
              {},
              errors.map((e) =>
                h('li', {}, h('a', { href: '#', 'data-goto': e.path, onclick: (ev: Event) => goto(ev, e.path) }, h('code', {}, e.path)), ': ', e.message),
              ),
            ),
          ),
        );
      } else {
        summary.append(errorBox(error));
      }
    } finally {
      store.disabled = false;
    }
  };

  const goto = (event: Event, path: string) => {
    event.preventDefault();
    const row = fieldsBox.querySelector<HTMLElement>(`[data-path="${CSS.escape(path)}"]`) ?? text;
    row.scrollIntoView({ block: 'center' });
    (row.querySelector('input') ?? row).focus?.();
  };

  const form = h(
    'form',
    { id: 'scenario-form', novalidate: true },
    h('p', {}, h('label', { for: 'scenario-file' }, 'Scenario file (JSON): '), file),
    h('p', {}, h('label', { for: 'scenario-json' }, 'or paste it here:')),
    text,
    textError,
    summary,
    h('p', { class: 'no-print' }, store, ' ', h('button', { type: 'button', id: 'store-and-solve', onclick: () => void submit(true) }, 'Store and solve')),
    result,
    fieldsBox,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void submit(false);
  });
  return h(
    'section',
    { 'aria-labelledby': 'add-h', class: 'no-print' },
    h('h2', { id: 'add-h' }, 'Add a scenario'),
    h('p', { class: 'muted' }, 'Scenario files are described in models/README.md; the shipped ones are in models/scenarios/.'),
    form,
  );
}
