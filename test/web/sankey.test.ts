/**
 * The Sankey of a portfolio year (src/web/lib/sankey.ts): which flow becomes which link, what is
 * derived as kept at home, and that nothing is lost or counted twice.
 */
import t from 'tap';
import fc from 'fast-check';
import { buildSankey, MIN_TONNES, nextColumn, sankeyYears, type ProductInfo } from '../../src/web/lib/sankey.js';
import type { Flow, Production } from '../../src/web/lib/types.js';

const products: ProductInfo[] = [
  { id: 'ox', stage: 'separation', final: false },
  { id: 'hox', stage: 'separation', final: false },
  { id: 'met', stage: 'metal', final: false },
  { id: 'mag', stage: 'magnet', final: true },
];

const feed = (
  from: string,
  to: string,
  tonnes: number,
  origin: Flow['origin'] = 'trusted',
  year = 2030,
  source = `mine_${from}`,
  plant = `sep_${to}`,
): Flow => ({
  kind: 'feed',
  product: 'concentrate',
  origin,
  from,
  to,
  year,
  tonnes,
  source,
  plant,
});
const ship = (product: string, from: string, to: string, tonnes: number, origin: Flow['origin'] = 'trusted', year = 2030): Flow => ({
  kind: 'ship',
  product,
  origin,
  from,
  to,
  year,
  tonnes,
});
const buy = (product: string, to: string, tonnes: number, year = 2030): Flow => ({ kind: 'buy', product, origin: 'untrusted', from: 'CN', to, year, tonnes });
const sell = (product: string, from: string, tonnes: number, origin: Flow['origin'] = 'trusted', year = 2030): Flow => ({
  kind: 'sell',
  product,
  origin,
  from,
  to: 'WORLD',
  year,
  tonnes,
});
const made = (stage: string, country: string, trusted: number, untrusted = 0, year = 2030, plant = `${stage}_${country}`): Production => ({
  plant,
  country,
  stage,
  year,
  throughputT: trusted + untrusted,
  capacityTpa: 1e6,
  trustedOutputT: trusted,
  untrustedOutputT: untrusted,
});

t.test('each product goes to the column after the stage that makes it; final products to the market', async (t) => {
  t.equal(nextColumn('separation', false), 'metal');
  t.equal(nextColumn('metal', false), 'magnet');
  t.equal(nextColumn('magnet', true), 'market');
  t.equal(nextColumn('magnet', false), 'market', 'nothing comes after the magnet stage');
});

t.test('feed, ship and buy flows become links between country stages, per origin', async (t) => {
  const s = buildSankey(
    {
      flows: [
        feed('AU', 'MY', 600, 'trusted', 2030, 'mtweld', 'lynas'),
        feed('AU', 'MY', 400, 'trusted', 2030, 'eneabba', 'lynas'),
        feed('CN', 'MY', 50, 'untrusted'),
        ship('ox', 'MY', 'JP', 100),
        ship('hox', 'MY', 'JP', 5),
        ship('met', 'JP', 'US', 20),
        buy('mag', 'US', 7),
        buy('ox', 'JP', 3),
        feed('AU', 'MY', 999, 'trusted', 2031),
      ],
      production: [],
      products,
    },
    2030,
  );
  const link = (source: string, target: string, origin: string) => s.links.filter((l) => l.source === source && l.target === target && l.origin === origin);
  t.match(link('mine:AU', 'separation:MY', 'trusted'), [
    {
      tonnes: 1000,
      basis: 'feed',
      unit: 't TREO',
      parts: [
        { label: 'mtweld → lynas', tonnes: 600 },
        { label: 'eneabba → lynas', tonnes: 400 },
      ],
    },
  ]);
  t.match(link('mine:CN', 'separation:MY', 'untrusted'), [{ tonnes: 50, basis: 'feed' }]);
  t.match(link('separation:MY', 'metal:JP', 'trusted'), [
    {
      tonnes: 105,
      basis: 'ship',
      unit: 't oxide',
      parts: [
        { label: 'ox', tonnes: 100 },
        { label: 'hox', tonnes: 5 },
      ],
    },
  ]);
  t.match(link('metal:JP', 'magnet:US', 'trusted'), [{ tonnes: 20, basis: 'ship', unit: 't metal' }]);
  t.match(link('magnet:CN', 'market:US', 'untrusted'), [{ tonnes: 7, basis: 'buy', unit: 't magnet' }]);
  t.match(link('separation:CN', 'metal:JP', 'untrusted'), [{ tonnes: 3, basis: 'buy' }]);
  t.equal(s.links.length, 6, 'the 2031 flow is another year');
  t.match(s.notes, [/^JP shipped or sold 20\.00 t metal/, /^MY shipped or sold 105\.00 t oxide/], 'no production listed: the exports are noted as re-exports');

  const node = (id: string) => s.nodes.find((n) => n.id === id)!;
  t.match(node('separation:MY'), { column: 'separation', depth: 1, country: 'MY', inT: 1050, outT: 105, valueT: 1050 });
  t.match(node('metal:JP'), { inT: 108, outT: 20, valueT: 108 });
  t.match(node('market:US'), { depth: 4, inT: 7, outT: 0, valueT: 7 });
  t.same(
    s.nodes.map((n) => n.depth),
    [...s.nodes.map((n) => n.depth)].sort((a, b) => a - b),
    'nodes in column order',
  );
});

