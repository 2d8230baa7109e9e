import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { fgsm, linfPresets, pgd, type AttackTarget } from '../../src/attacks';
import { resolveTargets } from '../../src/attacks/targets';
import { accuracy, correct, maxLinf, useTrainedToy } from './fixtures';

/** z = [s, −s] with s = Σ pixels: the CE gradient sign is known in closed form. */
const sumModel: AttackTarget = {
  logits: (x) => tf.tidy(() => {
    const s = x.reshape([x.shape[0], -1]).sum(1, true);
    return tf.concat([s, s.neg()], 1) as tf.Tensor2D;
  }),
};

const probs = (m: AttackTarget, x: tf.Tensor4D, cls: tf.Tensor1D): number[] =>
  tf.tidy(() => Array.from(tf.softmax(m.logits(x, false)).mul(tf.oneHot(cls, 4)).sum(1).dataSync()));

describe('FGSM / PGD L∞', () => {
  const toy = useTrainedToy();

  test('FGSM is one signed-gradient step of size ε, clipped to [0,1]', () => {
    const x = tf.tensor4d([0.5, 0.05, 0.97, 0.3, 0.5, 0.05, 0.97, 0.3], [2, 2, 2, 1]);
    const y = tf.tensor1d([0, 1], 'int32');
    // label 0: CE grows as s falls ⇒ every pixel − ε; label 1: every pixel + ε
    const xAdv = fgsm(sumModel, x, y, { epsilon: 0.1 });
    const expected = [0.4, 0, 0.87, 0.2, 0.6, 0.15, 1, 0.4];
    const got = xAdv.dataSync();
    expected.forEach((v, i) => assert.ok(Math.abs(got[i] - v) < 1e-6, `pixel ${i}: ${got[i]} ≠ ${v}`));
    tf.dispose([x, y, xAdv]);
  });

  test('PGD with more steps is not weaker than FGSM on the trained toy model', () => {
    const xF = fgsm(toy.target, toy.x, toy.y, { epsilon: 0.15 });
    const xP = pgd(toy.target, toy.x, toy.y, { epsilon: 0.15, stepSize: 0.01, steps: 40 });
    const accF = accuracy(toy.target, xF, toy.y);
    const accP = accuracy(toy.target, xP, toy.y);
    assert.ok(accP <= accF, `PGD ${accP} > FGSM ${accF}`);
    assert.ok(accF < 1, 'FGSM should fool some points at ε = 0.15');
    tf.dispose([xF, xP]);
  });

  test('targeted PGD raises the target-class probability and hits the target', () => {
    const t = tf.tensor1d(Array.from({ length: toy.y.shape[0] }, (_, i) => (i + 2) % 4), 'int32');
    const before = probs(toy.target, toy.x, t);
    const xAdv = pgd(toy.target, toy.x, toy.y, { preset: 'mnist', target: t });
    const afterP = probs(toy.target, xAdv, t);
    afterP.forEach((p, i) => assert.ok(p > before[i], `sample ${i}: target prob ${before[i]} → ${p}`));
    const hit = tf.tidy(() => toy.target.logits(xAdv, false).argMax(1).equal(t).mean().dataSync()[0]);
    assert.ok(hit >= 0.9, `target hit rate ${hit}`);
    assert.ok(maxLinf(xAdv, toy.x) <= 0.3 + 1e-6);
    tf.dispose([t, xAdv]);
  });

  test("'least-likely' and 'random' targets", () => {
    const xLL = pgd(toy.target, toy.x, toy.y, { preset: 'mnist', target: 'least-likely' });
    const ll = tf.tidy(() => toy.target.logits(toy.x, false).argMin(1));
    const hit = tf.tidy(() => toy.target.logits(xLL, false).argMax(1).equal(ll).mean().dataSync()[0]);
    assert.ok(hit >= 0.9, `least-likely hit rate ${hit}`);
    // random targets: never the true label, all other classes used, reproducible with the seed
    const big = tf.tensor1d(Array.from({ length: 400 }, (_, i) => i % 4), 'int32');
    const xb = tf.zeros([400, 1, 1, 1]) as tf.Tensor4D;
    const dummy: AttackTarget = { logits: (x) => tf.zeros([x.shape[0], 4]) };
    const r1 = resolveTargets('t', dummy, xb, big, 'random', 7) as tf.Tensor1D;
    const r2 = resolveTargets('t', dummy, xb, big, 'random', 7) as tf.Tensor1D;
    const r3 = resolveTargets('t', dummy, xb, big, 'random', 8) as tf.Tensor1D;
    const [a, b, c, yy] = [r1.dataSync(), r2.dataSync(), r3.dataSync(), big.dataSync()];
    assert.ok(Array.from(a).every((v, i) => v !== yy[i] && v >= 0 && v < 4));
    assert.deepEqual(Array.from(a), Array.from(b));
    assert.notDeepEqual(Array.from(a), Array.from(c));
    for (let k = 0; k < 4; k++) {
      const offsets = Array.from(a).filter((v, i) => yy[i] === 0 && v === k).length;
      if (k > 0) assert.ok(offsets > 15, `class ${k} drawn ${offsets}/100 times for label 0`);
    }
    tf.dispose([xLL, ll, big, xb, r1, r2, r3]);
  });

  test('random start is uniform in the ball ∩ [0,1] and seeded', () => {
    const a = pgd(toy.target, toy.x, toy.y, { epsilon: 0.1, steps: 0, seed: 1 });
    const b = pgd(toy.target, toy.x, toy.y, { epsilon: 0.1, steps: 0, seed: 1 });
    const c = pgd(toy.target, toy.x, toy.y, { epsilon: 0.1, steps: 0, seed: 2 });
    const d = pgd(toy.target, toy.x, toy.y, { epsilon: 0.1, steps: 0, randomStart: false });
    assert.ok(maxLinf(a, toy.x) <= 0.1 + 1e-6 && maxLinf(a, toy.x) > 0.09);
    assert.equal(maxLinf(a, b), 0);
    assert.ok(maxLinf(a, c) > 0.05);
    assert.equal(maxLinf(d, toy.x), 0);
    const meanAbs = tf.tidy(() => a.sub(toy.x).abs().mean().dataSync()[0]);
    assert.ok(Math.abs(meanAbs - 0.05) < 0.01, `mean |δ| ${meanAbs} (uniform on [−ε, ε] gives ε/2 before clipping)`);
    tf.dispose([a, b, c, d]);
  });

  test('restarts keep per sample the best run: never fewer fooled points than one run', () => {
    const opts = { epsilon: 0.12, stepSize: 0.01, steps: 10, seed: 3 };
    const one = pgd(toy.target, toy.x, toy.y, opts);
    const three = pgd(toy.target, toy.x, toy.y, { ...opts, restarts: 3 });
    const okOne = correct(toy.target, one, toy.y);
    const okThree = correct(toy.target, three, toy.y);
    okOne.forEach((ok, i) => assert.ok(ok || !okThree[i], `sample ${i} fooled by one run but not by the best of three`));
    assert.ok(maxLinf(three, toy.x) <= 0.12 + 1e-6);
    tf.dispose([one, three]);
  });

  test('presets: default is CIFAR-10 (8/255), mnist is 0.3; explicit keys override', () => {
    assert.deepEqual(linfPresets.mnist, { epsilon: 0.3, stepSize: 0.01, steps: 40 });
    assert.deepEqual(linfPresets.cifar10, { epsilon: 8 / 255, stepSize: 2 / 255, steps: 20 });
    const def = pgd(toy.target, toy.x, toy.y);
    const mn = pgd(toy.target, toy.x, toy.y, { preset: 'mnist', steps: 5 });
    const ov = fgsm(toy.target, toy.x, toy.y, { preset: 'mnist', epsilon: 0.02 });
    assert.ok(maxLinf(def, toy.x) <= 8 / 255 + 1e-6);
    assert.ok(maxLinf(mn, toy.x) > 8 / 255 && maxLinf(mn, toy.x) <= 0.3 + 1e-6);
    assert.ok(Math.abs(maxLinf(ov, toy.x) - 0.02) < 1e-6);
    tf.dispose([def, mn, ov]);
  });
});
