import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import {
  cosinePredict,
  featureToCenterLoss,
  featureToCenterLossPerSample,
  maxMahalanobisCenters,
  secondOrderLoss,
  secondOrderLossPerSample,
} from '../../src/losses';
import { D, L, maxAbsDiff, syntheticBatch, tinyClassifier } from './fixtures';

before(async () => {
  await useTestBackend();
});

test('FTC = 1 − cos(φ, μ_y): 0 at φ ∝ μ_y, 2 at φ ∝ −μ_y, 1 at φ ⟂ μ_y', () => {
  const centers = maxMahalanobisCenters(L, D, 10);
  const y = tf.tensor1d([0, 3, 5], 'int32');
  const mu = tf.gather(centers, y) as tf.Tensor2D;
  const perp = tf.tensor2d([[0, 1, ...new Array(D - 2).fill(0)]]); // ⟂ μ0 = C·e1
  const phi = tf.concat([tf.mul(mu.slice([0, 0], [1, D]), 0.3), tf.mul(mu.slice([1, 0], [1, D]), -2), perp]) as tf.Tensor2D;
  const got = featureToCenterLossPerSample(phi, tf.tensor1d([0, 3, 0], 'int32'), centers).arraySync();
  assert.ok(Math.abs(got[0]) < 1e-6 && Math.abs(got[1] - 2) < 1e-6 && Math.abs(got[2] - 1) < 1e-6, `${got}`);
  const mean = featureToCenterLoss(phi, tf.tensor1d([0, 3, 0], 'int32'), centers).dataSync()[0];
  assert.ok(Math.abs(mean - 1) < 1e-6);
  tf.dispose([centers, y, mu, perp, phi]);
});

test("the 'centers' head's argmax equals cosinePredict on random φ (Sec. 3.3)", () => {
  const model = tinyClassifier('centers');
  const centers = maxMahalanobisCenters(L, D, 10);
  tf.tidy(() => {
    const phi = tf.randomNormal([200, D], 0, 3, 'float32', 11) as tf.Tensor2D;
    const viaHead = tf.argMax(model.headLogits(phi), 1).arraySync();
    const viaCos = cosinePredict(phi, centers).arraySync();
    assert.deepEqual(viaHead, viaCos);
    assert.ok(new Set(viaCos).size > 5, 'random φ should hit many classes');
    // and the head kernel is exactly centersᵀ
    assert.ok(maxAbsDiff(model.headKernel(), centers.transpose()) === 0);
  });
  centers.dispose();
  model.dispose();
});

test('SO closed form (Eq. 6) equals ‖∇_φ FTC‖² per sample (tf.grad), rel err < 1e-4', () => {
  const centers = maxMahalanobisCenters(L, D, 10);
  tf.tidy(() => {
    const phi = tf.randomNormal([64, D], 0, 2, 'float32', 3) as tf.Tensor2D;
    const y = tf.randomUniform([64], 0, L, 'int32', 4) as tf.Tensor1D;
    // per-sample FTC terms depend only on their own row, so the gradient of their sum is per-row ∇_φ FTC
    const g = tf.grad((p: tf.Tensor) => tf.sum(featureToCenterLossPerSample(p as tf.Tensor2D, y, centers)))(phi);
    const reference = tf.sum(tf.square(g), 1).arraySync() as number[];
    const closed = secondOrderLossPerSample(phi, y, centers).arraySync();
    for (let i = 0; i < 64; i++) {
      const rel = Math.abs(closed[i] - reference[i]) / reference[i];
      assert.ok(rel < 1e-4, `sample ${i}: closed ${closed[i]} vs autodiff ${reference[i]} (rel ${rel})`);
    }
    // identity ‖·‖² = (1 − cos²)/‖φ‖² (a second, independent check)
    const cos = tf.sum(tf.mul(phi, tf.gather(centers, y)), 1).div(tf.norm(phi, 2, 1).mul(10));
    const alt = tf.sub(1, tf.square(cos)).div(tf.sum(tf.square(phi), 1)).arraySync() as number[];
    for (let i = 0; i < 64; i++) assert.ok(Math.abs(closed[i] - alt[i]) / alt[i] < 1e-4);
    const mean = secondOrderLoss(phi, y, centers).dataSync()[0];
    assert.ok(Math.abs(mean - closed.reduce((a, b) => a + b) / 64) < 1e-5 * mean);
  });
  centers.dispose();
});

test('SO gradient w.r.t. network weights is nonzero and finite', () => {
  const model = tinyClassifier('centers');
  const { x, y } = syntheticBatch(1);
  const centers = maxMahalanobisCenters(L, D, 10);
  const { value, grads } = tf.variableGrads(
    () => secondOrderLoss(model.features(x, true), y, centers),
    model.trainableVariables(),
  );
  assert.ok(Number.isFinite(value.dataSync()[0]));
  let total = 0;
  for (const g of Object.values(grads)) {
    const a = g.abs();
    assert.ok(a.max().dataSync()[0] < Infinity && !a.isNaN().any().dataSync()[0]);
    total += a.sum().dataSync()[0];
    a.dispose();
  }
  assert.ok(total > 0, 'SO must backpropagate into the weights');
  tf.dispose([value, ...Object.values(grads), x, y, centers]);
  model.dispose();
});

test('SO and FTC stay finite at φ = 0 (norm epsilon)', () => {
  const centers = maxMahalanobisCenters(L, D, 10);
  tf.tidy(() => {
    const phi = tf.zeros([2, D]) as tf.Tensor2D;
    const y = tf.tensor1d([1, 2], 'int32');
    const so = secondOrderLoss(phi, y, centers).dataSync()[0];
    const ftc = featureToCenterLoss(phi, y, centers).dataSync()[0];
    assert.ok(Number.isFinite(so) && Number.isFinite(ftc), `so ${so}, ftc ${ftc}`);
    const g = tf.grad((p: tf.Tensor) => featureToCenterLoss(p as tf.Tensor2D, y, centers))(phi);
    assert.ok(!g.isNaN().any().dataSync()[0]);
  });
  centers.dispose();
});
