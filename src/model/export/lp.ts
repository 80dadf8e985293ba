/**
 * Writes a `LinearModel` as a CPLEX LP file (the dialect CPLEX, HiGHS, GLPK, CBC and SCIP read),
 * with every name in the escaped form described in `names.ts`. Pure: model in, text out, the same
 * text for the same model.
 *
 *     \ comments
 *     minimize
 *      total_cost: + 3 build(us_magnet,2026) + …
 *     subject to
 *      demand(US,ndfeb_magnet_std,2030): + 1 deliver(…) + … = 120
 *     bounds
 *      0 <= capacity(us_magnet,2026) <= 2000
 *     general
 *      build_on(us_magnet,2026)
 *     end
 *
 * Rows: `lower = upper` is written `= v`, a lower bound alone `>= lower`, an upper bound alone
 * `<= upper`. A row with no finite bound (never built by the planner) is written `>= -1e+30`, which
 * every reader takes as minus infinity. A ranged row (both bounds finite and different; the planner
 * builds none today) cannot be written as `lower <= expr <= upper`: HiGHS 1.15's LP reader aborts
 * on that form. It is written the way CPLEX itself writes ranges, with a helper column of its own:
 * `row: expr - range~row = lower` and `0 <= range~row <= upper - lower`. The row keeps its name
 * and its dual; the helper column (prefix `range~`, see `names.ts`) is the only addition.
 *
 * Columns: all have lower bound 0, the LP default. A finite upper bound is written in `bounds`; a
 * column that appears in no row and has no cost is declared there too (`x >= 0`), or a reader
 * would never see it. Integer columns are listed under `general` (their bounds stay in `bounds`).
 * Coefficients are written with the shortest text that reads back as the same double; lines are
 * wrapped before 255 characters (CPLEX truncates lines at 510, old GLPK at 255).
 */
import type { LinearModel } from '../builder.js';
import { formatNumber, OBJECTIVE_NAME, RANGE_COLUMN_PREFIX, toFileName } from './names.js';

export interface ExportOptions {
  /** Lines written as comments at the top of the file (provenance: scenario, solver options…). */
  readonly comments?: readonly string[];
}

const LINE_LIMIT = 250;

/** Appends ` + c name` terms to `lines`, starting a new indented line before the limit. */
class Wrapped {
  readonly lines: string[] = [];
  private current: string;
  constructor(start: string) {
    this.current = start;
  }
  push(token: string): void {
    if (this.current.length + token.length + 1 > LINE_LIMIT && this.current.trim().length > 0 && !this.current.endsWith(':')) {
      this.lines.push(this.current);
      this.current = '   ';
    }
    this.current += ` ${token}`;
  }
  term(coefficient: number, name: string): void {
    this.push(`${coefficient < 0 ? '-' : '+'} ${formatNumber(Math.abs(coefficient))} ${name}`);
  }
  end(): string[] {
    this.lines.push(this.current);
    return this.lines;
  }
}

export function commentLines(prefix: string, comments: readonly string[] = []): string[] {
  return comments.flatMap((c) => c.split(/\r?\n/)).map((line) => (line ? `${prefix} ${line}` : prefix));
}

/** Escaped column and row names; the model must not name two columns (or two rows) alike. */
export function fileNames(model: LinearModel): { columns: string[]; rows: string[] } {
  const columns = model.colNames.map(toFileName);
  const rows = model.rowNames.map(toFileName);
  for (const [kind, names] of [
    ['column', columns],
    ['row', rows],
  ] as const) {
    const seen = new Set<string>();
    for (const name of names) {
      if (seen.has(name)) throw new Error(`two ${kind}s are both named '${name}'`);
      seen.add(name);
    }
  }
  return { columns, rows };
}

export function writeLp(model: LinearModel, options: ExportOptions = {}): string {
  const { columns, rows } = fileNames(model);
  const numCols = columns.length;
  if (numCols === 0 && rows.length > 0) throw new Error('cannot write rows without columns');
  const seen = new Uint8Array(numCols);
  const out: string[] = [...commentLines('\\', options.comments)];

  out.push('minimize');
  const objective = new Wrapped(` ${OBJECTIVE_NAME}:`);
  let costTerms = 0;
  for (let j = 0; j < numCols; j++) {
    const cost = model.colCost[j]!;
    if (cost === 0) continue;
    objective.term(cost, columns[j]!);
    seen[j] = 1;
    costTerms++;
  }
  // An objective without terms is legal in HiGHS but not in every reader; `0 x` is.
  if (costTerms === 0 && numCols > 0) objective.term(0, columns[0]!);
  out.push(...objective.end());

  out.push('subject to');
  const ranges: Array<{ column: string; width: number }> = [];
  for (let i = 0; i < rows.length; i++) {
    const row = new Wrapped(` ${rows[i]}:`);
    const start = model.rowStarts[i]!;
    const stop = model.rowStarts[i + 1]!;
    for (let k = start; k < stop; k++) {
      const j = model.rowIndices[k]!;
      row.term(model.rowValues[k]!, columns[j]!);
      seen[j] = 1;
    }
    if (start === stop) row.term(0, columns[0]!);
    const lower = model.rowLower[i]!;
    const upper = model.rowUpper[i]!;
    if (lower === upper) row.push(`= ${formatNumber(lower)}`);
    else if (Number.isFinite(lower) && Number.isFinite(upper)) {
      const column = `${RANGE_COLUMN_PREFIX}${rows[i]}`;
      ranges.push({ column, width: upper - lower });
      row.term(-1, column);
      row.push(`= ${formatNumber(lower)}`);
    } else if (Number.isFinite(lower)) row.push(`>= ${formatNumber(lower)}`);
    else if (Number.isFinite(upper)) row.push(`<= ${formatNumber(upper)}`);
    else row.push('>= -1e+30');
    out.push(...row.end());
  }

  const bounds: string[] = [];
  for (let j = 0; j < numCols; j++) {
    const upper = model.colUpper[j]!;
    if (Number.isFinite(upper)) bounds.push(` 0 <= ${columns[j]} <= ${formatNumber(upper)}`);
    else if (!seen[j]) bounds.push(` ${columns[j]} >= 0`);
  }
  for (const range of ranges) bounds.push(` 0 <= ${range.column} <= ${formatNumber(range.width)}`);
  if (bounds.length) out.push('bounds', ...bounds);

  const integers = columns.filter((_, j) => model.colInteger[j]);
  if (integers.length) out.push('general', ...integers.map((name) => ` ${name}`));
  out.push('end', '');
  return out.join('\n');
}
