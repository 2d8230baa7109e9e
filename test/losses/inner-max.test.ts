import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import {
  biboAdversary,
  biboLossPerSample,
  madryAdversary,
  matLoss,
  rowCosineDistance,
  maxMahalanobisCenters,
  tradesAdversary,
} from '../../src/losses';
import { trainingObjective } from '../../src/methods';
import { linfPgd, outsideGradientTape, type LinfStart } from '../../src/threat';

/** The threat module's PGD loop with the options of the former linfPgdMaximize (a per-sample objective). */
function linfPgdMaximize(
  objective: (v: tf.Tensor4D) => tf.Tensor1D, x: tf.Tensor4D,
  o: { epsilon?: number; stepSize?: number; steps?: number; randomStart?: LinfStart; seed?: number } = {},
): tf.Tensor4D {
  return linfPgd(objective, x, {
    budget: { epsilon: o.epsilon ?? 0.3, stepSize: o.stepSize ?? 0.01, steps: o.steps ?? 40 }, start: o.randomStart ?? 'normal',
    seed: () => o.seed, offTape: true,
  });
}
import { classifierFromModel, setCenters, type LayersClassifier } from '../../src/models';
import { maxAbsDiff, syntheticBatch, tinyClassifier } from './fixtures';

before(async () => {
  await useTestBackend();
});

/** asserts x' ∈ B_ε(x) ∩ [0,1] (with float32 slack) */
function assertInBall(xAdv: tf.Tensor, x: tf.Tensor, eps: number) {
  const [dist, lo, hi] = tf.tidy(() => [
    tf.max(tf.abs(tf.sub(xAdv, x))).dataSync()[0],
    tf.min(xAdv).dataSync()[0],
    tf.max(xAdv).dataSync()[0],
  ]);
  assert.ok(dist <= eps + 1e-6, `‖x' − x‖∞ = ${dist} > ε = ${eps}`);
  assert.ok(lo >= 0 && hi <= 1, `x' outside [0,1]: [${lo}, ${hi}]`);
}

test('linfPgd stays in the ε-ball ∩ [0,1] and reaches the box corner of a linear objective', () => {
  // pixels at 0, 1 and 0.5; objective Σ w·x' with w of both signs → optimum is the clipped corner
  const x = tf.tensor4d([0, 1, 0.5, 0.5, 0.02, 0.97, 0.3, 0.6], [2, 2, 2, 1]);
  const w = tf.tensor4d([1, 1, -1, 1, -1, 1, 1, -1], [2, 2, 2, 1]);
  const eps = 0.1;
  for (const randomStart of ['none', 'uniform', 'normal'] as const) {
    const xAdv = linfPgdMaximize((v) => tf.sum(tf.mul(v, w), [1, 2, 3]) as tf.Tensor1D, x, {
      epsilon: eps,
      stepSize: 0.03,
      steps: 10,
      randomStart,
      seed: 5,
    });
    assertInBall(xAdv, x, eps);
    const expected = tf.tidy(() => tf.clipByValue(tf.add(x, tf.mul(eps, w)), 0, 1));
    assert.ok(maxAbsDiff(xAdv, expected) < 1e-6, `randomStart ${randomStart}: did not reach the corner`);
    tf.dispose([xAdv, expected]);
  }
  tf.dispose([x, w]);
});

test('linfPgd: steps 0 / no random start returns x; seeded starts are reproducible; bad options throw', () => {
  const { x } = syntheticBatch(1);
  const same = linfPgdMaximize((v) => tf.zeros([v.shape[0]]) as tf.Tensor1D, x, { steps: 0, randomStart: 'none' });
  assert.equal(maxAbsDiff(same, x), 0);
  const a = linfPgdMaximize((v) => tf.zeros([v.shape[0]]) as tf.Tensor1D, x, { steps: 0, randomStart: 'uniform', epsilon: 0.3, seed: 9 });
  const b = linfPgdMaximize((v) => tf.zeros([v.shape[0]]) as tf.Tensor1D, x, { steps: 0, randomStart: 'uniform', epsilon: 0.3, seed: 9 });
  assert.equal(maxAbsDiff(a, b), 0);
  assert.ok(maxAbsDiff(a, x) > 0.1, 'uniform start should move up to ε');
  assertInBall(a, x, 0.3);
  assert.throws(() => linfPgdMaximize((v) => tf.zeros([v.shape[0]]) as tf.Tensor1D, x, { steps: -1 }), RangeError);
  assert.throws(() => linfPgdMaximize((v) => tf.zeros([v.shape[0]]) as tf.Tensor1D, x, { randomStart: 'gauss' as never }), RangeError);
  tf.dispose([same, a, b, x]);
});

