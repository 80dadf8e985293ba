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
  const violations: Array<{ name: string; relativeViolation: number }> = [];
  for (const row of evaluateRows(model, values)) violations.push({ name: row.name, relativeViolation: row.relativeViolation });
  model.colNames.forEach((name, j) => {
    const value = values[j] ?? 0;
    const upper = model.colUpper[j] ?? Infinity;
    const integerGap = model.colInteger[j] ? Math.abs(value - Math.round(value)) : 0;
    const relativeViolation = Math.max(0, -value / 1, Number.isFinite(upper) ? (value - upper) / Math.max(1, Math.abs(upper)) : 0, integerGap);
    violations.push({ name, relativeViolation });
  });
  violations.sort((a, b) => b.relativeViolation - a.relativeViolation);
  let objective = 0;
  values.forEach((v, j) => (objective += v * (model.colCost[j] ?? 0)));
  return {
    maxRelativeViolation: violations[0]?.relativeViolation ?? 0,
    worst: violations.slice(0, 5).filter((v) => v.relativeViolation > 0),
    objective,
  };
}
