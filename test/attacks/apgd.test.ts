import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { apgdAdaptive, apgdCe, apgdCheckpoints, apgdDlr, apgdT, crossEntropyPerSample, fgsm, type AttackTarget } from '../../src/attacks';
import { accuracy, asTarget, correct, maxLinf, tinyMlp, useTrainedToy } from './fixtures';

describe('APGD (AutoAttack)', () => {
  const toy = useTrainedToy();

  test('checkpoints follow p₀ = 0, p₁ = 0.22, p_{j+1} = p_j + max(p_j − p_{j−1} − 0.03, 0.06)', () => {
    assert.deepEqual(apgdCheckpoints(100), [22, 41, 57, 70, 80, 87, 93, 99]);
    // a short run still gets checkpoints (windows never shorter than one step)
    assert.deepEqual(apgdCheckpoints(10), [2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  test('APGD-CE and APGD-DLR are not weaker than FGSM and stay in the ball', () => {
    const eps = 0.15;
    const accF = (() => {
      const xF = fgsm(toy.target, toy.x, toy.y, { epsilon: eps });
      const a = accuracy(toy.target, xF, toy.y);
      xF.dispose();
      return a;
    })();
    for (const attack of [apgdCe, apgdDlr]) {
      const xA = attack(toy.target, toy.x, toy.y, { epsilon: eps, nIter: 20 });
      const acc = accuracy(toy.target, xA, toy.y);
      assert.ok(acc <= accF, `${attack.name}: ${acc} > FGSM ${accF}`);
      assert.ok(maxLinf(xA, toy.x) <= eps + 1e-6);
      xA.dispose();
    }
  });

  test('APGD-T fools at least as many points as APGD-DLR here, clamps nTargetClasses to C − 1', () => {
    const xD = apgdDlr(toy.target, toy.x, toy.y, { epsilon: 0.15, nIter: 20 });
    const xT = apgdT(toy.target, toy.x, toy.y, { epsilon: 0.15, nIter: 20 }); // default 9 targets, 4 classes
    assert.ok(accuracy(toy.target, xT, toy.y) <= accuracy(toy.target, xD, toy.y));
    assert.ok(maxLinf(xT, toy.x) <= 0.15 + 1e-6);
    tf.dispose([xD, xT]);
  });

  test('restarts only add fooled points; seeded runs are reproducible', () => {
    const o = { epsilon: 0.12, nIter: 10, seed: 5 };
    const one = apgdCe(toy.target, toy.x, toy.y, o);
    const again = apgdCe(toy.target, toy.x, toy.y, o);
    const three = apgdCe(toy.target, toy.x, toy.y, { ...o, restarts: 3 });
    assert.equal(maxLinf(one, again), 0);
    const okOne = correct(toy.target, one, toy.y);
    const okThree = correct(toy.target, three, toy.y);
    okOne.forEach((ok, i) => assert.ok(ok || !okThree[i], `sample ${i}`));
    // where no restart succeeds, the highest-loss point over the restarts is kept
    const ce = (xa: tf.Tensor4D) => tf.tidy(() => Array.from(crossEntropyPerSample(toy.target.logits(xa, false), toy.y).dataSync()));
    const [lOne, lThree] = [ce(one), ce(three)];
    let compared = 0;
    okThree.forEach((ok, i) => {
      if (!ok) return;
      compared++;
      assert.ok(lThree[i] >= lOne[i] - 1e-4, `sample ${i}: CE ${lThree[i]} < single run ${lOne[i]}`);
    });
    assert.ok(compared > 0, 'some points should survive ε = 0.12');
    tf.dispose([one, again, three]);
  });

  test('points misclassified on the clean input are returned unchanged', () => {
    // flip half the labels: those points are "already adversarial"
    const wrong = tf.tidy(() => toy.y.add(tf.tensor1d(Array.from({ length: 32 }, (_, i) => (i % 2) * 1), 'int32')).mod(4) as tf.Tensor1D);
    const xA = apgdCe(toy.target, toy.x, wrong, { epsilon: 0.1, nIter: 5 });
    const diff = tf.tidy(() => Array.from(xA.sub(toy.x).abs().reshape([32, -1]).max(1).dataSync()));
    diff.forEach((d, i) => {
      if (i % 2 === 1) assert.equal(d, 0, `sample ${i} was attacked although misclassified`);
    });
    assert.ok(diff.some((d, i) => i % 2 === 0 && d > 0));
    tf.dispose([wrong, xA]);
  });

  test('DLR needs ≥ 3 classes, targeted DLR ≥ 4', () => {
    const m2 = tinyMlp(1, 2);
    const m3 = tinyMlp(1, 3);
    const two: AttackTarget = asTarget(m2);
    const three: AttackTarget = asTarget(m3);
    const x = toy.x.slice([0], [4]) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 0, 1], 'int32');
    assert.throws(() => apgdDlr(two, x, y, { nIter: 2 }), /at least 3 classes/);
    assert.throws(() => apgdT(three, x, y, { nIter: 2 }), /at least 4 classes/);
    // the check does not depend on which points are still robust
    const allWrong = tf.tidy(() => three.logits(x, false).argMax(1).add(1).mod(3) as tf.Tensor1D);
    assert.throws(() => apgdT(three, x, allWrong, { nIter: 2 }), /at least 4 classes/);
    tf.dispose([x, y, allWrong]);
    m2.dispose();
    m3.dispose();
  });

  test('APGD on an adaptive objective: with CE it is APGD-CE exactly; the loss it is given is the one it climbs', () => {
    const o = { epsilon: 0.12, nIter: 10, seed: 3, restarts: 2 };
    const ce = (xa: tf.Tensor4D, _xc: tf.Tensor4D, y: tf.Tensor1D) => crossEntropyPerSample(toy.target.logits(xa, false), y);
    const viaCe = apgdCe(toy.target, toy.x, toy.y, o);
    const viaAdaptive = apgdAdaptive(toy.target, toy.x, toy.y, { ...o, loss: ce });
    assert.equal(maxLinf(viaCe, viaAdaptive), 0);
    // descending the CE instead (a "loss" that is −CE) must leave more points correct than climbing it
    const negCe = (xa: tf.Tensor4D, xc: tf.Tensor4D, y: tf.Tensor1D) => ce(xa, xc, y).neg() as tf.Tensor1D;
    const down = apgdAdaptive(toy.target, toy.x, toy.y, { ...o, loss: negCe });
    assert.ok(accuracy(toy.target, down, toy.y) > accuracy(toy.target, viaAdaptive, toy.y));
    assert.ok(maxLinf(down, toy.x) <= 0.12 + 1e-6);
    // the clean batch reaches the loss (feature-space objectives compare φ(x') with φ(x))
    let seenClean = false;
    const probe = (xa: tf.Tensor4D, xc: tf.Tensor4D, y: tf.Tensor1D) => {
      seenClean ||= xc.shape[0] > 0 && xc.shape[1] === xa.shape[1];
      return ce(xa, xc, y);
    };
    tf.dispose(apgdAdaptive(toy.target, toy.x, toy.y, { epsilon: 0.12, nIter: 2, loss: probe }));
    assert.ok(seenClean);
    // a loss with the wrong shape is named
    const bad = (xa: tf.Tensor4D) => toy.target.logits(xa, false).sum() as unknown as tf.Tensor1D;
    assert.throws(() => apgdAdaptive(toy.target, toy.x, toy.y, { nIter: 2, loss: bad }), /one value per sample/);
    tf.dispose([viaCe, viaAdaptive, down]);
  });
});
