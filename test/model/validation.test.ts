/** Bad input is rejected with the failing path named: datasets, scenarios and the CLI. */
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseDataset, DatasetError, projectRoot } from '../../src/data/load.js';
import { parseScenario, planScenario } from '../../src/planner.js';
import { ScenarioError } from '../../src/model/instance.js';
import { tinyDataset, tinyDatasetRaw, tinyScenario } from '../helpers/tiny-dataset.js';
import { tsNodeArgs } from '../helpers/node-ts.js';

t.test('a dataset record without a source is rejected', async (t) => {
  const raw = tinyDatasetRaw() as { plants: Array<Record<string, unknown>> };
  delete raw.plants[0]!.source;
  t.throws(() => parseDataset(raw), DatasetError);
  try {
    parseDataset(raw);
  } catch (error) {
    t.match((error as DatasetError).issues.join('\n'), /plants\.0\.source/, 'names the record');
  }
});

t.test('a dataset with a dangling reference is rejected', async (t) => {
  const raw = tinyDatasetRaw() as { plants: Array<Record<string, unknown>> };
  raw.plants[1]!.processes = ['no_such_process'];
  t.throws(() => parseDataset(raw), /unknown process 'no_such_process'/);
});

t.test('unknown ids in a scenario are named with their paths', async (t) => {
  const scenario = parseScenario(
    tinyScenario({
      overrides: { excludePlants: ['ghost_plant'], plants: { sep: { recoveryRate: 2 } } },
      targets: [{ bloc: ['ZZ'], product: 'mag', year: 2026, maxUntrustedShare: 0.5 }],
      budgets: [{ funder: 'nobody' }],
    }),
  );
  const error = await planScenario(scenario, tinyDataset()).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(error, ScenarioError);
  const paths = (error as ScenarioError).issues.map((i) => i.path);
  t.ok(paths.includes('overrides.excludePlants[0]'), 'the unknown plant');
  t.ok(paths.includes('targets[0].bloc[0]'), 'the unknown country');
  t.ok(paths.includes('budgets[0].funder'), 'the unknown funder');
  t.ok(paths.includes('overrides.plants.sep.recoveryRate'), 'the out-of-range override');
});

t.test('a malformed scenario names each failing field', async (t) => {
  t.throws(() => parseScenario({ name: '', horizon: { startYear: 2030, endYear: 2020 }, surprise: 1 }), ScenarioError);
  try {
    parseScenario({ name: '', horizon: { startYear: 2030, endYear: 2020 }, surprise: 1 });
  } catch (error) {
    const paths = (error as ScenarioError).issues.map((i) => i.path);
    t.ok(paths.includes('name'), 'empty name');
    t.ok(paths.includes('horizon.endYear'), 'horizon order');
    t.ok(
      paths.some((p) => p === '(root)' || p === ''),
      'unknown key at the root',
    );
  }
});

t.test('a scenario object with a __proto__ key (JSON.parse keeps it as an own key) is refused with its path', async (t) => {
  const input = JSON.parse(
    JSON.stringify(tinyScenario()).replace(/}$/, ',"overrides":{"plants":{"__proto__":{"active":false}}},"tags":[{"constructor":{"prototype":{}}}]}'),
  );
  const error = t.throws(() => parseScenario(input)) as ScenarioError;
  t.ok(error instanceof ScenarioError);
  t.same(error.issues.map((i) => i.path).sort(), ['overrides.plants.__proto__', 'tags.0.constructor.prototype']);
  t.match(error.issues[0]!.message, /"__proto__"/);
});

t.test('the CLI exits 2 with the failing fields for an invalid scenario', async (t) => {
  const dir = t.testdir({
    'bad.json': JSON.stringify({
      name: 'x',
      horizon: { startYear: 2026, endYear: 2027 },
      targets: [{ bloc: ['ZZ'], product: 'ndfeb_magnet_std', year: 2026, maxUntrustedShare: 0.5 }],
    }),
  });
  const run = spawnSync(process.execPath, [...tsNodeArgs(join(projectRoot(), 'src', 'cli', 'plan.ts')), join(dir, 'bad.json')], { encoding: 'utf8' });
  t.equal(run.status, 2, 'exit code 2');
  t.match(run.stderr, /targets\[0\]\.bloc\[0\]: unknown country 'ZZ'/, 'names the field');
});

t.test('the CLI prints the small scenario as JSON', async (t) => {
  const run = spawnSync(
    process.execPath,
    [
      ...tsNodeArgs(join(projectRoot(), 'src', 'cli', 'plan.ts')),
      join(projectRoot(), 'models', 'scenarios', 'small-us-magnets-2030.json'),
      '--format',
      'json',
      '--solver',
      'javascript-lp-solver',
    ],
    { encoding: 'utf8' },
  );
  t.equal(run.status, 0, run.stderr);
  const portfolio = JSON.parse(run.stdout) as { status: string; model: { rows: number }; solver: { name: string } };
  t.match(portfolio, { status: 'optimal', solver: { name: 'javascript-lp-solver' } });
});
