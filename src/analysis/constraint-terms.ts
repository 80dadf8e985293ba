/**
 * Constraint names translated into the scenario's own terms: which plant, source, funder, target
 * and year a row is about, what it means in words, its unit, and the scenario JSON path a planner
 * would edit to move its limit. Reports, binding limits and the infeasibility diagnosis all use
 * this one translation, keyed by the row's stable name (`family[id,…]`).
 */
import { parseName } from '../model/builder.js';
import type { Instance } from '../model/instance.js';
import { feedSupplyField } from '../data/chain.js';

export interface ConstraintTerms {
  /** The row's name, e.g. `source_supply[mtweld,2030]`. */
  constraint: string;
  family: string;
  /** Plain words, e.g. "feedstock available from Mount Weld (AU) in 2030". */
  description: string;
  /** Unit of the row's limit, e.g. `t TREO/yr`, `USD`, `t`. */
  unit: string;
  /** Scenario JSON path whose value sets the limit, when one exists. */
  path: string | null;
  year: number | null;
}

export function constraintTerms(instance: Instance, name: string): ConstraintTerms {
  const { family, indices } = parseName(name);
  const base = { constraint: name, family };
  const year = (s: string | undefined) => (s !== undefined && /^\d{4}$/.test(s) ? Number(s) : null);
  const plant = (id: string | undefined) => instance.plants.find((p) => p.id === id);
  const plantText = (id: string | undefined) => {
    const p = plant(id);
    return p ? `${p.name} (${p.id}, ${p.country}, ${p.stage})` : String(id);
  };
  const budgetIndex = (funder: string | undefined) => instance.scenario.budgets.findIndex((b) => b.funder === funder);
  const targetOf = (id: string | undefined) => instance.targets.find((t) => t.id === id);

  switch (family) {
    case 'source_supply': {
      const [sourceId, y] = indices;
      const source = instance.sources.find((s) => s.id === sourceId);
      return {
        ...base,
        description: `feedstock available from ${source ? `${source.name} (${source.id}, ${source.country})` : sourceId} in ${y}`,
        unit: `${instance.dataset.meta.chain.feedUnit}/yr`,
        path: `overrides.sources.${sourceId}.${feedSupplyField(source)}`,
        year: year(y),
      };
    }
    case 'capacity': {
      const [plantId, y] = indices;
      return {
        ...base,
        description: `capacity of ${plantText(plantId)} in ${y}`,
        unit: 't/yr',
        path: `overrides.plants.${plantId}.existingCapacityTpa`,
        year: year(y),
      };
    }
    case 'max_size': {
      const [plantId] = indices;
      return {
        ...base,
        description: `largest total expansion of ${plantText(plantId)} over the horizon`,
        unit: 't/yr',
        path: `overrides.plants.${plantId}.expansion.maxSizeTpa`,
        year: null,
      };
    }
    case 'budget_year': {
      const [funder, y] = indices;
      const i = budgetIndex(funder);
      return { ...base, description: `${funder} budget in ${y}`, unit: 'USD', path: i >= 0 ? `budgets[${i}].perYearUsd` : null, year: year(y) };
    }
    case 'budget_total': {
      const [funder] = indices;
      const i = budgetIndex(funder);
      return { ...base, description: `${funder} budget over the horizon`, unit: 'USD', path: i >= 0 ? `budgets[${i}].totalUsd` : null, year: null };
    }
    case 'cofinancing': {
      const [funder, plantId, y] = indices;
      const i = budgetIndex(funder);
      return {
        ...base,
        description: `${funder} may pay at most its co-financing share of ${plantText(plantId)}'s ${y} capex`,
        unit: 'USD',
        path: i >= 0 ? `budgets[${i}].maxShareOfCapex` : null,
        year: year(y),
      };
    }
    case 'public_share': {
      const [plantId, y] = indices;
      return { ...base, description: `public funders must pay their share of ${plantText(plantId)}'s ${y} capex`, unit: 'USD', path: 'capexPublicShare', year: year(y) };
    }
    case 'dependency': {
      const [targetId, y] = indices;
      const t = targetOf(targetId);
      return {
        ...base,
        description: t
          ? `target ${t.id}: untrusted share of ${t.bloc.join('+')} ${t.product} consumption ≤ ${(t.maxUntrustedShare * 100).toFixed(1)} % in ${y}`
          : `target ${targetId} in ${y}`,
        unit: 't',
        path: t ? `targets[${t.index}].maxUntrustedShare` : null,
        year: year(y),
      };
    }
    case 'demand': {
      const [country, product, y] = indices;
      return { ...base, description: `${country} demand for ${product} in ${y}`, unit: 't', path: `overrides.demand`, year: year(y) };
    }
    case 'contract':
    case 'contract_delivery':
    case 'contract_share': {
      const [contractId, y] = indices;
      const c = instance.contracts.find((x) => x.id === contractId);
      const what =
        family === 'contract_share'
          ? `share of ${c?.plant.id ?? '?'}'s ${c?.product ?? ''} output owed to ${c?.buyerCountry ?? '?'}`
          : family === 'contract_delivery'
            ? `firm volume of ${c?.product ?? ''} owed to ${c?.buyerCountry ?? '?'}`
            : `firm volume of ${c?.product ?? ''} from ${c?.plant.id ?? '?'}`;
      return { ...base, description: `contract ${contractId}: ${what} in ${y}`, unit: 't', path: `overrides.contracts.${contractId}`, year: year(y) };
    }
    case 'balance': {
      const [product, origin, country, y] = indices;
      return { ...base, description: `${origin} ${product} available in ${country} in ${y}`, unit: 't', path: null, year: year(y) };
    }
    case 'min_build':
    case 'max_build': {
      const [plantId, y] = indices;
      return {
        ...base,
        description: `${family === 'min_build' ? 'minimum efficient' : 'largest'} size of a ${y} build of ${plantText(plantId)}`,
        unit: 't/yr',
        path: `overrides.plants.${plantId}.expansion.${family === 'min_build' ? 'minSizeTpa' : 'maxSizeTpa'}`,
        year: year(y),
      };
    }
    case 'custom': {
      const [id, y] = indices;
      const c = instance.customConstraints.find((x) => x.id === id);
      return {
        ...base,
        description: `${c?.description ?? `custom constraint ${id}`}: ${c?.expression ?? ''}${y !== undefined ? ` (in ${y})` : ''}`,
        unit: c?.parsed.unit ?? '',
        path: c ? `constraints[${c.index}].expression` : null,
        year: year(y),
      };
    }
    default:
      return { ...base, description: name, unit: '', path: null, year: year(indices.at(-1)) };
  }
}
