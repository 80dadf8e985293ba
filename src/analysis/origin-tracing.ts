/**
 * Shares of years without an origin split, by proportional (pooled) tracing through the solved flows.
 *
 * The formulation splits origins only in the years something reads or constrains the split
 * (src/model/origin-split.ts); in the other years `make`, `ship`, `deliver`, `sell`, `fill`, `draw`
 * and `stock` have the one origin `all`. Reports still give trusted and untrusted tonnes for those
 * years: each pooled column is split here into a trusted and an untrusted part, so every reader
 * (portfolio, dependency metrics, stockpile section, report, diagnosis) sees the same two origins
 * in every year.
 *
 * Per pooled year y, products in recipe order (a recipe's inputs before its output; upstream stage
 * first), each node (product k, country c) gets an untrusted share u(k,c), the weighted average of
 * what flows into it:
 *   u(k,c) · T(k,c) = Σ exogenous untrusted supply + Σ_{ship a→c} ship · out(k,a) + Σ_h draw_h · u_h
 *                     + Σ_{make at c with output k} make · s(make)
 *   T(k,c) = everything that flows in (production, ships in, purchases, draws)
 * with
 *   - separation output: untrusted when the source's or the plant's country is untrusted (0 or 1);
 *     recycling output: untrusted when the recycling plant's country is untrusted; purchases from
 *     the rival: untrusted;
 *   - s(make) = 1 at a plant in an untrusted country, else max over the recipe's inputs of u(input, c):
 *     the formulation's rule "trusted output needs every input trusted", applied to pooled inputs
 *     (the trusted fraction of the output is the smallest trusted fraction among its inputs);
 *   - out(k,a) = u(k,a) from a trusted country, 1 from an untrusted one (it ships, sells and fills
 *     only untrusted content, as the formulation);
 *   - a stockpile h of k is a node too: u_h · (S_{y−1} + Σ fill) = U_{y−1} + Σ_m fill_m · out(k,m), with
 *     S_{y−1}, U_{y−1} last year's stock and its untrusted part (from the split columns, or traced).
 * Ships between countries can form cycles, so each product-year is one small linear system (one
 * unknown per node with inflow), solved by Gaussian elimination. The split of each pooled column:
 * make by s(make), ship / sell / fill by out(k, from), deliver by u(k,c), draw and stock by u_h.
 * Plant inputs count as untrusted use exactly as in the formulation: the inputs of the untrusted
 * part of a make.
 *
 * What the numbers mean. The optimiser's split (years with a target) is the least-untrusted
 * labelling of the flows it found, under the origin tie-break: trusted labels are kept wherever the
 * flows allow. Pooled tracing assumes every node's supply is mixed in proportion, which is one
 * feasible labelling of the same flows but not the least-untrusted one: its shares are usually higher
 * (never "better") than the split would report for the same flows. The report marks each year's
 * share with the method that gave it (`shareMethod: 'optimised' | 'pooled'`).
 * Pure: reads the instance, the model's column names and a vector of column values.
 */
import type { LinearModel } from '../model/builder.js';
import { parseName, type ParsedName } from '../model/families.js';
import type { Instance, NodeOrigin, Origin } from '../model/instance.js';
import { feedStageOf, stageOrderOf } from '../data/chain.js';
import { feedYields } from '../model/feed-yield.js';

import type { ShareMethod } from '../schemas/share-method.js';
export type { ShareMethod };

/** The origin of a traced column (never `all`: tracing split those). */
export function tracedOrigin(origin: NodeOrigin): Origin {
  if (origin === 'all') throw new Error('a pooled column was read without tracing (origin-tracing.ts)');
  return origin;
}

/** A column of the solution: its parsed name and value (a pooled column appears as its two origin parts). */
export type TracedColumn = ParsedName & { readonly value: number };

/** Values at or below this are not traced (t); the readers apply their own thresholds to the parts. */
const TINY = 1e-12;

/** Years in which the model pools origins: some column has the origin `all`. */
export function pooledYears(model: LinearModel): ReadonlySet<number> {
  const kept = pooledCache.get(model);
  if (kept) return kept;
  const years = new Set<number>();
  for (const name of model.colNames) {
    if (!name.includes(',all,')) continue;
    const parsed = parseName(name);
    if ('origin' in parsed.index && parsed.index.origin === 'all') years.add((parsed.index as { year: number }).year);
  }
  pooledCache.set(model, years);
  return years;
}
const pooledCache = new WeakMap<LinearModel, ReadonlySet<number>>();

