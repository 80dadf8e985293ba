/**
 * The Sankey of one year of a portfolio: tonnes from mine to separation, metal, magnet and each
 * market, by country, with trusted and untrusted content apart. Pure (portfolio JSON in, nodes and
 * links out), so the chart, its table and the tests all read the same numbers.
 *
 * Columns: mine (countries of the feed sources) → separation → metal → magnet → market (the
 * countries that receive final products). Links, one per pair of nodes and origin:
 *
 * - `feed`: feed flows (t TREO), mine:{from} → separation:{to}, coloured by the source's origin;
 * - `ship`: ship flows of a product made at stage s, s:{from} → next(s):{to}, where next(s) is the
 *   market for final products (magnets) and the following stage otherwise;
 * - `buy`: purchases from the rival supplier, s:{rival} → next(s):{to} (always untrusted);
 * - `sell`: sales to the rest of the world, s:{from} → next(s):WORLD;
 * - `home`: what stage s made in a country and did not ship abroad or sell, s:{c} → next(s):{c}.
 *   The portfolio lists trade between countries but not use within one, so this link is derived
 *   from `production` (output by origin) less the ship and sell flows out of that country at that
 *   stage. Trusted content may leave labelled untrusted (downgraded: nothing turns untrusted
 *   content trusted), so untrusted exports beyond the untrusted output are taken from the trusted
 *   output: kept untrusted = max(0, made_u − out_u), kept trusted = made_t − out_t − max(0, out_u −
 *   made_u). It includes output nothing used (a co-product oxide no plant takes); when exports
 *   exceed output (re-exports of imports), no trusted home link is drawn and `notes` says so.
 *
 * Units change along the chain (t TREO, t oxide, t metal, t magnet); each link carries its own.
 * A node's value is the larger of what flows in and what flows out, as ECharts lays it out.
 */
import type { Flow, Origin, Production } from './types.js';

export const COLUMNS = ['mine', 'separation', 'metal', 'magnet', 'market'] as const;
export type Column = (typeof COLUMNS)[number];
export type Stage = 'separation' | 'metal' | 'magnet';

/** The `to` of sell flows: the rest of the world, a market node of its own. */
export const WORLD = 'WORLD';

/** Links below this many tonnes are left out (solver noise, not material). */
export const MIN_TONNES = 1e-6;

export const UNITS: Record<'feed' | Stage, string> = {
  feed: 't TREO',
  separation: 't oxide',
  metal: 't metal',
  magnet: 't magnet',
};

export const COLUMN_TITLES: Record<Column, string> = {
  mine: 'Mine (feed, t TREO)',
  separation: 'Separation (t oxide)',
  metal: 'Metal (t metal)',
  magnet: 'Magnet (t magnet)',
  market: 'Market (t magnet)',
};

export interface ProductInfo {
  id: string;
  stage: Stage;
  final: boolean;
}

export interface SankeyInput {
  flows: readonly Flow[];
  production: readonly Production[];
  /** The dataset's products: which stage makes each, and which are final (delivered to markets). */
  products: readonly ProductInfo[];
}

export type LinkBasis = Flow['kind'] | 'home';

export interface SankeyNode {
  /** `{column}:{country}`, e.g. `metal:US`. */
  id: string;
  column: Column;
  depth: number;
  country: string;
  inT: number;
  outT: number;
  /** max(inT, outT): the node's size in the chart. */
  valueT: number;
}

export interface SankeyLink {
  source: string;
  target: string;
  origin: Origin;
  basis: LinkBasis;
  unit: string;
  tonnes: number;
  /** What the link adds up: products (ship, buy, home) or source → plant pairs (feed). */
  parts: Array<{ label: string; tonnes: number }>;
}

export interface SankeyYear {
  year: number;
  nodes: SankeyNode[];
  links: SankeyLink[];
  notes: string[];
}

export const nodeId = (column: Column, country: string) => `${column}:${country}`;

const STAGES: readonly Stage[] = ['separation', 'metal', 'magnet'];

/**
 * True for the stages the Sankey has columns for (the rare-earth chain of quad-2026). Datasets declare
 * their own stages (`meta.chain`); products of other stages are not placed (the Sankey notes them).
 */
export function isSankeyStage(stage: string): stage is Stage {
  return (STAGES as readonly string[]).includes(stage);
}

/** The column a product made at `stage` goes to: the market when it is final, else the next stage. */
export function nextColumn(stage: Stage, final: boolean): Column {
  if (final) return 'market';
  const next = STAGES[STAGES.indexOf(stage) + 1];
  return next ?? 'market';
}

/** Years that have any flow or production, ascending. */
export function sankeyYears(input: Pick<SankeyInput, 'flows' | 'production'>): number[] {
  const years = new Set<number>();
  for (const f of input.flows) years.add(f.year);
  for (const p of input.production) years.add(p.year);
  return [...years].sort((a, b) => a - b);
}

