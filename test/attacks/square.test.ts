import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { pgd, square, type AttackTarget } from '../../src/attacks';
import { accuracy, maxLinf, range, trainedToy } from './fixtures';

before(async () => {
  await useTestBackend();
});

// A gradient-masked model: the trained toy's logits rounded to quarters (round() has zero gradient
// almost everywhere), so PGD's gradients vanish; a score-based search does not need them.
test('square breaks a gradient-masked model that PGD cannot, inside the ε-ball and [0, 1]', () => {
  const toy = trainedToy();
  const target: AttackTarget = { logits: (x, t) => tf.tidy(() => { const z = toy.target.logits(x, t); return tf.round(z.mul(4)).div(4) as tf.Tensor2D; }) };
  const clean = accuracy(target, toy.x, toy.y);
  const eps = 0.15;
  const before = tf.memory().numTensors;
  const viaGradient = pgd(target, toy.x, toy.y, { epsilon: eps, stepSize: eps / 8, steps: 20, randomStart: false });
  const bySearch = square(target, toy.x, toy.y, { epsilon: eps, nQueries: 400, seed: 3 });
  const pgdAcc = accuracy(target, viaGradient, toy.y), squareAcc = accuracy(target, bySearch, toy.y);
  assert.equal(pgdAcc, clean, 'PGD moves nothing: every gradient through round() is zero');
  assert.ok(squareAcc < clean - 0.2, `square: ${squareAcc} vs clean ${clean}`);
  assert.ok(maxLinf(bySearch, toy.x) <= eps + 1e-6);
  const [lo, hi] = range(bySearch);
  assert.ok(lo >= 0 && hi <= 1);
  tf.dispose([viaGradient, bySearch]);
  assert.equal(tf.memory().numTensors, before, 'square leaked tensors');
  tf.dispose([toy.x, toy.y]);
  toy.model.dispose();
});

test('square is deterministic for a seed and never makes an image worse than its start', () => {
  const toy = trainedToy();
  const a = square(toy.target, toy.x, toy.y, { epsilon: 0.1, nQueries: 50, seed: 7 });
  const b = square(toy.target, toy.x, toy.y, { epsilon: 0.1, nQueries: 50, seed: 7 });
  assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  const once = square(toy.target, toy.x, toy.y, { epsilon: 0.1, nQueries: 1, seed: 7 });
  assert.ok(accuracy(toy.target, a, toy.y) <= accuracy(toy.target, once, toy.y), 'more queries can only lower the margin');
  assert.throws(() => square(toy.target, toy.x, toy.y, { epsilon: 0.1, nQueries: 0 }), /nQueries/);
  tf.dispose([a, b, once, toy.x, toy.y]);
  toy.model.dispose();
});
