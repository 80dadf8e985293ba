/**
 * Custom constraints: conditions planners write themselves as text (scenario `constraints`, grammar
 * in models/expressions.md, parser in ../expressions.ts), e.g.
 *   capacity("IN", "magnet", 2030) >= 0.25 * capacity(bloc("QUAD"), "magnet", 2030)
 *
 *   custom[id]       (every quantity names its years):       Σ_i a_i · q_i(x) + c  ⋈  0
 *   custom[id,y]     (some quantity omits its year: one row per horizon year y, the omitted years = y)
 * with ⋈ one of ≥, ≤, = and each q_i a sum of model columns (plus data constants) over the named
 * countries, plants, stages, products, funders and years:
 *   capacity(W,S,Y)     = Σ_{p∈W, stage S} Σ_{y∈Y} (existing_p(y) + Σ_b ρ_p(y−b−L_p) · build[p,b])   t/yr
 *   new_capacity(W,S,Y) = the same without existing_p(y)                                           t/yr
 *   builds(W,S,Y)       = Σ build[p,b], b ∈ Y                                                      t/yr
 *   production(W,K,Y)   = Σ output(p,k,y) (separation yields, make[p,r,o,y] of recipes with output k) t
 *   flow(A,B,K,Y)       = Σ ship[k,o,a,b,y], a ∈ A, b ∈ B, both origins                           t
 *   purchases(W,K,Y)    = Σ buy[k,c,y]                                                            t
 *   spending(F,Y)       = Σ fund[f,p,y]                                                           USD (undiscounted)
 *   consumption(W,K,Y)  = Σ_o use(k,o,c,y);  untrusted_use(W,K,Y) = Σ use(k,untrusted,c,y);
 *   unserved(W,K,Y)     = Σ unserved[c,k,y]                                                        t
 * The row is written Σ a_i · (columns of q_i) ⋈ −c − Σ a_i · (constants of q_i). Its unit is the
 * unit of its quantities (t/yr, t or USD).
 * Rows are not added to the target-free baseline (like dependency targets). A year in which the
 * row has no column and its constant part is false makes the scenario invalid (ScenarioError
 * naming `constraints[i].expression`); a true one is skipped. Flow conditions switch off the lean
 * trade network (every candidate arc is created), because a condition may force flow on an arc the
 * lean pass would drop as dominated.
 * Dual: d(total discounted cost)/d(right-hand side), discounted USD per unit of the row (t/yr, t or
 * USD); the report states it as "this condition costs USD X per unit".
 */
import { Expression } from '../builder.js';
import type { FormulationContext } from '../context.js';
import { ScenarioError, stepValue, type ResolvedCustomConstraint } from '../instance.js';
import type { QuantityCall } from '../expressions.js';
import { indexRecord, type IndexRecord, type IndexTuple, type VariableFamily } from '../families.js';

/** True when some custom constraint reads flows (formulate then keeps every candidate trade arc). */
export function customReadsFlows(constraints: readonly ResolvedCustomConstraint[]): boolean {
  return constraints.some((c) => c.parsed.terms.some((t) => t.call.kind === 'flow'));
}

