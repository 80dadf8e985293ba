/**
 * The shared state concepts build on: the builder, the resolved instance, the index sets derived
 * once from it, and the accumulating expressions that link concepts (the GenX pattern: concepts
 * are self-contained except for these). Accumulators:
 * - `balance(k, o, c, y)`: supply minus use of product k of origin o in country c and year y;
 * - `use(k, o, c, y)`: what plants and markets in country c consume (dependency targets read it);
 * - `activity(p, y)`: throughput of plant p (capacity rows read it);
 * - `sourceUse(s, y)`: concentrate taken from source s (supply rows read it);
 * - `output(p, k, y)`: tonnes of product k made by plant p (contracts read it).
 */
import { Expression, LpBuilder } from './builder.js';
import type { Instance, NodeOrigin, Origin } from './instance.js';
import { stepValue } from './instance.js';
import type { Plant } from '../data/schema.js';
import { heavyInService, separationProducts } from './feed-yield.js';
import { feedStageOf } from '../data/chain.js';

/** Arcs of the trade network (src/model/trade-network.ts chooses them; the trade concept adds their columns). */
export interface ShipArc {
  readonly product: string;
  readonly origin: NodeOrigin;
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
  /** The arcs' balance node ids (`FormulationContext.nodeId`), aligned with the lists, when the network was numbered. */
  readonly nodes?: TradeNodes;
}

/** Node ids of a network's arcs: a ship runs tail → head, a downgrade from the trusted to the untrusted node. */
export interface TradeNodes {
  readonly shipTail: Int32Array;
  readonly shipHead: Int32Array;
  readonly buyHead: Int32Array;
  readonly downgradeTail: Int32Array;
  readonly downgradeHead: Int32Array;
}

export interface Sets {
  /** Countries with a plant able to make each product. */
  readonly producers: ReadonlyMap<string, ReadonlySet<string>>;
  /** Countries with a plant that uses each product as an input. */
  readonly plantConsumers: ReadonlyMap<string, ReadonlySet<string>>;
  /** Countries that consume each product: plant inputs or final demand. */
  readonly consumers: ReadonlyMap<string, ReadonlySet<string>>;
  /** Products a separation plant can yield in some year (heavy ones only with a heavy circuit). */
  separationOutputs(plant: Plant): readonly string[];
  /** True when the plant separates heavy products in `year` (a heavy circuit that is in service). */
  heavyInService(plant: Plant, year: number): boolean;
  /** Years in which a plant can have any capacity. */
  activeYears(plant: Plant): readonly number[];
  /** Years in which a build decision at the plant can be taken (online within the horizon). */
  buildYears(plant: Plant): readonly number[];
  /** Origins a plant's output can have: untrusted only, when its country is not trusted. */
  origins(plant: Plant): readonly Origin[];
}

/**
 * The terms of one `dependency[t,y]` row before the limit is applied: the row is
 * Σ_j (untrusted_j − α_t · total_j) · x_j (− shortfall[t,y]), with untrusted_j the column's
 * coefficient in the bloc's untrusted use (and unserved demand) and total_j in its whole use. Kept so
 * a formulated model can take another limit by changing exactly these coefficients
 * (src/model/target-limits.ts) instead of being formulated again.
 */
export interface TargetRowTerms {
  readonly target: string;
  readonly year: number;
  /** Column indices, ascending, each once. */
  readonly columns: Int32Array;
  readonly untrusted: Float64Array;
  readonly total: Float64Array;
}

/** A (product, origin, country, year) node numbered densely, so accumulators need no string keys. */
export interface BalanceNode {
  readonly product: string;
  /** `all` in years without an origin split (origin-split.ts). */
  readonly origin: NodeOrigin;
  readonly country: string;
  readonly year: number;
}

