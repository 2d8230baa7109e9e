import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import {
  adaptiveObjective,
  adaptivePgd,
  pgd,
} from '../../src/attacks';
import { adaptiveObjectiveForMethod } from '../../src/methods';
import { crossEntropyPerSample, featureToCenterLossPerSample, klDivergencePerSample, mmcLossPerSample, rowCosineDistance, secondOrderLossPerSample } from '../../src/losses';
import type { Classifier } from '../../src/models';
import { toTensors } from '../../src/data';
import { toyDataset, trainedToyClassifier, useEvalTestBackend } from './fixtures';

const close = (a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4) =>
  Array.from(a).every((v, i) => Math.abs(v - b[i]) <= tol * Math.max(1, Math.abs(b[i])));

describe('adaptive objectives (§4.4)', () => {
  let centersModel: Classifier;
  let linearModel: Classifier;
  let x: tf.Tensor4D, y: tf.Tensor1D, xShift: tf.Tensor4D;
  before(async () => {
    await useEvalTestBackend();
    centersModel = trainedToyClassifier(1, 'centers');
    linearModel = trainedToyClassifier(2, 'linear');
    ({ x, y } = toTensors(toyDataset(16, 7)));
    xShift = tf.tidy(() => x.add(tf.randomUniform(x.shape, -0.1, 0.1, 'float32', 3)).clipByValue(0, 1) as tf.Tensor4D);
  });
  after(() => {
    tf.dispose([x, y, xShift]);
    centersModel.model.dispose();
    linearModel.model.dispose();
  });

  test('MAT: FTC + α·SO + β·CD(φ(x′), φ(x)) per sample, CD vanishing at x′ = x', () => {
    const loss = adaptiveObjective('mat', centersModel, { alpha: 0.5, beta: 2 });
    const got = tf.tidy(() => loss(xShift, x, y).arraySync() as number[]);
    const atClean = tf.tidy(() => loss(x, x, y).arraySync() as number[]);
    const expected = tf.tidy(() => {
      const c = centersModel.headKernel().transpose() as tf.Tensor2D;
      const phi = centersModel.features(xShift, false);
      const phi0 = centersModel.features(x, false);
      return featureToCenterLossPerSample(phi, y, c).add(secondOrderLossPerSample(phi, y, c).mul(0.5))
        .add(rowCosineDistance(phi, phi0).mul(2)).arraySync() as number[];
    });
    const expectedClean = tf.tidy(() => {
      const c = centersModel.headKernel().transpose() as tf.Tensor2D;
      const phi = centersModel.features(x, false);
      return featureToCenterLossPerSample(phi, y, c).add(secondOrderLossPerSample(phi, y, c).mul(0.5)).arraySync() as number[];
    });
    loss.dispose();
    assert.equal(got.length, 16);
    assert.ok(close(got, expected), `${got} vs ${expected}`);
    assert.ok(close(atClean, expectedClean, 1e-3));
  });

  test('TRADES: CE + β·KL(p(x) ‖ p(x′)), equal to CE at x′ = x', () => {
    const loss = adaptiveObjective('trades', linearModel, { beta: 6 });
    const got = tf.tidy(() => loss(xShift, x, y).arraySync() as number[]);
    const atClean = tf.tidy(() => loss(x, x, y).arraySync() as number[]);
    loss.dispose();
    const [expected, ce] = tf.tidy(() => {
      const z = linearModel.logits(xShift, false);
      const z0 = linearModel.logits(x, false);
      return [crossEntropyPerSample(z, y).add(klDivergencePerSample(z0, z).mul(6)).arraySync(), crossEntropyPerSample(z0, y).arraySync()] as number[][];
    });
    assert.ok(close(got, expected));
    assert.ok(close(atClean, ce, 1e-3));
  });

  test('MMC: ½‖φ(x′) − μ_y‖²; CE: the cross-entropy', () => {
    const mmc = adaptiveObjective('mmc', centersModel);
    const ce = adaptiveObjective('ce', linearModel);
    const [gotMmc, gotCe, expMmc, expCe] = tf.tidy(() => {
      const c = centersModel.headKernel().transpose() as tf.Tensor2D;
      return [
        mmc(xShift, x, y), ce(xShift, x, y),
        mmcLossPerSample(centersModel.features(xShift, false), y, c), crossEntropyPerSample(linearModel.logits(xShift, false), y),
      ].map((t) => t.arraySync() as number[]);
    });
    mmc.dispose();
    ce.dispose();
    assert.ok(close(gotMmc, expMmc));
    assert.ok(close(gotCe, expCe));
  });

  test('used by adaptive PGD: breaks the centers-head model inside the ball, frees every cached tensor', () => {
    const before = tf.memory().numTensors;
    for (const name of ['mat', 'mmc'] as const) {
      const loss = adaptiveObjective(name, centersModel, name === 'mat' ? { alpha: 1, beta: 1 } : {});
      const xAdv = adaptivePgd(centersModel, x, y, { epsilon: 0.3, stepSize: 0.05, steps: 10, loss });
      loss.dispose();
      const [acc, linf] = tf.tidy(() => [
        centersModel.logits(xAdv, false).argMax(1).equal(y).mean().dataSync()[0],
        xAdv.sub(x).abs().max().dataSync()[0],
      ]);
      xAdv.dispose();
      assert.ok(linf <= 0.3 + 1e-6);
      assert.ok(acc < 0.5, `${name}: adaptive PGD accuracy ${acc}`);
    }
    assert.equal(tf.memory().numTensors, before);
  });

  test('the clean-side cache computes φ(x) once per clean batch, not once per PGD step', () => {
    let calls = 0;
    const counting = {
      ...centersModel, logits: centersModel.logits.bind(centersModel), headKernel: centersModel.headKernel.bind(centersModel),
      features: (xx: tf.Tensor4D, t?: boolean) => { calls++; return centersModel.features(xx, t); },
    };
    const loss = adaptiveObjective('mat', counting, { alpha: 0, beta: 1 });
    const xAdv = adaptivePgd(centersModel, x, y, { epsilon: 0.1, stepSize: 0.02, steps: 5, loss });
    loss.dispose();
    xAdv.dispose();
    assert.equal(calls, 5 + 1); // one φ(x′) per step + one φ(x)
  });

  test('method → objective with the run\'s weights; unknown names throw RangeError', () => {
    assert.deepEqual(adaptiveObjectiveForMethod('natural'), { name: 'ce', options: {} });
    assert.deepEqual(adaptiveObjectiveForMethod('at'), { name: 'ce', options: {} });
    assert.deepEqual(adaptiveObjectiveForMethod('trades', { beta: 6 }), { name: 'trades', options: { beta: 6 } });
    assert.deepEqual(adaptiveObjectiveForMethod('mmc'), { name: 'mmc', options: {} });
    assert.deepEqual(adaptiveObjectiveForMethod('mat', { alpha: 1, beta: 0 }), { name: 'mat', options: { alpha: 1, beta: 0 } });
    assert.throws(() => adaptiveObjectiveForMethod('magic'), RangeError);
    assert.throws(() => adaptiveObjective('bibo', linearModel), /valid objectives: ce, mat, trades, mmc/);
    assert.throws(() => adaptiveObjective('mat', linearModel, { alpah: 1 }), RangeError);
    assert.throws(() => adaptiveObjective('mat', { logits: linearModel.logits.bind(linearModel) }), /features/);
  });

  test('CE objective makes adaptive PGD identical to PGD', () => {
    const loss = adaptiveObjective('ce', linearModel);
    const a = adaptivePgd(linearModel, x, y, { epsilon: 0.2, stepSize: 0.02, steps: 5, seed: 3, loss });
    const b = pgd(linearModel, x, y, { epsilon: 0.2, stepSize: 0.02, steps: 5, seed: 3 });
    const d = tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
    tf.dispose([a, b]);
    assert.equal(d, 0);
  });
});