test('linfPgd keepSuccessful: an adversarial iterate found on the way is the result, not the last iterate', () => {
  // objective: climb every pixel; "success": mean pixel in [0.25, 0.35] — reached after one step of 0.1 from
  // 0.2 and left again by the next, so only the first successful iterate is adversarial
  const x = tf.fill([2, 2, 2, 1], 0.2) as tf.Tensor4D;
  const climb = (v: tf.Tensor4D) => v.reshape([v.shape[0], -1]).sum(1) as tf.Tensor1D;
  const inBand = (v: tf.Tensor4D) => tf.tidy(() => {
    const m = v.reshape([v.shape[0], -1]).mean(1);
    return m.greaterEqual(0.25).logicalAnd(m.lessEqual(0.35)) as tf.Tensor1D;
  });
  const budget = { epsilon: 0.5, stepSize: 0.1, steps: 4 };
  const last = linfPgd(climb, x, { budget, start: 'none', success: inBand });
  const kept = linfPgd(climb, x, { budget, start: 'none', success: inBand, keepSuccessful: true });
  assert.ok(Math.abs(last.mean().dataSync()[0] - 0.6) < 1e-6, 'without it the last iterate (0.2 + 4 × 0.1)');
  assert.ok(Math.abs(kept.mean().dataSync()[0] - 0.3) < 1e-6, 'with it the first iterate inside the band');
  // a sample that never succeeds keeps its last iterate
  const never = linfPgd(climb, x, { budget, start: 'none', success: (v) => tf.zeros([v.shape[0]], 'bool') as tf.Tensor1D, keepSuccessful: true });
  assert.equal(maxAbsDiff(never, last), 0);
  assert.throws(() => linfPgd(climb, x, { budget, keepSuccessful: true }), /needs a success function/);
  tf.dispose([x, last, kept, never]);
});

test('BIBO, AT and TRADES adversaries stay in the ε-ball ∩ [0,1] and increase their inner objective', () => {
  const model = tinyClassifier('linear', 2);
  const { x, y } = syntheticBatch(1);
  const opts = { epsilon: 0.15, stepSize: 0.05, steps: 5, seed: 3 };
  const bibo = biboAdversary(model, x, opts);
  const at = madryAdversary(model, x, y, opts);
  const trades = tradesAdversary(model, x, opts);
  for (const xa of [bibo, at, trades]) assertInBall(xa, x, 0.15);
  tf.tidy(() => {
    const phi = model.features(x, false);
    // inference-mode objective value at x' vs at x + tiny noise: the search must have increased it
    const cd = tf.mean(rowCosineDistance(phi, model.features(bibo, false)));
    assert.ok(cd.dataSync()[0] > 1e-3, `BIBO search found CD ${cd.dataSync()[0]}`);
    const ceAt = tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), model.logits(at, false)).dataSync()[0];
    const ceX = tf.losses.softmaxCrossEntropy(tf.oneHot(y, 10), model.logits(x, false)).dataSync()[0];
    assert.ok(ceAt > ceX, `AT search: CE ${ceAt} ≤ clean ${ceX}`);
  });
  tf.dispose([bibo, at, trades, x, y]);
  model.dispose();
});