/**
 * What the plan's formulation records so its no-new-builds baseline (`baselineInstance`) can be cut
 * from the same model instead of formulated again (formulate.ts, `formulateWithBaseline`): the
 * baseline's index sets, and the columns the baseline would not have although their family stays
 * (a feed or make in a year only new builds are online, a sale of what only new builds make, a
 * trade arc only they feed, …). Families the baseline has none of (build, fund, dependency, …) are
 * dropped by family; rows keep their terms on the baseline's columns.
 */
export class BaselineTrack {
  private excluded = new Uint8Array(1024);
  /** Set when the baseline cannot be cut from this formulation (the caller formulates it separately). */
  failed: string | undefined;
  /** Keep flags of the plan's trade network's ships, buys and downgrades in the baseline (trade-network.ts). */
  ships: Uint8Array | undefined;
  buys: Uint8Array | undefined;
  downgrades: Uint8Array | undefined;
  private readonly activeSets = new Map<Plant, ReadonlySet<number>>();

  constructor(
    readonly instance: Instance,
    readonly sets: Sets,
  ) {}

  /** True when the plant has capacity in `year` without new builds. */
  active(plant: Plant, year: number): boolean {
    let years = this.activeSets.get(plant);
    if (!years) this.activeSets.set(plant, (years = new Set(this.sets.activeYears(plant))));
    return years.has(year);
  }

  exclude(column: number): void {
    if (column >= this.excluded.length) {
      const grown = new Uint8Array(Math.max(column + 1, this.excluded.length * 2));
      grown.set(this.excluded);
      this.excluded = grown;
    }
    this.excluded[column] = 1;
  }

  excludes(column: number): boolean {
    return column < this.excluded.length && this.excluded[column] === 1;
  }

  /** True when some column of the baseline has a term in `expression`. */
  reaches(expression: Expression | undefined): boolean {
    if (!expression) return false;
    for (const column of expression.cols) if (!this.excludes(column)) return true;
    return false;
  }

  /** The exclusion flags, over at least `columns` columns (1: not in the baseline). */
  flags(columns: number): Uint8Array {
    if (this.excluded.length < columns) {
      const grown = new Uint8Array(columns);
      grown.set(this.excluded);
      this.excluded = grown;
    }
    return this.excluded;
  }

  /** Keep flags over `columns` columns: 1 for every column not excluded. */
  keep(columns: number): Uint8Array {
    const keep = new Uint8Array(columns).fill(1);
    for (let j = 0; j < Math.min(columns, this.excluded.length); j++) if (this.excluded[j]) keep[j] = 0;
    return keep;
  }
}

export class FormulationContext {
  readonly builder: LpBuilder;
  /** Present when the formulation also records its baseline (`formulateWithBaseline`). */
  baseline: BaselineTrack | undefined;
  private readonly productIndex: Map<string, number>;
  private readonly countryIndex: Map<string, number>;
  private readonly productIds: string[];
  private readonly countryIds: string[];
  private readonly yearCount: number;
  private readonly balances: Array<Expression | undefined> = [];
  private readonly uses: Array<Expression | undefined> = [];
  // activity, output and sourceUse by dense numeric ids (plant or source index, product index, year offset).
  private readonly plantIndex: Map<string, number>;
  private readonly sourceIndex: Map<string, number>;
  private readonly activities: Array<Expression | undefined> = [];
  private readonly sourceUses: Array<Expression | undefined> = [];
  private readonly outputs: Array<Expression | undefined> = [];
  /** sell[k,o,c,y] columns: uses of a balance that are sales to the world market (the lean network treats them apart). */
  readonly sellColumns = new Set<number>();
  /** Ship arcs some row other than balances reads (contracts), keyed `product|from|to|year`: never pruned as re-exports. */
  readonly requiredShips = new Set<string>();
  /** Products and countries whose ship and sell columns contracts read: product → countries. */
  readonly contractCountries = new Map<string, Set<string>>();
  /** ship[k,o,a,b,y] column indices keyed `product|from|to|year` (both origins), for contracts' products and countries. */
  readonly shipColumns = new Map<string, number[]>();
  /** ship columns leaving a country keyed `product|from|year`, and sell columns keyed `product|country|year` (both origins). */
  readonly shipOutColumns = new Map<string, number[]>();
  readonly sellColumnsBy = new Map<string, number[]>();
  /** unserved[c,g,y] column indices keyed `country|product|year` (dependency targets count them). */
  readonly unservedColumns = new Map<string, number>();
  /** build[p,b] column indices by plant id and build year. */
  readonly buildColumns = new Map<string, Map<number, number>>();
  /** fund[f,p,y] column indices with their funder (near-optimal alternatives read public spending). */
  readonly fundColumns: Array<{ funder: string; column: number }> = [];
  /** The dependency target rows' terms, in the order they were added (dependency-target.ts fills it). */
  readonly targetRows: TargetRowTerms[] = [];
  /** The ship, buy and downgrade arcs to create (set by formulate before trade; see trade-network.ts). */
  tradeNetwork: TradeNetwork = { ships: [], buys: [], downgrades: [] };

