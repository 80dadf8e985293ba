/**
 * The dependency chart: the untrusted share of a target's bloc by year against its limit. The
 * portfolio page draws the portfolio and the no-new-builds baseline; the comparison page draws one
 * line per portfolio. Values stay shares (0-1) as the API sends them; the axis reads in percent.
 */
import type { ChartOption } from './charts.js';
import { exact, formatShare } from './format.js';
import { OKABE_ITO } from './palette.js';

export interface TrajectoryLine {
  name: string;
  colour: string;
  dashed?: boolean;
  /** Marker shape, so lines that lie on each other stay apart ('circle' by default). */
  symbol?: 'circle' | 'triangle' | 'rect' | 'diamond' | 'roundRect' | 'pin' | 'arrow';
  /** [year, share or null] in the API's order. */
  data: Array<[number, number | null]>;
}

export function trajectoryOption(lines: TrajectoryLine[], limit: Array<[number, number | null]>, years: { startYear: number; endYear: number }): ChartOption {
  const series = [
    ...lines.map((line) => ({
      type: 'line',
      name: line.name,
      data: line.data,
      connectNulls: false,
      symbol: line.symbol ?? 'circle',
      symbolSize: line.symbol && line.symbol !== 'circle' ? 8 : 6,
      itemStyle: { color: line.colour },
      lineStyle: { color: line.colour, width: 2, type: line.dashed ? 'dashed' : 'solid' },
    })),
    {
      type: 'line',
      name: 'Limit',
      data: limit,
      connectNulls: false,
      symbol: 'none',
      itemStyle: { color: OKABE_ITO.black },
      lineStyle: { color: OKABE_ITO.black, width: 1.5, type: 'dotted' },
    },
  ];
  return {
    grid: { left: 56, right: 20, top: 48, bottom: 36 },
    legend: { type: 'scroll', top: 4, left: 'center' },
    tooltip: {
      trigger: 'axis',
      valueFormatter: (value: unknown) => (typeof value === 'number' ? `${formatShare(value)} (${exact(value)})` : '—'),
    },
    xAxis: {
      type: 'value',
      name: 'year',
      nameLocation: 'end',
      min: years.startYear,
      max: years.endYear,
      interval: 1,
      axisLabel: { formatter: (v: number) => String(v), hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      name: 'untrusted share',
      min: 0,
      max: 1,
      axisLabel: { formatter: (v: number) => `${Math.round(v * 100)} %` },
    },
    series,
  };
}
