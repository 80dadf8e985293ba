/**
 * Apache ECharts, only the parts the pages use (Sankey, line, bar, scatter; title, tooltip, legend, grid,
 * aria), drawn as SVG so charts stay sharp in a printed PDF. Every chart is kept in a registry by
 * id: the page resizes them for print, and the browser tests read the values a chart was drawn
 * with (`window.plannerCharts`).
 */
import * as echarts from 'echarts/core';
import { BarChart, LineChart, SankeyChart, ScatterChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption, EChartsType } from 'echarts/core';

echarts.use([
  SankeyChart,
  LineChart,
  BarChart,
  ScatterChart,
  TitleComponent,
  TooltipComponent,
  LegendComponent,
  GridComponent,
  MarkLineComponent,
  AriaComponent,
  SVGRenderer,
]);

export type ChartOption = EChartsCoreOption;

const registry = new Map<string, EChartsType>();

declare global {
  interface Window {
    /** The charts on the page by id (read by the browser tests and the render benchmark). */
    plannerCharts: { ids(): string[]; option(id: string): unknown };
  }
}
window.plannerCharts = {
  ids: () => [...registry.keys()],
  option: (id) => registry.get(id)?.getOption(),
};

const BASE: ChartOption = {
  animation: false,
  aria: { enabled: true },
  textStyle: { fontFamily: 'system-ui, "DejaVu Sans", sans-serif' },
  tooltip: { confine: true },
};

/** Draws `option` into `el` (replacing any chart there) and registers it under `id`. */
export function mountChart(el: HTMLElement, id: string, option: ChartOption): EChartsType {
  registry.get(id)?.dispose();
  const chart = echarts.init(el, null, { renderer: 'svg' });
  chart.setOption({ ...BASE, ...option });
  registry.set(id, chart);
  el.dataset.chart = id;
  return chart;
}

/** Disposes every chart (when a page is left). */
export function disposeCharts(): void {
  for (const chart of registry.values()) chart.dispose();
  registry.clear();
}

export function resizeCharts(): void {
  for (const chart of registry.values()) if (!chart.isDisposed()) chart.resize();
}

let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(resizeCharts, 100);
});
// Print: the page narrows to A4 landscape, so the charts are laid out again for it and back after.
window.addEventListener('beforeprint', resizeCharts);
window.addEventListener('afterprint', resizeCharts);
window.matchMedia('print').addEventListener('change', resizeCharts);

/** Resolves once the browser has painted what was drawn (two animation frames). */
export const painted = () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