  /** 1 for each horizon year (by index) in which origins are split (origin-split.ts); all 1 when not given. */
  private readonly split: Uint8Array;

  constructor(
    readonly instance: Instance,
    readonly sets: Sets,
    splitYears?: ReadonlySet<number>,
  ) {
    this.builder = new LpBuilder(instance.scenario.name);
    this.split = Uint8Array.from(instance.years, (y) => (splitYears === undefined || splitYears.has(y) ? 1 : 0));
    this.productIds = [...instance.products.keys()];
    this.countryIds = [...instance.countries];
    this.productIndex = new Map(this.productIds.map((k, i) => [k, i]));
    this.countryIndex = new Map(this.countryIds.map((c, i) => [c, i]));
    this.yearCount = instance.years.length;
    this.plantIndex = new Map(instance.plants.map((p, i) => [p.id, i]));
    this.sourceIndex = new Map(instance.sources.map((s, i) => [s.id, i]));
  }

  /** Dense id of a (plant, year): -1 for an unknown plant (recycling plants and others have no activity row). */
  private plantYear(plantId: string, year: number): number {
    const p = this.plantIndex.get(plantId);
    const y = this.yearOffset(year);
    return p === undefined || y < 0 ? -1 : p * this.yearCount + y;
  }

  /** Year − start year, or -1 outside the horizon. */
  private yearOffset(year: number): number {
    const y = year - this.instance.startYear;
    return y >= 0 && y < this.yearCount && Number.isInteger(y) ? y : -1;
  }

  /** True when origins are split in `year` (origin-split.ts); otherwise flows there have the one origin `all`. */
  isSplit(year: number): boolean {
    return this.split[year - this.instance.startYear] === 1;
  }
  /** The origins flows have in `year`: trusted and untrusted, or `all`. */
  originsIn(year: number): readonly NodeOrigin[] {
    return this.isSplit(year) ? SPLIT : POOLED;
  }
  /** The origins a plant's output can have in `year` (untrusted only in an untrusted country), or `all`. */
  plantOrigins(plant: Plant, year: number): readonly NodeOrigin[] {
    return this.isSplit(year) ? this.sets.origins(plant) : POOLED;
  }
  /** The origin a flow of origin `origin` is written with in `year`: itself, or `all` where origins are pooled. */
  originOf(origin: Origin, year: number): NodeOrigin {
    return this.isSplit(year) ? origin : 'all';
  }

