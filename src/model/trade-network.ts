/**
 * The lean trade network: which `ship`, `buy` and `downgrade` columns can carry flow.
 *
 * Trade columns are most of the model (about 3/4 of the reference scenarios' columns before this
 * pass), and many of them cannot carry anything: trusted content shipped to a country whose plants
 * can only make untrusted output, metal shipped in a year before any plant that uses it is online,
 * oxide bought for a country that has nothing to feed it to. Each year is separate (balances carry
 * no stock), so for every product k and year y the nodes are (origin o, country c), with
 * - supply at a node: a production term (feed, make) in balance[k,o,c,y]; and along candidate
 *   arcs: buy (into untrusted), downgrade (trusted → untrusted, same country), ship (a → b);
 * - use at a node: a consumption term (make input, deliver) in balance[k,o,c,y]; and back along
 *   the same arcs.
 * An arc is kept only when its tail can be supplied and its head leads to a use (a buy or
 * downgrade needs only the latter / both). This is exact: flow out of the set of nodes no supply
 * reaches is zero in every feasible solution (sum their balance rows), and flow into nodes that
 * lead to no use can be set to zero without breaking a row and without raising the cost (every
 * trade cost is ≥ 0). Trade columns appear in no other rows (not in `use`, so not in dependency
 * targets). So the optimum, LP or MIP, is the same with and without the pass; a test checks it.
 *
 * Candidate arcs are the formulation's rules (trade.ts, origin.ts); this module only drops dead
 * ones. It reads the balances that separation, conversion and demand have filled, so it runs after
 * them and before trade.
 */
import type { FormulationContext } from './context.js';
import type { Origin } from './instance.js';

export interface ShipArc {
  readonly product: string;
  readonly origin: Origin;
  readonly from: string;
  readonly to: string;
  readonly year: number;
  readonly costUsdPerT: number;
}
export interface BuyArc {
  readonly product: string;
  readonly country: string;
  readonly year: number;
  readonly priceUsdPerT: number;
}
export interface DowngradeArc {
  readonly product: string;
  readonly country: string;
  readonly year: number;
}

export interface TradeNetwork {
  readonly ships: readonly ShipArc[];
  readonly buys: readonly BuyArc[];
  readonly downgrades: readonly DowngradeArc[];
}

const node = (product: string, origin: Origin, country: string, year: number) => `${product}|${origin}|${country}|${year}`;

/** Every arc the formulation's rules allow, before pruning. */
export function candidateTradeNetwork(ctx: FormulationContext): TradeNetwork {
  const { instance, sets } = ctx;
  const ships: ShipArc[] = [];
  for (const [product, producers] of sets.producers) {
    const consumers = sets.consumers.get(product);
    if (!consumers) continue;
    for (const from of producers) {
      const origins: Origin[] = instance.trusted.has(from) ? ['trusted', 'untrusted'] : ['untrusted'];
      for (const to of consumers) {
        if (to === from || !instance.laneOpen(from, to, product)) continue;
        const costUsdPerT = instance.transportUsdPerT(from, to);
        for (const origin of origins) for (const year of instance.years) ships.push({ product, origin, from, to, year, costUsdPerT });
      }
    }
  }
  const buys: BuyArc[] = [];
  for (const [product, consumers] of sets.consumers) {
    for (const country of consumers) {
      if (country === instance.rival || !instance.laneOpen(instance.rival, country, product)) continue;
      for (const year of instance.years) {
        const priceUsdPerT = instance.priceUsdPerT(product, year);
        if (priceUsdPerT !== undefined) buys.push({ product, country, year, priceUsdPerT });
      }
    }
  }
  const downgrades: DowngradeArc[] = [];
  for (const [product, countries] of sets.plantConsumers) {
    const trustedSupply = [...(sets.producers.get(product) ?? [])].some((c) => instance.trusted.has(c));
    if (!trustedSupply) continue;
    for (const country of countries) for (const year of instance.years) downgrades.push({ product, country, year });
  }
  return { ships, buys, downgrades };
}

/**
 * The candidate network without the arcs that cannot carry flow, and — where shipping direct is
 * never dearer — without re-export arcs (see the header).
 */
export function leanTradeNetwork(ctx: FormulationContext, candidates: TradeNetwork = candidateTradeNetwork(ctx)): TradeNetwork {
  const own = ownTerms(ctx);
  const reachable = pruneUnreachable(candidates, own);
  return pruneUnreachable(pruneReExports(ctx, reachable, own), own);
}

interface OwnTerms {
  /** Nodes whose balance has a production term (feed or make output). */
  readonly produced: ReadonlySet<string>;
  /** Nodes whose balance has a use term (make input or delivery). */
  readonly consumed: ReadonlySet<string>;
}

