/**
 * Unserved demand under each disruption of a stress test: tonnes by year (all member countries
 * together), one bar series per disruption; the table beside it splits them by country. Values
 * stay the API's tonnes. Pure, so the tests can check it without a browser.
 */
import type { EChartsCoreOption as ChartOption } from 'echarts/core';
import { exact, formatTonnes } from './format.js';

export interface UnservedSeries {
  disruption: string;
  name: string;
  unserved: ReadonlyArray<{ country: string; year: number; tonnes: number }>;
}

/** Tonnes by year for one disruption, summed over countries, on the given years (0 where none). */
export function unservedByYear(d: UnservedSeries, years: readonly number[]): number[] {
  return years.map((y) => d.unserved.filter((u) => u.year === y).reduce((sum, u) => sum + u.tonnes, 0));
}

export function unservedOption(disruptions: readonly UnservedSeries[], years: readonly number[], colours: readonly string[]): ChartOption {
  return {
    title: { text: 'Unserved demand by year, per disruption', left: 'center', top: 0, textStyle: { fontSize: 14, fontWeight: 600 } },
    grid: { left: 64, right: 20, top: 64, bottom: 36 },
    legend: { type: 'scroll', top: 24, left: 'center' },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => (typeof v === 'number' ? `${formatTonnes(v)} (${exact(v, 't')})` : '—') },
    xAxis: { type: 'category', name: 'year', data: years.map(String) },
    yAxis: { type: 'value', name: 'unserved, t', axisLabel: { formatter: (v: number) => formatTonnes(v) } },
    series: disruptions.map((d, i) => ({
      type: 'bar',
      name: d.name,
      data: unservedByYear(d, years),
      itemStyle: { color: colours[i % colours.length] },
    })),
  };
}
