/**
 * Keys that change a prototype when an object holding them is copied into a plain object: an own
 * `__proto__`, or `constructor` holding `prototype`. The HTTP edge refuses them in JSON bodies
 * (secure-json-parse: the `forbidden-key` problem); the engine refuses them in a scenario given
 * as an object (`parseScenario`), because `JSON.parse` keeps `"__proto__"` as an own key and zod's
 * records drop it without a word — an override of a plant called `__proto__` would vanish.
 */

export const FORBIDDEN_KEY_MESSAGE =
  'the key "__proto__" (or "constructor" holding "prototype") is not allowed: it could change the prototype of the objects the planner builds';

/** Dotted paths (as validation issues name them) of the forbidden keys in `value`, at most `limit`. */
export function forbiddenKeyPaths(value: unknown, limit = 20): string[] {
  const found: string[] = [];
  const stack: Array<{ value: unknown; path: string[] }> = [{ value, path: [] }];
  while (stack.length && found.length < limit) {
    const { value: node, path } = stack.pop()!;
    if (node === null || typeof node !== 'object') continue;
    if (Object.hasOwn(node, '__proto__')) found.push([...path, '__proto__'].join('.'));
    const ctor = Object.hasOwn(node, 'constructor') ? (node as { constructor: unknown }).constructor : undefined;
    if (ctor !== null && typeof ctor === 'object' && Object.hasOwn(ctor, 'prototype')) found.push([...path, 'constructor', 'prototype'].join('.'));
    for (const key of Object.keys(node)) if (key !== '__proto__') stack.push({ value: (node as Record<string, unknown>)[key], path: [...path, key] });
  }
  return found;
}