function ownTerms(ctx: FormulationContext): OwnTerms {
  const produced = new Set<string>();
  const consumed = new Set<string>();
  for (const [key, expression] of ctx.allBalances()) {
    for (const coefficient of expression.terms.values()) {
      if (coefficient > 0) produced.add(key);
      if (coefficient < 0) consumed.add(key);
    }
  }
  return { produced, consumed };
}

/** Step 1 and 3: keep arcs whose tail some supply reaches and whose head leads to some use. */
function pruneUnreachable(network: TradeNetwork, own: OwnTerms): TradeNetwork {
  const supplied = new Set(own.produced);
  const used = new Set(own.consumed);
  // Arcs as (tail → head) node pairs; buys have no tail (the rival always sells).
  const forward = new Map<string, string[]>();
  const backward = new Map<string, string[]>();
  const link = (tail: string, head: string) => {
    (forward.get(tail) ?? forward.set(tail, []).get(tail)!).push(head);
    (backward.get(head) ?? backward.set(head, []).get(head)!).push(tail);
  };
  for (const s of network.ships) link(node(s.product, s.origin, s.from, s.year), node(s.product, s.origin, s.to, s.year));
  for (const d of network.downgrades) link(node(d.product, 'trusted', d.country, d.year), node(d.product, 'untrusted', d.country, d.year));
  for (const b of network.buys) supplied.add(node(b.product, 'untrusted', b.country, b.year));
  propagate(supplied, forward);
  propagate(used, backward);
  const live = (tail: string, head: string) => supplied.has(tail) && used.has(head);
  return {
    ships: network.ships.filter((s) => live(node(s.product, s.origin, s.from, s.year), node(s.product, s.origin, s.to, s.year))),
    buys: network.buys.filter((b) => used.has(node(b.product, 'untrusted', b.country, b.year))),
    downgrades: network.downgrades.filter((d) => live(node(d.product, 'trusted', d.country, d.year), node(d.product, 'untrusted', d.country, d.year))),
  };
}

/**
 * Step 2: with transport costs that obey the triangle inequality and no lane closed for the
 * product, a tonne shipped a → b → c can go a → c directly for no more, and a tonne bought into a
 * and shipped on to c can be bought into c directly for no more. So a ship a → b is needed only
 * when a makes (or downgrades into) what it ships, or only buys it and b cannot buy, and b uses it
 * itself (plants, market, downgrade).
 */
function pruneReExports(ctx: FormulationContext, network: TradeNetwork, own: OwnTerms): TradeNetwork {
  const { instance } = ctx;
  if (!metricTransport(ctx)) return network;
  const closedFor = (product: string) => instance.scenario.overrides.closedLanes.some((l) => !l.products || l.products.includes(product));
  const downgraded = new Set(network.downgrades.map((d) => `${d.product}|${d.country}|${d.year}`));
  const bought = new Set(network.buys.map((b) => `${b.product}|${b.country}|${b.year}`));
  const makes = (s: ShipArc) =>
    own.produced.has(node(s.product, s.origin, s.from, s.year)) || (s.origin === 'untrusted' && downgraded.has(`${s.product}|${s.from}|${s.year}`));
  const onlyBuys = (s: ShipArc) =>
    s.origin === 'untrusted' && bought.has(`${s.product}|${s.from}|${s.year}`) && !bought.has(`${s.product}|${s.to}|${s.year}`);
  const uses = (s: ShipArc) =>
    own.consumed.has(node(s.product, s.origin, s.to, s.year)) || (s.origin === 'trusted' && downgraded.has(`${s.product}|${s.to}|${s.year}`));
  return { ...network, ships: network.ships.filter((s) => closedFor(s.product) || ((makes(s) || onlyBuys(s)) && uses(s))) };
}

/** True when every transport cost between distinct countries obeys the triangle inequality. */
function metricTransport(ctx: FormulationContext): boolean {
  const { instance } = ctx;
  const countries = instance.countries;
  const cost = new Map<string, number>();
  try {
    for (const a of countries) for (const b of countries) if (a !== b) cost.set(`${a}|${b}`, instance.transportUsdPerT(a, b));
  } catch {
    return false; // a missing lane: do not assume anything
  }
  for (const a of countries) {
    for (const b of countries) {
      if (b === a) continue;
      const ab = cost.get(`${a}|${b}`)!;
      for (const c of countries) {
        if (c === a || c === b) continue;
        if (cost.get(`${a}|${c}`)! > ab + cost.get(`${b}|${c}`)! + 1e-9) return false;
      }
    }
  }
  return true;
}
/** Grows `reached` along `edges` until nothing changes. */
function propagate(reached: Set<string>, edges: ReadonlyMap<string, readonly string[]>): void {
  const queue = [...reached];
  while (queue.length) {
    const next = edges.get(queue.pop()!);
    if (!next) continue;
    for (const key of next) {
      if (reached.has(key)) continue;
      reached.add(key);
      queue.push(key);
    }
  }
}
