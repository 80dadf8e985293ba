/**
 * Reads an exported LP or MPS file back into a `LinearModel` with HiGHS' own LP and MPS parsers
 * (`Model.readModel`), an implementation independent of our writers, and decodes the names. The
 * helper columns an LP file adds for ranged rows (`range~row`) are folded back into the row's
 * bounds, so the result can be compared name by name with the model that was written.
 */
import type { LinearModel } from '../../src/model/builder.js';
import { fromFileName, OBJECTIVE_NAME, RANGE_COLUMN_PREFIX } from '../../src/model/export/index.js';
import { highsModule } from '../../src/solver/highs.js';

export async function readExport(text: string, format: 'lp' | 'mps'): Promise<LinearModel> {
  const highs = await highsModule();
  const handle = highs.createModel();
  try {
    handle.options.set({ output_flag: false });
    handle.readModel({ format, data: text });
    const lp = handle.getLp('csr');
    if (lp.sense !== highs.constants.objectiveSense.minimize) throw new Error('the file does not minimise');
    if (lp.offset !== 0) throw new Error(`the objective has a constant ${lp.offset}`);
    const fileCols = Array.from({ length: lp.numCols }, (_, j) => handle.getColName(j));
    const fileRows = Array.from({ length: lp.numRows }, (_, i) => handle.getRowName(i));
    if (fileRows.includes(OBJECTIVE_NAME)) throw new Error('the objective came back as a row');

    const rowLower = Float64Array.from(lp.rowLower);
    const rowUpper = Float64Array.from(lp.rowUpper);
    const keep: number[] = [];
    fileCols.forEach((name, j) => {
      if (lp.colLower[j] !== 0) throw new Error(`column ${name} has lower bound ${lp.colLower[j]}, not 0`);
      if (!name.startsWith(RANGE_COLUMN_PREFIX)) {
        keep.push(j);
        return;
      }
      // `row: expr - range~row = lower`, `0 <= range~row <= width`  ⇒  lower <= expr <= lower + width.
      const row = fileRows.indexOf(name.slice(RANGE_COLUMN_PREFIX.length));
      if (row < 0 || rowLower[row] !== rowUpper[row]) throw new Error(`range column ${name} does not belong to an equality row`);
      rowUpper[row] = rowLower[row]! + lp.colUpper[j]!;
    });
    const newIndex = new Int32Array(lp.numCols).fill(-1);
    keep.forEach((j, k) => (newIndex[j] = k));

    const starts = [0];
    const indices: number[] = [];
    const values: number[] = [];
    const { starts: s, indices: idx, values: val } = lp.matrix;
    for (let i = 0; i < lp.numRows; i++) {
      for (let k = s[i]!; k < s[i + 1]!; k++) {
        const j = newIndex[idx[k]!]!;
        if (j < 0) continue;
        indices.push(j);
        values.push(val[k]!);
      }
      starts.push(indices.length);
    }
    const inf = highs.infinity;
    const fromInf = (v: number) => (v >= inf ? Infinity : v <= -inf ? -Infinity : v);
    return {
      name: 'read-back',
      colNames: keep.map((j) => fromFileName(fileCols[j]!)),
      colUpper: Float64Array.from(keep, (j) => fromInf(lp.colUpper[j]!)),
      colCost: Float64Array.from(keep, (j) => lp.colCost[j]!),
      colInteger: Uint8Array.from(keep, (j) => (lp.integrality[j] ? 1 : 0)),
      colCostParts: new Map(),
      rowNames: fileRows.map(fromFileName),
      rowLower: rowLower.map(fromInf),
      rowUpper: rowUpper.map(fromInf),
      rowStarts: Int32Array.from(starts),
      rowIndices: Int32Array.from(indices),
      rowValues: Float64Array.from(values),
    };
  } finally {
    handle.dispose();
  }
}
