/**
 * Verifies a solution independently of the solver that produced it: recomputes every named row's
 * activity from the column values and checks it against the row's bounds, and every column against
 * its bounds. The solver is never trusted to grade itself. Also the source of slack and binding
 * status for the javascript-lp-solver backend, which returns neither.
 */
import type { LinearModel } from '../model/builder.js';

export interface RowEvaluation {
  name: string;
  activity: number;
  lower: number;
  upper: number;
  /** Distance to the nearest finite bound (≥ 0 when feasible). */
  slack: number;
  /** Violation relative to max(1, |bound|). */
  relativeViolation: number;
}

export interface Verification {
  maxRelativeViolation: number;
  /** Names of the rows or columns with the largest violations (at most 5). */
  worst: Array<{ name: string; relativeViolation: number }>;
  objective: number;
}

export function rowActivities(model: LinearModel, values: Float64Array): Float64Array {
  const activities = new Float64Array(model.rowNames.length);
  for (let i = 0; i < model.rowNames.length; i++) {
    let sum = 0;
    for (let k = model.rowStarts[i] ?? 0; k < (model.rowStarts[i + 1] ?? 0); k++) {
      sum += (model.rowValues[k] ?? 0) * (values[model.rowIndices[k] ?? 0] ?? 0);
    }
    activities[i] = sum;
  }
  return activities;
}

export function evaluateRows(model: LinearModel, values: Float64Array): RowEvaluation[] {
  const activities = rowActivities(model, values);
  return model.rowNames.map((name, i) => {
    const activity = activities[i] ?? 0;
    const lower = model.rowLower[i] ?? -Infinity;
    const upper = model.rowUpper[i] ?? Infinity;
    const below = Number.isFinite(lower) ? (lower - activity) / Math.max(1, Math.abs(lower)) : 0;
    const above = Number.isFinite(upper) ? (activity - upper) / Math.max(1, Math.abs(upper)) : 0;
    const slack = Math.min(Number.isFinite(lower) ? activity - lower : Infinity, Number.isFinite(upper) ? upper - activity : Infinity);
    return { name, activity, lower, upper, slack, relativeViolation: Math.max(0, below, above) };
  });
}

export function verifySolution(model: LinearModel, values: Float64Array): Verification {
  // The largest violations, kept as a stable sort would order them (ties in row-then-column order),
  // without sorting every row and column: a frontier builds one portfolio per point.
  const top: Array<{ name: string; relativeViolation: number }> = [];
  let max = -Infinity;
  const consider = (name: () => string, relativeViolation: number) => {
    if (relativeViolation > max) max = relativeViolation;
    if (top.length === WORST && !(relativeViolation > top[WORST - 1]!.relativeViolation)) return;
    let at = top.length;
    while (at > 0 && relativeViolation > top[at - 1]!.relativeViolation) at--;
    top.splice(at, 0, { name: name(), relativeViolation });
    if (top.length > WORST) top.pop();
  };
  const rows = evaluateRows(model, values);
  for (const row of rows) consider(() => row.name, row.relativeViolation);
  const colNames = model.colNames;
  for (let j = 0; j < colNames.length; j++) {
    const value = values[j] ?? 0;
    const upper = model.colUpper[j] ?? Infinity;
    const integerGap = model.colInteger[j] ? Math.abs(value - Math.round(value)) : 0;
    consider(() => colNames[j]!, Math.max(0, -value / 1, Number.isFinite(upper) ? (value - upper) / Math.max(1, Math.abs(upper)) : 0, integerGap));
  }
  let objective = 0;
  values.forEach((v, j) => (objective += v * (model.colCost[j] ?? 0)));
  return {
    maxRelativeViolation: top.length ? max : 0,
    worst: top.filter((v) => v.relativeViolation > 0),
    objective,
  };
}

/** How many of the largest violations a verification names. */
const WORST = 5;
