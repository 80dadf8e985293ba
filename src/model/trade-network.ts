/**
 * The lean trade network: which `ship`, `buy` and `downgrade` columns can carry flow.
 *
 * Trade columns are most of the model (about 3/4 of the reference scenarios' columns before this
 * pass), and many of them cannot carry anything: trusted content shipped to a country whose plants
 * can only make untrusted output, metal shipped in a year before any plant that uses it is online,
 * oxide bought for a country that has nothing to feed it to. Each year is separate (balances carry
 * no stock), so for every product k and year y the nodes are (origin o, country c) — o is `all`
 * in years without an origin split (origin-split.ts), which takes the untrusted slot — with
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
import type { BuyArc, DowngradeArc, FormulationContext, ShipArc, TradeNetwork, TradeNodes } from './context.js';
import type { NodeOrigin, Origin } from './instance.js';

// The arc types live with the formulation context that holds the chosen network.
export type { BuyArc, DowngradeArc, ShipArc, TradeNetwork, TradeNodes } from './context.js';

/**
 * Numbers the nodes (product, origin, country, year) so the passes below work on typed arrays: a
 * reference scenario has ~30,000 candidate arcs, and string keys made this pass cost more than
 * the rest of the formulation. The numbering is the formulation context's (`ctx.nodeId`), so the
 * balances' ids are used as they are; ids of one (product, origin, country) are `yearStride` apart.
 */
class Nodes {
  private readonly products: Map<string, number>;
  private readonly countries: Map<string, number>;
  private readonly startYear: number;
  private readonly years: number;
  readonly yearStride: number;
  readonly count: number;
  constructor(ctx: FormulationContext) {
    const { instance } = ctx;
    this.products = new Map([...instance.products.keys()].map((k, i) => [k, i]));
    this.countries = new Map(instance.countries.map((c, i) => [c, i]));
    this.startYear = instance.startYear;
    this.years = instance.years.length;
    this.yearStride = 2 * this.countries.size;
    this.count = this.products.size * this.years * 2 * this.countries.size;
  }
  /** The id of (product, origin, country) in the first year; -1 for an unknown product or country. */
  base(product: string, origin: NodeOrigin, country: string): number {
    const k = this.products.get(product);
    const c = this.countries.get(country);
    if (k === undefined || c === undefined) return -1;
    return (k * this.years * 2 + (origin === 'trusted' ? 0 : 1)) * this.countries.size + c;
  }
  /** The pooled origin `all` shares the untrusted slot (a year has either `all` or the two origins). */
  id(product: string, origin: NodeOrigin, country: string, year: number): number {
    const base = this.base(product, origin, country);
    return base < 0 ? -1 : base + (year - this.startYear) * this.yearStride;
  }
}

/** Every arc the formulation's rules allow, before pruning. */
export function candidateTradeNetwork(ctx: FormulationContext): TradeNetwork {
  return numberedCandidates(ctx, new Nodes(ctx));
}

/** The candidates with their node ids, and which ships contracts require. */
interface NumberedNetwork extends TradeNetwork {
  readonly nodes: TradeNodes;
  readonly required: Uint8Array;
}

