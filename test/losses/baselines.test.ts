import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import {
  adversarialTrainingLoss,
  crossEntropy,
  klDivergencePerSample,
  madryAdversary,
  maxMahalanobisCenters,
  mmcLoss,
  mmcLossPerSample,
  nearestCenterPredict,
  tradesAdversary,
  tradesLoss,
} from '../../src/losses';
import { D, L, syntheticBatch, tinyClassifier } from './fixtures';

before(async () => {
  await useTestBackend();
});

const close = (a: number, b: number, tol = 1e-5) => assert.ok(Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)), `${a} vs ${b}`);

test('cross-entropy matches tf.losses.softmaxCrossEntropy (mean)', () => {
  tf.tidy(() => {
    const logits = tf.randomNormal([8, 5], 0, 3, 'float32', 1) as tf.Tensor2D;
    const y = tf.tensor1d([0, 1, 2, 3, 4, 0, 1, 2], 'int32');
    close(crossEntropy(logits, y).dataSync()[0], tf.losses.softmaxCrossEntropy(tf.oneHot(y, 5), logits).dataSync()[0]);
  });
});

test('KL(p_clean ‖ p_adv) per sample matches a direct float64 computation; 0 for equal logits', () => {
  const a = [
    [1, 2, 0.5],
    [-3, 0, 4],
  ];
  const b = [
    [0, 2, 1],
    [1, 1, 1],
  ];
  const softmax = (r: number[]) => {
    const m = Math.max(...r);
    const e = r.map((v) => Math.exp(v - m));
    const s = e.reduce((x, y) => x + y);
    return e.map((v) => v / s);
  };
  const expected = a.map((ra, i) => {
    const p = softmax(ra);
    const q = softmax(b[i]);
    return p.reduce((s, pk, k) => s + pk * Math.log(pk / q[k]), 0);
  });
  tf.tidy(() => {
    const got = klDivergencePerSample(tf.tensor2d(a), tf.tensor2d(b)).arraySync();
    got.forEach((g, i) => close(g, expected[i]));
    const zero = klDivergencePerSample(tf.tensor2d(a), tf.tensor2d(a)).arraySync();
    zero.forEach((z) => assert.ok(Math.abs(z) < 1e-6));
  });
});

test('TRADES loss = CE(clean) + β · batchmean KL(clean ‖ adv) on the found x′', () => {
  const model = tinyClassifier('linear', 3);
  const { x, y } = syntheticBatch(1);
  const opts = { epsilon: 0.2, stepSize: 0.05, steps: 3, seed: 21, beta: 6 };
  const r = tradesLoss(model, x, y, opts);
  tf.tidy(() => {
    const xAdv = tradesAdversary(model, x, opts); // same seed → same x′ (mlp: no dropout/BN)
    const clean = model.logits(x, true);
    const ce = crossEntropy(clean, y).dataSync()[0];
    const kl = tf.mean(klDivergencePerSample(clean, model.logits(xAdv, true))).dataSync()[0];
    close(r.parts.natural.dataSync()[0], ce);
    close(r.parts.robust.dataSync()[0], kl);
    close(r.total.dataSync()[0], ce + 6 * kl);
    assert.ok(kl > 0);
  });
  tf.dispose([r.total, r.parts.natural, r.parts.robust, x, y]);
  model.dispose();
});

test('Madry AT loss = CE on the PGD example and exceeds clean CE', () => {
  const model = tinyClassifier('linear', 3);
  const { x, y } = syntheticBatch(1);
  const opts = { epsilon: 0.2, stepSize: 0.05, steps: 5, seed: 2 };
  const r = adversarialTrainingLoss(model, x, y, opts);
  tf.tidy(() => {
    const xAdv = madryAdversary(model, x, y, opts);
    close(r.total.dataSync()[0], crossEntropy(model.logits(xAdv, true), y).dataSync()[0]);
    assert.ok(r.total.dataSync()[0] > crossEntropy(model.logits(x, true), y).dataSync()[0]);
  });
  tf.dispose([r.total, x, y]);
  model.dispose();
});

test('MMC loss ½‖φ − μ_y‖² and nearest-center prediction = centers-head argmax', () => {
  const centers = maxMahalanobisCenters(L, D, 10);
  const model = tinyClassifier('centers');
  tf.tidy(() => {
    const phi = tf.randomNormal([100, D], 0, 4, 'float32', 8) as tf.Tensor2D;
    const y = tf.randomUniform([100], 0, L, 'int32', 9) as tf.Tensor1D;
    const mu = tf.gather(centers, y);
    const expected = tf.mul(0.5, tf.sum(tf.square(tf.sub(phi, mu)), 1)).arraySync() as number[];
    mmcLossPerSample(phi, y, centers).arraySync().forEach((v, i) => close(v, expected[i]));
    close(mmcLoss(phi, y, centers).dataSync()[0], expected.reduce((a, b) => a + b) / 100);
    close(mmcLoss(mu as tf.Tensor2D, y, centers).dataSync()[0], 0);
    assert.deepEqual(nearestCenterPredict(phi, centers).arraySync(), tf.argMax(model.headLogits(phi), 1).arraySync());
  });
  centers.dispose();
  model.dispose();
});
