import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { cwL2, cwL2Defaults, cwL2FoolboxDefaults, ddn, logitMargin } from '../../src/attacks';
import { correct, l2Dists, maxLinf, range, constantModel, useTrainedToy } from './fixtures';

describe('C&W L2', () => {
  const toy = useTrainedToy();

  test('defaults: foolbox values with a CPU budget', () => {
    assert.deepEqual(cwL2Defaults, { binarySearchSteps: 5, steps: 100, learningRate: 0.01, confidence: 0, initialConst: 1e-3, abortEarly: true, seed: 0 });
    assert.deepEqual(cwL2FoolboxDefaults, { binarySearchSteps: 9, steps: 10000 });
  });

  test('default run fools (almost) every point with small L2, outputs are adversarial or the original', (t) => {
    const t0 = Date.now();
    const xAdv = cwL2(toy.target, toy.x, toy.y);
    t.diagnostic(`cw-l2 defaults (5 × 100 Adam steps), 32 samples: ${Date.now() - t0} ms`);
    const [lo, hi] = range(xAdv);
    assert.ok(lo >= 0 && hi <= 1);
    const ok = correct(toy.target, xAdv, toy.y);
    const fooled = ok.filter((c) => !c).length;
    assert.ok(fooled >= 28, `fooled ${fooled}/32`);
    const d = l2Dists(xAdv, toy.x);
    ok.forEach((c, i) => assert.ok(!c || d[i] < 1e-5, `sample ${i} changed but not adversarial`));
    // minimal-norm search: well inside what a full-ε L∞ attack spends (0.3 · √64 = 2.4)
    const mean = d.filter((_, i) => !ok[i]).reduce((a, b) => a + b, 0) / fooled;
    assert.ok(mean < 1.5, `mean L2 ${mean}`);
    // and comparable to DDN's (both approximate the minimal L2 adversarial)
    const xD = ddn(toy.target, toy.x, toy.y);
    const dD = l2Dists(xD, toy.x).filter((_, i) => !ok[i]);
    const meanD = dD.reduce((a, b) => a + b, 0) / dD.length;
    assert.ok(mean < 2 * meanD && meanD < 2 * mean, `C&W ${mean} vs DDN ${meanD}`);
    t.diagnostic(`mean L2: C&W ${mean.toFixed(3)}, DDN ${meanD.toFixed(3)}`);
    tf.dispose([xAdv, xD]);
  });

  test('confidence κ: every adversarial found has margin ≤ −κ', () => {
    const xAdv = cwL2(toy.target, toy.x, toy.y, { confidence: 1, steps: 60, binarySearchSteps: 4 });
    const m = tf.tidy(() => Array.from(logitMargin(toy.target.logits(xAdv, false), toy.y).dataSync()));
    const changed = l2Dists(xAdv, toy.x).map((v) => v > 1e-5);
    assert.ok(changed.filter(Boolean).length >= 16);
    m.forEach((v, i) => {
      if (changed[i]) assert.ok(v <= -1 + 1e-4, `sample ${i}: margin ${v}`);
    });
    xAdv.dispose();
  });

  test('targeted C&W reaches the given classes', () => {
    const tgt = tf.tensor1d(Array.from({ length: 32 }, (_, i) => (i + 1) % 4), 'int32');
    const xAdv = cwL2(toy.target, toy.x, toy.y, { target: tgt, steps: 60, binarySearchSteps: 4 });
    const hit = tf.tidy(() => toy.target.logits(xAdv, false).argMax(1).equal(tgt).mean().dataSync()[0]);
    assert.ok(hit >= 0.85, `hit rate ${hit}`);
    tf.dispose([tgt, xAdv]);
  });

  test('where no adversarial exists, the original is returned exactly; no leaks', () => {
    const y = tf.zeros([toy.x.shape[0]], 'int32') as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const xAdv = cwL2(constantModel, toy.x, y, { steps: 20, binarySearchSteps: 2 });
    assert.equal(maxLinf(xAdv, toy.x), 0);
    xAdv.dispose();
    assert.equal(tf.memory().numTensors, before);
    y.dispose();
  });
});