function numberedCandidates(ctx: FormulationContext, nodes: Nodes): NumberedNetwork {
  const { instance, sets } = ctx;
  const ships: ShipArc[] = [];
  const shipTail = new Ints();
  const shipHead = new Ints();
  const shipRequired = new Ints();
  const required = ctx.requiredShips;
  // Years of the required ships, by product|from|to: one key per pair of countries instead of one per arc.
  const requiredYears = new Map<string, Set<number>>();
  for (const key of required) {
    const cut = key.lastIndexOf('|');
    const pair = key.slice(0, cut);
    let years = requiredYears.get(pair);
    if (!years) requiredYears.set(pair, (years = new Set()));
    years.add(Number(key.slice(cut + 1)));
  }
  const years = instance.years;
  const yearOffsets = years.map((y) => (y - instance.startYear) * nodes.yearStride);
  const open = new Uint8Array(years.length);
  for (const [product, producers] of sets.producers) {
    const consumers = new Set(sets.consumers.get(product) ?? []);
    // A contract may deliver to a country that does not use the product itself (it holds it).
    for (const key of required) {
      const [p, from, to] = key.split('|') as [string, string, string];
      if (p === product && producers.has(from)) consumers.add(to);
    }
    if (!consumers.size) continue;
    for (const from of producers) {
      const origins: Origin[] = instance.trusted.has(from) ? ['trusted', 'untrusted'] : ['untrusted'];
      for (const to of consumers) {
        if (to === from) continue;
        const costUsdPerT = instance.transportUsdPerT(from, to);
        const consumesItself = sets.consumers.get(product)?.has(to) ?? false;
        const requiredIn = required.size ? requiredYears.get(`${product}|${from}|${to}`) : undefined;
        for (let i = 0; i < years.length; i++) open[i] = instance.laneOpen(from, to, product, years[i]!) ? 1 : 0;
        for (const origin of origins) {
          const tail = nodes.base(product, origin, from);
          const head = nodes.base(product, origin, to);
          for (let i = 0; i < years.length; i++) {
            const year = years[i]!;
            // Where origins are pooled (origin-split.ts) one `all` arc, on the untrusted slot, stands for both.
            if (origin === 'trusted' && !ctx.isSplit(year)) continue;
            if (!open[i]) continue;
            const isRequired = requiredIn?.has(year) ?? false;
            if (!consumesItself && !isRequired) continue;
            ships.push({ product, origin: ctx.originOf(origin, year), from, to, year, costUsdPerT });
            shipTail.push(tail < 0 ? -1 : tail + yearOffsets[i]!);
            shipHead.push(head < 0 ? -1 : head + yearOffsets[i]!);
            shipRequired.push(isRequired ? 1 : 0);
          }
        }
      }
    }
  }
  const buys: BuyArc[] = [];
  const buyHead = new Ints();
  for (const [product, consumers] of sets.consumers) {
    for (const country of consumers) {
      if (country === instance.rival) continue;
      const head = nodes.base(product, 'untrusted', country);
      for (let i = 0; i < instance.years.length; i++) {
        const year = instance.years[i]!;
        if (!instance.laneOpen(instance.rival, country, product, year)) continue;
        const priceUsdPerT = instance.priceUsdPerT(product, year);
        if (priceUsdPerT !== undefined) {
          buys.push({ product, country, year, priceUsdPerT });
          buyHead.push(head < 0 ? -1 : head + yearOffsets[i]!);
        }
      }
    }
  }
  const downgrades: DowngradeArc[] = [];
  const downgradeTail = new Ints();
  const downgradeHead = new Ints();
  for (const [product, countries] of sets.plantConsumers) {
    const trustedSupply = [...(sets.producers.get(product) ?? [])].some((c) => instance.trusted.has(c));
    if (!trustedSupply) continue;
    for (const country of countries) {
      const tail = nodes.base(product, 'trusted', country);
      const head = nodes.base(product, 'untrusted', country);
      for (let i = 0; i < instance.years.length; i++) {
        // No downgrade where origins are pooled: there is nothing to downgrade into.
        if (!ctx.isSplit(instance.years[i]!)) continue;
        downgrades.push({ product, country, year: instance.years[i]! });
        downgradeTail.push(tail < 0 ? -1 : tail + yearOffsets[i]!);
        downgradeHead.push(head < 0 ? -1 : head + yearOffsets[i]!);
      }
    }
  }
  const numbered: TradeNodes = {
    shipTail: shipTail.done(),
    shipHead: shipHead.done(),
    downgradeTail: downgradeTail.done(),
    downgradeHead: downgradeHead.done(),
    buyHead: buyHead.done(),
  };
  return { ships, buys, downgrades, nodes: numbered, required: Uint8Array.from(shipRequired.done()) };
}

