import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classMeans, cosineSimilarity, cosineStats, cosineToPredictedCenter } from '../../src/analysis/cosine';

const close = (a: number, b: number, tol = 1e-12): void => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);
const r2 = Math.SQRT1_2;

// centers e1, e2 and a third (never predicted) diagonal center
const centers = [[1, 0], [0, 1], [r2, r2]];
const features = [[1, 0], [1, 1], [0, 2], [1, 1], [-1, 0]];
const predictions = [0, 0, 1, 1, 1];

test('cosine similarity of hand-made vectors', () => {
  close(cosineSimilarity([1, 0], [0, 3]), 0);
  close(cosineSimilarity([2, 2], [1, 1]), 1);
  close(cosineSimilarity([1, 0], [-4, 0]), -1);
  assert.ok(Number.isNaN(cosineSimilarity([0, 0], [1, 0])));
  assert.deepEqual([...cosineToPredictedCenter(features, predictions, centers)].map((v) => +v.toFixed(12)), [1, +r2.toFixed(12), 1, +r2.toFixed(12), 0]);
});

test('per-class means, then mean ± std over the classes that were predicted', () => {
  const s = cosineStats(features, predictions, centers);
  const m0 = (1 + r2) / 2;
  const m1 = (1 + r2 + 0) / 3;
  close(s.perClass[0].mean, m0);
  close(s.perClass[1].mean, m1);
  assert.equal(s.perClass[1].count, 3);
  close(s.perClass[1].std, Math.sqrt(((1 - m1) ** 2 + (r2 - m1) ** 2 + m1 ** 2) / 3));
  assert.equal(s.perClass[2].count, 0);
  assert.ok(Number.isNaN(s.perClass[2].mean));
  assert.equal(s.classesUsed, 2);
  close(s.mean, (m0 + m1) / 2);
  close(s.std, Math.abs(m0 - m1) / 2); // population std of two values
  close(cosineStats(features, predictions, centers, { ddof: 1 }).std, Math.abs(m0 - m1) / Math.SQRT2);
});

test('centers given as columns (a head kernel, d × L) give the same statistics', () => {
  const kernel = { data: Float32Array.from([1, 0, r2, 0, 1, r2]), shape: [2, 3] as [number, number] };
  const a = cosineStats(features, predictions, centers);
  const b = cosineStats(features, predictions, kernel, { centerLayout: 'columns' });
  close(a.mean, b.mean, 1e-7);
  close(a.std, b.std, 1e-7);
});

test('class means and validation', () => {
  const m = classMeans(features, predictions, 3);
  assert.deepEqual([...m.data.subarray(0, 4)], [1, 0.5, 0, 1]);
  assert.ok(Number.isNaN(m.data[4]));
  assert.throws(() => cosineStats(features, [0, 0, 1, 1, 3], centers), RangeError);
  assert.throws(() => cosineStats([[1, 2, 3]], [0], centers), RangeError);
  assert.throws(() => cosineStats(features, predictions, centers, { centerLayout: 'diagonal' as 'rows' }), RangeError);
});
