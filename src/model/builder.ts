/**
 * The LP builder: the only way rows and columns come into existence. Every column and row has
 * a name of the form `family[index1,index2,…]` built from data ids and years (never positions),
 * and every family must be declared in `families.ts` before use, with the index tuple declared
 * there (readers turn names back with `parseName` in families.ts), so the catalogue in
 * `models/catalog.json` and the code cannot drift apart unnoticed.
 *
 * Built for speed (issue 13): columns, costs and the row matrix live in growable typed arrays, a
 * row's terms are merged through a dense scratch accumulator instead of a Map per row, and names
 * are kept as (family, indices) and written out only when someone reads `colNames` / `rowNames`
 * (reports and exports do; a solve does not). Duplicate names are a bug in a concept; they are
 * caught when the names are first written out.
 *
 * All columns have lower bound 0 (quantities and money are never negative here); this keeps the
 * two backends' inputs identical, since javascript-lp-solver has no native bounds.
 */
import type { ConstraintFamily, CostCategory, IndexTuple, VariableFamily } from './families.js';
import { COST_CATEGORIES, FAMILY_NAMES, familyOf, formatName } from './families.js';

export interface ColumnOptions {
  readonly upper?: number;
  readonly integer?: boolean;
}

export interface RowBounds {
  readonly lower?: number;
  readonly upper?: number;
}

/** A finished, solver-independent linear model. Row matrix in CSR form. */
export interface LinearModel {
  readonly name: string;
  readonly colNames: readonly string[];
  readonly colUpper: Float64Array;
  readonly colCost: Float64Array;
  readonly colInteger: Uint8Array;
  /**
   * Present when the objective is not the cost (near-optimal alternatives): the cost coefficients,
   * from which the portfolio's total cost is computed. Absent: `colCost` is the cost.
   */
  readonly costVector?: Float64Array;
  /** Objective coefficient split by cost category, for the cost breakdown. */
  readonly colCostParts: ReadonlyMap<number, ReadonlyArray<readonly [CostCategory, number]>>;
  /**
   * The same cost parts as flat arrays (column, category index into COST_CATEGORIES, amount), when
   * the builder made the model: a whole-model sum over them (the portfolio's cost breakdown) needs
   * no per-column map — building `colCostParts` allocates one array per column and cost ~10 % of a
   * warm worker's time per solve.
   */
  readonly costPartArrays?: { readonly column: Int32Array; readonly category: Uint8Array; readonly amount: Float64Array };
  readonly rowNames: readonly string[];
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  readonly rowStarts: Int32Array;
  readonly rowIndices: Int32Array;
  readonly rowValues: Float64Array;
}

export interface ModelStats {
  rows: number;
  columns: number;
  nonzeros: number;
  integerColumns: number;
}

export function modelStats(model: LinearModel): ModelStats {
  let integerColumns = 0;
  for (const flag of model.colInteger) integerColumns += flag;
  return {
    rows: model.rowLower.length,
    columns: model.colCost.length,
    nonzeros: model.rowValues.length,
    integerColumns,
  };
}

/**
 * A linear expression under construction: parallel lists of columns and coefficients. A column
 * may appear more than once (the terms add up when the row is built); zero coefficients are not
 * kept. `empty` is true until a non-zero term is added.
 */
export class Expression {
  readonly cols: number[] = [];
  readonly coefs: number[] = [];
  add(column: number, coefficient: number): this {
    if (coefficient !== 0) {
      this.cols.push(column);
      this.coefs.push(coefficient);
    }
    return this;
  }
  addExpression(other: Expression, scale = 1): this {
    const { cols, coefs } = other;
    for (let i = 0; i < cols.length; i++) this.add(cols[i]!, coefs[i]! * scale);
    return this;
  }
  get empty(): boolean {
    return this.cols.length === 0;
  }
  /** The merged terms, column → coefficient (duplicates summed). */
  get terms(): Map<number, number> {
    const merged = new Map<number, number>();
    for (let i = 0; i < this.cols.length; i++) merged.set(this.cols[i]!, (merged.get(this.cols[i]!) ?? 0) + this.coefs[i]!);
    return merged;
  }
}

/**
 * Growable typed arrays, one class per element type: a single generic class would see four
 * element kinds at its `push` and run it polymorphic. Small integers (families, categories,
 * integrality) are kept as int32 and narrowed when the model is built.
 */
