/**
 * Writes a `LinearModel` as a free-format MPS file, with the same escaped names as the LP file
 * (`names.ts`). Free format, because the model's names are longer than fixed MPS's eight
 * characters; HiGHS reads free MPS by default, CPLEX, Gurobi, CBC/CLP and SCIP read it too. Pure
 * and deterministic: rows in model order, then columns in model order, one entry per line.
 *
 *     NAME          small-us-magnets-2030
 *     ROWS
 *      N  total_cost
 *      E  demand(US,ndfeb_magnet_std,2030)
 *     COLUMNS
 *         feed(mountain_pass,mountain_pass_separation,2030)  total_cost  12.5
 *         MARKER  'MARKER'  'INTORG'
 *         build_on(us_magnet,2026)  capacity(us_magnet,2026)  -40
 *         MARKER  'MARKER'  'INTEND'
 *     RHS
 *         RHS  demand(US,ndfeb_magnet_std,2030)  120
 *     RANGES
 *         RNG  some_ranged_row(…)  30
 *     BOUNDS
 *      UP BND  capacity(us_magnet,2026)  2000
 *     ENDATA
 *
 * The objective is minimised (the MPS default, so no OBJSENSE section, which older readers
 * reject). Rows: `E` when both bounds are equal, `G` with the lower bound, `L` with the upper bound;
 * a ranged row is a `G` row on its lower bound with a RANGES entry `upper - lower` (the standard
 * meaning for G rows: [rhs, rhs + |R|]). A row with no finite bound is a `G` row on -1e+30, which
 * readers take as minus infinity (a second `N` row would be dropped by some readers, name and all).
 * Zero right-hand sides are left out (zero is the default).
 *
 * Columns have lower bound 0 (the default). A finite upper bound is an `UP` bound (`FX` at 0).
 * Integer columns sit between INTORG/INTEND markers and always get an explicit upper bound, `PL`
 * when there is none: HiGHS and CPLEX make an integer column without bounds binary. A column with
 * no entries gets a zero objective entry so that it is not lost.
 */
import type { LinearModel } from '../builder.js';
import { commentLines, fileNames, type ExportOptions } from './lp.js';
import { formatNumber, OBJECTIVE_NAME, toFileName } from './names.js';

export function writeMps(model: LinearModel, options: ExportOptions = {}): string {
  const { columns, rows } = fileNames(model);
  const numCols = columns.length;
  const out: string[] = [...commentLines('*', options.comments)];
  out.push(`NAME          ${model.name ? toFileName(model.name) : 'model'}`);

  out.push('ROWS', ` N  ${OBJECTIVE_NAME}`);
  const rhs: string[] = [];
  const ranges: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const lower = model.rowLower[i]!;
    const upper = model.rowUpper[i]!;
    let type: 'E' | 'G' | 'L';
    let value: number;
    if (lower === upper) [type, value] = ['E', lower];
    else if (Number.isFinite(lower)) {
      [type, value] = ['G', lower];
      if (Number.isFinite(upper)) ranges.push(`    RNG  ${rows[i]}  ${formatNumber(upper - lower)}`);
    } else if (Number.isFinite(upper)) [type, value] = ['L', upper];
    else [type, value] = ['G', -1e30];
    out.push(` ${type}  ${rows[i]}`);
    if (value !== 0) rhs.push(`    RHS  ${rows[i]}  ${formatNumber(value)}`);
  }

  // The matrix is stored by row; MPS lists it by column.
  const perColumn: Array<Array<[number, number]>> = Array.from({ length: numCols }, () => []);
  for (let i = 0; i < rows.length; i++) {
    for (let k = model.rowStarts[i]!; k < model.rowStarts[i + 1]!; k++) perColumn[model.rowIndices[k]!]!.push([i, model.rowValues[k]!]);
  }
  out.push('COLUMNS');
  let inIntegers = false;
  for (let j = 0; j < numCols; j++) {
    const integer = model.colInteger[j] === 1;
    if (integer !== inIntegers) {
      out.push(`    MARKER  'MARKER'  '${integer ? 'INTORG' : 'INTEND'}'`);
      inIntegers = integer;
    }
    const name = columns[j]!;
    const cost = model.colCost[j]!;
    const entries = perColumn[j]!;
    if (cost !== 0 || entries.length === 0) out.push(`    ${name}  ${OBJECTIVE_NAME}  ${formatNumber(cost)}`);
    for (const [i, value] of entries) out.push(`    ${name}  ${rows[i]}  ${formatNumber(value)}`);
  }
  if (inIntegers) out.push(`    MARKER  'MARKER'  'INTEND'`);

  out.push('RHS', ...rhs);
  if (ranges.length) out.push('RANGES', ...ranges);

  const bounds: string[] = [];
  for (let j = 0; j < numCols; j++) {
    const upper = model.colUpper[j]!;
    const name = columns[j]!;
    if (upper === 0) bounds.push(` FX BND  ${name}  0`);
    else if (Number.isFinite(upper)) {
      bounds.push(` UP BND  ${name}  ${formatNumber(upper)}`);
      // Some readers take a negative UP bound to mean a lower bound of minus infinity.
      if (upper < 0) bounds.push(` LO BND  ${name}  0`);
    } else if (model.colInteger[j]) bounds.push(` PL BND  ${name}`);
  }
  if (bounds.length) out.push('BOUNDS', ...bounds);
  out.push('ENDATA', '');
  return out.join('\n');
}
