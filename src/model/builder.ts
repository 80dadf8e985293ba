/**
 * The LP builder: the only way rows and columns come into existence. Every column and row has
 * a name of the form `family[index1,index2,…]` built from data ids and years (never positions),
 * and every family must be declared in a concept file (see `families.ts`) before use, so the
 * catalogue in `models/catalog.json` and the code cannot drift apart unnoticed.
 *
 * All columns have lower bound 0 (quantities and money are never negative here); this keeps the
 * two backends' inputs identical, since javascript-lp-solver has no native bounds.
 */
import type { CostCategory } from './families.js';
import { FAMILIES } from './families.js';

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
  /** Objective coefficient split by cost category, for the cost breakdown. */
  readonly colCostParts: ReadonlyMap<number, ReadonlyArray<readonly [CostCategory, number]>>;
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
    rows: model.rowNames.length,
    columns: model.colNames.length,
    nonzeros: model.rowValues.length,
    integerColumns,
  };
}

export function formatName(family: string, indices: ReadonlyArray<string | number>): string {
  return `${family}[${indices.join(',')}]`;
}

/** Splits `family[a,b,2030]` into its family and index strings. */
export function parseName(name: string): { family: string; indices: string[] } {
  const open = name.indexOf('[');
  if (open < 0 || !name.endsWith(']')) return { family: name, indices: [] };
  return { family: name.slice(0, open), indices: name.slice(open + 1, -1).split(',') };
}

/** A linear expression under construction: column index → coefficient. */
export class Expression {
  readonly terms = new Map<number, number>();
  add(column: number, coefficient: number): this {
    if (coefficient !== 0) this.terms.set(column, (this.terms.get(column) ?? 0) + coefficient);
    return this;
  }
  addExpression(other: Expression, scale = 1): this {
    for (const [column, coefficient] of other.terms) this.add(column, coefficient * scale);
    return this;
  }
  get empty(): boolean {
    return this.terms.size === 0;
  }
}

export class LpBuilder {
  private readonly colIndex = new Map<string, number>();
  private readonly colNames: string[] = [];
  private readonly colUpper: number[] = [];
  private readonly colCost: number[] = [];
  private readonly colInteger: number[] = [];
  private readonly colCostParts = new Map<number, Array<[CostCategory, number]>>();
  private readonly rowIndex = new Map<string, number>();
  private readonly rowNames: string[] = [];
  private readonly rowLower: number[] = [];
  private readonly rowUpper: number[] = [];
  private readonly rowTerms: Array<Map<number, number>> = [];

  constructor(readonly name: string) {}

  addVariable(family: string, indices: ReadonlyArray<string | number>, options: ColumnOptions = {}): number {
    assertFamily(family, 'variable');
    const name = formatName(family, indices);
    if (this.colIndex.has(name)) throw new Error(`variable ${name} already exists`);
    const index = this.colNames.length;
    this.colIndex.set(name, index);
    this.colNames.push(name);
    this.colUpper.push(options.upper ?? Infinity);
    this.colCost.push(0);
    this.colInteger.push(options.integer ? 1 : 0);
    return index;
  }

  column(name: string): number | undefined {
    return this.colIndex.get(name);
  }

  /** Adds `amount` to a column's objective coefficient, remembering its category. */
  addCost(column: number, amount: number, category: CostCategory): void {
    if (amount === 0) return;
    if (!Number.isFinite(amount)) throw new Error(`non-finite cost on ${this.colNames[column]}`);
    this.colCost[column] = (this.colCost[column] ?? 0) + amount;
    const parts = this.colCostParts.get(column) ?? [];
    const existing = parts.find(([c]) => c === category);
    if (existing) existing[1] += amount;
    else parts.push([category, amount]);
    this.colCostParts.set(column, parts);
  }

  setUpper(column: number, upper: number): void {
    this.colUpper[column] = upper;
  }

  /** Adds a named row `lower ≤ Σ coef·x ≤ upper`. Empty expressions are skipped (returns -1). */
  addConstraint(family: string, indices: ReadonlyArray<string | number>, expression: Expression, bounds: RowBounds): number {
    assertFamily(family, 'constraint');
    const name = formatName(family, indices);
    if (this.rowIndex.has(name)) throw new Error(`constraint ${name} already exists`);
    if (expression.empty) return -1;
    const lower = bounds.lower ?? -Infinity;
    const upper = bounds.upper ?? Infinity;
    if (lower > upper) throw new Error(`constraint ${name} has lower bound ${lower} above upper bound ${upper}`);
    const index = this.rowNames.length;
    this.rowIndex.set(name, index);
    this.rowNames.push(name);
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    this.rowTerms.push(new Map(expression.terms));
    return index;
  }

  build(): LinearModel {
    let nonzeros = 0;
    for (const terms of this.rowTerms) for (const value of terms.values()) if (value !== 0) nonzeros++;
    const rowStarts = new Int32Array(this.rowNames.length + 1);
    const rowIndices = new Int32Array(nonzeros);
    const rowValues = new Float64Array(nonzeros);
    let k = 0;
    this.rowTerms.forEach((terms, row) => {
      rowStarts[row] = k;
      const sorted = [...terms.entries()].filter(([, v]) => v !== 0).sort((a, b) => a[0] - b[0]);
      for (const [column, value] of sorted) {
        rowIndices[k] = column;
        rowValues[k] = value;
        k++;
      }
    });
    rowStarts[this.rowNames.length] = k;
    return {
      name: this.name,
      colNames: [...this.colNames],
      colUpper: Float64Array.from(this.colUpper),
      colCost: Float64Array.from(this.colCost),
      colInteger: Uint8Array.from(this.colInteger),
      colCostParts: new Map(this.colCostParts),
      rowNames: [...this.rowNames],
      rowLower: Float64Array.from(this.rowLower),
      rowUpper: Float64Array.from(this.rowUpper),
      rowStarts,
      rowIndices,
      rowValues,
    };
  }
}

function assertFamily(family: string, kind: 'variable' | 'constraint'): void {
  const declared = FAMILIES[family];
  if (!declared) throw new Error(`family '${family}' is not declared in src/model/families.ts`);
  if (declared.kind !== kind) throw new Error(`family '${family}' is a ${declared.kind}, not a ${kind}`);
}