class Floats {
  length = 0;
  data: Float64Array;
  constructor(capacity: number) {
    this.data = new Float64Array(capacity);
  }
  push(value: number): number {
    if (this.length === this.data.length) {
      const next = new Float64Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = value;
    return this.length++;
  }
  slice(): Float64Array {
    return this.data.slice(0, this.length);
  }
}

class Ints {
  length = 0;
  data: Int32Array;
  constructor(capacity: number) {
    this.data = new Int32Array(capacity);
  }
  push(value: number): number {
    if (this.length === this.data.length) {
      const next = new Int32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length] = value;
    return this.length++;
  }
  slice(): Int32Array {
    return this.data.slice(0, this.length);
  }
  /** The values as a narrower array (they fit: families, categories, flags). */
  narrow<T extends Uint8Array | Uint16Array>(make: (n: number) => T): T {
    const out = make(this.length);
    out.set(this.data.subarray(0, this.length));
    return out;
  }
}

const u8 = (n: number) => new Uint8Array(n);
const u16 = (n: number) => new Uint16Array(n);

const FAMILY_ID = new Map<string, number>(FAMILY_NAMES.map((name, i) => [name, i]));
const CATEGORY_ID = new Map(COST_CATEGORIES.map((c, i) => [c, i]));

export class LpBuilder {
  // Columns.
  private readonly colFamily = new Ints(1024);
  private readonly colIndices: Array<ReadonlyArray<string | number>> = [];
  private readonly colUpper = new Floats(1024);
  private readonly colCost = new Floats(1024);
  private readonly colInteger = new Ints(1024);
  // Cost parts: (column, category, amount), appended in order.
  private readonly partColumn = new Ints(1024);
  private readonly partCategory = new Ints(1024);
  private readonly partAmount = new Floats(1024);
  // Rows, in CSR.
  private readonly rowFamily = new Ints(1024);
  private readonly rowIndicesOf: Array<ReadonlyArray<string | number>> = [];
  private readonly rowLower = new Floats(1024);
  private readonly rowUpper = new Floats(1024);
  private readonly rowStarts = new Ints(1024);
  private readonly matIndex = new Ints(4096);
  private readonly matValue = new Floats(4096);
  // Dense scratch for merging a row's terms.
  private scratch = new Float64Array(1024);
  private seen = new Uint8Array(1024);
  private touched = new Int32Array(256);

  constructor(readonly name: string) {
    this.rowStarts.push(0);
  }

  addVariable<F extends VariableFamily>(family: F, indices: IndexTuple<F>, options: ColumnOptions = {}): number {
    const index = this.colCost.push(0);
    this.colFamily.push(familyId(family, 'variable'));
    this.colIndices.push(indices as ReadonlyArray<string | number>);
    this.colUpper.push(options.upper ?? Infinity);
    this.colInteger.push(options.integer ? 1 : 0);
    return index;
  }

  get columnCount(): number {
    return this.colCost.length;
  }

  /** Columns of one family so far, with their index tuples (custom constraints look quantities up by name). */
  columnsOf<F extends VariableFamily>(family: F): Array<readonly [number, IndexTuple<F>]> {
    const id = familyId(family, 'variable');
    const out: Array<readonly [number, IndexTuple<F>]> = [];
    for (let c = 0; c < this.colFamily.length; c++) if (this.colFamily.data[c] === id) out.push([c, this.colIndices[c]! as IndexTuple<F>]);
    return out;
  }

  /** Adds `amount` to a column's objective coefficient, remembering its category. */
  addCost(column: number, amount: number, category: CostCategory): void {
    if (amount === 0) return;
    if (!Number.isFinite(amount)) throw new Error(`non-finite cost on ${formatName(FAMILY_NAMES[this.colFamily.data[column]!]!, this.colIndices[column]!)}`);
    this.colCost.data[column]! += amount;
    this.partColumn.push(column);
    this.partCategory.push(CATEGORY_ID.get(category)!);
    this.partAmount.push(amount);
  }

  /**
   * Adds to a column's objective coefficient outside the system cost's categories: for second-stage
   * models whose objective is not the plan's cost (price-floors.ts minimises public money).
   */
  addObjective(column: number, amount: number): void {
    if (!Number.isFinite(amount))
      throw new Error(`non-finite objective on ${formatName(FAMILY_NAMES[this.colFamily.data[column]!]!, this.colIndices[column]!)}`);
    this.colCost.data[column]! += amount;
  }

