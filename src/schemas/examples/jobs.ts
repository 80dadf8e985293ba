/** Documentation only: a running solve job (a test checks that every example in the OpenAPI document parses with its schema). */
import { exampleJobId, exampleScenarioId, exampleTime } from './common.js';

export const exampleJob = {
  id: exampleJobId,
  scenarioId: exampleScenarioId,
  kind: 'solve',
  parentId: null,
  status: 'running',
  attempts: 1,
  progress: { phase: 'solving', fraction: 0.2 },
  options: { backend: 'highs', timeLimitSeconds: 60, mipRelGap: 1e-6, algorithm: 'auto', lumpyBuilds: false, skipBaseline: false },
  error: null,
  portfolioId: null,
  createdAt: exampleTime,
  startedAt: exampleTime,
  finishedAt: null,
  links: { self: `/jobs/${exampleJobId}`, scenario: `/scenarios/${exampleScenarioId}`, portfolio: null },
};
