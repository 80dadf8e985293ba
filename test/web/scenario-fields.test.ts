/**
 * A scenario as fields at the API's error paths (src/web/lib/scenario-fields.ts): every path the
 * service can name in a validation error has a field to show it at.
 */
import t from 'tap';
import { fieldForError, formatPath, isInside, parseFieldInput, parsePath, scenarioFields, setAtPath } from '../../src/web/lib/scenario-fields.js';
import { formatPath as serviceFormatPath } from '../../src/errors.js';

const scenario = {
  name: 'x',
  horizon: { startYear: 2026, endYear: 2030 },
  targets: [{ bloc: ['US', 'JP'], product: 'mag', year: 2030, maxUntrustedShare: 0.5, hard: false }],
  overrides: { sources: { mine: { supplyTreoTpa: { '2030': 10 } } } },
  description: null,
};

t.test('paths use the service grammar, both ways', async (t) => {
  for (const segments of [[], ['targets', 0, 'bloc', 1], ['overrides', 'sources', 'mine', 'supplyTreoTpa', '2030'], [0]]) {
    t.equal(formatPath(segments), serviceFormatPath(segments), `${JSON.stringify(segments)} formats as the service does`);
    if (segments.length && typeof segments[0] === 'string') t.same(parsePath(formatPath(segments)).map(String), segments.map(String));
  }
  t.same(parsePath('targets[0].bloc[1]'), ['targets', 0, 'bloc', 1]);
  t.same(parsePath('(root)'), []);
  t.ok(isInside('targets[0].year', 'targets'));
  t.ok(isInside('targets[0]', 'targets'));
  t.notOk(isInside('targetsX', 'targets'));
  t.notOk(isInside('targets', 'targets'));
  t.ok(isInside('name', '(root)'));
});

t.test('every object, array and leaf is a field, in document order', async (t) => {
  const fields = scenarioFields(scenario);
  t.same(
    fields.map((f) => f.path),
    [
      'name',
      'horizon',
      'horizon.startYear',
      'horizon.endYear',
      'targets',
      'targets[0]',
      'targets[0].bloc',
      'targets[0].bloc[0]',
      'targets[0].bloc[1]',
      'targets[0].product',
      'targets[0].year',
      'targets[0].maxUntrustedShare',
      'targets[0].hard',
      'overrides',
      'overrides.sources',
      'overrides.sources.mine',
      'overrides.sources.mine.supplyTreoTpa',
      'overrides.sources.mine.supplyTreoTpa.2030',
      'description',
    ],
  );
  t.match(
    fields.find((f) => f.path === 'targets[0].bloc[1]'),
    { parent: 'targets[0].bloc', key: '[1]', depth: 3, kind: 'string', value: 'JP' },
  );
  t.match(
    fields.find((f) => f.path === 'targets[0].hard'),
    { kind: 'boolean', value: false },
  );
  t.match(
    fields.find((f) => f.path === 'description'),
    { kind: 'null', value: null },
  );
});

t.test('an error about a field the JSON lacks gets a missing field inside its nearest parent', async (t) => {
  const { horizon: _h, ...noHorizon } = scenario;
  void _h;
  const fields = scenarioFields({ ...noHorizon, targets: [{ bloc: ['US'] }] }, ['targets[0].product', 'horizon', 'targets[0].bloc[0]', '(root)']);
  const paths = fields.map((f) => f.path);
  t.ok(
    paths.indexOf('targets[0].product') > paths.indexOf('targets[0].bloc[0]') && paths.indexOf('targets[0].product') < paths.indexOf('overrides'),
    'inside targets[0]',
  );
  t.match(
    fields.find((f) => f.path === 'targets[0].product'),
    { missing: true, parent: 'targets[0]', key: 'product', depth: 2 },
  );
  t.match(
    fields.find((f) => f.path === 'horizon'),
    { missing: true, parent: '', depth: 0 },
  );
  t.equal(fields.filter((f) => f.path === 'targets[0].bloc[0]').length, 1, 'an existing field is not duplicated');
  const deep = scenarioFields({ name: 'x' }, ['horizon.endYear']);
  t.match(
    deep.find((f) => f.path === 'horizon.endYear'),
    { missing: true, parent: '', key: 'horizon.endYear' },
  );
});

t.test('an error is shown at its field, or the nearest field that holds its path', async (t) => {
  const fields = scenarioFields(scenario);
  t.equal(fieldForError(fields, 'targets[0].maxUntrustedShare')?.path, 'targets[0].maxUntrustedShare');
  t.equal(fieldForError(fields, 'targets[0].penalty')?.path, 'targets[0]');
  t.equal(fieldForError(fields, 'overrides.sources.mine.supplyTreoTpa.2030')?.path, 'overrides.sources.mine.supplyTreoTpa.2030');
  t.equal(fieldForError(fields, '(root)'), null);
  t.equal(fieldForError(fields, 'budgets[0]'), null);
});

t.test('typed values keep their kind; edits write into a copy', async (t) => {
  t.equal(parseFieldInput('0.3', 'number'), 0.3);
  t.equal(parseFieldInput('abc', 'number'), 'abc', 'kept as text so the service names it');
  t.equal(parseFieldInput('true', 'boolean'), true);
  t.equal(parseFieldInput('null', 'null'), null);
  t.equal(parseFieldInput('7', 'null'), 7);
  t.equal(parseFieldInput('2030', 'string'), '2030');
  const edited = setAtPath(scenario, 'targets[0].maxUntrustedShare', 0.3) as typeof scenario;
  t.equal(edited.targets[0]!.maxUntrustedShare, 0.3);
  t.equal(scenario.targets[0]!.maxUntrustedShare, 0.5, 'the original is unchanged');
  t.same((setAtPath({}, 'budgets[0].funder', 'f') as { budgets: unknown }).budgets, [{ funder: 'f' }], 'containers are created on the way');
  t.equal(setAtPath(scenario, '(root)', 1), 1);
});