/** A growable list of int32s. */
class Ints {
  private data = new Int32Array(1024);
  private length = 0;
  push(value: number): void {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = value;
  }
  done(): Int32Array {
    return this.data.slice(0, this.length);
  }
}

/**
 * The candidate network without the arcs that cannot carry flow, and — where shipping direct is
 * never dearer — without re-export arcs (see the header).
 */
export function leanTradeNetwork(ctx: FormulationContext, given?: TradeNetwork): TradeNetwork {
  const nodes = new Nodes(ctx);
  const candidates = given ?? numberedCandidates(ctx, nodes);
  const own = ownTerms(ctx, nodes);
  // The numbering is the candidates' own, made when they were enumerated; a network from elsewhere is numbered here.
  const arcs = withKeeps(candidates.nodes ?? numberArcs(candidates, nodes), candidates);
  const required = requiredFlags(ctx, candidates);
  prune(ctx, candidates, arcs, own, nodes.count, required);
  return keptNetwork(candidates, arcs);
}

/** The candidates, lean or not, as the formulation creates them; and when it records its baseline, which of them the baseline keeps. */
export function tradeNetwork(ctx: FormulationContext, lean: boolean): TradeNetwork {
  const nodes = new Nodes(ctx);
  const candidates = numberedCandidates(ctx, nodes);
  const arcs = withKeeps(candidates.nodes, candidates);
  if (lean) prune(ctx, candidates, arcs, ownTerms(ctx, nodes), nodes.count, candidates.required);
  if (ctx.baseline) recordBaselineNetwork(ctx, candidates, arcs, nodes);
  return lean ? keptNetwork(candidates, arcs) : candidates;
}

function requiredFlags(ctx: FormulationContext, candidates: TradeNetwork): Uint8Array {
  if ('required' in candidates && candidates.required instanceof Uint8Array) return candidates.required;
  const required = new Uint8Array(candidates.ships.length);
  if (ctx.requiredShips.size) candidates.ships.forEach((s, i) => (required[i] = ctx.requiredShips.has(`${s.product}|${s.from}|${s.to}|${s.year}`) ? 1 : 0));
  return required;
}

function prune(ctx: FormulationContext, candidates: TradeNetwork, arcs: NumberedArcs, own: OwnTerms, count: number, required: Uint8Array): void {
  pruneUnreachable(arcs, own, count, required);
  if (metricTransport(ctx)) {
    pruneReExports(ctx, candidates, arcs, own, count, required);
    pruneUnreachable(arcs, own, count, required);
  }
}

function keptNetwork(candidates: TradeNetwork, arcs: NumberedArcs): TradeNetwork {
  return {
    ships: kept(candidates.ships, arcs.keepShip),
    buys: kept(candidates.buys, arcs.keepBuy),
    downgrades: kept(candidates.downgrades, arcs.keepDowngrade),
    nodes: {
      shipTail: keptIds(arcs.shipTail, arcs.keepShip),
      shipHead: keptIds(arcs.shipHead, arcs.keepShip),
      buyHead: keptIds(arcs.buyHead, arcs.keepBuy),
      downgradeTail: keptIds(arcs.downgradeTail, arcs.keepDowngrade),
      downgradeHead: keptIds(arcs.downgradeHead, arcs.keepDowngrade),
    },
  };
}

/**
 * The no-new-builds baseline's lean network, found among the plan's candidates: its candidates are
 * those the baseline's sets allow (fewer producers and consumers without new builds), its own terms
 * those of its columns, and the same pruning runs on them, always lean (the baseline enforces no
 * target, so no custom condition forces flow). Recorded as keep flags over the plan's network; if the
 * baseline keeps an arc the plan dropped, the baseline cannot be cut from the plan (`failed`).
 */
