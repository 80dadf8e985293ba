/**
 * Making the formulation faster (issue 13) must not change the model: every shipped scenario
 * (and its no-new-builds baseline) and generated S and M instances hash to the model main's
 * formulation made before that work (test/fixtures/formulation/hashes.json: names, bounds,
 * costs, cost parts and the matrix, in order). A change that is meant to change the model updates
 * the fixture with FORMULATION_HASH_UPDATE=1 and says why.
 */
import t from 'tap';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadDataset, projectRoot } from '../../src/data/load.js';
import { formulate } from '../../src/model/formulate.js';
import { baselineInstance, resolveScenario, type Instance } from '../../src/model/instance.js';
import { parseScenario } from '../../src/planner.js';
import { generateInstance } from '../../bench/generator.js';
import { modelHash } from '../helpers/model-hash.js';

const fixture = join(projectRoot(), 'test', 'fixtures', 'formulation', 'hashes.json');

function instances(): Array<[string, Instance]> {
  const dir = join(projectRoot(), 'models', 'scenarios');
  const out: Array<[string, Instance]> = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const input = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    out.push([file.replace(/\.json$/, ''), resolveScenario(parseScenario(input), loadDataset(input.datasetId))]);
  }
  for (const size of ['S', 'M'] as const) {
    const g = generateInstance(size, 1);
    out.push([`generated-${size}`, resolveScenario(parseScenario(g.scenario), g.dataset)]);
  }
  return out;
}

t.test('every shipped scenario, its baseline and generated S/M formulate to the same model as before', async (t) => {
  const hashes: Record<string, string> = {};
  for (const [name, instance] of instances()) {
    hashes[name] = modelHash(formulate(instance));
    hashes[`${name} (baseline)`] = modelHash(formulate(baselineInstance(instance)));
  }
  if (process.env.FORMULATION_HASH_UPDATE === '1') writeFileSync(fixture, `${JSON.stringify(hashes, null, 2)}\n`);
  const expected = JSON.parse(readFileSync(fixture, 'utf8')) as Record<string, string>;
  t.same(Object.keys(hashes).sort(), Object.keys(expected).sort(), 'the same models are checked');
  for (const [name, hash] of Object.entries(hashes)) t.equal(hash, expected[name], `${name}: same model`);
});
