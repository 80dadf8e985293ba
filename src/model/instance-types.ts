/**
 * The resolved instance: the read-only sets and parameters the formulation reads, with the types of
 * its parts, the error a scenario that does not fit its dataset raises, and the two small helpers
 * the check and the build share (step series, override merging). Resolving is two steps —
 * `checkScenario` (src/model/scenario-check.ts) and `buildInstance` (src/model/instance-build.ts) —
 * joined by `resolveScenario` (src/model/instance.ts).
 */
import {
  FEED_PRODUCT,
  type Dataset,
  type FeedType,
  type FeedstockSource,
  type Plant,
  type Process,
  type Product,
  type RecyclingRoute,
  type StepSeries,
  type Stage,
} from '../data/schema.js';
import type { Scenario, SolverOptions } from '../schemas/scenario.js';
import type { ParsedConstraint } from './expressions.js';

export type Origin = 'trusted' | 'untrusted';
export const ORIGINS: readonly Origin[] = ['trusted', 'untrusted'];
/**
 * The origin index of a flow or balance: `trusted` / `untrusted` in years the formulation splits
 * origins, `all` (one pooled origin) in the other years (src/model/origin-split.ts).
 */
export type NodeOrigin = Origin | 'all';
export const POOLED_ORIGIN = 'all' as const;

/** The pseudo product id closed lanes, lane rules and export controls use for concentrate (feed). */
export const CONCENTRATE = FEED_PRODUCT;

export interface ScenarioIssue {
  /** JSON path inside the scenario, e.g. `overrides.plants.us_mp_10x.expansion.capexUsdPerTpa`. */
  path: string;
  message: string;
  /** Custom constraint expressions: 1-based character position of the problem in the text. */
  position?: number;
  /** Custom constraint expressions: what was expected at `position`. */
  expected?: string;
}

export class ScenarioError extends Error {
  constructor(readonly issues: readonly ScenarioIssue[]) {
    super(`the scenario is not valid for its dataset:\n${issues.map((i) => `- ${i.path}: ${i.message}`).join('\n')}`);
    this.name = 'ScenarioError';
  }
}

export interface ResolvedTarget {
  id: string;
  index: number;
  bloc: readonly string[];
  product: string;
  years: readonly number[];
  maxUntrustedShare: number;
  hard: boolean;
  penaltyUsdPerT: number;
}

/** A custom constraint (scenario `constraints[index]`), parsed against the dataset's vocabulary. */
export interface ResolvedCustomConstraint {
  readonly id: string;
  readonly index: number;
  readonly description?: string;
  readonly expression: string;
  readonly parsed: ParsedConstraint;
}

export interface ResolvedFunder {
  id: string;
  name: string;
  totalUsd: number;
  perYearUsd?: number;
  eligibleCountries: ReadonlySet<string>;
  eligibleStages: ReadonlySet<Stage>;
  maxShareOfCapex: number;
}

/** A contract in force in the scenario (active, its plant present), with its years inside the horizon. */
export interface ResolvedContract {
  readonly id: string;
  readonly name: string;
  readonly plant: Plant;
  /** The contracted product; absent: the plant's whole output (activity). */
  readonly product?: string;
  /** Country the contracted tonnes go to; equal to the plant's country when the buyer is local or absent. */
  readonly buyerCountry: string;
  readonly years: readonly number[];
  /** Firm tonnes in a year (0 when the contract has no volume). */
  minTonnes(year: number): number;
  readonly minShareOfOutput?: number;
  readonly floorUsdPerT?: number;
  readonly supportUsdPerT?: number;
  readonly payer?: string;
}

/** A stockpile holder turned on for one product (scenario `stockpiles[]`). */
export interface ResolvedStockpile {
  /** The holder's id (stockpiles.json). */
  readonly holder: string;
  readonly name: string;
  readonly members: readonly string[];
  /** Country where the stock sits: members elsewhere pay transport to fill and to draw. */
  readonly location: string;
  readonly product: string;
  readonly maxStockT: number;
  readonly fromYear: number;
  readonly envelopeUsd: number;
  /** USD per tonne held through year y (the scenario's figure, or the holder's share of the world price). */
  holdCostUsdPerTYear(year: number): number;
  /** Index in the scenario's `stockpiles` list (for messages). */
  readonly index: number;
}

export interface ResolvedScrapStream {
  readonly id: string;
  readonly country: string;
  readonly kind: 'end_of_life' | 'swarf';
  readonly product: string;
  tonnes(year: number): number;
  readonly collectionCostUsdPerT: number;
}

export interface ResolvedRecyclingPlant {
  readonly id: string;
  readonly name: string;
  readonly country: string;
  readonly status: string;
  readonly routes: readonly RecyclingRoute[];
  readonly existingCapacityTpa?: StepSeries;
  readonly expansion?: Plant['expansion'];
  readonly fixedOpexUsdPerTpaYear: number;
}

export interface ResolvedRecycling {
  readonly streams: readonly ResolvedScrapStream[];
  readonly plants: readonly ResolvedRecyclingPlant[];
}