function recordBaselineNetwork(ctx: FormulationContext, candidates: NumberedNetwork, planArcs: NumberedArcs, nodes: Nodes): void {
  const baseline = ctx.baseline!;
  const { instance, sets } = baseline;
  const arcs = withKeeps(candidates.nodes, candidates);
  // Ships come in runs of the same product, origin and countries (one per year): look the pair up once a run.
  let last: ShipArc | undefined;
  let produces = false;
  let consumes = false;
  for (let i = 0; i < candidates.ships.length; i++) {
    const s = candidates.ships[i]!;
    if (!last || s.product !== last.product || s.from !== last.from || s.to !== last.to) {
      produces = sets.producers.get(s.product)?.has(s.from) ?? false;
      consumes = sets.consumers.get(s.product)?.has(s.to) ?? false;
      last = s;
    }
    arcs.keepShip[i] = produces && (consumes || candidates.required[i] === 1) ? 1 : 0;
  }
  candidates.buys.forEach((b, i) => (arcs.keepBuy[i] = sets.consumers.get(b.product)?.has(b.country) ? 1 : 0));
  const trustedSupply = new Map<string, boolean>();
  candidates.downgrades.forEach((d, i) => {
    let supply = trustedSupply.get(d.product);
    if (supply === undefined) trustedSupply.set(d.product, (supply = [...(sets.producers.get(d.product) ?? [])].some((c) => instance.trusted.has(c))));
    arcs.keepDowngrade[i] = supply && sets.plantConsumers.get(d.product)?.has(d.country) ? 1 : 0;
  });
  const required = candidates.required.map((r, i) => r & arcs.keepShip[i]!);
  prune(ctx, candidates, arcs, ownTerms(ctx, nodes, baseline.flags(ctx.builder.columnCount)), nodes.count, required);
  // Keep flags over the plan's network (its candidates less what the plan pruned).
  const over = (planKeep: Uint8Array, keep: Uint8Array): Uint8Array => {
    const out = new Uint8Array(planKeep.length);
    let n = 0;
    for (let i = 0; i < planKeep.length; i++) {
      if (planKeep[i]) out[n++] = keep[i]!;
      else if (keep[i]) baseline.failed = 'the baseline keeps a trade arc the plan prunes';
    }
    return out.subarray(0, n);
  };
  baseline.ships = over(planArcs.keepShip, arcs.keepShip);
  baseline.buys = over(planArcs.keepBuy, arcs.keepBuy);
  baseline.downgrades = over(planArcs.keepDowngrade, arcs.keepDowngrade);
}

function kept<T>(list: readonly T[], keep: Uint8Array): T[] {
  let n = 0;
  for (let i = 0; i < keep.length; i++) n += keep[i]!;
  if (n === list.length) return list.slice();
  const out = new Array<T>(n);
  for (let i = 0, j = 0; i < list.length; i++) if (keep[i]) out[j++] = list[i]!;
  return out;
}

function keptIds(ids: Int32Array, keep: Uint8Array): Int32Array {
  let n = 0;
  for (let i = 0; i < keep.length; i++) n += keep[i]!;
  const out = new Int32Array(n);
  for (let i = 0, j = 0; i < keep.length; i++) if (keep[i]) out[j++] = ids[i]!;
  return out;
}

function withKeeps(ids: TradeNodes, network: TradeNetwork): NumberedArcs {
  return {
    ...ids,
    keepShip: new Uint8Array(network.ships.length).fill(1),
    keepDowngrade: new Uint8Array(network.downgrades.length).fill(1),
    keepBuy: new Uint8Array(network.buys.length).fill(1),
  };
}

interface OwnTerms {
  /** 1 where the node's balance has a production term (feed or make output). */
  readonly produced: Uint8Array;
  /** 1 where the node's balance has a use term (make input or delivery). */
  readonly consumed: Uint8Array;
  /** 1 where the node's balance has a sale to the world market (a use, but one the exporter can make itself). */
  readonly sold: Uint8Array;
}