test('outsideGradientTape: the inner search is a constant inside tf.variableGrads (same grads as precomputed x′)', () => {
  const model = tinyClassifier('centers', 4);
  const { x, y } = syntheticBatch(1);
  const bibo = { epsilon: 0.2, stepSize: 0.05, steps: 4, seed: 13 };
  const vars = model.trainableVariables();
  // (a) inner search inside the tape
  const inside = tf.variableGrads(() => matLoss(model, x, y, { alpha: 0, beta: 1, bibo }).total, vars);
  // (b) x′ found beforehand with the same seed, then a loss with no inner search at all
  const xAdv = biboAdversary(model, x, bibo);
  const outside = tf.variableGrads(() => {
    const phi = model.features(x, true);
    const r = matLoss(model, x, y, { alpha: 0, beta: 0 }).total;
    return tf.add(r, tf.mean(biboLossPerSample(model, phi, xAdv))) as tf.Scalar;
  }, vars);
  assert.ok(Math.abs(inside.value.dataSync()[0] - outside.value.dataSync()[0]) < 1e-6);
  for (const name of Object.keys(inside.grads)) {
    assert.ok(maxAbsDiff(inside.grads[name], outside.grads[name]) < 1e-5, `grad of ${name} differs`);
  }
  tf.dispose([inside.value, outside.value, ...Object.values(inside.grads), ...Object.values(outside.grads), xAdv, x, y]);
  model.dispose();
});

/** input 8×8×1 → conv(4, 3×3) → maxpool 2 → flatten → 'features' (12) → 'logits' (10) */
function tinyPoolNet(headKind: 'linear' | 'centers'): LayersClassifier {
  const input = tf.input({ shape: [8, 8, 1] });
  let h = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  const phi = tf.layers.dense({ units: 12, name: 'features', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(h) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ units: 10, name: 'logits', useBias: headKind === 'linear' }).apply(phi) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: logits });
  if (headKind === 'centers') {
    const centers = maxMahalanobisCenters(10, 12);
    setCenters(model.getLayer('logits'), centers);
    centers.dispose();
  }
  return classifierFromModel(model, { arch: 'tiny-pool' });
}

test('inner searches through a max-pool convnet work inside tf.variableGrads (they would throw on-tape: no MaxPoolGrad gradient)', () => {
  const withCenters = tinyPoolNet('centers');
  const linear = tinyPoolNet('linear');
  assert.equal(withCenters.headKind, 'centers');
  assert.equal(linear.headKind, 'linear');
  const { x, y } = syntheticBatch(1);
  const inner = { epsilon: 0.1, stepSize: 0.05, steps: 2, seed: 1 };
  for (const [method, model] of [
    ['mat', withCenters],
    ['at', linear],
    ['trades', linear],
    ['mmc', withCenters],
  ] as const) {
    const objective = trainingObjective(method, method === 'mmc' ? { ...inner, adversarial: true } : inner);
    const { value, grads } = tf.variableGrads(() => objective.loss(model, x, y, 0).total, model.trainableVariables());
    assert.ok(Number.isFinite(value.dataSync()[0]), method);
    assert.ok(Object.keys(grads).length === model.trainableVariables().length);
    tf.dispose([value, ...Object.values(grads)]);
  }
  tf.dispose([x, y]);
  withCenters.dispose();
  linear.dispose();
});

test('outsideGradientTape restores the tape and is transparent outside any tape', () => {
  assert.equal(outsideGradientTape(() => 42), 42);
  const v = tf.variable(tf.scalar(3));
  const { value, grads } = tf.variableGrads(() => {
    const c = outsideGradientTape(() => tf.mul(v, 2)); // constant 6, no gradient through it
    return tf.add(tf.mul(v, v), c) as tf.Scalar; // d/dv = 2v = 6
  }, [v]);
  assert.equal(value.dataSync()[0], 15);
  assert.equal(Object.values(grads)[0].dataSync()[0], 6);
  assert.throws(() => tf.variableGrads(() => outsideGradientTape(() => tf.mul(v, 2)) as tf.Scalar, [v]));
  assert.equal(tf.engine().state.gradientDepth, 0);
  tf.dispose([value, ...Object.values(grads), v]);
});
