/**
 * Examples for the OpenAPI document, kept out of the contract (`schemas/api/`): shared ids, a scenario
 * as sent and as stored, solve options, and problem documents. A test checks that every example in the
 * document parses with the schema it illustrates.
 */
import { PROBLEM_TYPES, problemTypeUri, type ProblemSlug } from '../api/problem.js';

export const exampleScenarioId = '3f0c2a9d4b8e7f6a5c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a3b';
export const exampleJobId = '6b1e2f9a-4c3d-4e8f-9a0b-1c2d3e4f5a6b';
export const examplePortfolioId = '0d9c8b7a-6f5e-4d3c-8b2a-190817161514';
export const exampleTime = '2026-01-15T09:30:00.000Z';

/** A problem document as the service sends it for `slug` (type, title and status from the catalogue). */
export function exampleProblem(
  slug: ProblemSlug,
  detail: string,
  instance: string,
  errors?: Array<{ path: string; in?: 'body' | 'query' | 'params'; message: string }>,
) {
  const { status, title } = PROBLEM_TYPES[slug];
  return { type: problemTypeUri(slug), title, status, detail, instance, requestId: 'req-1', ...(errors ? { errors } : {}) };
}

export const examples = {
  scenarioInput: {
    name: 'Quad magnets 2030',
    datasetId: 'quad-2026',
    horizon: { startYear: 2026, endYear: 2035 },
    targets: [{ id: 'magnets-2030', bloc: ['US', 'JP', 'AU', 'IN'], product: 'ndfeb_magnet_std', year: 2030, maxUntrustedShare: 0.5 }],
  },
  solveOptions: { backend: 'highs', timeLimitSeconds: 60 },
  scenario: {
    name: 'Quad magnets 2030',
    datasetId: 'quad-2026',
    horizon: { startYear: 2026, endYear: 2035 },
    overrides: {
      plants: {},
      sources: {},
      demand: {},
      prices: {},
      funders: {},
      excludePlants: [],
      excludeSources: [],
      closedLanes: [],
      exportControls: [],
      applyExportControls: [],
    },
    targets: [{ id: 'magnets-2030', bloc: ['US', 'JP', 'AU', 'IN'], product: 'ndfeb_magnet_std', year: 2030, maxUntrustedShare: 0.5, hard: false }],
    budgets: [],
    capexPublicShare: 0,
    solver: { backend: 'highs', timeLimitSeconds: 60, lumpyBuilds: false, mipRelGap: 1e-6, algorithm: 'auto' },
  },
  ids: { scenario: exampleScenarioId, job: exampleJobId, portfolio: examplePortfolioId, time: exampleTime },
};
