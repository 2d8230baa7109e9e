import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ddn, ddnDefaults } from '../../src/attacks';
import { correct, l2Dists, maxLinf, range, constantModel, useTrainedToy } from './fixtures';

describe('DDN L2', () => {
  const toy = useTrainedToy();

  test('defaults are the paper values', () => {
    assert.deepEqual(ddnDefaults, { steps: 100, gamma: 0.05, initNorm: 1, quantize: false, levels: 256, seed: 0 });
  });

  test('fools every point; outputs adversarial or original; more steps give smaller norms', () => {
    const x10 = ddn(toy.target, toy.x, toy.y, { steps: 10 });
    const x100 = ddn(toy.target, toy.x, toy.y);
    const [lo, hi] = range(x100);
    assert.ok(lo >= 0 && hi <= 1);
    const ok = correct(toy.target, x100, toy.y);
    assert.equal(ok.filter((c) => !c).length, 32);
    const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const d10 = l2Dists(x10, toy.x);
    const d100 = l2Dists(x100, toy.x);
    const ok10 = correct(toy.target, x10, toy.y);
    ok10.forEach((c, i) => assert.ok(!c || d10[i] < 1e-6, `sample ${i}`));
    assert.ok(mean(d100) < mean(d10.filter((_, i) => !ok10[i])) + 1e-6, `100 steps ${mean(d100)} vs 10 steps ${mean(d10)}`);
    tf.dispose([x10, x100]);
  });

  test('already misclassified points are returned unchanged; nothing-to-fool returns the original', () => {
    const wrong = tf.tidy(() => toy.y.add(1).mod(4) as tf.Tensor1D);
    const xA = ddn(toy.target, toy.x, wrong, { steps: 5 });
    assert.equal(maxLinf(xA, toy.x), 0);
    const y0 = tf.zeros([32], 'int32') as tf.Tensor1D;
    const before = tf.memory().numTensors;
    const xC = ddn(constantModel, toy.x, y0, { steps: 10 });
    assert.equal(maxLinf(xC, toy.x), 0);
    xC.dispose();
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([wrong, xA, y0]);
  });

  test('targeted DDN reaches the target; quantisation puts changed pixels on the 8-bit grid', () => {
    const tgt = tf.tensor1d(Array.from({ length: 32 }, (_, i) => (i + 2) % 4), 'int32');
    const xT = ddn(toy.target, toy.x, toy.y, { target: tgt, steps: 50 });
    const hit = tf.tidy(() => toy.target.logits(xT, false).argMax(1).equal(tgt).mean().dataSync()[0]);
    assert.ok(hit >= 0.9, `hit rate ${hit}`);
    const xQ = ddn(toy.target, toy.x, toy.y, { steps: 30, quantize: true });
    const ok = correct(toy.target, xQ, toy.y);
    const v = xQ.dataSync();
    const per = v.length / 32;
    let checked = 0;
    ok.forEach((c, i) => {
      if (c) return;
      for (let j = i * per; j < (i + 1) * per; j++) {
        assert.ok(Math.abs(v[j] * 255 - Math.round(v[j] * 255)) < 1e-3, `pixel ${j}: ${v[j]}`);
        checked++;
      }
    });
    assert.ok(checked > 0);
    tf.dispose([tgt, xT, xQ]);
  });
});
