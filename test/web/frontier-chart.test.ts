/**
 * The frontier's chart option and the unserved-demand bars, without a browser: the curve keeps the
 * API's values (limit as a share, cost in USD), knees sit on their points, years read as ranges, and
 * unserved tonnes are summed by year over countries.
 */
import t from 'tap';

import { frontierOption, kneePoints, yearRanges } from '../../src/web/lib/frontier-chart.js';
import { unservedByYear, unservedOption } from '../../src/web/lib/unserved-chart.js';

const points = [
  { limit: 1, totalCostUsd: 100, costPerPointUsd: null, status: 'optimal' },
  { limit: 0.5, totalCostUsd: 150, costPerPointUsd: 1, status: 'optimal' },
  { limit: 0, totalCostUsd: null, costPerPointUsd: null, status: 'infeasible' },
];

t.test('the curve is the API’s points, the knees on them', async (t) => {
  const option = frontierOption(points, [{ limit: 0.5, slopeBeforeUsdPerPoint: 1, slopeAfterUsdPerPoint: 3 }], 'title') as any;
  t.same(
    option.series[0].data,
    [
      [1, 100],
      [0.5, 150],
      [0, null],
    ],
    'an unsolved point is a gap, not a zero',
  );
  t.same(option.series[1].data, [[0.5, 150]]);
  t.equal(option.xAxis.inverse, true);
  t.equal(option.xAxis.min, 0);
  t.equal(option.xAxis.max, 1);
  t.equal(option.xAxis.interval, 0.5, 'a tick on every swept limit');
  t.same(option.legend.data, ['Total cost', 'Knee']);
  t.same((frontierOption(points, [], 'title') as any).legend.data, ['Total cost'], 'no knee, no knee in the legend');
  t.same(kneePoints(points, [{ limit: 0, slopeBeforeUsdPerPoint: 1, slopeAfterUsdPerPoint: 3 }]), [], 'a knee on an unsolved point is not drawn');
});

t.test('years as ranges', async (t) => {
  t.equal(yearRanges([2032, 2030, 2031, 2035]), '2030–2032, 2035');
  t.equal(yearRanges([2030]), '2030');
  t.equal(yearRanges([]), '');
});

t.test('unserved tonnes by year, over countries', async (t) => {
  const d = {
    disruption: 'x',
    name: 'X',
    unserved: [
      { country: 'AA', year: 2028, tonnes: 0.1 },
      { country: 'BB', year: 2028, tonnes: 2 },
      { country: 'AA', year: 2029, tonnes: 1.31 },
    ],
  };
  t.same(unservedByYear(d, [2027, 2028, 2029]), [0, 2.1, 1.31]);
  const option = unservedOption([d], [2028, 2029], ['#000']) as any;
  t.same(option.xAxis.data, ['2028', '2029']);
  t.same(option.series[0].data, [2.1, 1.31]);
});
