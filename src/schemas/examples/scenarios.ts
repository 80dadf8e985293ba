/** Documentation only: a stored scenario (a test checks that every example in the OpenAPI document parses with its schema). */
import { examples, exampleScenarioId, exampleTime } from './common.js';

export const exampleScenarioRecord = {
  id: exampleScenarioId,
  name: examples.scenario.name,
  datasetId: 'quad-2026',
  createdAt: exampleTime,
  links: {
    self: `/scenarios/${exampleScenarioId}`,
    solve: `/scenarios/${exampleScenarioId}/solve`,
    portfolios: `/portfolios?scenarioId=${exampleScenarioId}`,
  },
  scenario: examples.scenario,
};
