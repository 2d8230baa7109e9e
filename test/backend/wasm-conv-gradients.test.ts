import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { relError } from '../helpers/compare';

// Composed wasm Conv2D gradients against the reference kernels of the pure-JS cpu backend.
type Case = { batch: number; size: number; inC: number; outC: number; k: number; stride: number; pad: 'same' | 'valid' };

const cases: Case[] = [];
for (const stride of [1, 2])
  for (const pad of ['same', 'valid'] as const)
    for (const [inC, outC] of [[1, 16], [3, 16], [16, 64], [64, 3]])
      for (const batch of [1, 3])
        cases.push({ batch, size: stride === 2 ? 9 : 8, inC, outC, k: 3, stride, pad });
// odd shapes: even filter, 1×1, 5×5 with stride 2 (cropping path), non-square input
cases.push({ batch: 2, size: 8, inC: 4, outC: 6, k: 4, stride: 2, pad: 'same' });
cases.push({ batch: 2, size: 12, inC: 16, outC: 16, k: 1, stride: 2, pad: 'same' });
cases.push({ batch: 2, size: 13, inC: 3, outC: 5, k: 5, stride: 2, pad: 'valid' });
cases.push({ batch: 2, size: 10, inC: 3, outC: 5, k: 3, stride: 2, pad: 'valid' });

async function gradsOn(backend: string, c: Case, x: Float32Array, w: Float32Array, dy: Float32Array) {
  await tf.setBackend(backend);
  const xs = tf.tensor4d(x, [c.batch, c.size, c.size + 1, c.inC]);
  const ws = tf.tensor4d(w, [c.k, c.k, c.inC, c.outC]);
  const out = tf.conv2d(xs, ws, c.stride, c.pad);
  const dys = tf.tensor(dy.subarray(0, out.size), out.shape);
  // d/dx and d/dW of <conv(x, W), dy> are exactly the two backprop kernels applied to dy
  const [gx, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad).mul(dys).sum())([xs, ws]);
  const result = { dx: await gx.data(), dw: await gw.data() };
  tf.dispose([xs, ws, out, dys, gx, gw]);
  return result;
}

before(async () => {
  const info = await initBackend({ prefer: 'wasm' });
  assert.equal(info.tfBackend, 'wasm');
});

test('composed wasm Conv2DBackpropInput / Conv2DBackpropFilter match the cpu kernels (rel. error < 1e-4)', async () => {
  for (const c of cases) {
    const rand = (n: number) => Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
    const x = rand(c.batch * c.size * (c.size + 1) * c.inC), w = rand(c.k * c.k * c.inC * c.outC);
    const dy = rand(c.batch * c.size * (c.size + 1) * c.outC);
    const ref = await gradsOn('cpu', c, x, w, dy);
    const got = await gradsOn('wasm', c, x, w, dy);
    const label = JSON.stringify(c);
    assert.equal(got.dx.length, ref.dx.length, `dx size ${label}`);
    assert.equal(got.dw.length, ref.dw.length, `dW size ${label}`);
    assert.ok(relError(got.dx, ref.dx) < 1e-4, `dx rel. error ${relError(got.dx, ref.dx)} for ${label}`);
    assert.ok(relError(got.dw, ref.dw) < 1e-4, `dW rel. error ${relError(got.dw, ref.dw)} for ${label}`);
  }
});

test('composed kernels release their intermediates (tensor count and wasm buffers stay flat)', async () => {
  await tf.setBackend('wasm');
  const x = tf.randomNormal([4, 10, 10, 8]) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, 8, 8]) as tf.Tensor4D;
  const step = () => tf.tidy(() => tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same').square().sum())([x, w]).forEach((g) => g.dispose()));
  step();
  const before = tf.memory();
  for (let i = 0; i < 5; i++) step();
  const after = tf.memory();
  assert.equal(after.numTensors, before.numTensors);
  assert.equal(after.numDataBuffers, before.numDataBuffers);
  assert.equal(after.numBytes, before.numBytes);
  tf.dispose([x, w]);
});

test('a tf.layers conv net trains on wasm (loss decreases)', async () => {
  await tf.setBackend('wasm');
  const model = tf.sequential({ layers: [
    tf.layers.conv2d({ inputShape: [8, 8, 1], filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
  ] });
  // class = bright left half vs bright right half
  const xs = tf.tidy(() => {
    const left = tf.concat([tf.ones([16, 8, 4, 1]), tf.zeros([16, 8, 4, 1])], 2);
    return tf.concat([left, left.reverse(2)], 0).add(tf.randomUniform([32, 8, 8, 1], 0, 0.3, 'float32', 3));
  });
  const ys = tf.oneHot(tf.concat([tf.zeros([16], 'int32'), tf.ones([16], 'int32')]) as tf.Tensor1D, 2);
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'categoricalCrossentropy' });
  const hist = await model.fit(xs, ys, { epochs: 15, batchSize: 32, verbose: 0 });
  const losses = hist.history.loss as number[];
  assert.ok(losses[losses.length - 1] < 0.5 * losses[0], `loss ${losses[0]} → ${losses[losses.length - 1]}`);
  tf.dispose([xs, ys]); model.dispose();
});
