/**
 * The planner's view: a hash router over pages. A page is a module with `render(ctx)`; adding a view
 * (the frontier, the stress test) is a new file in `pages/` and one line in `ROUTES`. Hash routes
 * (`#/portfolios/{id}`) keep the pages apart from the API's own paths on the same origin.
 *
 * `body[data-page]` names the page shown and `body[data-state]` is `loading`, `ready` or `error`,
 * so the browser tests and the render benchmark wait for a condition instead of a delay.
 */
import { disposeCharts, painted } from './lib/charts.js';
import { clear, errorBox, h } from './lib/dom.js';
import type { PageContext } from './lib/page.js';
import * as scenarios from './pages/scenarios.js';
import * as portfolio from './pages/portfolio.js';
import * as comparison from './pages/comparison.js';
import * as frontier from './pages/frontier.js';
import * as stressTest from './pages/stress-test.js';
import * as alternatives from './pages/alternatives.js';

interface Route {
  name: string;
  /** The navigation entry to mark (default: the name). */
  nav?: string;
  pattern: RegExp;
  title: string;
  render(ctx: PageContext): Promise<void>;
}

const ROUTES: Route[] = [
  { name: 'scenarios', pattern: /^\/(?:scenarios)?$/, title: 'Scenarios', render: scenarios.render },
  { name: 'portfolio', pattern: /^\/portfolios\/([0-9a-fA-F-]{36})$/, title: 'Portfolio', render: portfolio.render },
  { name: 'comparison', pattern: /^\/compare$/, title: 'Comparison', render: comparison.render },
  { name: 'frontiers', nav: 'frontier', pattern: /^\/frontiers$/, title: 'Frontier', render: frontier.renderStart },
  { name: 'frontier', pattern: /^\/frontiers\/([0-9a-fA-F-]{36})$/, title: 'Frontier', render: frontier.renderOne },
  { name: 'stress-tests', nav: 'stress-test', pattern: /^\/stress-tests$/, title: 'Stress test', render: stressTest.renderStart },
  { name: 'stress-test', pattern: /^\/stress-tests\/([0-9a-fA-F-]{36})$/, title: 'Stress test', render: stressTest.renderOne },
  { name: 'alternatives-start', nav: 'alternatives', pattern: /^\/alternatives$/, title: 'Alternatives', render: alternatives.renderStart },
  { name: 'alternatives', pattern: /^\/alternatives\/([0-9a-fA-F-]{36})$/, title: 'Alternatives', render: alternatives.renderOne },
];

const root = document.getElementById('page') as HTMLElement;
let current: AbortController | null = null;

async function show(): Promise<void> {
  current?.abort();
  const controller = new AbortController();
  current = controller;
  disposeCharts();
  clear(root);

  const hash = location.hash.replace(/^#/, '') || '/scenarios';
  const [path = '/', search = ''] = hash.split('?');
  const route = ROUTES.find((r) => r.pattern.test(path));
  document.body.dataset.state = 'loading';
  document.body.dataset.page = route?.name ?? 'not-found';
  for (const link of document.querySelectorAll<HTMLAnchorElement>('nav a[data-nav]')) {
    if (link.dataset.nav === (route?.nav ?? route?.name)) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (!route) {
    document.title = 'Not found · Allied midstream planner';
    root.append(h('h1', {}, 'No such page'), h('p', {}, 'Start from ', h('a', { href: '#/scenarios' }, 'the scenarios'), '.'));
    document.body.dataset.state = 'ready';
    return;
  }
  document.title = `${route.title} · Allied midstream planner`;
  const params = route.pattern.exec(path)!.slice(1);
  const ctx: PageContext = {
    root,
    params,
    query: new URLSearchParams(search),
    signal: controller.signal,
    replaceQuery(query) {
      const text = query.toString();
      history.replaceState(null, '', `#${path}${text ? `?${text}` : ''}`);
    },
  };
  try {
    await route.render(ctx);
    if (controller.signal.aborted) return;
    await painted();
    if (controller.signal.aborted) return;
    document.body.dataset.state = 'ready';
    performance.mark(`${route.name}-rendered`);
  } catch (error) {
    if (controller.signal.aborted) return;
    console.error(error);
    root.append(errorBox(error));
    document.body.dataset.state = 'error';
  }
}

window.addEventListener('hashchange', () => void show());
void show();
