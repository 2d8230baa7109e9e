import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { relError } from '../helpers/compare';
import { batchNormalization } from '../../src/models/batch-norm';
import { BATCH_NORM_TRAINING_KERNEL, fusedBatchNormTrainingAvailable } from '../../src/backend/fused-batch-norm';

let backend = 'cpu';
before(async () => {
  backend = await useTestBackend();
});

const values = (shape: number[], seed: number, lo = -1, hi = 1) => tf.randomUniform(shape, lo, hi, 'float32', seed);

/** The project's layer and the stock one with identical weights (non-trivial γ, β and moving statistics). */
function twoLayers() {
  const args = { momentum: 0.9, epsilon: 1e-5 };
  const ours = batchNormalization(args), stock = tf.layers.batchNormalization(args);
  ours.build([null, 5, 4, 6]);
  stock.build([null, 5, 4, 6]);
  const weights = [values([6], 1, 0.5, 2), values([6], 2), values([6], 3), values([6], 4, 0.5, 2)];
  ours.setWeights(weights);
  stock.setWeights(weights);
  tf.dispose(weights);
  return { ours, stock };
}

test('the batch-norm layer trains like the stock layer: outputs, x/γ/β gradients and moving statistics; fused kernels where the backend has them', async () => {
  const { ours, stock } = twoLayers();
  const x = values([3, 5, 4, 6], 5, -2, 3), dy = values([3, 5, 4, 6], 6);
  const step = (layer: tf.layers.Layer) => {
    let y: tf.Tensor | undefined;
    const { grads, value } = tf.variableGrads(() => {
      const out = layer.apply(x, { training: true }) as tf.Tensor;
      y = tf.keep(out.clone());
      return out.mul(dy).sum() as tf.Scalar;
    }, layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val));
    const dx = tf.grad((input: tf.Tensor) => (layer.apply(input, { training: true }) as tf.Tensor).mul(dy).sum())(x);
    value.dispose();
    return { y: y!, dgamma: Object.values(grads)[0], dbeta: Object.values(grads)[1], dx };
  };
  const profiled = await tf.profile(() => { const r = step(ours); return [r.y, r.dgamma, r.dbeta, r.dx]; });
  step(stock);
  const a = step(ours), b = step(stock); // each layer has now updated its moving statistics four times
  const near = (got: tf.Tensor, want: tf.Tensor, what: string) => {
    const err = relError(got.dataSync() as Float32Array, want.dataSync() as Float32Array);
    assert.ok(err < 1e-5, `${what}: rel. error ${err}`);
  };
  near(a.y, b.y, 'output');
  near(a.dx, b.dx, 'dx');
  near(a.dgamma, b.dgamma, 'dγ');
  near(a.dbeta, b.dbeta, 'dβ');
  const [, , oursMean, oursVar] = ours.getWeights(), [, , stockMean, stockVar] = stock.getWeights();
  assert.ok(relError(oursMean.dataSync() as Float32Array, stockMean.dataSync() as Float32Array) < 1e-5, 'moving mean');
  assert.ok(relError(oursVar.dataSync() as Float32Array, stockVar.dataSync() as Float32Array) < 1e-5, 'moving variance');
  // the moving statistics did move (momentum 0.9 toward this batch's)
  assert.ok(relError(oursMean.dataSync() as Float32Array, (await values([6], 3).data()) as Float32Array) > 1e-3);
  const fused = profiled.kernelNames.includes(BATCH_NORM_TRAINING_KERNEL);
  assert.equal(fused, fusedBatchNormTrainingAvailable(), `fused kernel used on ${backend}: ${fused}`);
  if (backend === 'torch') assert.ok(fused, 'the torch backend runs the fused kernels');
  // inference mode: the moving statistics, the same on both layers
  near(ours.apply(x, { training: false }) as tf.Tensor, stock.apply(x, { training: false }) as tf.Tensor, 'inference output');
});

test('the layer keeps the stock class name and config, so a saved topology loads as the stock layer', () => {
  const layer = batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
  assert.equal(layer.getClassName(), 'BatchNormalization');
  assert.deepEqual(layer.getConfig(), { ...tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5, name: layer.name }).getConfig() });
});