  /** The cost as it stands: Σ cost_j · x_j over the columns with a cost. */
  costExpression(): Expression {
    const e = new Expression();
    for (let c = 0; c < this.colCost.length; c++) e.add(c, this.colCost.data[c]!);
    return e;
  }

  private costBackup: Float64Array | undefined;

  /** Replaces the objective (minimised) by `expression`; the cost stays available as `costVector` and in the cost parts. */
  replaceObjective(expression: Expression): void {
    this.costBackup = this.colCost.slice();
    this.colCost.data.fill(0);
    for (let i = 0; i < expression.cols.length; i++) this.colCost.data[expression.cols[i]!]! += expression.coefs[i]!;
  }

  setUpper(column: number, upper: number): void {
    this.colUpper.data[column] = upper;
  }

  /** Adds a named row `lower ≤ Σ coef·x ≤ upper`. Empty expressions are skipped (returns -1). */
  addConstraint<F extends ConstraintFamily>(family: F, indices: IndexTuple<F>, expression: Expression, bounds: RowBounds): number {
    const id = familyId(family, 'constraint');
    if (expression.empty) return -1;
    const lower = bounds.lower ?? -Infinity;
    const upper = bounds.upper ?? Infinity;
    if (lower > upper)
      throw new Error(`constraint ${formatName(family, indices as ReadonlyArray<string | number>)} has lower bound ${lower} above upper bound ${upper}`);
    const { cols, coefs } = expression;
    const n = cols.length;
    // Most rows list each column once, in ascending order: copy them as they are.
    let ascending = true;
    for (let i = 1; i < n; i++) {
      if (cols[i]! <= cols[i - 1]!) {
        ascending = false;
        break;
      }
    }
    if (ascending) {
      for (let i = 0; i < n; i++) {
        this.matIndex.push(cols[i]!);
        this.matValue.push(coefs[i]!);
      }
    } else {
      this.ensureScratch();
      if (this.touched.length < n) this.touched = new Int32Array(Math.max(n, this.touched.length * 2));
      let count = 0;
      for (let i = 0; i < n; i++) {
        const c = cols[i]!;
        if (!this.seen[c]) {
          this.seen[c] = 1;
          this.touched[count++] = c;
        }
        this.scratch[c]! += coefs[i]!;
      }
      const touched = this.touched.subarray(0, count).sort();
      for (let i = 0; i < count; i++) {
        const c = touched[i]!;
        const value = this.scratch[c]!;
        if (value !== 0) {
          this.matIndex.push(c);
          this.matValue.push(value);
        }
        this.scratch[c] = 0;
        this.seen[c] = 0;
      }
    }
    const index = this.rowLower.push(lower);
    this.rowUpper.push(upper);
    this.rowFamily.push(id);
    this.rowIndicesOf.push(indices as ReadonlyArray<string | number>);
    this.rowStarts.push(this.matIndex.length);
    return index;
  }

  private ensureScratch(): void {
    const n = this.colCost.length;
    if (this.scratch.length >= n) return;
    const size = Math.max(n, this.scratch.length * 2);
    const scratch = new Float64Array(size);
    scratch.set(this.scratch);
    this.scratch = scratch;
    const seen = new Uint8Array(size);
    seen.set(this.seen);
    this.seen = seen;
  }

