/**
 * The benchmark instance generator: the same size and seed give the same instance, every instance
 * passes the dataset and scenario validation the product applies to real input, sizes grow as
 * stated, and the small size solves to optimality (larger sizes are benchmarked, not tested).
 */
import t from 'tap';
import { generateInstance, mulberry32, SIZE_NAMES, SIZES } from '../../bench/generator.js';
import { parseDataset } from '../../src/data/load.js';
import { resolveScenario } from '../../src/model/instance.js';
import { parseScenario, planScenario } from '../../src/planner.js';

t.test('mulberry32 is a deterministic stream in [0, 1)', async (t) => {
  const a = mulberry32(42);
  const b = mulberry32(42);
  const xs = Array.from({ length: 1000 }, () => a());
  t.same(
    Array.from({ length: 1000 }, () => b()),
    xs,
    'same seed, same stream',
  );
  t.ok(
    xs.every((x) => x >= 0 && x < 1),
    'values in [0, 1)',
  );
  t.not(mulberry32(43)(), xs[0], 'another seed, another stream');
});

t.test('same size and seed give the same instance; another seed another one', async (t) => {
  for (const size of ['S', 'M'] as const) {
    const first = generateInstance(size, 7);
    t.same(JSON.stringify(generateInstance(size, 7)), JSON.stringify(first), `${size}: deterministic`);
    t.not(JSON.stringify(generateInstance(size, 8).dataset.plants), JSON.stringify(first.dataset.plants), `${size}: seed matters`);
  }
});

t.test('every size is a valid dataset and scenario, and sizes grow', async (t) => {
  let previous = { plants: 0, countries: 0, sources: 0, lanes: 0, years: 0 };
  for (const size of SIZE_NAMES) {
    const { dataset, scenario } = generateInstance(size, 1);
    // parseDataset already ran inside the generator; running it again on the JSON checks the round trip.
    const reparsed = parseDataset(JSON.parse(JSON.stringify(dataset)));
    t.equal(reparsed.plants.length, SIZES[size].plants, `${size}: ${SIZES[size].plants} plants`);
    t.ok(
      [...dataset.countries, ...dataset.sources, ...dataset.plants, ...dataset.transport].every(
        (r) => r.source[0]?.title === 'synthetic, bench/generator.ts seed 1',
      ),
      `${size}: every record cites the generator and seed`,
    );
    const parsed = parseScenario(scenario);
    t.equal(parsed.datasetId, dataset.meta.id, `${size}: the scenario names its dataset`);
    const instance = resolveScenario(parsed, dataset);
    t.equal(instance.years.length, SIZES[size].years, `${size}: ${SIZES[size].years} years`);
    const stats = {
      plants: dataset.plants.length,
      countries: dataset.countries.length,
      sources: dataset.sources.length,
      lanes: dataset.transport.length,
      years: instance.years.length,
    };
    for (const key of Object.keys(stats) as Array<keyof typeof stats>) t.ok(stats[key] > previous[key], `${size}: more ${key} than the size before`);
    previous = stats;
  }
});

t.test('S solves to optimality with HiGHS, and its solution verifies', async (t) => {
  const { dataset, scenario } = generateInstance('S', 1);
  const portfolio = await planScenario(parseScenario(scenario), dataset, { backend: 'highs', skipBaseline: true });
  t.equal(portfolio.status, 'optimal');
  t.ok(portfolio.totalCostUsd !== null && portfolio.totalCostUsd > 0, 'positive cost', { totalCostUsd: portfolio.totalCostUsd });
  t.ok(portfolio.builds.length > 0, 'the plan builds something');
  t.ok(portfolio.verification !== null && portfolio.verification.maxRelativeViolation < 1e-6, 'rows recomputed from the values hold', {
    verification: portfolio.verification,
  });
});
