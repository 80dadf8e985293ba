/**
 * The tiny dataset (tiny-dataset.ts) stretched over two countries so every kind of
 * link appears in a few years: the metal plant stands in BB (oxide ships AA → BB, metal BB → AA),
 * BB buys magnets too (magnets ship AA → BB), the magnet plant is too small in 2026 (magnets are
 * bought from the rival, untrusted) and can be expanded from 2027 (a build), what the markets do not
 * take is sold to the rest of the world, and a target caps the untrusted share of the two
 * countries' magnets.
 */
import type { Dataset } from '../../src/data/schema.js';
import { tinyDataset, tinyScenario } from './tiny-dataset.js';

const cite = { source: [{ title: 'test fixture' }], estimate: false };

export function tradeDataset(): Dataset {
  return tinyDataset({
    plants: {
      metal: { country: 'BB' },
      magnet: {
        existingCapacityTpa: { '2026': 15 },
        expansion: { capexUsdPerTpa: 100, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 1, earliestStartYear: 2026, lifetimeYears: 10 },
      },
    },
    add: { demand: [{ id: 'bb_mag', country: 'BB', baseYear: 2026, baseTonnes: 10, growthRatePerYear: 0, gradeMix: { mag: 1 }, ...cite }] },
    meta: { defaults: { worldMarketSales: true } },
  });
}

/** Story A of the browser tests: the magnets of AA and BB at most 10 % untrusted from 2027. */
export const tradeScenario = (extra: Record<string, unknown> = {}) =>
  tinyScenario({
    name: 'Two-country magnets',
    horizon: { startYear: 2026, endYear: 2028 },
    targets: [{ id: 'aa_bb_magnets', bloc: ['AA', 'BB'], product: 'mag', year: 2027, maxUntrustedShare: 0.1 }],
    ...extra,
  });