  /**
   * Dense id of a (product, origin, country, year) node; -1 for an unknown product or country. The
   * pooled origin `all` takes the untrusted slot; an origin that does not match the year's split is
   * a formulation error.
   */
  nodeId(product: string, origin: NodeOrigin, country: string, year: number): number {
    const k = this.productIndex.get(product);
    const c = this.countryIndex.get(country);
    if (k === undefined || c === undefined) return -1;
    if ((origin === 'all') === this.isSplit(year))
      throw new Error(`origin '${origin}' of ${product} in ${country}, ${year}: origins are ${this.isSplit(year) ? '' : 'not '}split that year`);
    return ((k * this.yearCount + (year - this.instance.startYear)) * 2 + (origin === 'trusted' ? 0 : 1)) * this.countryIds.length + c;
  }

  node(id: number): BalanceNode {
    const c = id % this.countryIds.length;
    let rest = (id - c) / this.countryIds.length;
    const o = rest % 2;
    rest = (rest - o) / 2;
    const y = rest % this.yearCount;
    const k = (rest - y) / this.yearCount;
    const origin: NodeOrigin = o === 0 ? 'trusted' : this.split[y] === 1 ? 'untrusted' : 'all';
    return { product: this.productIds[k]!, origin, country: this.countryIds[c]!, year: this.instance.startYear + y };
  }

  balance(product: string, origin: NodeOrigin, country: string, year: number): Expression {
    return slot(this.balances, this.nodeId(product, origin, country, year), product, origin, country, year);
  }
  /** The balance of (k, o, c, y) as it stands, if any concept has put a term on it. */
  peekBalance(product: string, origin: NodeOrigin, country: string, year: number): Expression | undefined {
    const id = this.nodeId(product, origin, country, year);
    return id < 0 ? undefined : this.balances[id];
  }
  /** The balance of node `id` (`nodeId`). */
  balanceAt(id: number): Expression {
    return slot(this.balances, id, 'node', id);
  }
  /** True when some concept has already put a term on the balance of (k, o, c, y). */
  hasBalance(product: string, origin: NodeOrigin, country: string, year: number): boolean {
    const id = this.nodeId(product, origin, country, year);
    return id >= 0 && this.balances[id] !== undefined;
  }
  use(product: string, origin: NodeOrigin, country: string, year: number): Expression {
    return slot(this.uses, this.nodeId(product, origin, country, year), product, origin, country, year);
  }
  peekUse(product: string, origin: NodeOrigin, country: string, year: number): Expression | undefined {
    const id = this.nodeId(product, origin, country, year);
    return id < 0 ? undefined : this.uses[id];
  }
  activity(plantId: string, year: number): Expression {
    return slot(this.activities, this.plantYear(plantId, year), plantId, year);
  }
  peekActivity(plantId: string, year: number): Expression | undefined {
    const id = this.plantYear(plantId, year);
    return id < 0 ? undefined : this.activities[id];
  }
  /** Tonnes of `product` made by plant p in year y (separation yields, conversion output). */
  output(plantId: string, product: string, year: number): Expression {
    return slot(this.outputs, this.plantProductYear(plantId, product, year), plantId, year, product);
  }
  peekOutput(plantId: string, product: string, year: number): Expression | undefined {
    const id = this.plantProductYear(plantId, product, year);
    return id < 0 ? undefined : this.outputs[id];
  }
  sourceUse(sourceId: string, year: number): Expression {
    return slot(this.sourceUses, this.sourceYear(sourceId, year), sourceId, year);
  }
  peekSourceUse(sourceId: string, year: number): Expression | undefined {
    const id = this.sourceYear(sourceId, year);
    return id < 0 ? undefined : this.sourceUses[id];
  }
  private plantProductYear(plantId: string, product: string, year: number): number {
    const p = this.plantIndex.get(plantId);
    const k = this.productIndex.get(product);
    const y = this.yearOffset(year);
    return p === undefined || k === undefined || y < 0 ? -1 : (p * this.productIds.length + k) * this.yearCount + y;
  }
  private sourceYear(sourceId: string, year: number): number {
    const s = this.sourceIndex.get(sourceId);
    const y = this.yearOffset(year);
    return s === undefined || y < 0 ? -1 : s * this.yearCount + y;
  }
  /** Every balance accumulated so far, by node id (decode with `node(id)`), in id order. */
  *allBalances(): Generator<[number, Expression]> {
    for (let id = 0; id < this.balances.length; id++) {
      const expression = this.balances[id];
      if (expression) yield [id, expression];
    }
  }
}

