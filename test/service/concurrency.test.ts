/**
 * Ten different scenarios solved at once through the API (two workers, the rest queued) give the
 * same portfolios as solving each one by one with the engine in this process: no answer is mixed
 * up with another request's, and sharing a worker does not leak state between solves.
 */
import t from 'tap';
import { parseScenario, planScenario } from '../../src/planner.js';
import type { Portfolio } from '../../src/schemas/portfolio.js';
import { build } from '../helpers/app.js';
import { tinyDataset, tinyScenario } from '../helpers/tiny-dataset.js';

const scenarios = Array.from({ length: 10 }, (_, i) =>
  tinyScenario({
    name: `concurrent-${i}`,
    horizon: { startYear: 2026, endYear: 2026 + (i % 3) },
    overrides: {
      demand: { aa_mag: { baseTonnes: 5 + 3 * i, growthRatePerYear: 0.05 * (i % 4) } },
      // Without the magnet plant the bloc buys untrusted magnets and the soft target prices it.
      ...(i % 2 ? { excludePlants: ['magnet'] } : {}),
    },
    targets: [{ bloc: ['AA'], product: 'mag', year: 2026, maxUntrustedShare: 0.1 * (i % 5) }],
  }),
);

/** Timings differ run to run; everything else must match exactly. */
// Timings, and whether the worker started from a kept basis (it depends on what the thread solved before), are masked.
const comparable = (p: Portfolio) => ({ ...p, model: { ...p.model, buildMs: 0 }, solver: { ...p.solver, solveMs: 0, warmStart: null, iterations: null } });

t.test('ten concurrent solves match solving them one by one', async (t) => {
  const app = await build(t, { solver: true });
  const responses = await Promise.all(scenarios.map((scenario) => app.inject({ method: 'POST', url: '/solve?wait=600', payload: { scenario } })));

  const dataset = tinyDataset();
  const costs = new Set<number | null>();
  for (const [i, response] of responses.entries()) {
    t.equal(response.statusCode, 200, `scenario ${i} solved within the wait`);
    const { id, scenarioId, jobId, createdAt, links, ...portfolio } = response.json();
    void [id, scenarioId, jobId, createdAt, links];
    const alone = await planScenario(parseScenario(scenarios[i]), dataset);
    t.equal(portfolio.scenarioName, `concurrent-${i}`, `answer ${i} is for its own scenario`);
    t.same(comparable(portfolio), comparable(alone), `scenario ${i}: same portfolio as a lone solve`);
    costs.add(portfolio.totalCostUsd);
  }
  t.equal(costs.size, scenarios.length, 'the scenarios really differ');
  t.equal((await app.inject({ method: 'GET', url: '/portfolios?limit=100' })).json().total, 10, 'ten portfolios stored');
});
