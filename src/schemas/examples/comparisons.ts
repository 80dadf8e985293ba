/** Documentation only: a comparison of two portfolios (a test checks that every example in the OpenAPI document parses with its schema). */
import { examplePortfolioId, exampleScenarioId } from './common.js';

export const exampleComparison = {
  portfolios: [
    {
      id: examplePortfolioId,
      scenarioId: exampleScenarioId,
      scenarioName: 'base',
      datasetId: 'quad-2026',
      status: 'optimal',
      horizon: { startYear: 2026, endYear: 2030 },
    },
    {
      id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
      scenarioId: exampleScenarioId,
      scenarioName: 'ban',
      datasetId: 'quad-2026',
      status: 'optimal',
      horizon: { startYear: 2026, endYear: 2030 },
    },
  ],
  totals: [
    { portfolioId: examplePortfolioId, totalCostUsd: 1.2e9, deltaUsd: 0, deltaPct: 0 },
    { portfolioId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', totalCostUsd: 1.5e9, deltaUsd: 3e8, deltaPct: 25 },
  ],
  costBreakdown: [
    {
      category: 'capexUsd',
      values: [
        { portfolioId: examplePortfolioId, usd: 2e8, deltaUsd: 0 },
        { portfolioId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', usd: 4e8, deltaUsd: 2e8 },
      ],
    },
  ],
  buildDifferences: [
    {
      plant: 'us_greenfield_magnet',
      name: 'US greenfield magnet plant',
      country: 'US',
      stage: 'magnet',
      difference: 'only_in_some',
      presentIn: ['1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d'],
      values: [
        { portfolioId: examplePortfolioId, totalCapacityTpa: 0, builds: [] },
        { portfolioId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', totalCapacityTpa: 2000, builds: [{ buildYear: 2026, onlineYear: 2028, capacityTpa: 2000 }] },
      ],
    },
  ],
  capacity: [
    {
      country: 'US',
      stage: 'magnet',
      values: [
        { portfolioId: examplePortfolioId, builtTpa: 0, builtDeltaTpa: 0, operatingTpa: 1000, operatingDeltaTpa: 0 },
        { portfolioId: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', builtTpa: 2000, builtDeltaTpa: 2000, operatingTpa: 3000, operatingDeltaTpa: 2000 },
      ],
    },
  ],
  dependency: [],
  budgets: [],
};