t.test('sales to the rest of the world go to a node of their own', async (t) => {
  const s = buildSankey(
    { flows: [sell('ox', 'AA', 8), sell('mag', 'AA', 2, 'untrusted')], production: [made('separation', 'AA', 8), made('magnet', 'AA', 0, 2)], products },
    2030,
  );
  t.match(s.links, [
    { source: 'magnet:AA', target: 'market:WORLD', origin: 'untrusted', basis: 'sell', tonnes: 2, unit: 't magnet' },
    { source: 'separation:AA', target: 'metal:WORLD', origin: 'trusted', basis: 'sell', tonnes: 8, unit: 't oxide' },
  ]);
  t.equal(s.links.length, 2, 'all that was made was sold: nothing kept at home');
});

t.test('what a country made and did not ship abroad or sell is kept at home, by origin', async (t) => {
  const s = buildSankey(
    {
      flows: [ship('ox', 'AA', 'BB', 20), sell('ox', 'AA', 10), ship('mag', 'AA', 'BB', 4, 'untrusted')],
      production: [
        made('separation', 'AA', 80),
        made('separation', 'AA', 20, 0, 2030, 'sep2_AA'),
        made('magnet', 'AA', 6, 10),
        made('separation', 'AA', 500, 0, 2031),
      ],
      products,
    },
    2030,
  );
  const home = s.links.filter((l) => l.basis === 'home');
  t.match(home, [
    { source: 'magnet:AA', target: 'market:AA', origin: 'trusted', tonnes: 6, unit: 't magnet', parts: [{ label: 'kept in AA' }] },
    { source: 'magnet:AA', target: 'market:AA', origin: 'untrusted', tonnes: 6 },
    { source: 'separation:AA', target: 'metal:AA', origin: 'trusted', tonnes: 70, unit: 't oxide' },
  ]);
  t.equal(home.length, 3);
});

t.test('untrusted exports beyond the untrusted output come out of the trusted output (a downgrade)', async (t) => {
  const s = buildSankey(
    { flows: [sell('ox', 'AA', 4, 'untrusted'), ship('ox', 'AA', 'BB', 1, 'untrusted')], production: [made('separation', 'AA', 10, 2)], products },
    2030,
  );
  t.match(
    s.links.filter((l) => l.basis === 'home'),
    [{ source: 'separation:AA', target: 'metal:AA', origin: 'trusted', tonnes: 7 }],
    '10 trusted + 2 untrusted made, 5 untrusted left: 7 trusted kept, no untrusted',
  );
  t.equal(s.links.filter((l) => l.basis === 'home').length, 1);
  t.same(s.notes, []);
});

t.test('exports beyond what a country made (re-exports) draw no home link and are noted', async (t) => {
  const s = buildSankey({ flows: [ship('met', 'BB', 'AA', 12)], production: [made('metal', 'BB', 10)], products }, 2030);
  t.equal(s.links.filter((l) => l.basis === 'home').length, 0);
  t.equal(s.links.length, 1);
  t.match(s.notes, [/BB shipped or sold 2\.00 t metal more metal output than it made in 2030: re-exports/]);
});

