/**
 * A scenario's JSON as a list of fields, each at the path the API names in its errors
 * (`targets[0].maxUntrustedShare`, `overrides.plants.x.expansion`), so a validation problem can be
 * shown at the field it is about. Pure: the scenarios page renders the list and edits the JSON
 * through `setAtPath`.
 */

export type FieldKind = 'string' | 'number' | 'boolean' | 'null' | 'object' | 'array';

export interface ScenarioField {
  path: string;
  /** Path of the object or array that holds it (`''` at the top). */
  parent: string;
  key: string;
  depth: number;
  kind: FieldKind;
  /** Leaves only. */
  value?: string | number | boolean | null;
  /** True for a path an error names that the JSON does not have (a required field left out). */
  missing?: boolean;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Segment = string | number;

/** `targets[0].bloc[1]`, the same grammar as the service's `formatPath`; the whole value is `(root)`. */
export function formatPath(segments: readonly Segment[]): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out || '(root)';
}

/** The inverse of `formatPath` for paths of this grammar (`a.b[2].c` → ['a', 'b', 2, 'c']). */
export function parsePath(path: string): Segment[] {
  if (path === '(root)' || path === '') return [];
  const out: Segment[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(match[2] !== undefined ? Number(match[2]) : match[1]!);
  return out;
}

const kindOf = (value: Json): FieldKind =>
  value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value === 'object' ? 'object' : (typeof value as FieldKind);

/** Every object, array and leaf of `value` in document order, plus a `missing` field for each error path it lacks. */
export function scenarioFields(value: unknown, errorPaths: readonly string[] = []): ScenarioField[] {
  const out: ScenarioField[] = [];
  const walk = (node: Json, segments: Segment[]) => {
    const kind = kindOf(node);
    if (segments.length) {
      const path = formatPath(segments);
      const last = segments[segments.length - 1]!;
      out.push({
        path,
        parent: segments.length > 1 ? formatPath(segments.slice(0, -1)) : '',
        key: typeof last === 'number' ? `[${last}]` : last,
        depth: segments.length - 1,
        kind,
        ...(kind === 'object' || kind === 'array' ? {} : { value: node as string | number | boolean | null }),
      });
    }
    if (Array.isArray(node)) node.forEach((item, i) => walk(item, [...segments, i]));
    else if (node !== null && typeof node === 'object') for (const [key, item] of Object.entries(node)) walk(item, [...segments, key]);
  };
  walk(value as Json, []);

  const known = new Set(out.map((f) => f.path));
  for (const path of errorPaths) {
    if (path === '(root)' || known.has(path)) continue;
    const segments = parsePath(path);
    // Insert after the last field inside the nearest ancestor that exists.
    let ancestor = segments.length - 1;
    while (ancestor > 0 && !known.has(formatPath(segments.slice(0, ancestor)))) ancestor--;
    const parent = ancestor > 0 ? formatPath(segments.slice(0, ancestor)) : '';
    let at = out.length;
    if (parent) {
      const index = out.findIndex((f) => f.path === parent);
      at = index + 1;
      while (at < out.length && isInside(out[at]!.path, parent)) at++;
    }
    out.splice(at, 0, {
      path,
      parent,
      key: parent ? path.slice(parent.length).replace(/^\./, '') : path,
      depth: ancestor,
      kind: 'null',
      value: null,
      missing: true,
    });
    known.add(path);
  }
  return out;
}

/** True when `path` is strictly inside `ancestor` (`a.b` is inside `a`, `a[0]` is inside `a`, `ab` is not). */
export function isInside(path: string, ancestor: string): boolean {
  if (!ancestor || ancestor === '(root)') return path !== ancestor;
  return path.length > ancestor.length && path.startsWith(ancestor) && (path[ancestor.length] === '.' || path[ancestor.length] === '[');
}

/**
 * The field an error belongs at: the field with exactly its path, else the nearest enclosing one;
 * `null` for errors about the whole document.
 */
export function fieldForError(fields: readonly ScenarioField[], path: string): ScenarioField | null {
  let best: ScenarioField | null = null;
  for (const f of fields) if ((f.path === path || isInside(path, f.path)) && (!best || f.path.length > best.path.length)) best = f;
  return best;
}

/**
 * Reads what a planner typed into a leaf of kind `kind`: numbers stay numbers when they parse,
 * `true`/`false` and `null` keep their kind; anything else is kept as text so the service names it.
 */
export function parseFieldInput(text: string, kind: FieldKind): string | number | boolean | null {
  const trimmed = text.trim();
  if (kind === 'number' && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  if (kind === 'boolean' && (trimmed === 'true' || trimmed === 'false')) return trimmed === 'true';
  if (kind === 'null' && trimmed === 'null') return null;
  if (kind !== 'string' && trimmed !== '' && Number.isFinite(Number(trimmed))) return Number(trimmed);
  return text;
}

/** A copy of `document` with the value at `path` replaced (containers on the way are created). */
export function setAtPath(document: unknown, path: string, value: unknown): unknown {
  const segments = parsePath(path);
  if (!segments.length) return value;
  const copy = structuredClone(document ?? {}) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = copy;
  segments.slice(0, -1).forEach((segment, i) => {
    const next = node[segment];
    if (next === null || typeof next !== 'object') node[segment] = typeof segments[i + 1] === 'number' ? [] : {};
    node = node[segment] as Record<string | number, unknown>;
  });
  node[segments[segments.length - 1]!] = value;
  return copy;
}
