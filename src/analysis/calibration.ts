/**
 * Calibration: does the dataset's world reproduce the observed years? The dataset lists published
 * figures (`calibration.json`: a metric, a year, the published value and the band it must fall in,
 * chosen from the spread of the sources). This module solves the observed years with existing and
 * committed capacity only (no new builds) and no targets — the target-free world as it was — and
 * prints each modelled figure beside its published value, source, band and verdict.
 *
 * Metrics, for a bloc B (the figure's countries), year y, products k (all read from the solved
 * columns through the dependency-metric flows, see dependency-metrics.ts):
 *   untrusted_share     = Σ_k untrustedT / Σ_k consumptionT                 (origin-traced, unserved counts)
 *   rival_supply_share  = Σ_k rival purchases into B / Σ_k consumptionT     (what B buys from the rival)
 *   rival_import_share  = Σ_k w_k · rival purchases / Σ_k w_k · importsT     (the rival's share of B's imports)
 *   net_import_reliance = 100 · Σ_k w_k (I − X) / Σ_k w_k (P + I − X)       (USGS; "E" when a net exporter)
 *   production          = Σ_{c∈B} production of k                           (B absent: the trusted countries)
 *   plant_output        = what plant p made of k
 * A figure marked `comparable: false` (the published quantity covers what the model does not trace)
 * is computed and printed but has the verdict `not_comparable`, never `within`.
 * Pure apart from the injected solver.
 */
import type { CalibrationFigure, Dataset } from '../data/schema.js';
import type { LinearModel } from '../model/builder.js';
import { formulate } from '../model/formulate.js';
import { resolveScenario, type Instance } from '../model/instance.js';
import { ScenarioSchema, type Scenario } from '../schemas/scenario.js';
import type { SolveResult } from '../solver/types.js';
import { collectFlows, pointFor, type DependencyMetricPoint } from './dependency-metrics.js';
import { plantOutputs } from './plant-output.js';
import { verifySolution } from './evaluate.js';

export type CalibrationVerdict = 'within' | 'outside' | 'not_comparable' | 'no_value';

export interface CalibrationRow {
  id: string;
  description: string;
  year: number;
  kind: CalibrationFigure['metric']['kind'];
  unit: string;
  modelValue: number | null;
  /** As the USGS prints it, for net import reliance ("E" for a net exporter). */
  modelNotation: string | null;
  published: { value: number; low: number; high: number };
  verdict: CalibrationVerdict;
  toleranceNote: string;
  estimate: boolean;
  sources: Array<{ title: string; url?: string; factIds?: string[] }>;
}

export interface CalibrationReport {
  datasetId: string;
  years: number[];
  status: SolveResult['status'];
  /** Total discounted cost of the observed years' solve (USD), for reference. */
  totalCostUsd: number | null;
  /** Largest relative row violation when the solution is recomputed independently of the solver. */
  maxRelativeViolation: number | null;
  rows: CalibrationRow[];
  /** Rows within their band / comparable rows. */
  summary: { within: number; outside: number; notComparable: number; noValue: number };
}

/** The scenario the calibration solves: the figures' years, no targets, the dataset's defaults. */
export function calibrationScenario(dataset: Dataset): Scenario | null {
  const years = [...new Set(dataset.calibration.map((f) => f.year))].sort((a, b) => a - b);
  if (!years.length) return null;
  return ScenarioSchema.parse({
    name: `Calibration of ${dataset.meta.id}: observed years, existing capacity only, no targets`,
    datasetId: dataset.meta.id,
    horizon: { startYear: years[0], endYear: years[years.length - 1] },
  });
}

/** Formulates the calibration solve: the observed years with no new builds and no targets. */
export function formulateCalibration(dataset: Dataset): { instance: Instance; model: LinearModel } | null {
  const scenario = calibrationScenario(dataset);
  if (!scenario) return null;
  const instance = resolveScenario(scenario, dataset, { noNewBuilds: true, noTargets: true });
  // Its figures compare origin-traced shares in every observed year: the optimiser's split, in every year (the default).
  return { instance, model: formulate(instance) };
}

export async function calibrate(dataset: Dataset, solve: (model: LinearModel) => Promise<SolveResult>): Promise<CalibrationReport> {
  const formulated = formulateCalibration(dataset);
  if (!formulated) {
    return {
      datasetId: dataset.meta.id,
      years: [],
      status: 'optimal',
      totalCostUsd: null,
      maxRelativeViolation: null,
      rows: [],
      summary: { within: 0, outside: 0, notComparable: 0, noValue: 0 },
    };
  }
  const { instance, model } = formulated;
  const result = await solve(model);
  const values = result.status === 'optimal' ? result.columnValues : undefined;
  const rows = dataset.calibration.map((figure) => row(figure, values ? evaluate(instance, model, values, figure) : { value: null, notation: null }));
  const count = (v: CalibrationVerdict) => rows.filter((r) => r.verdict === v).length;
  return {
    datasetId: dataset.meta.id,
    years: [...instance.years],
    status: result.status,
    totalCostUsd: values ? (result.objective ?? null) : null,
    maxRelativeViolation: values ? verifySolution(model, values).maxRelativeViolation : null,
    rows,
    summary: { within: count('within'), outside: count('outside'), notComparable: count('not_comparable'), noValue: count('no_value') },
  };
}