t.test('flows of unknown products are left out and named; specks below MIN_TONNES are dropped', async (t) => {
  const s = buildSankey({ flows: [ship('gold', 'AA', 'BB', 5), ship('ox', 'AA', 'BB', MIN_TONNES / 10), feed('AA', 'AA', 1)], production: [], products }, 2030);
  t.equal(s.links.length, 1);
  t.match(s.notes, [/gold/]);
  t.same(
    s.nodes.map((n) => n.id),
    ['mine:AA', 'separation:AA'],
  );
});

t.test('years are those with any flow or production', async (t) => {
  t.same(
    sankeyYears({ flows: [feed('AA', 'AA', 1, 'trusted', 2031), ship('ox', 'AA', 'BB', 1, 'trusted', 2029)], production: [made('metal', 'AA', 1, 0, 2035)] }),
    [2029, 2031, 2035],
  );
});

t.test('no tonne is lost or counted twice (property)', async (t) => {
  const country = fc.constantFrom('AA', 'BB', 'CC');
  const origin = fc.constantFrom<Flow['origin']>('trusted', 'untrusted');
  const tonnes = fc.double({ min: 0.01, max: 1000, noNaN: true });
  const flow = fc.oneof(
    fc.record({ from: country, to: country, tonnes, origin }).map((f) => feed(f.from, f.to, f.tonnes, f.origin)),
    fc
      .record({ p: fc.constantFrom('ox', 'met', 'mag'), from: country, to: country, tonnes, origin })
      .filter((f) => f.from !== f.to)
      .map((f) => ship(f.p, f.from, f.to, f.tonnes, f.origin)),
    fc.record({ p: fc.constantFrom('ox', 'met', 'mag'), to: country, tonnes }).map((f) => buy(f.p, f.to, f.tonnes)),
    fc.record({ p: fc.constantFrom('ox', 'met', 'mag'), from: country, tonnes, origin }).map((f) => sell(f.p, f.from, f.tonnes, f.origin)),
  );
  const production = fc
    .record({ stage: fc.constantFrom('separation', 'metal', 'magnet'), c: country, a: tonnes, b: tonnes })
    .map((p) => made(p.stage, p.c, p.a, p.b));
  fc.assert(
    fc.property(fc.array(flow, { maxLength: 30 }), fc.array(production, { maxLength: 10 }), (flows, rows) => {
      const s = buildSankey({ flows, production: rows, products }, 2030);
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const close = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
      // Every flow is in exactly one link.
      if (!close(sum(s.links.filter((l) => l.basis !== 'home').map((l) => l.tonnes)), sum(flows.map((f) => f.tonnes)))) return false;
      // Per stage and country: home + exports = production whenever production covers exports, and
      // the untrusted content kept is what was made untrusted and not exported.
      for (const stage of ['separation', 'metal', 'magnet'] as const) {
        for (const c of ['AA', 'BB', 'CC']) {
          const madeT = sum(rows.filter((r) => r.stage === stage && r.country === c).map((r) => r.trustedOutputT));
          const madeU = sum(rows.filter((r) => r.stage === stage && r.country === c).map((r) => r.untrustedOutputT));
          const out = (o: string) =>
            sum(
              flows
                .filter(
                  (f) =>
                    (f.kind === 'ship' || f.kind === 'sell') && f.from === c && f.origin === o && products.find((p) => p.id === f.product)!.stage === stage,
                )
                .map((f) => f.tonnes),
            );
          const home = (o: string) => sum(s.links.filter((l) => l.basis === 'home' && l.source === `${stage}:${c}` && l.origin === o).map((l) => l.tonnes));
          const keptU = madeU - out('untrusted');
          if (!(keptU >= MIN_TONNES ? close(home('untrusted'), keptU) : home('untrusted') === 0)) return false;
          const keptT = madeT - out('trusted') - Math.max(0, -keptU);
          if (keptT >= MIN_TONNES && !close(home('trusted') + home('untrusted') + out('trusted') + out('untrusted'), madeT + madeU)) return false;
          if (keptT < MIN_TONNES && home('trusted') !== 0) return false;
          if (keptT < -MIN_TONNES && !s.notes.some((n) => n.startsWith(`${c} shipped or sold`))) return false;
        }
      }
      // Node values are the larger of in and out.
      return s.nodes.every((n) => close(n.valueT, Math.max(n.inT, n.outT)));
    }),
    { numRuns: 200 },
  );
  t.pass('200 random years');
});
