/**
 * What the analysis pages share: an analysis of issue 14 is a resource (`POST /frontiers` answers
 * 202 with it, `GET /frontiers/{id}` reads it, `DELETE` cancels it and its member solves). This
 * module polls one until it finishes, drawing its progress (member solves finished of planned,
 * each member's status) with a cancel button, and remembers the analyses started from this
 * browser (the API has no list of them).
 */
import { api, ApiError } from './api.js';
import { append, clear, errorBox, h } from './dom.js';

export interface AnalysisMember {
  label: string;
  jobId: string;
  status: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  portfolioId: string | null;
}

/** The fields every kind of analysis resource has. */
export interface AnalysisResource {
  id: string;
  kind: string;
  status: 'running' | 'done' | 'failed' | 'cancelled';
  progress: { solvesPlanned: number; solvesSubmitted: number; solvesFinished: number; fraction: number };
  members: AnalysisMember[];
  error: { code: string; message: string } | null;
  createdAt: string;
  finishedAt: string | null;
  links: { self: string; markdown: string };
}

const POLL_MS = 500;

/**
 * Shows `analysis` in `panel` and polls it until it is no longer running; resolves with the
 * finished resource (or null when the reader left the page). `describe` names a member for the list.
 */
export async function followAnalysis<A extends AnalysisResource>(
  panel: HTMLElement,
  first: A,
  signal: AbortSignal,
  describe: (m: AnalysisMember) => string = (m) => m.label,
): Promise<A | null> {
  let analysis = first;
  const started = Date.now();
  const cancel = h('button', { type: 'button', class: 'cancel', id: 'cancel-analysis' }, 'Cancel');
  cancel.addEventListener('click', async () => {
    cancel.disabled = true;
    try {
      analysis = await api.delete<A>(analysis.links.self);
      draw();
    } catch (error) {
      // An analysis that finished meanwhile answers 409; the next poll shows how it ended.
      if (!(error instanceof ApiError && error.status === 409)) panel.append(errorBox(error));
    }
  });
  const draw = () => {
    clear(panel);
    const p = analysis.progress;
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    append(panel, [
      h(
        'p',
        { class: 'job-status', id: 'analysis-status', 'data-analysis': analysis.id, 'data-status': analysis.status },
        analysis.status === 'running' || p.solvesFinished >= p.solvesPlanned
          ? `${analysis.status} · ${p.solvesFinished} of ${p.solvesPlanned} solves finished`
          : `${analysis.status} · ${p.solvesFinished} solves (${p.solvesPlanned} was the most it could have needed)`,
        analysis.status === 'running' ? ` · ${seconds} s` : '',
      ),
      analysis.status === 'running' ? h('progress', { max: 1, value: p.fraction, 'aria-label': 'progress' }) : null,
      analysis.error && analysis.status !== 'done'
        ? h('p', { class: analysis.status === 'failed' ? 'error' : 'muted' }, `${analysis.error.code}: ${analysis.error.message}`)
        : null,
      analysis.members.length
        ? h(
            analysis.status === 'running' ? 'div' : 'details',
            { class: 'members-box' },
            analysis.status === 'running' ? null : h('summary', {}, `The ${analysis.members.length} member solves`),
            h(
              'ol',
              { class: 'members' },
              analysis.members.map((m) =>
                h(
                  'li',
                  { class: `member member-${m.status}`, 'data-member': m.jobId, 'data-status': m.status },
                  m.portfolioId ? h('a', { href: `#/portfolios/${m.portfolioId}` }, describe(m)) : describe(m),
                  ` · ${m.status}`,
                ),
              ),
            ),
          )
        : null,
      analysis.status === 'running' ? h('p', { class: 'no-print' }, cancel) : null,
    ]);
  };
  for (;;) {
    if (signal.aborted) return null;
    draw();
    if (analysis.status !== 'running') return analysis;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    if (signal.aborted) return null;
    try {
      analysis = await api.get<A>(analysis.links.self, signal);
    } catch (error) {
      if (signal.aborted) return null;
      panel.append(errorBox(error));
      return null;
    }
  }
}

/** Analyses started from this browser, newest first (the API lists none). */
export interface RememberedAnalysis {
  id: string;
  kind: string;
  title: string;
  createdAt: string;
}

const STORAGE_KEY = 'planner.analyses';

export function rememberedAnalyses(kind: string): RememberedAnalysis[] {
  try {
    const all = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as RememberedAnalysis[];
    return Array.isArray(all) ? all.filter((a) => a.kind === kind) : [];
  } catch {
    return [];
  }
}

export function rememberAnalysis(entry: RememberedAnalysis): void {
  try {
    const all = (JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '[]') as RememberedAnalysis[]).filter((a) => a.id !== entry.id);
    localStorage.setItem(STORAGE_KEY, JSON.stringify([entry, ...all].slice(0, 50)));
  } catch {
    // Storage off (private window): the list is a convenience.
  }
}

/**
 * Shows a refused request above a form (`problems`) and each failing field's message right after
 * the form control whose `data-path` is the field (`fieldOf` maps an error's JSON path to it; by
 * default its leading name). `withPath` prefixes the message with the full path when it is deeper
 * than the field.
 */
export function showFieldProblems(
  root: HTMLElement,
  problems: HTMLElement,
  error: unknown,
  fieldOf: (path: string) => string = (path) => /^[A-Za-z]+/.exec(path)?.[0] ?? path,
  withPath = true,
): void {
  clear(problems);
  for (const el of root.querySelectorAll('[aria-invalid="true"]')) el.setAttribute('aria-invalid', 'false');
  for (const el of root.querySelectorAll('.field-error')) el.remove();
  problems.append(errorBox(error));
  if (!(error instanceof ApiError)) return;
  for (const e of error.problem?.errors ?? []) {
    const key = fieldOf(e.path);
    const field = root.querySelector<HTMLElement>(`form [data-path="${CSS.escape(key)}"]`);
    if (!field) continue;
    field.setAttribute('aria-invalid', 'true');
    field.insertAdjacentElement(
      'afterend',
      h('p', { class: 'field-error', 'data-error-for': e.path }, `${withPath && e.path !== key ? `${e.path}: ` : ''}${e.message}`),
    );
  }
}