  build(): LinearModel {
    const colFamily = this.colFamily.narrow(u16);
    const colIndices = this.colIndices;
    const rowFamily = this.rowFamily.narrow(u16);
    const rowIndices = this.rowIndicesOf;
    const partColumn = this.partColumn.slice();
    const partCategory = this.partCategory.narrow(u8);
    const partAmount = this.partAmount.slice();
    const model = assemble({
      name: this.name,
      colFamily,
      colTuples: colIndices,
      rowFamily,
      rowTuples: rowIndices,
      partColumn,
      partCategory,
      partAmount,
      colUpper: this.colUpper.slice(),
      colCost: this.colCost.slice(),
      ...(this.costBackup ? { costVector: this.costBackup } : {}),
      colInteger: this.colInteger.narrow(u8),
      rowLower: this.rowLower.slice(),
      rowUpper: this.rowUpper.slice(),
      rowStarts: this.rowStarts.slice(),
      rowIndices: this.matIndex.slice(),
      rowValues: this.matValue.slice(),
    });
    return model;
  }
}

/** What a built model is made of, names still as (family, indices): kept per model so a sub-model can be cut from it. */
interface ModelParts {
  readonly name: string;
  readonly colFamily: Uint16Array;
  readonly colTuples: ReadonlyArray<ReadonlyArray<string | number>>;
  readonly rowFamily: Uint16Array;
  readonly rowTuples: ReadonlyArray<ReadonlyArray<string | number>>;
  readonly partColumn: Int32Array;
  readonly partCategory: Uint8Array;
  readonly partAmount: Float64Array;
  readonly colUpper: Float64Array;
  readonly colCost: Float64Array;
  readonly costVector?: Float64Array;
  readonly colInteger: Uint8Array;
  readonly rowLower: Float64Array;
  readonly rowUpper: Float64Array;
  readonly rowStarts: Int32Array;
  readonly rowIndices: Int32Array;
  readonly rowValues: Float64Array;
}

const partsOf = new WeakMap<LinearModel, ModelParts>();

function assemble(parts: ModelParts): LinearModel {
  const { colFamily, colTuples, rowFamily, rowTuples, partColumn, partCategory, partAmount } = parts;
  let colNames: string[] | undefined;
  let rowNames: string[] | undefined;
  let colCostParts: Map<number, Array<[CostCategory, number]>> | undefined;
  const model: LinearModel = {
    name: parts.name,
    get colNames() {
      colNames ??= names(colFamily, colTuples, 'variable');
      return colNames;
    },
    colUpper: parts.colUpper,
    colCost: parts.colCost,
    ...(parts.costVector ? { costVector: parts.costVector } : {}),
    colInteger: parts.colInteger,
    get colCostParts() {
      colCostParts ??= costParts(partColumn, partCategory, partAmount);
      return colCostParts;
    },
    costPartArrays: { column: partColumn, category: partCategory, amount: partAmount },
    get rowNames() {
      rowNames ??= names(rowFamily, rowTuples, 'constraint');
      return rowNames;
    },
    rowLower: parts.rowLower,
    rowUpper: parts.rowUpper,
    rowStarts: parts.rowStarts,
    rowIndices: parts.rowIndices,
    rowValues: parts.rowValues,
  };
  partsOf.set(model, parts);
  return model;
}

/**
 * A sub-model of a model the builder made: the columns with `keepColumn[j] = 1` and the rows with
 * `keepRow[i] = 1`, each row with its terms on kept columns only; a row left without terms is
 * dropped (the builder never adds an empty row). Columns of a family in `dropFamilies` and rows of
 * one are dropped too. The objective is the model's cost (its `costVector` when a near-optimal
 * objective replaced it), no column is integer, names and cost parts follow the kept columns.
 * Returns undefined for a model the builder did not make.
 */
export function subModel(
  model: LinearModel,
  keepColumn: Uint8Array,
  keepRow: Uint8Array,
  dropFamilies: ReadonlySet<string> = new Set(),
): LinearModel | undefined {
  const parts = partsOf.get(model);
  if (!parts) return undefined;
  const dropped = new Uint8Array(FAMILY_NAMES.length);
  for (const family of dropFamilies) {
    const id = FAMILY_ID.get(family);
    if (id !== undefined) dropped[id] = 1;
  }
  const columns = parts.colCost.length;
  const newIndex = new Int32Array(columns).fill(-1);
  let kept = 0;
  for (let j = 0; j < columns; j++) if (keepColumn[j] && !dropped[parts.colFamily[j]!]) newIndex[j] = kept++;
  const colFamily = new Uint16Array(kept);
  const colTuples = new Array<ReadonlyArray<string | number>>(kept);
  const colUpper = new Float64Array(kept);
  const colCost = new Float64Array(kept);
  const cost = parts.costVector ?? parts.colCost;
  for (let j = 0; j < columns; j++) {
    const k = newIndex[j]!;
    if (k < 0) continue;
    colFamily[k] = parts.colFamily[j]!;
    colTuples[k] = parts.colTuples[j]!;
    colUpper[k] = parts.colUpper[j]!;
    colCost[k] = cost[j]!;
  }
  const rows = parts.rowLower.length;
  const { rowStarts: starts, rowIndices: indices, rowValues: values, rowFamily: families } = parts;
  const rowStarts = new Int32Array(rows + 1);
  const matIndex = new Int32Array(indices.length);
  const matValue = new Float64Array(values.length);
  const rowKept = new Int32Array(rows);
  let keptRows = 0;
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    if (!keepRow[i] || dropped[families[i]!]) continue;
    const start = nnz;
    const end = starts[i + 1]!;
    for (let k = starts[i]!; k < end; k++) {
      const j = newIndex[indices[k]!]!;
      if (j < 0) continue;
      matIndex[nnz] = j;
      matValue[nnz++] = values[k]!;
    }
    if (nnz === start) continue;
    rowKept[keptRows++] = i;
    rowStarts[keptRows] = nnz;
  }
  const { partColumn, partCategory, partAmount } = parts;
  let keptParts = 0;
  for (let p = 0; p < partColumn.length; p++) if (newIndex[partColumn[p]!]! >= 0) keptParts++;
  const newPartColumn = new Int32Array(keptParts);
  const newPartCategory = new Uint8Array(keptParts);
  const newPartAmount = new Float64Array(keptParts);
  for (let p = 0, q = 0; p < partColumn.length; p++) {
    const j = newIndex[partColumn[p]!]!;
    if (j < 0) continue;
    newPartColumn[q] = j;
    newPartCategory[q] = partCategory[p]!;
    newPartAmount[q++] = partAmount[p]!;
  }
  const rowList = rowKept.subarray(0, keptRows);
  const rowTuples = new Array<ReadonlyArray<string | number>>(keptRows);
  for (let r = 0; r < keptRows; r++) rowTuples[r] = parts.rowTuples[rowList[r]!]!;
  return assemble({
    name: parts.name,
    colFamily,
    colTuples,
    rowFamily: gather(families, rowList, new Uint16Array(keptRows)),
    rowTuples,
    partColumn: newPartColumn,
    partCategory: newPartCategory,
    partAmount: newPartAmount,
    colUpper,
    colCost,
    colInteger: new Uint8Array(kept),
    rowLower: gather(parts.rowLower, rowList, new Float64Array(keptRows)),
    rowUpper: gather(parts.rowUpper, rowList, new Float64Array(keptRows)),
    rowStarts: rowStarts.slice(0, keptRows + 1),
    rowIndices: matIndex.slice(0, nnz),
    rowValues: matValue.slice(0, nnz),
  });
}

