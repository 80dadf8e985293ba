/**
 * The catalogue planners read (models/catalog.json), generated from the family declarations: every
 * variable and constraint family with its concept, indices, unit, meaning and dual meaning.
 */
import { FAMILIES } from './families.js';

export function catalogJson(): string {
  const catalog = {
    description:
      'Variable and constraint families of the allied midstream planner, generated from src/model/families.ts (npm run catalog). Names are family[index,...] with data ids and years. Dual sign: d(total discounted cost)/d(right-hand side), discounted USD 2026 per unit of the row.',
    objective: 'total_cost',
    families: Object.entries(FAMILIES).map(([name, info]) => ({ name, ...info })),
  };
  return JSON.stringify(catalog, null, 2) + '\n';
}