const SPLIT: readonly NodeOrigin[] = ['trusted', 'untrusted'];
const POOLED: readonly NodeOrigin[] = ['all'];

/** The accumulator at `id`, created on first use; the key parts only name an unknown id in the error. */
function slot(list: Array<Expression | undefined>, id: number, ...key: ReadonlyArray<string | number>): Expression {
  if (id < 0) throw new Error(`accumulator ${key.join('|')} names an unknown product, country, plant or source`);
  let expression = list[id];
  if (!expression) list[id] = expression = new Expression();
  return expression;
}

/** Derives the index sets once, so no concept creates columns that cannot carry flow. */
export function deriveSets(instance: Instance): Sets {
  const producers = new Map<string, Set<string>>();
  const plantConsumers = new Map<string, Set<string>>();
  const consumers = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, product: string, country: string) => {
    let set = map.get(product);
    if (!set) map.set(product, (set = new Set()));
    set.add(country);
  };
  // Each per-plant set is computed once (concepts ask for them in their inner loops).
  const memo = <T>(compute: (plant: Plant) => T) => {
    const kept = new Map<Plant, T>();
    return (plant: Plant): T => {
      let value = kept.get(plant);
      if (value === undefined) kept.set(plant, (value = compute(plant)));
      return value;
    };
  };
  const separationOutputs = memo((plant: Plant) => separationProducts(instance, plant));
  const existingYears = (plant: Plant) =>
    instance.years.filter((y) => stepValue(plant.existingCapacityTpa, y) > 0 && (plant.retirementYear === undefined || y <= plant.retirementYear));
  const buildYears = memo((plant: Plant): readonly number[] => {
    const e = plant.expansion;
    if (!e || instance.noNewBuilds) return [];
    return instance.years.filter((b) => b >= e.earliestStartYear && b + e.leadTimeYears <= instance.endYear);
  });
  const activeYears = memo((plant: Plant): readonly number[] => {
    const years = new Set(existingYears(plant));
    const e = plant.expansion;
    for (const b of buildYears(plant)) {
      for (let y = b + (e?.leadTimeYears ?? 0); y < b + (e?.leadTimeYears ?? 0) + (e?.lifetimeYears ?? 0) && y <= instance.endYear; y++) years.add(y);
    }
    return instance.years.filter((y) => years.has(y));
  });
  const feedStage = feedStageOf(instance.dataset.meta.chain);
  for (const plant of instance.plants) {
    if (!activeYears(plant).length) continue;
    if (plant.stage === feedStage) {
      for (const product of separationOutputs(plant)) add(producers, product, plant.country);
    } else {
      for (const processId of plant.processes ?? []) {
        const process = instance.processes.get(processId);
        if (!process) continue;
        add(producers, process.output, plant.country);
        for (const input of Object.keys(process.inputsTPerT)) {
          add(plantConsumers, input, plant.country);
          add(consumers, input, plant.country);
        }
      }
    }
  }
  // Recycling plants make what their routes yield (recycling.ts): their countries are producers.
  for (const plant of instance.recycling?.plants ?? []) {
    for (const route of plant.routes) for (const product of Object.keys(route.yieldsTPerT)) add(producers, product, plant.country);
  }
  for (const key of instance.demand.keys()) {
    const [country, product] = key.split('|') as [string, string];
    add(consumers, product, country);
  }
  return {
    producers,
    plantConsumers,
    consumers,
    separationOutputs,
    heavyInService,
    activeYears,
    buildYears,
    origins: (plant) => (instance.trusted.has(plant.country) ? ['trusted', 'untrusted'] : ['untrusted']),
  };
}