function gather<T extends Uint16Array | Float64Array>(from: T, at: Int32Array, to: T): T {
  for (let r = 0; r < at.length; r++) to[r] = from[at[r]!]!;
  return to;
}

/** Writes out the names of columns or rows, and refuses duplicates (a bug in a concept). */
function names(family: Uint16Array, indices: ReadonlyArray<ReadonlyArray<string | number>>, kind: 'variable' | 'constraint'): string[] {
  const out = new Array<string>(family.length);
  const seen = new Set<string>();
  for (let i = 0; i < family.length; i++) {
    const name = formatName(FAMILY_NAMES[family[i]!]!, indices[i]!);
    if (seen.has(name)) throw new Error(`${kind} ${name} already exists`);
    seen.add(name);
    out[i] = name;
  }
  return out;
}

function costParts(column: Int32Array, category: Uint8Array, amount: Float64Array): Map<number, Array<[CostCategory, number]>> {
  const parts = new Map<number, Array<[CostCategory, number]>>();
  for (let k = 0; k < column.length; k++) {
    const c = COST_CATEGORIES[category[k]!]!;
    const list = parts.get(column[k]!);
    if (!list) {
      parts.set(column[k]!, [[c, amount[k]!]]);
      continue;
    }
    const existing = list.find(([x]) => x === c);
    if (existing) existing[1] += amount[k]!;
    else list.push([c, amount[k]!]);
  }
  return parts;
}

/** Family ids by kind, checked once per family name. */
const CHECKED: Record<'variable' | 'constraint', Map<string, number>> = { variable: new Map(), constraint: new Map() };

function familyId(family: string, kind: 'variable' | 'constraint'): number {
  const known = CHECKED[kind].get(family);
  if (known !== undefined) return known;
  const id = FAMILY_ID.get(family);
  const declared = familyOf(family);
  if (id === undefined || !declared) throw new Error(`family '${family}' is not declared in src/model/families.ts`);
  if (declared.kind !== kind) throw new Error(`family '${family}' is a ${declared.kind}, not a ${kind}`);
  CHECKED[kind].set(family, id);
  return id;
}
