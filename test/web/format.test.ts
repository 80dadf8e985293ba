/** Rounded numbers for reading, exact ones for the tooltip (src/web/lib/format.ts). */
import t from 'tap';
import { exact, formatDelta, formatNumber, formatPoints, formatShare, formatTonnes, formatUsd } from '../../src/web/lib/format.js';

t.test('money reads in bn, M and k USD', async (t) => {
  t.equal(formatUsd(19088491917.33), '19.09 bn USD');
  t.equal(formatUsd(25121847.35), '25.1 M USD');
  t.equal(formatUsd(-927658480.4), '-927.7 M USD');
  t.equal(formatUsd(98500.4), '98.5 k USD');
  t.equal(formatUsd(9841.4), '9,841 USD');
  t.equal(formatUsd(null), '—');
  t.equal(formatUsd(Number.NaN), '—');
});

t.test('deltas carry a sign, zero reads ±0', async (t) => {
  t.equal(formatDelta(25121847.35, formatUsd), '+25.1 M USD');
  t.equal(formatDelta(-3e9, formatUsd), '−3.00 bn USD');
  t.equal(formatDelta(0, formatUsd), '±0 USD');
  t.equal(formatDelta(null, formatUsd), '—');
  t.equal(formatPoints(-0.025), '-2.5 pp');
});

t.test('tonnes, shares and plain numbers', async (t) => {
  t.equal(formatTonnes(12345.6, 't TREO'), '12,346 t TREO');
  t.equal(formatTonnes(45.25), '45.3 t');
  t.equal(formatTonnes(0.354), '0.35 t');
  t.equal(formatTonnes(-0.001), '0.00 t', 'no negative zero');
  t.equal(formatShare(0.2424), '24.2 %');
  t.equal(formatShare(null), '—');
  t.equal(formatNumber(2000, 't/yr'), '2,000 t/yr');
  t.equal(formatNumber(4.56), '4.6');
  t.equal(formatNumber(undefined), '—');
});

t.test('the exact value keeps every digit the API sent', async (t) => {
  t.equal(exact(19088491917.33, 'USD'), '19,088,491,917.33 USD');
  t.equal(exact(0.6849999999), '0.6849999999');
  t.equal(exact(null), 'no value');
  t.equal(exact(Number.POSITIVE_INFINITY), 'Infinity');
});
