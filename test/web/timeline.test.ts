/** Builds on a timeline (src/web/lib/timeline.ts): rows by country and stage, bars clipped to the horizon. */
import t from 'tap';
import { timelineRows } from '../../src/web/lib/timeline.js';
import type { Build } from '../../src/web/lib/types.js';

const build = (plant: string, country: string, stage: string, buildYear: number, onlineYear: number): Build => ({
  plant,
  name: `${plant} plant`,
  country,
  stage,
  status: 'candidate',
  capacityTpa: 100,
  buildYear,
  onlineYear,
  capexUsd: 1e6,
  funding: [],
  privateUsd: 1e6,
});

t.test('rows are grouped by country, then stage along the chain, then build year', async (t) => {
  const rows = timelineRows(
    [
      build('us_mag', 'US', 'magnet', 2027, 2029),
      build('au_sep', 'AU', 'separation', 2028, 2033),
      build('us_met', 'US', 'metal', 2030, 2032),
      build('us_mag2', 'US', 'magnet', 2026, 2028),
    ],
    { startYear: 2026, endYear: 2040 },
  );
  t.same(
    rows.map((r) => r.plant),
    ['au_sep', 'us_met', 'us_mag2', 'us_mag'],
  );
  t.match(rows[0], { label: 'AU · separation · au_sep plant', constructionYears: 5, onlineYears: 8, endYear: 2041 });
});

t.test('bars are clipped to the horizon', async (t) => {
  const [row] = timelineRows([build('late', 'US', 'magnet', 2038, 2043)], { startYear: 2026, endYear: 2040 });
  t.match(row, { buildYear: 2038, onlineYear: 2043, constructionYears: 3, onlineYears: 0 });
  const [early] = timelineRows([build('early', 'US', 'magnet', 2024, 2027)], { startYear: 2026, endYear: 2030 });
  t.match(early, { constructionYears: 1, onlineYears: 4 });
});
