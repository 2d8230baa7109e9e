import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { adaptivePgd, crossEntropyPerSample, pgd } from '../../src/attacks';
import { accuracy, asTarget, correct, maxLinf, tinyMlp, useTrainedToy } from './fixtures';

describe('adaptive PGD', () => {
  const toy = useTrainedToy();

  test('maximises the given loss, with xClean and y passed through per sample', () => {
    // loss = (1 − 2y) · mean(xAdv): labels 0 push every pixel up, labels 1 push it down
    const x = toy.x.slice([0, 0, 0, 0], [8]) as tf.Tensor4D;
    const y = tf.tensor1d([0, 1, 0, 1, 0, 1, 0, 1], 'int32');
    let sawClean: tf.Tensor4D | null = null;
    let sawLabels: tf.Tensor1D | null = null;
    const loss = (xa: tf.Tensor4D, xc: tf.Tensor4D, yy: tf.Tensor1D) => {
      sawClean = xc;
      sawLabels = yy;
      const sign = tf.scalar(1).sub(yy.toFloat().mul(2));
      return xa.reshape([xa.shape[0], -1]).mean(1).mul(sign) as tf.Tensor1D;
    };
    // bestIterate off: the loss is unrelated to misclassification, so the last iterate is the one to check
    const xAdv = adaptivePgd(toy.target, x, y, { epsilon: 0.1, stepSize: 0.05, steps: 3, randomStart: false, bestIterate: false, loss });
    assert.equal(sawClean, x);
    assert.equal(sawLabels, y);
    const expected = tf.tidy(() => {
      const up = tf.minimum(x.add(0.1), 1);
      const down = tf.maximum(x.sub(0.1), 0);
      return tf.where(y.equal(0).reshape([-1, 1, 1, 1]).broadcastTo(x.shape), up, down);
    });
    assert.ok(maxLinf(xAdv, expected) < 1e-6);
    tf.dispose([x, y, xAdv, expected]);
  });

  test('without a loss it is untargeted PGD (CE), identical outputs', () => {
    const opts = { epsilon: 0.15, stepSize: 0.02, steps: 10, seed: 4 };
    const a = adaptivePgd(toy.target, toy.x, toy.y, opts);
    const b = pgd(toy.target, toy.x, toy.y, opts);
    assert.equal(maxLinf(a, b), 0);
    tf.dispose([a, b]);
  });

  test('a TRADES-like CE + KL objective breaks the toy model within the ball, no leaks', () => {
    const before = tf.memory().numTensors;
    const cleanProbs = tf.tidy(() => tf.softmax(toy.target.logits(toy.x, false)));
    const tradesLoss = (xa: tf.Tensor4D, _xc: tf.Tensor4D, yy: tf.Tensor1D) => {
      const z = toy.target.logits(xa, false);
      const kl = cleanProbs.mul(cleanProbs.add(1e-12).log().sub(tf.logSoftmax(z))).sum(1);
      return crossEntropyPerSample(z, yy).add(kl.mul(6)) as tf.Tensor1D;
    };
    const xAdv = adaptivePgd(toy.target, toy.x, toy.y, { epsilon: 0.15, stepSize: 0.01, steps: 20, restarts: 2, loss: tradesLoss });
    assert.ok(accuracy(toy.target, xAdv, toy.y) < accuracy(toy.target, toy.x, toy.y));
    assert.ok(maxLinf(xAdv, toy.x) <= 0.15 + 1e-6);
    tf.dispose([xAdv, cleanProbs]);
    assert.equal(tf.memory().numTensors, before);
  });

  test('restarts prefer a misclassified run over a higher loss (loss anti-aligned with success)', () => {
    // an untrained net labelled with its own predictions: random ε = 0.3 starts flip some of them
    const net = tinyMlp(21);
    const weak = asTarget(net);
    const yPred = tf.tidy(() => weak.logits(toy.x, false).argMax(1) as tf.Tensor1D);
    // maximising −CE pulls towards the label, so fooled runs have the *lower* loss
    const antiLoss = (xa: tf.Tensor4D, _xc: tf.Tensor4D, yy: tf.Tensor1D) => crossEntropyPerSample(weak.logits(xa, false), yy).neg() as tf.Tensor1D;
    const o = { epsilon: 0.3, steps: 0, seed: 9, loss: antiLoss }; // random starts only
    const one = adaptivePgd(weak, toy.x, yPred, o);
    const five = adaptivePgd(weak, toy.x, yPred, { ...o, restarts: 5 });
    const okOne = correct(weak, one, yPred);
    const okFive = correct(weak, five, yPred);
    assert.ok(okOne.some((c) => !c), 'random starts should fool some points at ε = 0.3');
    okOne.forEach((ok, i) => assert.ok(ok || !okFive[i], `sample ${i}: fooled by restart 0, lost by the best of five`));
    assert.ok(okFive.filter((c) => !c).length > okOne.filter((c) => !c).length);
    tf.dispose([one, five, yPred]);
    net.dispose();
  });

  test('a loss with the wrong shape is rejected', () => {
    assert.throws(
      () => adaptivePgd(toy.target, toy.x, toy.y, { steps: 1, loss: (xa) => xa.mean() as unknown as tf.Tensor1D }),
      /one value per sample/,
    );
  });
});
