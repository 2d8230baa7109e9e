import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { relError } from '../helpers/compare';

// Replaced wasm kernels (transposed matmuls, MaxPoolGrad) against the cpu backend's reference kernels.
async function onBoth(fn: () => tf.Tensor | tf.Tensor[]): Promise<Array<[Float32Array, Float32Array]>> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    tf.randomUniform([1]).dispose();
    const out = fn();
    const list = Array.isArray(out) ? out : [out];
    const data = await Promise.all(list.map((t) => t.data() as Promise<Float32Array>));
    tf.dispose(list);
    return data;
  };
  const cpu = await run('cpu');
  const wasm = await run('wasm');
  return wasm.map((w, i) => [w, cpu[i]]);
}

const seeded = (shape: number[], seed: number) => tf.randomUniform(shape, -1, 1, 'float32', seed);

before(async () => { await initBackend({ prefer: 'wasm' }); });

test('matMul with transposed operands (batched and not) matches cpu', async () => {
  for (const [ta, tb] of [[true, false], [false, true], [true, true]] as const) {
    const pairs = await onBoth(() => tf.tidy(() => {
      const a = seeded(ta ? [7, 5] : [5, 7], 1), b = seeded(tb ? [3, 7] : [7, 3], 2);
      const a3 = seeded(ta ? [2, 7, 5] : [2, 5, 7], 3), b3 = seeded(tb ? [2, 3, 7] : [2, 7, 3], 4);
      return [tf.matMul(a, b, ta, tb), tf.matMul(a3, b3, ta, tb)];
    }));
    for (const [w, c] of pairs) assert.ok(relError(w, c) < 1e-5, `transposeA=${ta} transposeB=${tb}: ${relError(w, c)}`);
  }
});

test('dense-layer gradients (fused matmul + bias + relu) match cpu', async () => {
  const pairs = await onBoth(() => tf.tidy(() => {
    const x = seeded([6, 9], 5), w = seeded([9, 4], 6), b = seeded([4], 7);
    return tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb, activation: 'relu' }).square().sum())([x, w, b]);
  }));
  for (const [w, c] of pairs) assert.ok(relError(w, c) < 1e-5, `rel. error ${relError(w, c)}`);
});

test('MaxPoolGrad matches cpu, including ties, padding and overlapping windows', async () => {
  const configs: Array<[number, number, 'same' | 'valid']> = [[2, 2, 'valid'], [3, 2, 'same'], [3, 1, 'same'], [2, 2, 'same']];
  for (const [size, stride, pad] of configs) {
    const pairs = await onBoth(() => tf.tidy(() => {
      // rounding to a coarse grid creates ties; the first maximum of a window must get the gradient
      const x = seeded([2, 7, 7, 3], 8).mul(2).round().relu() as tf.Tensor4D;
      const dy = seeded([1], 9);
      return tf.grad((xx: tf.Tensor) => tf.maxPool(xx as tf.Tensor4D, size, stride, pad).mul(
        tf.randomUniform(tf.maxPool(x, size, stride, pad).shape, 0.5, 1.5, 'float32', 10)).sum().mul(dy.sum()))(x);
    }));
    for (const [w, c] of pairs) assert.ok(relError(w, c) < 1e-6, `pool ${size}/${stride}/${pad}: ${relError(w, c)}`);
  }
});

test('Sum over leading axes (bias gradients) matches cpu, with and without keepDims; other reductions too', async () => {
  const pairs = await onBoth(() => tf.tidy(() => {
    const x = seeded([3, 5, 4, 6], 11);
    return [x.sum([0, 1, 2]), x.sum([2, 1, 0], true), x.sum([0, 1, 2, 3]), x.sum(-1), x.sum([0, 2]),
      seeded([7, 9], 12).sum(0), tf.grad((b: tf.Tensor) => x.add(b).square().sum())(seeded([6], 13))];
  }));
  for (const [w, c] of pairs) assert.ok(relError(w, c) < 1e-5, `rel. error ${relError(w, c)}`);
});

test('Sign keeps the sign of tiny values (the stock wasm kernel returns 0 below ~1e-7)', async () => {
  await tf.setBackend('wasm');
  const values = [1e-8, -1e-8, 1e-30, -1e-30, 1e-6, 0, -3, 2.5];
  assert.deepEqual(Array.from(await tf.sign(tf.tensor(values)).data()), [1, -1, 1, -1, 1, 0, -1, 1]);
  assert.deepEqual(Array.from(await tf.sign(tf.tensor([-4, 0, 7], undefined, 'int32')).data()), [-1, 0, 1]);
});
