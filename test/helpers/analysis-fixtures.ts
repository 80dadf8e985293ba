/**
 * Hand-solved fixtures of the analyses (issue 14), on the tiny dataset. Each test file states the
 * hand solution it checks.
 */
import { parseScenario } from '../../src/planner.js';
import { tinyDataset, tinyScenario } from './tiny-dataset.js';

const cite = { source: [{ title: 'test fixture' }], estimate: false };
export const frontierDataset = () =>
  tinyDataset({
    plants: { magnet: { existingCapacityTpa: { '2026': 6 }, variableOpexUsdPerT: 1400 } },
    prices: { mag: { priceUsdPerT: { '2020': 1000 } }, met: { priceUsdPerT: { '2020': 1e7 } }, ox: { priceUsdPerT: { '2020': 1e7 } } },
    add: {
      plants: [
        {
          id: 'magnet_bb',
          name: 'magnet BB',
          stage: 'magnet',
          country: 'BB',
          status: 'operating',
          existingCapacityTpa: { '2026': 10 },
          fixedOpexUsdPerTpaYear: 0,
          variableOpexUsdPerT: 2400,
          processes: ['mag_from_met'],
          ...cite,
        },
      ],
    },
  });
export const frontierScenario = () =>
  parseScenario(
    tinyScenario({ name: 'frontier fixture', targets: [{ id: 'aa_mag', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 1, hard: true }] }),
  );

/**
 * Stress-test fixture: AA's magnet demand is 10 t in 2026 growing 10 %/yr (11, 12.1, 13.31, 14.641
 * t in 2027-2030); the rival sells no magnets (export control); AA's own magnet plant (1,000 t/yr,
 * opex 1,000) serves it all, BB's (12 t/yr, opex 2,400) stands idle.
 */
export const stressDataset = () =>
  tinyDataset({
    add: {
      plants: [
        {
          id: 'magnet_bb',
          name: 'magnet BB',
          stage: 'magnet',
          country: 'BB',
          status: 'operating',
          existingCapacityTpa: { '2026': 12 },
          fixedOpexUsdPerTpaYear: 0,
          variableOpexUsdPerT: 2400,
          processes: ['mag_from_met'],
          ...cite,
        },
      ],
    },
  });
export const stressScenario = () =>
  parseScenario(
    tinyScenario({
      name: 'stress fixture',
      horizon: { startYear: 2026, endYear: 2030 },
      overrides: { demand: { aa_mag: { growthRatePerYear: 0.1 } }, exportControls: [{ products: ['mag'], fromYear: 2026 }] },
      targets: [{ id: 'aa_mag', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0.5 }],
    }),
  );

/**
 * Alternatives fixture (one year, no discounting): AA needs 10 t of magnets and the rival sells
 * none; magnet capacity must be built, in AA (capex 100 USD per t/yr) or BB (150, and 5 + 10 USD/t
 * of transport for the metal in and the magnets out). The least cost builds 10 t/yr in AA:
 * 10 × (500 upstream + 100 metal + 1,000 magnet opex) + 1,000 capex = 17,000 USD.
 */
const expansion = (capex: number) => ({ capexUsdPerTpa: capex, maxSizeTpa: 100, minSizeTpa: 0, leadTimeYears: 0, earliestStartYear: 2026, lifetimeYears: 1 });
export const alternativesDataset = () =>
  tinyDataset({
    plants: { magnet: { status: 'candidate', existingCapacityTpa: { '2026': 0 }, expansion: expansion(100) } },
    add: {
      plants: [
        {
          id: 'magnet_bb',
          name: 'magnet BB',
          stage: 'magnet',
          country: 'BB',
          status: 'candidate',
          existingCapacityTpa: { '2026': 0 },
          expansion: expansion(150),
          fixedOpexUsdPerTpaYear: 0,
          variableOpexUsdPerT: 1000,
          processes: ['mag_from_met'],
          ...cite,
        },
      ],
    },
  });
export const alternativesScenario = () =>
  parseScenario(tinyScenario({ name: 'alternatives fixture', overrides: { exportControls: [{ products: ['mag'], fromYear: 2026 }] } }));