/** The nodes' own terms; with `excluded`, only those of columns it does not flag. */
function ownTerms(ctx: FormulationContext, nodes: Nodes, excluded?: Uint8Array): OwnTerms {
  const produced = new Uint8Array(nodes.count);
  const consumed = new Uint8Array(nodes.count);
  const sold = new Uint8Array(nodes.count);
  const sell = new Uint8Array(ctx.builder.columnCount);
  for (const column of ctx.sellColumns) sell[column] = 1;
  // The context numbers balances as `nodes` does (same products, countries and years, same formula).
  for (const [id, expression] of ctx.allBalances()) {
    if (id >= nodes.count) continue;
    const { cols, coefs } = expression;
    for (let i = 0; i < cols.length; i++) {
      if (excluded && excluded[cols[i]!] === 1) continue;
      if (coefs[i]! > 0) produced[id] = 1;
      else if (sell[cols[i]!]) sold[id] = 1;
      else consumed[id] = 1;
    }
  }
  return { produced, consumed, sold };
}

/** Arcs as node numbers (a downgrade runs from the trusted to the untrusted node), with keep flags. */
interface NumberedArcs extends TradeNodes {
  readonly keepShip: Uint8Array;
  readonly keepDowngrade: Uint8Array;
  readonly keepBuy: Uint8Array;
}

function numberArcs(network: TradeNetwork, nodes: Nodes): TradeNodes {
  const { ships, downgrades, buys } = network;
  return {
    shipTail: Int32Array.from(ships, (s) => nodes.id(s.product, s.origin, s.from, s.year)),
    shipHead: Int32Array.from(ships, (s) => nodes.id(s.product, s.origin, s.to, s.year)),
    downgradeTail: Int32Array.from(downgrades, (d) => nodes.id(d.product, 'trusted', d.country, d.year)),
    downgradeHead: Int32Array.from(downgrades, (d) => nodes.id(d.product, 'untrusted', d.country, d.year)),
    buyHead: Int32Array.from(buys, (b) => nodes.id(b.product, 'untrusted', b.country, b.year)), // `all` where pooled: the same slot
  };
}

/** Steps 1 and 3: keep arcs whose tail some supply reaches and whose head leads to some use. */
function pruneUnreachable(arcs: NumberedArcs, own: OwnTerms, count: number, required: Uint8Array): void {
  const supplied = own.produced.slice();
  const used = new Uint8Array(count);
  for (let i = 0; i < count; i++) used[i] = own.consumed[i]! | own.sold[i]!;
  const { shipTail, shipHead, downgradeTail, downgradeHead, buyHead, keepShip, keepDowngrade, keepBuy } = arcs;
  // A contract's delivery is a use of the buyer's node even when nothing there consumes the product.
  for (let i = 0; i < required.length; i++) if (required[i]) used[shipHead[i]!] = 1;
  // Buys have no tail (the rival always sells): they supply their head.
  for (let i = 0; i < buyHead.length; i++) if (keepBuy[i]) supplied[buyHead[i]!] = 1;
  const tails = new Int32Array(shipTail.length + downgradeTail.length);
  const heads = new Int32Array(tails.length);
  let n = 0;
  for (let i = 0; i < shipTail.length; i++) {
    if (!keepShip[i]) continue;
    tails[n] = shipTail[i]!;
    heads[n++] = shipHead[i]!;
  }
  for (let i = 0; i < downgradeTail.length; i++) {
    if (!keepDowngrade[i]) continue;
    tails[n] = downgradeTail[i]!;
    heads[n++] = downgradeHead[i]!;
  }
  propagate(supplied, tails.subarray(0, n), heads.subarray(0, n), count);
  propagate(used, heads.subarray(0, n), tails.subarray(0, n), count);
  for (let i = 0; i < keepShip.length; i++) if (keepShip[i]) keepShip[i] = supplied[shipTail[i]!] === 1 && used[shipHead[i]!] === 1 ? 1 : 0;
  for (let i = 0; i < keepDowngrade.length; i++)
    if (keepDowngrade[i]) keepDowngrade[i] = supplied[downgradeTail[i]!] === 1 && used[downgradeHead[i]!] === 1 ? 1 : 0;
  for (let i = 0; i < keepBuy.length; i++) if (keepBuy[i]) keepBuy[i] = used[buyHead[i]!]!;
}

