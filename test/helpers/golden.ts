/**
 * Golden files for the shipped scenarios' portfolios (issue 12: a renovation must not change what
 * a planner gets). A portfolio is stored with its timings masked (`buildMs`, `solveMs`) and the
 * solver's path-dependent counters dropped (`iterations`, `warmStart`: they depend on which basis
 * the worker kept, not on the answer). Numbers compare to a relative 1e-6; everything else exactly.
 *
 * Regenerate deliberately, after a change that is meant to move an answer, with
 * `GOLDEN_UPDATE=1 npx tap test/model/scenarios.test.ts`, and say why in the commit.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../src/data/load.js';

const MASKED = new Set(['buildMs', 'solveMs']);
const DROPPED = new Set(['iterations', 'warmStart']);
export const GOLDEN_DIR = join(projectRoot(), 'test', 'golden');

export function maskForGolden(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskForGolden);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (DROPPED.has(k)) continue;
      out[k] = MASKED.has(k) ? 'masked' : maskForGolden(v);
    }
    return out;
  }
  return value;
}

/** One top-level field per line, one array element per line: a diff shows which record moved. */
function render(value: Record<string, unknown>): string {
  const lines = Object.entries(value).map(([k, v]) =>
    Array.isArray(v) && v.length
      ? `${JSON.stringify(k)}: [\n${v.map((x) => `  ${JSON.stringify(x)}`).join(',\n')}\n]`
      : `${JSON.stringify(k)}: ${JSON.stringify(v)}`,
  );
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** Differences between a stored and a fresh value, as JSON paths (at most `limit`). */
export function goldenDifferences(expected: unknown, actual: unknown, limit = 20, path = '$', out: string[] = []): string[] {
  if (out.length >= limit) return out;
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Math.abs(expected - actual) > 1e-6 * Math.max(1, Math.abs(expected), Math.abs(actual))) out.push(`${path}: ${expected} -> ${actual}`);
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length) out.push(`${path}: length ${expected.length} -> ${actual.length}`);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) goldenDifferences(expected[i], actual[i], limit, `${path}[${i}]`, out);
    return out;
  }
  if (expected && actual && typeof expected === 'object' && typeof actual === 'object' && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    for (const k of keys) {
      const e = (expected as Record<string, unknown>)[k];
      const a = (actual as Record<string, unknown>)[k];
      if (e === undefined || a === undefined) {
        if (e !== a) out.push(`${path}.${k}: ${e === undefined ? 'added' : 'removed'}`);
      } else goldenDifferences(e, a, limit, `${path}.${k}`, out);
    }
    return out;
  }
  if (expected !== actual) out.push(`${path}: ${JSON.stringify(expected)} -> ${JSON.stringify(actual)}`);
  return out;
}

/** Compares `value` (masked) with the golden file `name`; writes the file instead when GOLDEN_UPDATE=1. */
export function checkGolden(name: string, value: unknown): { written: boolean; differences: string[] } {
  const file = join(GOLDEN_DIR, `${name}.json`);
  const masked = maskForGolden(value) as Record<string, unknown>;
  if (process.env.GOLDEN_UPDATE === '1') {
    writeFileSync(file, render(masked));
    return { written: true, differences: [] };
  }
  if (!existsSync(file)) return { written: false, differences: [`no golden file ${file} (GOLDEN_UPDATE=1 writes it)`] };
  const expected = JSON.parse(readFileSync(file, 'utf8')) as unknown;
  return { written: false, differences: goldenDifferences(expected, JSON.parse(JSON.stringify(masked))) };
}