/** How a year's shares were found: from the model's split, or traced here. */
export function shareMethod(model: LinearModel, year: number): ShareMethod {
  return pooledYears(model).has(year) ? 'pooled' : 'optimised';
}

const tracedCache = new WeakMap<Float64Array, { model: LinearModel; instance: Instance; columns: TracedColumn[] }>();

/**
 * The non-zero columns of a solution (|value| > 1e-12), parsed, with every pooled column (origin
 * `all`) replaced by its trusted and untrusted parts (parts of 1e-12 t or less left out).
 * Kept per value vector, so the readers of one solution trace it once.
 */
export function tracedColumns(instance: Instance, model: LinearModel, values: Float64Array): readonly TracedColumn[] {
  const kept = tracedCache.get(values);
  if (kept && kept.model === model && kept.instance === instance) return kept.columns;
  const parsed: TracedColumn[] = [];
  for (let j = 0; j < model.colNames.length; j++) {
    const value = values[j] ?? 0;
    if (Math.abs(value) > TINY) parsed.push({ ...parseName(model.colNames[j]!), value });
  }
  const columns = pooledYears(model).size ? splitPooled(instance, parsed) : parsed;
  tracedCache.set(values, { model, instance, columns });
  return columns;
}

/** Untrusted share of each pooled column, by its position in `parsed`; then the columns with the pooled ones split. */
function splitPooled(instance: Instance, parsed: readonly TracedColumn[]): TracedColumn[] {
  const shares = traceShares(instance, parsed);
  const out: TracedColumn[] = [];
  parsed.forEach((column, i) => {
    const share = shares.get(i);
    if (share === undefined) {
      out.push(column);
      return;
    }
    const untrusted = column.value * share;
    const trusted = column.value - untrusted;
    if (Math.abs(trusted) > TINY) out.push({ ...column, index: { ...column.index, origin: 'trusted' }, value: trusted } as TracedColumn);
    if (Math.abs(untrusted) > TINY) out.push({ ...column, index: { ...column.index, origin: 'untrusted' }, value: untrusted } as TracedColumn);
  });
  return out;
}

/** One product-year's nodes: countries and stockpiles, with what flows into each. */
interface Flows {
  /** node → [untrusted t, total t] from outside the system (production, purchases, last year's stock). */
  readonly exogenous: Map<string, [number, number]>;
  /** Edges between nodes: from, to, tonnes, and whether the tonnes are untrusted whatever the source node's share. */
  readonly edges: Array<{ from: string; to: string; tonnes: number; forced: boolean }>;
}

