/**
 * Numbers for reading: rounded to what a briefing needs (`19.09 bn USD`, `12,300 t`, `24.2 %`),
 * with the exact value kept for the tooltip (`19,088,491,917.33 USD`). Pure, so the pages, the
 * charts and the tests format the same way.
 */

const grouped = (value: number, digits: number) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** Money: `1.23 bn USD`, `45.6 M USD`, `7.8 k USD`, `950 USD`. */
export function formatUsd(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${grouped(value / 1e9, 2)} bn USD`;
  if (abs >= 1e6) return `${grouped(value / 1e6, 1)} M USD`;
  if (abs >= 1e4) return `${grouped(value / 1e3, 1)} k USD`;
  return `${grouped(value, 0)} USD`;
}

/** A signed difference: `+25.1 M USD`, `−3.0 %`; zero is `±0`. */
export function formatDelta(value: number | null | undefined, format: (v: number) => string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return `±${format(0)}`;
  const text = format(Math.abs(value));
  return value > 0 ? `+${text}` : `−${text}`;
}

/** Tonnes with a unit: `12,300 t TREO`, `45.2 t`, `0.35 t`; below 0.005 t reads `0 t`. */
export function formatTonnes(value: number | null | undefined, unit = 't'): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 0 : abs >= 1 ? 1 : 2;
  const text = grouped(value, digits);
  return `${text === '-0.00' || text === '-0' || text === '-0.0' ? text.slice(1) : text} ${unit}`;
}

/** A share (0-1) as a percentage with one decimal: `24.2 %`; null (no consumption) is `—`. */
export function formatShare(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return `${grouped(value * 100, 1)} %`;
}

/** Percentage points for share differences: `−2.5 pp`. */
export function formatPoints(value: number): string {
  return `${grouped(value * 100, 1)} pp`;
}

/** Plain numbers (capacities, counts): grouped, at most one decimal. */
export function formatNumber(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const digits = Math.abs(value) >= 100 || Number.isInteger(value) ? 0 : 1;
  return `${grouped(value, digits)}${unit ? ` ${unit}` : ''}`;
}

/** The exact value for a tooltip: every digit the API sent, grouped, with its unit. */
export function exact(value: number | null | undefined, unit = ''): string {
  if (value === null || value === undefined) return 'no value';
  if (!Number.isFinite(value)) return String(value);
  const text = value.toLocaleString('en-US', { maximumFractionDigits: 10 });
  return unit ? `${text} ${unit}` : text;
}
