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
        { id: 'magnet_bb', name: 'magnet BB', stage: 'magnet', country: 'BB', status: 'operating', existingCapacityTpa: { '2026': 10 }, fixedOpexUsdPerTpaYear: 0, variableOpexUsdPerT: 2400, processes: ['mag_from_met'], ...cite },
      ],
    },
  });
export const frontierScenario = () =>
  parseScenario(tinyScenario({ name: 'frontier fixture', targets: [{ id: 'aa_mag', bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 1, hard: true }] }));

