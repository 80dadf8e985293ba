/**
 * Constraint names translated into the scenario's own terms: which plant, source, funder, target
 * and year a row is about, what it means in words, its unit, and the scenario JSON path a planner
 * would edit to move its limit. Reports, binding limits and the infeasibility diagnosis all use
 * this one translation, keyed by the row's stable name (`family[id,…]`).
 */
import { familyOf, parseName, unitIn, type IndexField } from '../model/families.js';
import type { Instance } from '../model/instance.js';
import { feedSupplyField } from '../data/chain.js';

export interface ConstraintTerms {
  /** The row's name, e.g. `source_supply[mtweld,2030]`. */
  constraint: string;
  family: string;
  /** Plain words, e.g. "feedstock available from Mount Weld (AU) in 2030". */
  description: string;
  /** Unit of the row's limit, as its family declares it (`t TREO/yr`, `USD`, `t`), or the custom constraint's own. */
  unit: string;
  /** Scenario JSON path whose value sets the limit, when one exists. */
  path: string | null;
  year: number | null;
}

export function constraintTerms(instance: Instance, name: string): ConstraintTerms {
  const parsed = parseName(name);
  const { family } = parsed;
  const base = { constraint: name, family };
  const unit = unitIn(familyOf(family)!.unit, instance.dataset.meta.chain.feedUnit);
  const plant = (id: string) => instance.plants.find((p) => p.id === id);
  const plantText = (id: string) => {
    const p = plant(id);
    return p ? `${p.name} (${p.id}, ${p.country}, ${p.stage})` : id;
  };
  const budgetIndex = (funder: string) => instance.scenario.budgets.findIndex((b) => b.funder === funder);
  const targetOf = (id: string) => instance.targets.find((t) => t.id === id);

  switch (parsed.family) {
    case 'source_supply': {
      const { source: sourceId, year } = parsed.index;
      const source = instance.sources.find((s) => s.id === sourceId);
      return {
        ...base,
        description: `feedstock available from ${source ? `${source.name} (${source.id}, ${source.country})` : sourceId} in ${year}`,
        unit,
        path: `overrides.sources.${sourceId}.${feedSupplyField(source)}`,
        year,
      };
    }
    case 'capacity': {
      const { plant: plantId, year } = parsed.index;
      return {
        ...base,
        description: `capacity of ${plantText(plantId)} in ${year}`,
        unit,
        path: `overrides.plants.${plantId}.existingCapacityTpa`,
        year,
      };
    }
    case 'max_size': {
      const { plant: plantId } = parsed.index;
      return {
        ...base,
        description: `largest total expansion of ${plantText(plantId)} over the horizon`,
        unit,
        path: `overrides.plants.${plantId}.expansion.maxSizeTpa`,
        year: null,
      };
    }
    case 'budget_year': {
      const { funder, year } = parsed.index;
      const i = budgetIndex(funder);
      return { ...base, description: `${funder} budget in ${year}`, unit, path: i >= 0 ? `budgets[${i}].perYearUsd` : null, year };
    }
    case 'budget_total': {
      const { funder } = parsed.index;
      const i = budgetIndex(funder);
      return { ...base, description: `${funder} budget over the horizon`, unit, path: i >= 0 ? `budgets[${i}].totalUsd` : null, year: null };
    }
    case 'cofinancing': {
      const { funder, plant: plantId, year } = parsed.index;
      const i = budgetIndex(funder);
      return {
        ...base,
        description: `${funder} may pay at most its co-financing share of ${plantText(plantId)}'s ${year} capex`,
        unit,
        path: i >= 0 ? `budgets[${i}].maxShareOfCapex` : null,
        year,
      };
    }
    case 'public_share': {
      const { plant: plantId, year } = parsed.index;
      return { ...base, description: `public funders must pay their share of ${plantText(plantId)}'s ${year} capex`, unit, path: 'capexPublicShare', year };
    }
    case 'dependency': {
      const { target: targetId, year } = parsed.index;
      const t = targetOf(targetId);
      return {
        ...base,
        description: t
          ? `target ${t.id}: untrusted share of ${t.bloc.join('+')} ${t.product} consumption ≤ ${(t.maxUntrustedShare * 100).toFixed(1)} % in ${year}`
          : `target ${targetId} in ${year}`,
        unit,
        path: t ? `targets[${t.index}].maxUntrustedShare` : null,
        year,
      };
    }
    case 'demand': {
      const { country, product, year } = parsed.index;
      return { ...base, description: `${country} demand for ${product} in ${year}`, unit, path: `overrides.demand`, year };
    }
    case 'contract':
    case 'contract_delivery':
    case 'contract_share': {
      const { contract: contractId, year } = parsed.index;
      const c = instance.contracts.find((x) => x.id === contractId);
      const what =
        family === 'contract_share'
          ? `share of ${c?.plant.id ?? '?'}'s ${c?.product ?? ''} output owed to ${c?.buyerCountry ?? '?'}`
          : family === 'contract_delivery'
            ? `firm volume of ${c?.product ?? ''} owed to ${c?.buyerCountry ?? '?'}`
            : `firm volume of ${c?.product ?? ''} from ${c?.plant.id ?? '?'}`;
      return { ...base, description: `contract ${contractId}: ${what} in ${year}`, unit, path: `overrides.contracts.${contractId}`, year };
    }
    case 'balance': {
      const { product, origin, country, year } = parsed.index;
      return { ...base, description: `${origin === 'all' ? '' : `${origin} `}${product} available in ${country} in ${year}`, unit, path: null, year };
    }
    case 'min_build':
    case 'max_build': {
      const { plant: plantId, buildYear } = parsed.index;
      return {
        ...base,
        description: `${family === 'min_build' ? 'minimum efficient' : 'largest'} size of a ${buildYear} build of ${plantText(plantId)}`,
        unit,
        path: `overrides.plants.${plantId}.expansion.${family === 'min_build' ? 'minSizeTpa' : 'maxSizeTpa'}`,
        year: buildYear,
      };
    }
    case 'custom': {
      // The family's unit is a phrase ("t/yr, t or USD"): each custom constraint has its own.
      const { constraint: id, year } = parsed.index;
      const c = instance.customConstraints.find((x) => x.id === id);
      return {
        ...base,
        description: `${c?.description ?? `custom constraint ${id}`}: ${c?.expression ?? ''}${year !== undefined ? ` (in ${year})` : ''}`,
        unit: c?.parsed.unit ?? '',
        path: c ? `constraints[${c.index}].expression` : null,
        year: year ?? null,
      };
    }
    default: {
      // The last year field, when the family has one.
      const fields: readonly IndexField[] = familyOf(family)!.index;
      const yearField = fields.findLast((f) => f.role === 'year');
      const year = yearField ? (parsed.index as Readonly<Record<string, string | number | undefined>>)[yearField.name] : undefined;
      return { ...base, description: name, unit, path: null, year: typeof year === 'number' ? year : null };
    }
  }
}