export function addCustomConstraints(ctx: FormulationContext): void {
  const { instance, builder } = ctx;
  if (!instance.targetsEnforced || !instance.customConstraints.length) return;
  // Columns of a family with their index as a record (`{ product, origin, from, to, year }` for ship), once per family.
  const columnCache = new Map<VariableFamily, Array<readonly [number, unknown]>>();
  const columnsOf = <F extends VariableFamily>(family: F): Array<readonly [number, IndexRecord<F>]> => {
    let list = columnCache.get(family);
    if (!list) columnCache.set(family, (list = builder.columnsOf(family).map(([column, index]) => [column, indexRecord(family, index)] as const)));
    return list as Array<readonly [number, IndexRecord<F>]>;
  };
  const expand = (call: QuantityCall, rowYear: number | null, into: Expression, coefficient: number): number => {
    const years = call.years ?? (rowYear !== null ? [rowYear] : instance.years);
    const yearSet = new Set(years);
    const countries = new Set(call.countries);
    const plantIds = new Set(call.plants);
    const products = new Set(call.products);
    const stages = new Set(call.stages);
    const plantsIn = () => instance.plants.filter((p) => countries.has(p.country) || plantIds.has(p.id));
    let constant = 0;
    switch (call.kind) {
      case 'capacity':
      case 'new_capacity':
      case 'builds':
        for (const plant of plantsIn()) {
          if (!stages.has(plant.stage)) continue;
          const e = plant.expansion;
          const columns = ctx.buildColumns.get(plant.id);
          for (const y of years) {
            if (call.kind === 'builds') {
              const column = columns?.get(y);
              if (column !== undefined) into.add(column, coefficient);
              continue;
            }
            if (call.kind === 'capacity') {
              const retired = plant.retirementYear !== undefined && y > plant.retirementYear;
              constant += retired ? 0 : stepValue(plant.existingCapacityTpa, y);
            }
            if (!e || !columns) continue;
            for (const [b, column] of columns) {
              const online = b + e.leadTimeYears;
              if (y >= online && y < online + e.lifetimeYears) into.add(column, coefficient * instance.rampShare(plant, y - online));
            }
          }
        }
        break;
      case 'production':
        for (const plant of plantsIn()) {
          for (const product of products)
            for (const y of years) {
              const output = ctx.peekOutput(plant.id, product, y);
              if (output) into.addExpression(output, coefficient);
            }
        }
        break;
      case 'flow': {
        const to = new Set(call.to);
        for (const [column, { product, from, to: dest, year }] of columnsOf('ship')) {
          if (products.has(product) && countries.has(from) && to.has(dest) && yearSet.has(year)) into.add(column, coefficient);
        }
        break;
      }
      case 'purchases':
        for (const [column, { product, country, year }] of columnsOf('buy')) {
          if (products.has(product) && countries.has(country) && yearSet.has(year)) into.add(column, coefficient);
        }
        break;
      case 'spending': {
        const funders = new Set(call.funders);
        for (const [column, { funder, year }] of columnsOf('fund')) {
          if (funders.has(funder) && yearSet.has(year)) into.add(column, coefficient);
        }
        break;
      }
      case 'consumption':
      case 'untrusted_use':
        for (const country of countries)
          for (const product of products)
            for (const y of years) {
              // untrusted_use years are split (origin-split.ts); consumption sums whatever origins the year has.
              for (const origin of ctx.originsIn(y)) {
                if (call.kind === 'untrusted_use' && origin !== 'untrusted') continue;
                const use = ctx.peekUse(product, origin, country, y);
                if (use) into.addExpression(use, coefficient);
              }
            }
        break;
      case 'unserved':
        for (const country of countries)
          for (const product of products)
            for (const y of years) {
              const column = ctx.unservedColumns.get(`${country}|${product}|${y}`);
              if (column !== undefined) into.add(column, coefficient);
            }
        break;
    }
    return constant * coefficient;
  };

  const issues: Array<{ path: string; message: string }> = [];
  for (const constraint of instance.customConstraints) {
    const { parsed } = constraint;
    const rowYears: Array<number | null> = parsed.perYear ? [...instance.years] : [null];
    for (const y of rowYears) {
      const row = new Expression();
      let constant = parsed.constant;
      for (const term of parsed.terms) constant += expand(term.call, y, row, term.coefficient);
      const rhs = -constant + 0; // + 0: no −0 in files and reports
      const merged = [...row.terms.values()].some((v) => Math.abs(v) > 0);
      const indices: IndexTuple<'custom'> = y === null ? [constraint.id] : [constraint.id, y];
      if (!merged) {
        const holds = parsed.sense === '>=' ? 0 >= rhs - 1e-9 : parsed.sense === '<=' ? 0 <= rhs + 1e-9 : Math.abs(rhs) <= 1e-9;
        if (!holds) {
          issues.push({
            path: `constraints[${constraint.index}].expression`,
            message: `${y === null ? '' : `in ${y} `}the condition involves no decision of the model (nothing of what it names can be built, made, shipped or bought${y === null ? '' : ' that year'}) and reads 0 ${parsed.sense} ${fmt(rhs)} ${parsed.unit}, which is false`,
          });
        }
        continue;
      }
      const bounds = parsed.sense === '>=' ? { lower: rhs } : parsed.sense === '<=' ? { upper: rhs } : { lower: rhs, upper: rhs };
      builder.addConstraint('custom', indices, row, bounds);
    }
  }
  if (issues.length) throw new ScenarioError(issues);
}

const fmt = (v: number) => Number(v.toPrecision(6)).toLocaleString('en-US');