/** The untrusted share of every pooled column (by position in `parsed`). */
function traceShares(instance: Instance, parsed: readonly TracedColumn[]): Map<number, number> {
  const trusted = (c: string) => instance.trusted.has(c);
  const plants = new Map(instance.plants.map((p) => [p.id, p]));
  const sources = new Map(instance.sources.map((s) => [s.id, s]));
  const recyclers = new Map((instance.recycling?.plants ?? []).map((p) => [p.id, p]));
  const routes = new Map((instance.recycling?.plants ?? []).flatMap((p) => p.routes.map((r) => [`${p.id}|${r.id}`, r] as const)));
  const pooled = new Map<number, number[]>(); // year → positions of the year's columns
  const byYear = new Map<number, number[]>();
  parsed.forEach((column, i) => {
    const year = (column.index as { year?: number }).year;
    if (year === undefined) return;
    const list = byYear.get(year) ?? [];
    byYear.set(year, list);
    list.push(i);
    if ((column.index as { origin?: string }).origin === 'all') pooled.set(year, list);
  });
  const order = productOrder(instance);
  const shares = new Map<number, number>();
  // Stock at the end of the previous year: holder|product → [untrusted t, total t].
  const stockAt = (year: number) => {
    const stock = new Map<string, [number, number]>();
    for (const i of byYear.get(year) ?? []) {
      const c = parsed[i]!;
      if (c.family !== 'stock') continue;
      const key = `${c.index.holder}|${c.index.product}`;
      const entry = stock.get(key) ?? [0, 0];
      const untrusted = c.index.origin === 'untrusted' ? c.value : c.index.origin === 'all' ? c.value * (shares.get(i) ?? 0) : 0;
      stock.set(key, [entry[0] + untrusted, entry[1] + c.value]);
    }
    return stock;
  };
  for (const year of [...pooled.keys()].sort((a, b) => a - b)) {
    const positions = byYear.get(year)!;
    const carried = stockAt(year - 1);
    const flows = new Map<string, Flows>(); // product → flows
    const at = (product: string) => {
      let f = flows.get(product);
      if (!f) flows.set(product, (f = { exogenous: new Map(), edges: [] }));
      return f;
    };
    const exo = (product: string, node: string, untrusted: number, total: number) => {
      const e = at(product).exogenous;
      const entry = e.get(node) ?? [0, 0];
      e.set(node, [entry[0] + untrusted, entry[1] + total]);
    };
    const makes: number[] = [];
    for (const i of positions) {
      const c = parsed[i]!;
      switch (c.family) {
        case 'feed': {
          const source = sources.get(c.index.source);
          const plant = plants.get(c.index.plant);
          if (!source || !plant) break;
          const untrusted = trusted(source.country) && trusted(plant.country) ? 0 : 1;
          for (const [product, rate] of feedYields(instance, source, plant, year)) exo(product, plant.country, untrusted * rate * c.value, rate * c.value);
          break;
        }
        case 'recycle': {
          const plant = recyclers.get(c.index.plant);
          const route = routes.get(`${c.index.plant}|${c.index.route}`);
          if (!plant || !route) break;
          const untrusted = trusted(plant.country) ? 0 : 1;
          for (const [product, share] of Object.entries(route.yieldsTPerT))
            if (share > 0) exo(product, plant.country, untrusted * share * c.value, share * c.value);
          break;
        }
        case 'buy':
          exo(c.index.product, c.index.country, c.value, c.value);
          break;
        case 'ship':
          at(c.index.product).edges.push({ from: c.index.from, to: c.index.to, tonnes: c.value, forced: !trusted(c.index.from) });
          break;
        case 'fill':
          at(c.index.product).edges.push({ from: c.index.country, to: `stock:${c.index.holder}`, tonnes: c.value, forced: !trusted(c.index.country) });
          break;
        case 'draw':
          at(c.index.product).edges.push({ from: `stock:${c.index.holder}`, to: c.index.country, tonnes: c.value, forced: false });
          break;
        case 'make':
          makes.push(i);
          break;
      }
    }
    for (const [key, [untrusted, total]] of carried) {
      const [holder, product] = key.split('|') as [string, string];
      exo(product, `stock:${holder}`, untrusted, total);
    }
    // Products in recipe order: a make's output share needs its inputs' shares.
    const share = new Map<string, number>(); // product|node → u
    const makeShare = (i: number) => {
      const c = parsed[i] as Extract<TracedColumn, { family: 'make' }>;
      const plant = plants.get(c.index.plant);
      if (!plant || !trusted(plant.country)) return 1;
      const process = instance.processes.get(c.index.process);
      let worst = 0;
      for (const [input, perTonne] of Object.entries(process?.inputsTPerT ?? {}))
        if (perTonne > 0) worst = Math.max(worst, share.get(`${input}|${plant.country}`) ?? 0);
      return worst;
    };
    for (const product of order) {
      for (const i of makes) {
        const c = parsed[i] as Extract<TracedColumn, { family: 'make' }>;
        if (instance.processes.get(c.index.process)?.output !== product) continue;
        const s = makeShare(i);
        shares.set(i, s);
        const plant = plants.get(c.index.plant);
        if (plant) exo(product, plant.country, s * c.value, c.value);
      }
      const f = flows.get(product);
      if (f) for (const [node, u] of solve(f)) share.set(`${product}|${node}`, u);
    }
    // The split of every pooled column of the year.
    const out = (product: string, country: string) => (trusted(country) ? (share.get(`${product}|${country}`) ?? 0) : 1);
    for (const i of positions) {
      const c = parsed[i]!;
      if ((c.index as { origin?: string }).origin !== 'all') continue;
      switch (c.family) {
        case 'make':
          if (!shares.has(i)) shares.set(i, makeShare(i));
          break;
        case 'ship':
          shares.set(i, out(c.index.product, c.index.from));
          break;
        case 'sell':
          shares.set(i, out(c.index.product, c.index.country));
          break;
        case 'fill':
          shares.set(i, out(c.index.product, c.index.country));
          break;
        case 'deliver':
          shares.set(i, share.get(`${c.index.product}|${c.index.country}`) ?? 0);
          break;
        case 'draw':
          shares.set(i, share.get(`${c.index.product}|stock:${c.index.holder}`) ?? 0);
          break;
        case 'stock':
          shares.set(
            i,
            share.get(`${c.index.product}|stock:${c.index.holder}`) ??
              (carried.get(`${c.index.holder}|${c.index.product}`)?.[0] ?? 0) / Math.max(TINY, carried.get(`${c.index.holder}|${c.index.product}`)?.[1] ?? 0),
          );
          break;
      }
    }
  }
  return shares;
}

