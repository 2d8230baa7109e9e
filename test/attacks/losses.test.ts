import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { crossEntropyPerSample, dlrLoss, logitMargin, targetedDlrLoss } from '../../src/attacks';

before(async () => {
  await useTestBackend();
});

const close = (a: ArrayLike<number>, b: number[], tol = 1e-5) =>
  assert.ok(b.every((v, i) => Math.abs(a[i] - v) <= tol), `${Array.from(a)} ≠ ${b}`);

test('DLR loss matches hand values', () => {
  // z = [3, 1, 2, 0]: sorted 3 > 2 > 1 > 0, so z_π1 − z_π3 = 3 − 1 = 2
  const z = tf.tensor2d([[3, 1, 2, 0], [3, 1, 2, 0], [3, 1, 2, 0]]);
  const y = tf.tensor1d([0, 1, 3], 'int32');
  // y = 0 (correct): −(3 − 2)/2 = −0.5; y = 1: −(1 − 3)/2 = 1; y = 3: −(0 − 3)/2 = 1.5
  close(dlrLoss(z, y).dataSync(), [-0.5, 1, 1.5]);
  // shift and scale invariance: DLR(a·z + b) = DLR(z)
  close(dlrLoss(z.mul(7).add(-4), y).dataSync(), [-0.5, 1, 1.5]);
  tf.dispose([z, y]);
});

test('DLR gradient matches the analytic derivative (it must not be blocked by the sorting)', () => {
  // y = 0, z = [3, 1, 2, 0]: L = −(z0 − z2)/(z0 − z1) ⇒ ∂L/∂z = [−(z2 − z1)/D², −(z0 − z2)/D², 1/D, 0], D = 2
  const z = tf.tensor2d([[3, 1, 2, 0]]);
  const y = tf.tensor1d([0], 'int32');
  const g = tf.grad((zz: tf.Tensor) => dlrLoss(zz as tf.Tensor2D, y).sum())(z);
  close(g.dataSync(), [-0.25, -0.25, 0.5, 0]);
  tf.dispose([z, y, g]);
});

test('targeted DLR matches hand values', () => {
  // z = [3, 1, 2, 0], y = 0, t = 3: −(3 − 0)/(3 − ½(1 + 0)) = −3/2.5 = −1.2; t = 2: −(3 − 2)/2.5 = −0.4
  const z = tf.tensor2d([[3, 1, 2, 0], [3, 1, 2, 0]]);
  const y = tf.tensor1d([0, 0], 'int32');
  const t = tf.tensor1d([3, 2], 'int32');
  close(targetedDlrLoss(z, y, t).dataSync(), [-1.2, -0.4]);
  tf.dispose([z, y, t]);
});

test('DLR losses need enough classes', () => {
  const z2 = tf.tensor2d([[1, 0]]);
  const z3 = tf.tensor2d([[1, 0, 2]]);
  const y = tf.tensor1d([0], 'int32');
  assert.throws(() => dlrLoss(z2, y), RangeError);
  assert.throws(() => targetedDlrLoss(z3, y, y), RangeError);
  tf.dispose([z2, z3, y]);
});

test('per-sample cross-entropy and logit margin', () => {
  const z = tf.tensor2d([[2, 0, 0], [0, 5, 1]]);
  const y = tf.tensor1d([0, 2], 'int32');
  const expected = [Math.log(Math.exp(2) + 2) - 2, Math.log(1 + Math.exp(5) + Math.E) - 1];
  close(crossEntropyPerSample(z, y).dataSync(), expected);
  close(logitMargin(z, y).dataSync(), [2, -4]);
  tf.dispose([z, y]);
});
