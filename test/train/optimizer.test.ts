import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { createOptimizer, setLearningRate } from '../../src/train/optimizer';
import { ADAM_UPDATE_KERNEL, MOMENTUM_UPDATE_KERNEL, fusedUpdateAvailable } from '../../src/backend/fused-updates';

let backend = 'cpu';
before(async () => {
  backend = await useTestBackend();
});

/** Four steps of `opt` on two variables from the same start and gradients; the values and slots after them. */
async function run(opt: tf.Optimizer) {
  const a = tf.variable(tf.randomUniform([6, 5], -1, 1, 'float32', 1)), b = tf.variable(tf.randomUniform([5], -1, 1, 'float32', 2));
  const profiles: string[] = [];
  for (let step = 0; step < 4; step++) {
    if (step === 2) setLearningRate(opt, 0.03); // a schedule's change must reach the fused update too
    const grads = { [a.name]: tf.randomUniform([6, 5], -1, 1, 'float32', 10 + step), [b.name]: tf.randomUniform([5], -1, 1, 'float32', 20 + step) };
    profiles.push(...(await tf.profile(() => opt.applyGradients(grads))).kernelNames);
    tf.dispose(Object.values(grads));
  }
  const slots = (await opt.getWeights()).map((w) => Array.from(w.tensor.dataSync()));
  const values = [Array.from(a.dataSync()), Array.from(b.dataSync())];
  tf.dispose([a, b]);
  return { values, slots, kernels: new Set(profiles) };
}

for (const [name, stock, kernel] of [
  ['sgd', () => tf.train.momentum(0.1, 0.9), MOMENTUM_UPDATE_KERNEL],
  ['adam', () => tf.train.adam(0.1), ADAM_UPDATE_KERNEL],
] as const) {
  test(`${name}: the project's optimizer steps exactly as TF.js' (values, slots, iterations, learning-rate changes); fused where the backend has the kernel`, async () => {
    const ours = await run(createOptimizer({ name, learningRate: 0.1, momentum: 0.9 }));
    const theirs = await run(stock());
    assert.equal(ours.slots.length, theirs.slots.length, 'slot count');
    // bit-identical: the fused kernel does TF.js' operations in TF.js' order with its float32 constants
    assert.deepEqual(ours.values, theirs.values);
    assert.deepEqual(ours.slots, theirs.slots);
    assert.equal(ours.kernels.has(kernel), fusedUpdateAvailable(kernel), `fused kernel used on ${backend}`);
    if (backend === 'torch') assert.ok(ours.kernels.has(kernel), 'torch runs the fused update');
  });
}
