/**
 * Canonical JSON: object keys sorted at every level, no whitespace, `undefined` members dropped
 * (as JSON.stringify does). Two scenarios that mean the same thing after defaults are applied
 * serialise to the same text, so its SHA-256 can be their identity.
 */
import { createHash } from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const child = (value as Record<string, unknown>)[key];
      if (child !== undefined) out[key] = sortKeys(child);
    }
    return out;
  }
  return value;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
