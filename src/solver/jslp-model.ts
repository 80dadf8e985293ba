/**
 * Translates a LinearModel into javascript-lp-solver's JSON model, with the same names: each row
 * becomes a constraint keyed by its name, each column a variable keyed by its name. Finite column
 * upper bounds become rows `<column>#ub` (the solver has no native bounds); all lower bounds are 0.
 */
import type { LinearModel } from '../model/builder.js';

export const JSLP_OBJECTIVE_KEY = '#objective';

export interface JslpModel {
  optimize: string;
  opType: 'min';
  constraints: Record<string, { min?: number; max?: number; equal?: number }>;
  variables: Record<string, Record<string, number>>;
  ints: Record<string, 1>;
}

export function toJslpModel(model: LinearModel): JslpModel {
  const constraints: JslpModel['constraints'] = {};
  const variables: JslpModel['variables'] = {};
  const ints: JslpModel['ints'] = {};
  model.colNames.forEach((name, j) => {
    const coefficients: Record<string, number> = {};
    const cost = model.colCost[j] ?? 0;
    if (cost !== 0) coefficients[JSLP_OBJECTIVE_KEY] = cost;
    const upper = model.colUpper[j] ?? Infinity;
    if (Number.isFinite(upper)) {
      constraints[`${name}#ub`] = { max: upper };
      coefficients[`${name}#ub`] = 1;
    }
    if (model.colInteger[j]) ints[name] = 1;
    variables[name] = coefficients;
  });
  model.rowNames.forEach((name, i) => {
    const lower = model.rowLower[i] ?? -Infinity;
    const upper = model.rowUpper[i] ?? Infinity;
    const bound: { min?: number; max?: number; equal?: number } = {};
    if (lower === upper) bound.equal = lower;
    else {
      if (Number.isFinite(lower)) bound.min = lower;
      if (Number.isFinite(upper)) bound.max = upper;
    }
    constraints[name] = bound;
    const start = model.rowStarts[i] ?? 0;
    const end = model.rowStarts[i + 1] ?? 0;
    for (let k = start; k < end; k++) {
      const column = model.colNames[model.rowIndices[k] ?? 0] ?? '';
      (variables[column] ??= {})[name] = model.rowValues[k] ?? 0;
    }
  });
  return { optimize: JSLP_OBJECTIVE_KEY, opType: 'min', constraints, variables, ints };
}
