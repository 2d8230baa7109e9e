import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createRng, mixSeeds, shuffleIndices } from '../../src/data';

test('createRng: same seed, same stream; different seeds differ', () => {
  const a = createRng(42);
  const b = createRng(42);
  const c = createRng(43);
  const sa = Array.from({ length: 20 }, () => a.next());
  const sb = Array.from({ length: 20 }, () => b.next());
  const sc = Array.from({ length: 20 }, () => c.next());
  assert.deepEqual(sa, sb);
  assert.notDeepEqual(sa, sc);
  for (const v of sa) assert.ok(v >= 0 && v < 1, `next() = ${v} outside [0,1)`);
});

test('createRng: next() is roughly uniform and int(n) covers 0..n-1 evenly', () => {
  const rng = createRng(7);
  let sum = 0;
  const N = 20000;
  for (let i = 0; i < N; i++) sum += rng.next();
  assert.ok(Math.abs(sum / N - 0.5) < 0.01, `mean ${sum / N}`);
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 6000; i++) {
    const k = rng.int(6);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 6);
    counts[k]++;
  }
  for (const c of counts) assert.ok(c > 850 && c < 1150, `bucket count ${c}`);
});

test('createRng: rejects bad seeds and bad n', () => {
  assert.throws(() => createRng(1.5), RangeError);
  assert.throws(() => createRng(Number.NaN), RangeError);
  assert.throws(() => createRng(1).int(0), RangeError);
  assert.throws(() => createRng(1).int(2.5), RangeError);
  // negative and large safe seeds are fine and distinct
  assert.notEqual(createRng(-1).uint32(), createRng(2 ** 40).uint32());
});

test('shuffleIndices: a seeded permutation of 0..n-1', () => {
  const p = shuffleIndices(1000, createRng(3));
  assert.deepEqual(Array.from(p).sort((x, y) => x - y), Array.from({ length: 1000 }, (_, i) => i));
  assert.deepEqual(p, shuffleIndices(1000, createRng(3)));
  assert.notDeepEqual(p, shuffleIndices(1000, createRng(4)));
  let fixed = 0;
  for (let i = 0; i < 1000; i++) if (p[i] === i) fixed++;
  assert.ok(fixed < 20, `${fixed} fixed points: not shuffled`);
  assert.equal(shuffleIndices(0, createRng(1)).length, 0);
});

test('mixSeeds: deterministic and order-sensitive', () => {
  assert.equal(mixSeeds(1, 2), mixSeeds(1, 2));
  assert.notEqual(mixSeeds(1, 2), mixSeeds(2, 1));
  assert.notEqual(mixSeeds(0, 0), mixSeeds(0, 1));
});
