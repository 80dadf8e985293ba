/**
 * Warm solvers (issue 13): a HiGHS thread keeps the last optimal basis per model structure and
 * starts the dual simplex from it when the same structure comes again; interior point skips
 * crossover when nothing needs a vertex. Every warm or crossover-free answer is checked against a
 * cold simplex solve of the same model. Iteration counts are deterministic; no timing is asserted.
 */
import t from 'tap';
import type { LinearModel } from '../../src/model/builder.js';
import { clearBasisCache, solveWithHighs, structureKey } from '../../src/solver/highs.js';
import { warmUpModel } from '../../src/solver/warm-up.js';

const base = { backend: 'highs' as const, timeLimitSeconds: 600, mipRelGap: 1e-6 };
const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(1, Math.abs(b));

/** The same structure with every supply limit scaled and a few costs moved. */
function variant(model: LinearModel, supplyScale: number, costShift: number): LinearModel {
  return {
    ...model,
    rowUpper: Float64Array.from(model.rowUpper, (v, i) => (model.rowNames[i]!.startsWith('supply') ? v * supplyScale : v)),
    colCost: Float64Array.from(model.colCost, (c, j) => (j % 7 === 0 ? c + costShift : c)),
  };
}

t.test('a model of the same structure starts from the kept basis and reaches the cold optimum', async (t) => {
  clearBasisCache();
  const first = warmUpModel(20, 10, 30);
  const second = variant(first, 0.9, 2.5);
  t.equal(structureKey(first), structureKey(second), 'bounds and costs do not change the structure');
  t.not(structureKey(first), structureKey(warmUpModel(20, 10, 29)), 'another size is another structure');

  const coldSecond = await solveWithHighs(second, { ...base, algorithm: 'simplex', reuseBasis: false });
  t.equal(coldSecond.status, 'optimal');
  t.equal(coldSecond.solver.warmStart, false);

  const firstRun = await solveWithHighs(first, { ...base, algorithm: 'simplex' });
  t.equal(firstRun.solver.warmStart, false, 'nothing kept yet: cold');
  const warm = await solveWithHighs(second, { ...base, algorithm: 'simplex' });
  t.equal(warm.status, 'optimal');
  t.equal(warm.solver.warmStart, true, 'started from the basis of the first model');
  t.ok(rel(warm.objective!, coldSecond.objective!) < 1e-9, `warm ${warm.objective} = cold ${coldSecond.objective}`);
  t.ok(warm.solver.iterations! <= coldSecond.solver.iterations!, `warm ${warm.solver.iterations} ≤ cold ${coldSecond.solver.iterations} iterations`);

  const again = await solveWithHighs(second, { ...base, algorithm: 'simplex' });
  t.equal(again.solver.iterations, 0, 'the same model again starts at its optimal basis');
  const apart = again.columnValues!.reduce((worst, v, j) => Math.max(worst, Math.abs(v - warm.columnValues![j]!)), 0);
  t.ok(apart < 1e-9, `and returns the same vertex (largest difference ${apart})`);
});

t.test('auto with a kept basis uses the simplex; an explicit ipm is honoured', async (t) => {
  clearBasisCache();
  const model = warmUpModel(15, 8, 20);
  await solveWithHighs(model, { ...base, algorithm: 'simplex' });
  const auto = await solveWithHighs(variant(model, 1.1, 1), { ...base, algorithm: 'auto' });
  t.equal(auto.solver.algorithm, 'simplex');
  t.equal(auto.solver.warmStart, true);
  const ipm = await solveWithHighs(variant(model, 1.1, 1), { ...base, algorithm: 'ipm', sensitivity: true });
  t.equal(ipm.solver.algorithm, 'ipm');
  t.equal(ipm.solver.warmStart, false);
  t.ok(rel(ipm.objective!, auto.objective!) < 1e-9);
});

t.test('interior point skips crossover when no vertex is needed, and keeps it when duals are asked for', async (t) => {
  clearBasisCache();
  const model = warmUpModel(25, 12, 40);
  const simplex = await solveWithHighs(model, { ...base, algorithm: 'simplex', reuseBasis: false });
  const plain = await solveWithHighs(model, { ...base, algorithm: 'ipm', reuseBasis: false });
  t.equal(plain.status, 'optimal');
  t.equal(plain.solver.algorithm, 'ipm-no-crossover');
  t.ok(rel(plain.objective!, simplex.objective!) < 1e-6, `IPM ${plain.objective} ≈ simplex ${simplex.objective}`);
  const withDuals = await solveWithHighs(model, { ...base, algorithm: 'ipm', sensitivity: true, reuseBasis: false });
  t.equal(withDuals.solver.algorithm, 'ipm', 'crossover when ranging needs a basis');
  t.ok(withDuals.ranging, 'ranging present');
  t.ok(rel(withDuals.objective!, simplex.objective!) < 1e-9);
});

t.test('a MIP never uses or keeps a basis', async (t) => {
  clearBasisCache();
  const model = warmUpModel(6, 4, 8);
  const mip = { ...model, colInteger: Uint8Array.from(model.colInteger, (_, j) => (j % 5 === 0 ? 1 : 0)) };
  const a = await solveWithHighs(mip, { ...base, algorithm: 'auto' });
  const b = await solveWithHighs(mip, { ...base, algorithm: 'auto' });
  t.equal(a.status, 'optimal');
  t.equal(b.solver.warmStart, undefined);
  t.ok(rel(a.objective!, b.objective!) < 1e-9);
});
