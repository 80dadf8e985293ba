/**
 * GET /datasets/{id}/calibration: the observed years solved off the event loop, each figure beside
 * its published value and band; computed once per dataset; 404 for an unknown dataset.
 */
import t from 'tap';
import type { Dataset } from '../../src/data/schema.js';
import { loadDataset } from '../../src/data/load.js';
import { CalibrationReportSchema } from '../../src/schemas/calibration.js';
import { build, expectProblem } from '../helpers/app.js';
import { tinyDataset } from '../helpers/tiny-dataset.js';

t.test('GET /datasets/{id}/calibration (200, 404)', async (t) => {
  const withFigure = tinyDataset({
    add: {
      calibration: [
        {
          id: 'sep_output',
          description: 'separator output',
          year: 2026,
          metric: { kind: 'plant_output', plant: 'sep', product: 'ox' },
          published: { value: 6, low: 5, high: 7 },
          unit: 't',
          toleranceNote: 'test',
          source: [{ title: 'test' }],
          estimate: false,
        },
      ],
    },
  });
  const app = await build(t, {
    datasets: new Map<string, Dataset>([
      ['tiny', withFigure],
      ['quad-2026', loadDataset('quad-2026')],
    ]),
  });
  const tiny = await app.inject({ method: 'GET', url: '/datasets/tiny/calibration' });
  t.equal(tiny.statusCode, 200);
  const report = CalibrationReportSchema.parse(tiny.json());
  t.match(report, { datasetId: 'tiny', years: [2026], status: 'optimal', summary: { within: 1, outside: 0 } });
  t.equal(report.rows[0]?.modelValue, 6, '10 t of magnets need 6 t of oxide');

  const quad = await app.inject({ method: 'GET', url: '/datasets/quad-2026/calibration' });
  t.equal(quad.statusCode, 200);
  const quadReport = CalibrationReportSchema.parse(quad.json());
  t.equal(quadReport.summary.outside, 0, 'the reference dataset has no figure outside its band');
  t.ok(quadReport.rows.length >= 15);
  const again = await app.inject({ method: 'GET', url: '/datasets/quad-2026/calibration' });
  t.same(again.json(), quad.json(), 'the second answer is the same report');

  expectProblem(t, await app.inject({ method: 'GET', url: '/datasets/nope/calibration' }), 404);
});
