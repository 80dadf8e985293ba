/**
 * A content hash of a formulated model: column names, bounds, integrality, costs (and the cost
 * vector and cost parts), row names and bounds, and the CSR matrix, in the builder's order. Two
 * models with the same hash are the same model, column for column and row for row. Also a
 * canonical form that does not depend on the order columns and rows were created in (rows and
 * their terms by name), for models made by different passes.
 */
import { createHash } from 'node:crypto';
import type { LinearModel } from '../../src/model/builder.js';

const bytes = (a: Float64Array | Int32Array | Uint8Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

export function modelHash(model: LinearModel): string {
  const h = createHash('sha256');
  h.update(model.colNames.join('\n'));
  h.update('|rows|');
  h.update(model.rowNames.join('\n'));
  for (const a of [model.colUpper, model.colCost, model.colInteger, model.rowLower, model.rowUpper, model.rowStarts, model.rowIndices, model.rowValues]) {
    h.update(`|${a.length}|`);
    h.update(bytes(a));
  }
  h.update(`|cv|${model.costVector ? model.costVector.length : -1}|`);
  if (model.costVector) h.update(bytes(model.costVector));
  const parts = [...model.colCostParts].sort(([a], [b]) => a - b);
  h.update(JSON.stringify(parts));
  return h.digest('hex');
}

/** The model by names: columns (name, upper, cost, integer) and rows (name, bounds, terms by column name), each sorted. */
export function canonicalModel(model: LinearModel, cost: Float64Array = model.costVector ?? model.colCost) {
  const cols = model.colNames
    .map((name, j) => [name, model.colUpper[j]!, cost[j]!, model.colInteger[j]!] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rows = model.rowNames
    .map((name, i) => {
      const terms: Array<[string, number]> = [];
      for (let k = model.rowStarts[i]!; k < model.rowStarts[i + 1]!; k++) terms.push([model.colNames[model.rowIndices[k]!]!, model.rowValues[k]!]);
      terms.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      return [name, model.rowLower[i]!, model.rowUpper[i]!, terms] as const;
    })
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { cols, rows };
}
