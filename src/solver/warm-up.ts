/**
 * A representative solve to warm a fresh HiGHS runtime. The first solve in a new WebAssembly
 * instance is ~1.7× slower than later ones (code paths compiled and memory grown on first use), so
 * every solve worker runs this before it says it is ready: a deterministic transport-style LP of the
 * planner's shape (supply rows, balance rows, demand rows; a few hundred columns) solved with the
 * dual simplex and with interior point and crossover, the two algorithms the planner uses.
 */
import type { LinearModel } from '../model/builder.js';
import { solveWithHighs } from './highs.js';

/** A small LP: `sources` supply points shipping to `sinks` demand points through `hubs`. */
export function warmUpModel(sources = 12, hubs = 8, sinks = 16): LinearModel {
  const colNames: string[] = [];
  const colCost: number[] = [];
  const rows: Array<{ name: string; lower: number; upper: number; terms: Array<[number, number]> }> = [];
  const inflow = new Map<string, Array<[number, number]>>();
  const outflow = new Map<string, Array<[number, number]>>();
  const arc = (from: string, to: string, cost: number) => {
    const j = colNames.push(`arc[${from},${to}]`) - 1;
    colCost.push(cost);
    (outflow.get(from) ?? outflow.set(from, []).get(from)!).push([j, 1]);
    (inflow.get(to) ?? inflow.set(to, []).get(to)!).push([j, 1]);
  };
  for (let s = 0; s < sources; s++) for (let h = 0; h < hubs; h++) arc(`s${s}`, `h${h}`, 1 + ((s * 7 + h * 3) % 11));
  for (let h = 0; h < hubs; h++) for (let d = 0; d < sinks; d++) arc(`h${h}`, `d${d}`, 2 + ((h * 5 + d * 2) % 13));
  for (let s = 0; s < sources; s++) rows.push({ name: `supply[s${s}]`, lower: -Infinity, upper: 100 + ((s * 37) % 50), terms: outflow.get(`s${s}`)! });
  for (let h = 0; h < hubs; h++) {
    rows.push({
      name: `hub[h${h}]`,
      lower: 0,
      upper: Infinity,
      terms: [...inflow.get(`h${h}`)!, ...outflow.get(`h${h}`)!.map(([j]) => [j, -1] as [number, number])],
    });
  }
  for (let d = 0; d < sinks; d++) rows.push({ name: `demand[d${d}]`, lower: 40 + ((d * 13) % 30), upper: Infinity, terms: inflow.get(`d${d}`)! });
  const starts: number[] = [0];
  const indices: number[] = [];
  const values: number[] = [];
  for (const row of rows) {
    for (const [j, v] of [...row.terms].sort((a, b) => a[0] - b[0])) {
      indices.push(j);
      values.push(v);
    }
    starts.push(indices.length);
  }
  return {
    name: 'warm-up',
    colNames,
    colUpper: new Float64Array(colNames.length).fill(Infinity),
    colCost: Float64Array.from(colCost),
    colInteger: new Uint8Array(colNames.length),
    colCostParts: new Map(),
    rowNames: rows.map((r) => r.name),
    rowLower: Float64Array.from(rows, (r) => r.lower),
    rowUpper: Float64Array.from(rows, (r) => r.upper),
    rowStarts: Int32Array.from(starts),
    rowIndices: Int32Array.from(indices),
    rowValues: Float64Array.from(values),
  };
}

/** Solves the warm-up model with both algorithms; resolves when the runtime is warm. */
export async function warmUpHighs(): Promise<void> {
  const model = warmUpModel();
  for (const algorithm of ['simplex', 'ipm'] as const) {
    const result = await solveWithHighs(model, { backend: 'highs', timeLimitSeconds: 30, mipRelGap: 1e-6, algorithm });
    if (result.status !== 'optimal') throw new Error(`the HiGHS warm-up solve ended ${result.status}: ${result.message ?? ''}`);
  }
}
