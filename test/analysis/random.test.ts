import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sampleIndices, seededRandom, withSeededMathRandom } from '../../src/analysis/random';

test('seeded subsampling: distinct, sorted, reproducible, all rows when k >= n', () => {
  const a = sampleIndices(1000, 50, 1);
  assert.equal(new Set(a).size, 50);
  assert.ok(a.every((v, i) => v >= 0 && v < 1000 && (i === 0 || v > a[i - 1])));
  assert.deepEqual(a, sampleIndices(1000, 50, 1));
  assert.notDeepEqual(a, sampleIndices(1000, 50, 2));
  assert.deepEqual([...sampleIndices(5, 9, 0)], [0, 1, 2, 3, 4]);
  assert.throws(() => sampleIndices(10, -1, 0), RangeError);
});

test('withSeededMathRandom seeds Math.random for the call and restores it, also on throw', () => {
  const original = Math.random;
  const first = withSeededMathRandom(4, () => [Math.random(), Math.random()]);
  const r = seededRandom(4);
  assert.deepEqual(first, [r(), r()]);
  assert.equal(Math.random, original);
  assert.throws(() => withSeededMathRandom(4, () => {
    throw new Error('boom');
  }), /boom/);
  assert.equal(Math.random, original);
});
