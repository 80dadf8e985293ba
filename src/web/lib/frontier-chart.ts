/**
 * The cost-of-independence curve of a frontier: total cost (discounted USD) against the swept
 * limit (the untrusted share allowed), loosest limit on the left so that independence grows to the
 * right, with the knees marked. The data keep the API's values (limit as a share 0-1, cost in
 * USD); the axes read in percent and USD bn. Pure, so the tests can check it without a browser.
 */
import type { EChartsCoreOption as ChartOption } from 'echarts/core';
import { exact, formatShare, formatUsd } from './format.js';
import { OKABE_ITO } from './palette.js';

export interface CurvePoint {
  limit: number;
  totalCostUsd: number | null;
  costPerPointUsd: number | null;
  status: string;
}

export interface CurveKnee {
  limit: number;
  slopeBeforeUsdPerPoint: number;
  slopeAfterUsdPerPoint: number;
}

/** The knees on the curve: [limit, cost at that point]; a knee whose point has no cost is left out. */
export function kneePoints(points: readonly CurvePoint[], knees: readonly CurveKnee[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const k of knees) {
    const p = points.find((x) => Math.abs(x.limit - k.limit) <= 1e-12);
    if (p && p.totalCostUsd !== null) out.push([k.limit, p.totalCostUsd]);
  }
  return out;
}

/** Consecutive years as ranges: [2030, 2031, 2032, 2035] → "2030–2032, 2035". */
export function yearRanges(years: readonly number[]): string {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j > i ? `${sorted[i]}–${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return out.join(', ');
}

export const usdBn = (v: number) => `${(v / 1e9).toLocaleString('en-US', { maximumFractionDigits: 3 })}`;

export function frontierOption(points: readonly CurvePoint[], knees: readonly CurveKnee[], title: string): ChartOption {
  const limits = points.map((p) => p.limit);
  const min = Math.min(...limits);
  const max = Math.max(...limits);
  // Ticks on the swept limits when there are few enough to read; the axis spans exactly the sweep.
  const step = points.length > 1 ? (max - min) / (points.length - 1) : 0;
  const interval = step > 0 && points.length <= 11 ? step : undefined;
  const kneeData = kneePoints(points, knees);
  const tooltipFor = (limit: number): string => {
    const p = points.find((x) => x.limit === limit);
    if (!p) return '';
    const lines = [
      `<strong>Limit ${formatShare(p.limit)}</strong> (${exact(p.limit * 100, '%')})`,
      `Total cost: ${formatUsd(p.totalCostUsd)} (${exact(p.totalCostUsd, 'USD')})`,
      p.costPerPointUsd !== null
        ? `Cost per point on the step here: ${formatUsd(p.costPerPointUsd)} (${exact(p.costPerPointUsd, 'USD')})`
        : 'First point of the sweep',
    ];
    if (p.status !== 'optimal') lines.push(`Solve: ${p.status}`);
    const k = knees.find((x) => x.limit === limit);
    if (k) lines.push(`Knee: ${formatUsd(k.slopeBeforeUsdPerPoint)} → ${formatUsd(k.slopeAfterUsdPerPoint)} per point`);
    return lines.join('<br>');
  };
  return {
    title: { text: title, left: 'center', top: 0, textStyle: { fontSize: 14, fontWeight: 600 } },
    grid: { left: 72, right: 28, top: 64, bottom: 52 },
    legend: { top: 24, left: 'center', data: kneeData.length ? ['Total cost', 'Knee'] : ['Total cost'] },
    tooltip: {
      trigger: 'item',
      formatter: (params: unknown) => {
        const value = (params as { value?: unknown }).value;
        return Array.isArray(value) && typeof value[0] === 'number' ? tooltipFor(value[0]) : '';
      },
    },
    xAxis: {
      type: 'value',
      name: 'limit on the untrusted share, % (tighter →)',
      nameLocation: 'middle',
      nameGap: 30,
      inverse: true,
      min,
      max: max > min ? max : min + 0.01,
      ...(interval ? { interval } : {}),
      axisLabel: { formatter: (v: number) => `${Math.round(v * 1000) / 10} %`, hideOverlap: true },
    },
    yAxis: {
      type: 'value',
      name: 'total cost, USD bn (discounted)',
      nameLocation: 'end',
      scale: true,
      axisLabel: { formatter: (v: number) => usdBn(v) },
    },
    series: [
      {
        type: 'line',
        name: 'Total cost',
        data: points.map((p) => [p.limit, p.totalCostUsd] as [number, number | null]),
        connectNulls: false,
        symbol: 'circle',
        symbolSize: 7,
        itemStyle: { color: OKABE_ITO.blue },
        lineStyle: { color: OKABE_ITO.blue, width: 2 },
      },
      {
        type: 'scatter',
        name: 'Knee',
        data: kneeData,
        symbol: 'diamond',
        symbolSize: 16,
        itemStyle: { color: OKABE_ITO.vermillion, borderColor: OKABE_ITO.black, borderWidth: 1 },
        label: { show: true, position: 'top', formatter: 'knee', color: OKABE_ITO.vermillion, fontWeight: 600 },
        z: 3,
      },
    ],
  };
}