export function buildSankey(input: SankeyInput, year: number): SankeyYear {
  const products = new Map(input.products.map((p) => [p.id, p]));
  const links = new Map<string, SankeyLink>();
  const notes: string[] = [];

  const add = (source: string, target: string, origin: Origin, basis: LinkBasis, unit: string, tonnes: number, part: string) => {
    const key = `${source}>${target}>${origin}>${basis}`;
    let link = links.get(key);
    if (!link) {
      link = { source, target, origin, basis, unit, tonnes: 0, parts: [] };
      links.set(key, link);
    }
    link.tonnes += tonnes;
    const existing = link.parts.find((p) => p.label === part);
    if (existing) existing.tonnes += tonnes;
    else link.parts.push({ label: part, tonnes });
  };

  // What each country shipped abroad or sold per stage and origin, for the `home` links below.
  const exported = new Map<string, number>();
  const unknownProducts = new Set<string>();
  for (const flow of input.flows) {
    if (flow.year !== year) continue;
    if (flow.kind === 'feed') {
      const part = flow.source && flow.plant ? `${flow.source} → ${flow.plant}` : `${flow.from} → ${flow.to}`;
      add(nodeId('mine', flow.from), nodeId('separation', flow.to), flow.origin, 'feed', UNITS.feed, flow.tonnes, part);
      continue;
    }
    const product = products.get(flow.product);
    if (!product) {
      unknownProducts.add(flow.product);
      continue;
    }
    const target = nextColumn(product.stage, product.final);
    add(nodeId(product.stage, flow.from), nodeId(target, flow.to), flow.origin, flow.kind, UNITS[product.stage], flow.tonnes, flow.product);
    if (flow.kind === 'ship' || flow.kind === 'sell') {
      const key = `${product.stage}|${flow.from}|${flow.origin}`;
      exported.set(key, (exported.get(key) ?? 0) + flow.tonnes);
    }
  }
  if (unknownProducts.size) notes.push(`Flows of products the dataset does not list were left out: ${[...unknownProducts].sort().join(', ')}.`);

  // Output kept at home: production by stage, country and origin, less what was shipped abroad.
  const produced = new Map<string, number>();
  for (const row of input.production) {
    if (row.year !== year) continue;
    for (const [origin, tonnes] of [
      ['trusted', row.trustedOutputT],
      ['untrusted', row.untrustedOutputT],
    ] as const) {
      const key = `${row.stage}|${row.country}|${origin}`;
      produced.set(key, (produced.get(key) ?? 0) + tonnes);
    }
  }
  const finalStages = new Set(input.products.filter((p) => p.final).map((p) => p.stage));
  const places = new Set([...produced.keys(), ...exported.keys()].map((key) => key.split('|').slice(0, 2).join('|')));
  for (const place of [...places].sort()) {
    const [stage, country] = place.split('|') as [Stage, string];
    const made = (origin: Origin) => produced.get(`${place}|${origin}`) ?? 0;
    const out = (origin: Origin) => exported.get(`${place}|${origin}`) ?? 0;
    // Trusted content can leave as untrusted (a downgrade), never the other way round, so untrusted
    // exports beyond the untrusted output are taken from the trusted output.
    const keptUntrusted = Math.max(0, made('untrusted') - out('untrusted'));
    const keptTrusted = made('trusted') - out('trusted') - Math.max(0, out('untrusted') - made('untrusted'));
    if (keptTrusted < -MIN_TONNES) {
      notes.push(
        `${country} shipped or sold ${(-keptTrusted).toFixed(2)} ${UNITS[stage]} more ${stage} output than it made in ${year}: re-exports of imports; no home link is drawn for its trusted content.`,
      );
    }
    const target = nodeId(nextColumn(stage, finalStages.has(stage)), country);
    if (keptTrusted >= MIN_TONNES) add(nodeId(stage, country), target, 'trusted', 'home', UNITS[stage], keptTrusted, `kept in ${country}`);
    if (keptUntrusted >= MIN_TONNES) add(nodeId(stage, country), target, 'untrusted', 'home', UNITS[stage], keptUntrusted, `kept in ${country}`);
  }

  const kept = [...links.values()].filter((l) => l.tonnes >= MIN_TONNES);
  const nodes = new Map<string, SankeyNode>();
  const node = (id: string) => {
    let n = nodes.get(id);
    if (!n) {
      const [column, country] = id.split(/:(.*)/s) as [Column, string];
      n = { id, column, depth: COLUMNS.indexOf(column), country, inT: 0, outT: 0, valueT: 0 };
      nodes.set(id, n);
    }
    return n;
  };
  for (const link of kept) {
    node(link.source).outT += link.tonnes;
    node(link.target).inT += link.tonnes;
  }
  for (const n of nodes.values()) n.valueT = Math.max(n.inT, n.outT);

  const order = (n: SankeyNode) => n.depth;
  return {
    year,
    nodes: [...nodes.values()].sort((a, b) => order(a) - order(b) || b.valueT - a.valueT || a.id.localeCompare(b.id)),
    links: kept.sort(
      (a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target) || a.origin.localeCompare(b.origin) || a.basis.localeCompare(b.basis),
    ),
    notes,
  };
}
