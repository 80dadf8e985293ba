/**
 * Edits to a scenario's JSON by path, as the diagnosis states them: `targets[0].year`,
 * `budgets[1].totalUsd`, `overrides.plants.lynas_seadrift.expansion.leadTimeYears`,
 * `overrides.laneRules.in_nd_exports_to_japan_suspended.toYear`, and removals of list entries
 * (`overrides.excludePlants[2]`, `overrides.closedLanes[0]`, `overrides.exportControls[1]`).
 * One function applies them, so the diagnosis probes exactly what it reports and a client (or a
 * test) can apply a remedy to get the scenario it was verified on. Pure; the input is not changed.
 */
import type { Scenario } from '../schemas/scenario.js';

export interface ScenarioChange {
  /** JSON path in the scenario. */
  readonly path: string;
  /** The new value; with `remove`, the entry at `path` (a list element) is deleted instead. */
  readonly to: number | boolean | string | null;
  readonly remove?: boolean;
}

type Segment = string | number;

/** `a.b[2].c` → ['a', 'b', 2, 'c']. Ids are letters, digits, `_` and `-`, so dots only separate. */
export function parsePath(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const match = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part);
    if (!match) throw new Error(`bad scenario path '${path}'`);
    if (match[1]) out.push(match[1]);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

function clone<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Applies the changes in order, removals last and from the highest index down (indices refer to the original lists). */
export function applyChanges(scenario: Scenario, changes: readonly ScenarioChange[]): Scenario {
  const out = clone(scenario) as unknown as Record<string, unknown>;
  const sets = changes.filter((c) => !c.remove);
  const removals = changes
    .filter((c) => c.remove)
    .map((c) => parsePath(c.path))
    .sort((a, b) => (b[b.length - 1] as number) - (a[a.length - 1] as number));
  for (const change of sets) {
    const segments = parsePath(change.path);
    let node = out as Record<string | number, unknown>;
    for (let k = 0; k < segments.length - 1; k++) {
      const key = segments[k]!;
      if (node[key] === undefined || node[key] === null) node[key] = typeof segments[k + 1] === 'number' ? [] : {};
      node = node[key] as Record<string | number, unknown>;
    }
    node[segments[segments.length - 1]!] = change.to;
  }
  for (const segments of removals) {
    let node = out as Record<string | number, unknown>;
    for (let k = 0; k < segments.length - 1; k++) node = node[segments[k]!] as Record<string | number, unknown>;
    (node as unknown as unknown[]).splice(segments[segments.length - 1] as number, 1);
  }
  return out as unknown as Scenario;
}
