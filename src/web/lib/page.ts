/** What the router (src/web/main.ts) hands each page's `render`: pages import it from here, not from the router. */
export interface PageContext {
  root: HTMLElement;
  /** Captures of the route's pattern (e.g. the portfolio id). */
  params: string[];
  query: URLSearchParams;
  /** Aborted when the reader leaves the page (stops polling and pending requests). */
  signal: AbortSignal;
  /** Updates the hash's query without rendering the page again (e.g. the selected year). */
  replaceQuery(query: URLSearchParams): void;
}