/**
 * u for every node with inflow: T_i u_i − Σ_{edges j→i, not forced} t · u_j = E_i + Σ_{forced edges into i} t,
 * by Gaussian elimination with partial pivoting (a few dozen nodes). Shares are clamped to [0, 1].
 */
function solve(flows: Flows): Map<string, number> {
  const nodes = new Map<string, number>();
  const id = (n: string) => {
    let i = nodes.get(n);
    if (i === undefined) nodes.set(n, (i = nodes.size));
    return i;
  };
  for (const n of flows.exogenous.keys()) id(n);
  for (const e of flows.edges) {
    id(e.from);
    id(e.to);
  }
  const n = nodes.size;
  const a = Array.from({ length: n }, () => new Float64Array(n + 1)); // augmented [A | b]
  for (const [node, [untrusted, total]] of flows.exogenous) {
    const i = id(node);
    a[i]![i]! += total;
    a[i]![n]! += untrusted;
  }
  for (const e of flows.edges) {
    const to = id(e.to);
    a[to]![to]! += e.tonnes;
    if (e.forced) a[to]![n]! += e.tonnes;
    else a[to]![id(e.from)]! -= e.tonnes;
  }
  // A node nothing flows into has share 0 (it passes nothing on: balances are ≥ 0).
  for (let i = 0; i < n; i++) {
    if (a[i]![i]! > TINY) continue;
    a[i]!.fill(0);
    a[i]![i] = 1;
  }
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const p = a[col]![col]!;
    if (Math.abs(p) <= 1e-300) continue;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const factor = a[r]![col]! / p;
      if (factor === 0) continue;
      for (let k = col; k <= n; k++) a[r]![k]! -= factor * a[col]![k]!;
    }
  }
  const result = new Map<string, number>();
  for (const [node, i] of nodes) {
    const p = a[i]![i]!;
    const u = Math.abs(p) > 1e-300 ? a[i]![n]! / p : 0;
    result.set(node, Math.min(1, Math.max(0, u)));
  }
  return result;
}

/** Products in an order where every recipe's inputs come before its output (upstream stages first, then by id). */
function productOrder(instance: Instance): string[] {
  const stages = stageOrderOf(instance.dataset.meta.chain);
  const feedStage = feedStageOf(instance.dataset.meta.chain);
  const rank = (stage: string) => (stage === feedStage ? -1 : stages.indexOf(stage));
  const products = [...instance.products.values()].sort((a, b) => rank(a.stage) - rank(b.stage) || a.id.localeCompare(b.id)).map((p) => p.id);
  const inputs = new Map<string, Set<string>>();
  for (const process of instance.processes.values()) {
    const set = inputs.get(process.output) ?? new Set<string>();
    for (const input of Object.keys(process.inputsTPerT)) set.add(input);
    inputs.set(process.output, set);
  }
  // Depth-first: each product after its inputs (a cycle of recipes keeps the stage order).
  const done = new Set<string>();
  const visiting = new Set<string>();
  const out: string[] = [];
  const visit = (p: string) => {
    if (done.has(p) || visiting.has(p)) return;
    visiting.add(p);
    for (const input of inputs.get(p) ?? []) visit(input);
    visiting.delete(p);
    done.add(p);
    out.push(p);
  };
  for (const p of products) visit(p);
  return out;
}