export interface FloorFunder {
  readonly id: string;
  readonly totalUsd: number;
  readonly eligibleCountries: ReadonlySet<string>;
  readonly eligibleStages: ReadonlySet<string>;
  readonly maxShareOfCapex: number;
}

export interface ResolvedFloors {
  readonly maxFloorUsdPerT: number;
  readonly caps: ReadonlyMap<string, number>;
  readonly grants: boolean;
  readonly funders: readonly FloorFunder[];
}

export interface Instance {
  readonly scenario: Scenario;
  readonly dataset: Dataset;
  readonly years: readonly number[];
  readonly startYear: number;
  readonly endYear: number;
  readonly discountRate: number;
  readonly rival: string;
  readonly countries: readonly string[];
  readonly trusted: ReadonlySet<string>;
  readonly products: ReadonlyMap<string, Product>;
  readonly processes: ReadonlyMap<string, Process>;
  readonly sources: readonly FeedstockSource[];
  readonly plants: readonly Plant[];
  /** Final demand, t, by `${country}|${product}|${year}`. */
  readonly demand: ReadonlyMap<string, number>;
  readonly demandCountries: readonly string[];
  /** Rival supplier delivered price (excluding transport), USD/t, by product and year; absent when banned. */
  priceUsdPerT(product: string, year: number): number | undefined;
  transportUsdPerT(from: string, to: string): number;
  /** False when the scenario's closed lanes or an active lane rule stop `product` moving from → to in `year`. */
  laneOpen(from: string, to: string, product: string, year: number): boolean;
  /** True when some closed lane or active lane rule can stop `product` on some lane in some year. */
  lanesRestricted(product: string): boolean;
  /** False when an active lane rule (captive feed, closed concentrate lane) or a closed lane stops this feed in `year`. */
  feedAllowed(source: FeedstockSource, plant: Plant, year: number): boolean;
  readonly feedTypes: ReadonlyMap<string, FeedType>;
  readonly contracts: readonly ResolvedContract[];
  readonly contractBreachPenaltyUsdPerT: number;
  /** True when non-rival countries may sell to the rest of the world (dataset `meta.defaults.worldMarketSales`). */
  readonly worldMarketSales: boolean;
  /** The world price the rival sets for a product in a year (its price record, export controls aside), USD/t. */
  worldPriceUsdPerT(product: string, year: number): number | undefined;
  /** Share of a new build's capacity available in its n-th online year (n = 0 for the first). */
  rampShare(plant: Plant, onlineYearIndex: number): number;
  /** True when an active export control of the rival supplier stops sales of `product` in `year`. */
  exportControlled(product: string, year: number): boolean;
  readonly targets: readonly ResolvedTarget[];
  /** Custom constraints (issue 16); not enforced when `targetsEnforced` is false. */
  readonly customConstraints: readonly ResolvedCustomConstraint[];
  readonly funders: readonly ResolvedFunder[];
  readonly capexPublicShare: number;
  readonly unservedPenaltyUsdPerT: number;
  readonly solver: SolverOptions;
  /** When true the formulation creates no build columns (the "no new builds" baseline). */
  readonly noNewBuilds: boolean;
  /** Stress tests: t/yr of every build by `${plant}|${buildYear}`; every other build is zero. Null: builds are decisions. */
  readonly fixedBuilds: ReadonlyMap<string, number> | null;
  /** True when a scenario outage stops the plant in `year` (it produces nothing). */
  outage(plant: Plant, year: number): boolean;
  /** Near-optimal alternative: the objective is replaced (src/model/concepts/near-optimal.ts). */
  readonly nearOptimal: Scenario['nearOptimal'] | null;
  /**
   * When false the targets are resolved (reports and metrics read their blocs) but not enforced:
   * the formulation adds no dependency rows (the target-free baseline).
   */
  readonly targetsEnforced: boolean;
  discountFactor(year: number): number;
  /** Strategic stockpiles turned on (empty: none). */
  readonly stockpiles: readonly ResolvedStockpile[];
  /** Recycling streams and plants (undefined: recycling off). */
  readonly recycling?: ResolvedRecycling;
  /** Price-floor sizing settings (undefined: off). */
  readonly floors?: ResolvedFloors;
}

/** Value of a step series in a year (0 before its first key). */
export function stepValue(series: StepSeries | undefined, year: number): number {
  if (!series) return 0;
  let value = 0;
  let best = -Infinity;
  for (const [key, v] of Object.entries(series)) {
    const y = Number(key);
    if (y <= year && y > best) {
      best = y;
      value = v;
    }
  }
  return value;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Deep merge for override records: objects merge, everything else replaces. */
export function mergeDeep<T>(base: T, patch: Record<string, unknown>): T {
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    // Step series are replaced whole: merging years would keep stale steps.
    const isSeries = isPlainObject(value) && Object.keys(value).every((k) => /^\d{4}$/.test(k)) && Object.keys(value).length > 0;
    out[key] = isPlainObject(current) && isPlainObject(value) && !isSeries ? mergeDeep(current, value) : value;
  }
  return out as T;
}
