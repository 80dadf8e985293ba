/**
 * Builds on a timeline: one row per build, grouped by country and stage (separation, metal, magnet),
 * with its construction years [buildYear, onlineYear) and its years online [onlineYear, end of the
 * horizon]. Pure; the portfolio page draws the rows as bars.
 */
import type { Build } from './types.js';

const STAGE_ORDER = ['separation', 'metal', 'magnet'];

export interface TimelineRow {
  label: string;
  plant: string;
  name: string;
  country: string;
  stage: string;
  capacityTpa: number;
  buildYear: number;
  onlineYear: number;
  /** First year after the bars: the horizon's last year + 1, so the last year is drawn whole. */
  endYear: number;
  constructionYears: number;
  onlineYears: number;
  capexUsd: number;
}

export function timelineRows(builds: readonly Build[], horizon: { startYear: number; endYear: number }): TimelineRow[] {
  const end = horizon.endYear + 1;
  return [...builds]
    .sort(
      (a, b) =>
        a.country.localeCompare(b.country) ||
        STAGE_ORDER.indexOf(a.stage) - STAGE_ORDER.indexOf(b.stage) ||
        a.buildYear - b.buildYear ||
        a.plant.localeCompare(b.plant),
    )
    .map((b) => {
      const online = Math.min(Math.max(b.onlineYear, horizon.startYear), end);
      const start = Math.min(Math.max(b.buildYear, horizon.startYear), online);
      return {
        label: `${b.country} · ${b.stage} · ${b.name}`,
        plant: b.plant,
        name: b.name,
        country: b.country,
        stage: b.stage,
        capacityTpa: b.capacityTpa,
        buildYear: b.buildYear,
        onlineYear: b.onlineYear,
        endYear: end,
        constructionYears: online - start,
        onlineYears: end - online,
        capexUsd: b.capexUsd,
      };
    });
}