/**
 * Step 2: with transport costs that obey the triangle inequality and no lane closed for the
 * product, a tonne shipped a → b → c can go a → c directly for no more, and a tonne bought into a
 * and shipped on to c can be bought into c directly for no more. So a ship a → b is needed only
 * when a makes (or downgrades into) what it ships, or only buys it and b cannot buy, and b uses it
 * itself (plants, market, downgrade). A sale to the world market at b is not such a use: a can sell
 * itself, at the world price less transport a → rival ≤ transport a → b + transport b → rival.
 * Arcs another row reads (a contract's delivery) are kept whatever this argument says.
 */
function pruneReExports(ctx: FormulationContext, network: TradeNetwork, arcs: NumberedArcs, own: OwnTerms, count: number, required: Uint8Array): void {
  const closed = new Map<string, boolean>();
  const closedFor = (product: string) => {
    let value = closed.get(product);
    if (value === undefined) closed.set(product, (value = ctx.instance.lanesRestricted(product)));
    return value;
  };
  // Downgrades and buys, marked on the node they feed (untrusted) and the node they draw on (trusted).
  const downgradedFrom = new Uint8Array(count);
  const downgradedInto = new Uint8Array(count);
  for (let i = 0; i < arcs.keepDowngrade.length; i++) {
    if (!arcs.keepDowngrade[i]) continue;
    downgradedFrom[arcs.downgradeTail[i]!] = 1;
    downgradedInto[arcs.downgradeHead[i]!] = 1;
  }
  const bought = new Uint8Array(count);
  for (let i = 0; i < arcs.keepBuy.length; i++) if (arcs.keepBuy[i]) bought[arcs.buyHead[i]!] = 1;
  for (let i = 0; i < arcs.keepShip.length; i++) {
    if (!arcs.keepShip[i] || required[i] || closedFor(network.ships[i]!.product)) continue;
    const tail = arcs.shipTail[i]!;
    const head = arcs.shipHead[i]!;
    const makes = own.produced[tail] === 1 || downgradedInto[tail] === 1;
    const onlyBuys = bought[tail] === 1 && bought[head] !== 1;
    const uses = own.consumed[head] === 1 || downgradedFrom[head] === 1;
    if (!((makes || onlyBuys) && uses)) arcs.keepShip[i] = 0;
  }
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
/** Marks every node reachable from a marked one along the arcs from → to (CSR adjacency). */
function propagate(reached: Uint8Array, from: Int32Array, to: Int32Array, count: number): void {
  const starts = new Int32Array(count + 1);
  for (let j = 0; j < from.length; j++) starts[from[j]! + 1]! += 1;
  for (let i = 0; i < count; i++) starts[i + 1]! += starts[i]!;
  const fill = starts.slice(0, count);
  const targets = new Int32Array(from.length);
  for (let j = 0; j < from.length; j++) targets[fill[from[j]!]!++] = to[j]!;
  const queue = new Int32Array(count);
  let top = 0;
  for (let i = 0; i < count; i++) if (reached[i]) queue[top++] = i;
  while (top) {
    const n = queue[--top]!;
    for (let j = starts[n]!; j < starts[n + 1]!; j++) {
      const m = targets[j]!;
      if (reached[m]) continue;
      reached[m] = 1;
      queue[top++] = m;
    }
  }
}