function row(figure: CalibrationFigure, computed: { value: number | null; notation: string | null }): CalibrationRow {
  const { value, notation } = computed;
  const verdict: CalibrationVerdict = !figure.comparable
    ? 'not_comparable'
    : value === null
      ? 'no_value'
      : value >= figure.published.low && value <= figure.published.high
        ? 'within'
        : 'outside';
  return {
    id: figure.id,
    description: figure.description,
    year: figure.year,
    kind: figure.metric.kind,
    unit: figure.unit,
    modelValue: value,
    modelNotation: notation,
    published: { ...figure.published },
    verdict,
    toleranceNote: figure.toleranceNote,
    estimate: figure.estimate,
    sources: figure.source.map((c) => ({ title: c.title, ...(c.url ? { url: c.url } : {}), ...(c.factIds ? { factIds: [...c.factIds] } : {}) })),
  };
}

function evaluate(instance: Instance, model: LinearModel, values: Float64Array, figure: CalibrationFigure): { value: number | null; notation: string | null } {
  const metric = figure.metric;
  const year = figure.year;
  if (metric.kind === 'plant_output') {
    return { value: plantOutputs(instance, model, values).get(`${metric.plant}|${metric.product}|${year}`) ?? 0, notation: null };
  }
  const flows = collectFlows(instance, model, values);
  const countries = new Set('countries' in metric && metric.countries ? metric.countries : instance.trusted);
  const point = (product: string): DependencyMetricPoint => pointFor(countries, instance.rival, year, flows.get(`${product}|${year}`));
  const rivalSupplied = (p: DependencyMetricPoint) => p.suppliers.find((s) => s.country === instance.rival)?.suppliedT ?? 0;
  const ratio = (numerator: number, denominator: number) => (denominator > 1e-6 ? numerator / denominator : null);
  switch (metric.kind) {
    case 'untrusted_share': {
      const points = metric.products.map(point);
      return {
        value: ratio(
          sum(points, (p) => p.untrustedT),
          sum(points, (p) => p.consumptionT),
        ),
        notation: null,
      };
    }
    case 'rival_supply_share': {
      const points = metric.products.map(point);
      return {
        value: ratio(
          sum(points, rivalSupplied),
          sum(points, (p) => p.consumptionT),
        ),
        notation: null,
      };
    }
    case 'rival_import_share': {
      const weighted = Object.entries(metric.weights).map(([product, w]) => [point(product), w] as const);
      return {
        value: ratio(
          sum(weighted, ([p, w]) => w * rivalSupplied(p)),
          sum(weighted, ([p, w]) => w * p.importsT),
        ),
        notation: null,
      };
    }
    case 'net_import_reliance': {
      const weighted = Object.entries(metric.weights).map(([product, w]) => [point(product), w] as const);
      const net = sum(weighted, ([p, w]) => w * p.netImportsT);
      const apparent = Math.max(
        0,
        sum(weighted, ([p, w]) => w * (p.productionT + p.netImportsT)),
      );
      if (-net > 1e-6) return { value: apparent > 1e-6 ? (100 * net) / apparent : null, notation: 'E' };
      const pct = apparent > 1e-6 ? (100 * net) / apparent : null;
      return { value: pct, notation: pct === null ? 'NA' : String(Math.round(pct)) };
    }
    case 'production': {
      return { value: point(metric.product).productionT, notation: null };
    }
  }
}

function sum<T>(items: readonly T[], f: (item: T) => number): number {
  return items.reduce((s, item) => s + f(item), 0);
}

/** The report as a plain-text table (the CLI prints it). */
export function formatCalibration(report: CalibrationReport): string {
  const fmt = (v: number | null, unit: string) => {
    if (v === null) return '—';
    if (unit === 'share') return `${(100 * v).toFixed(1)} %`;
    if (unit === '%') return `${v.toFixed(1)} %`;
    return Math.round(v).toLocaleString('en-US');
  };
  const lines = [
    `Calibration of ${report.datasetId}, ${report.years.join('–')}: existing capacity only, no targets (solve ${report.status}, max row violation ${report.maxRelativeViolation?.toExponential(1) ?? '—'})`,
    '',
    '| figure | year | model | published | band | verdict |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of report.rows) {
    const model = r.modelNotation === 'E' ? 'E (net exporter)' : fmt(r.modelValue, r.unit);
    lines.push(
      `| ${r.id}: ${r.description} | ${r.year} | ${model} | ${fmt(r.published.value, r.unit)} | ${fmt(r.published.low, r.unit)} – ${fmt(r.published.high, r.unit)} | ${r.verdict} |`,
    );
  }
  lines.push(
    '',
    `${report.summary.within} within, ${report.summary.outside} outside, ${report.summary.notComparable} not comparable, ${report.summary.noValue} without a value.`,
  );
  return lines.join('\n');
}
