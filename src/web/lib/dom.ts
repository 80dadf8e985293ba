/**
 * A few lines instead of a framework: `h()` builds elements, `num()` shows a rounded number that
 * keeps its exact value (in `data-value` for scripts, in `title` for the reader's hover).
 */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'number' ? String(child) : child);
  }
}

/** A rounded number with its exact value on hover and in `data-value`. */
export function num(value: number | null | undefined, rounded: string, exactText: string, attrs: Attrs = {}): HTMLSpanElement {
  return h('span', { class: 'num', 'data-value': value === null || value === undefined ? '' : String(value), title: exactText, ...attrs }, rounded);
}

/** A table from a header and rows; cells may be nodes or text. */
export function table(head: Child[], rows: Child[][], attrs: Attrs = {}): HTMLTableElement {
  return h(
    'table',
    attrs,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        head.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  );
}

export function clear(el: Element): void {
  while (el.firstChild) el.firstChild.remove();
}

/** An error box for a failed request, with the problem's detail and field errors when it has them. */
export function errorBox(error: unknown): HTMLElement {
  const e = error as { message?: string; problem?: { detail?: string; errors?: Array<{ path: string; message: string }> } | null };
  const detail = e.problem?.detail ?? e.message ?? String(error);
  return h(
    'div',
    { class: 'error', role: 'alert' },
    detail,
    e.problem?.errors?.length
      ? h(
          'ul',
          {},
          e.problem.errors.map((f) => h('li', {}, h('code', {}, f.path), ': ', f.message)),
        )
      : null,
  );
}
