import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { maxMahalanobisCenterRows, maxMahalanobisCenters } from '../../src/losses';

before(async () => {
  await useTestBackend();
});

const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);

for (const [L, D, C] of [
  [10, 10, 10],
  [10, 12, 1],
  [2, 5, 3],
  [100, 100, 10],
  [3, 640, 7],
] as const) {
  test(`MM centers L=${L} D=${D} C=${C}: norms C, pairwise cosines −1/(L−1)`, () => {
    const mu = maxMahalanobisCenterRows(L, D, C);
    assert.equal(mu.length, L);
    for (const row of mu) {
      assert.equal(row.length, D);
      assert.ok(Math.abs(Math.sqrt(dot(row, row)) - C) < 1e-9 * C, `norm ${Math.sqrt(dot(row, row))}`);
      // only the first L coordinates are used
      for (let j = L; j < D; j++) assert.equal(row[j], 0);
    }
    for (let i = 0; i < L; i++) {
      for (let j = i + 1; j < L; j++) {
        const cos = dot(mu[i], mu[j]) / (C * C);
        assert.ok(Math.abs(cos + 1 / (L - 1)) < 1e-9, `cos(μ${i}, μ${j}) = ${cos}`);
      }
    }
  });
}

test('maxMahalanobisCenters tensor is float32 [L, D] with the same geometry to 1e-5', () => {
  const t = maxMahalanobisCenters(10, 12, 10);
  assert.deepEqual(t.shape, [10, 12]);
  assert.equal(t.dtype, 'float32');
  const rows = t.arraySync();
  t.dispose();
  for (let i = 0; i < 10; i++) {
    assert.ok(Math.abs(Math.sqrt(dot(rows[i], rows[i])) - 10) < 1e-4);
    for (let j = 0; j < i; j++) assert.ok(Math.abs(dot(rows[i], rows[j]) / 100 + 1 / 9) < 1e-5);
  }
});

test('maxMahalanobisCenters: clear errors for D < L, L < 2, bad C', () => {
  assert.throws(() => maxMahalanobisCenterRows(10, 9), (e: Error) => e instanceof RangeError && /D ≥ numClasses/.test(e.message));
  assert.throws(() => maxMahalanobisCenterRows(1, 5), (e: Error) => e instanceof RangeError && /L ≥ 2/.test(e.message));
  assert.throws(() => maxMahalanobisCenterRows(3, 5, 0), RangeError);
  assert.throws(() => maxMahalanobisCenterRows(3.5, 5), RangeError);
});
