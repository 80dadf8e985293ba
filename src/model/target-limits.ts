/**
 * A formulated model that takes other dependency-target limits without being formulated again
 * (issue 14: a frontier changes only the limits). The limit α_t enters the model only in the
 * coefficients of its `dependency[t,y]` rows (dependency-target.ts):
 *
 *   coefficient of x_j in dependency[t,y] = untrusted_j − α_t · total_j
 *
 * so a template formulated once, with every target at TEMPLATE_LIMIT, is turned into the model of
 * any other limits by rewriting exactly those CSR entries; everything else (columns, bounds, costs,
 * the other rows, names, the sparsity pattern) is shared with the template. The right-hand side is
 * 0 whatever the limit. An entry whose coefficient is 0 at the new limit (a trusted flow at α = 0)
 * stays in the pattern with the value 0, so every member has the template's structure and a kept
 * basis of one point starts the next (src/solver/highs.ts). Pure: no I/O.
 */
import type { LinearModel } from './builder.js';
import { name } from './families.js';
import type { TargetRowTerms } from './context.js';
import type { Instance } from './instance.js';
import type { Scenario } from '../schemas/scenario.js';

/**
 * The limit the template is formulated at: not 0 or 1 and no simple fraction, so that no merged
 * coefficient untrusted_j − α·total_j is 0 there and dropped from the pattern (checked anyway).
 */
export const TEMPLATE_LIMIT = Math.SQRT1_2 - 0.2;

interface LimitRow {
  readonly target: string;
  /** Positions of the row's parametric entries in the CSR arrays. */
  readonly positions: Int32Array;
  readonly untrusted: Float64Array;
  readonly total: Float64Array;
}

export interface LimitTemplate {
  readonly instance: Instance;
  readonly model: LinearModel;
  readonly rows: readonly LimitRow[];
}

/** The template scenario: every target at TEMPLATE_LIMIT. */
export function templateScenario(scenario: Scenario): Scenario {
  return { ...scenario, targets: scenario.targets.map((t) => ({ ...t, maxUntrustedShare: TEMPLATE_LIMIT })) };
}

/**
 * Locates each target row's terms in the model by the row's name (`dependency[t,y]`) and each
 * term's column inside that row. Null when a term is missing from the pattern (a coefficient that
 * happened to be 0 at the template's limit): the caller formulates each member instead.
 */
export function limitTemplate(instance: Instance, model: LinearModel, targetRows: readonly TargetRowTerms[]): LimitTemplate | null {
  const rowIndex = new Map(model.rowNames.map((name, i) => [name, i]));
  const rows: LimitRow[] = [];
  for (const terms of targetRows) {
    const r = rowIndex.get(name('dependency', terms.target, terms.year));
    if (r === undefined) return null;
    const start = model.rowStarts[r]!;
    const end = model.rowStarts[r + 1]!;
    const positions = new Int32Array(terms.columns.length);
    let k = start;
    for (let i = 0; i < terms.columns.length; i++) {
      // Both lists are ascending by column.
      while (k < end && model.rowIndices[k]! < terms.columns[i]!) k++;
      if (k === end || model.rowIndices[k] !== terms.columns[i]) return null;
      positions[i] = k;
    }
    rows.push({ target: terms.target, positions, untrusted: terms.untrusted, total: terms.total });
  }
  return { instance, model, rows };
}

/**
 * The template's model and instance for `scenario`, which must equal the template's scenario but
 * for its name, description and target limits (the caller's key says so): the instance carries the
 * scenario and its limits (reports read them), the model new values in the target rows' entries.
 */
export function withTargetLimits(template: LimitTemplate, scenario: Scenario): { instance: Instance; model: LinearModel } {
  const limitOf = new Map(template.instance.targets.map((t) => [t.id, scenario.targets[t.index]!.maxUntrustedShare]));
  const rowValues = Float64Array.from(template.model.rowValues);
  for (const row of template.rows) {
    const alpha = limitOf.get(row.target)!;
    for (let i = 0; i < row.positions.length; i++) rowValues[row.positions[i]!] = row.untrusted[i]! - alpha * row.total[i]!;
  }
  const base = template.model;
  const model: LinearModel = {
    name: scenario.name,
    get colNames() {
      return base.colNames;
    },
    colUpper: base.colUpper,
    colCost: base.colCost,
    ...(base.costVector ? { costVector: base.costVector } : {}),
    colInteger: base.colInteger,
    get colCostParts() {
      return base.colCostParts;
    },
    ...(base.costPartArrays ? { costPartArrays: base.costPartArrays } : {}),
    get rowNames() {
      return base.rowNames;
    },
    rowLower: base.rowLower,
    rowUpper: base.rowUpper,
    rowStarts: base.rowStarts,
    rowIndices: base.rowIndices,
    rowValues,
  };
  const instance: Instance = {
    ...template.instance,
    scenario,
    targets: template.instance.targets.map((t) => ({ ...t, maxUntrustedShare: limitOf.get(t.id)! })),
  };
  return { instance, model };
}

/**
 * What a member must share with a template to be made from it: the scenario without its name,
 * description and target limits.
 */
export function limitTemplateKey(scenario: Scenario): string {
  const { name: _name, description: _description, targets, ...rest } = scenario;
  return JSON.stringify({ ...rest, targets: targets.map(({ maxUntrustedShare: _limit, ...t }) => t) });
}
