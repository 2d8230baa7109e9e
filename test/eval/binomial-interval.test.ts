import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accuracyInterval, wilsonInterval } from '../../src/eval';

const close = (a: number, b: number, tol = 5e-5) => assert.ok(Math.abs(a - b) < tol, `${a} vs ${b}`);

test('Wilson 95 % interval matches published values', () => {
  // Newcombe (1998), Table I: 81/263 → 0.2553–0.3662; 15/148 → 0.0624–0.1605; 0/10 → 0–0.2775; 1/29 → 0.0061–0.1718
  const cases: Array<[number, number, number, number]> = [[81, 263, 0.2553, 0.3662], [15, 148, 0.0624, 0.1605], [0, 10, 0, 0.2775], [1, 29, 0.0061, 0.1718]];
  for (const [k, n, lo, hi] of cases) {
    const ci = wilsonInterval(k, n);
    close(ci.lower, lo);
    close(ci.upper, hi);
    assert.equal(ci.n, n);
    assert.equal(ci.estimate, k / n);
  }
});

test('Wilson interval: inside [0, 1], contains p, not zero-width at 0 or n, shrinks with n, widens with the level', () => {
  for (const n of [1, 7, 200, 10_000]) {
    for (const k of [0, Math.floor(n / 3), n]) {
      const ci = wilsonInterval(k, n);
      assert.ok(ci.lower >= 0 && ci.upper <= 1 && ci.lower <= k / n && k / n <= ci.upper);
      assert.ok(ci.upper - ci.lower > 0, `zero width at ${k}/${n}`);
    }
  }
  // the symmetric case: 0/n and n/n mirror each other
  const zero = wilsonInterval(0, 200), all = wilsonInterval(200, 200);
  close(zero.upper, 1 - all.lower, 1e-12);
  assert.ok(wilsonInterval(50, 100).upper - wilsonInterval(50, 100).lower > wilsonInterval(500, 1000).upper - wilsonInterval(500, 1000).lower);
  assert.ok(wilsonInterval(50, 100, 0.99).lower < wilsonInterval(50, 100, 0.95).lower);
  // an accuracy fraction measured on n examples (rounded proportions are accepted)
  assert.deepEqual(accuracyInterval(0.742, 500), wilsonInterval(371, 500));
});

test('Wilson interval rejects impossible input with a message', () => {
  assert.throws(() => wilsonInterval(3, 0), /n must be a positive integer/);
  assert.throws(() => wilsonInterval(11, 10), /successes must be a whole number in \[0, 10\]/);
  assert.throws(() => wilsonInterval(2.5, 10), /whole number/);
  assert.throws(() => wilsonInterval(2, 10, 0.8), /level must be one of/);
});
