import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { biboLoss, featureToCenterLoss, matLoss, maxMahalanobisCenters, secondOrderLoss } from '../../src/losses';
import {
  METHODS,
  METHOD_NAMES,
  rowOfMethodOptions,
  trainingObjective,
  type Method,
  type TrainingObjectiveOptions,
} from '../../src/methods';
import { D, L, syntheticBatch, tinyClassifier } from './fixtures';

before(async () => {
  await useTestBackend();
});

const INNER = { epsilon: 0.1, stepSize: 0.04, steps: 3 };

/** every method / MAT variant the training loop can ask for */
const CASES: Array<[string, Method, TrainingObjectiveOptions]> = [
  ['natural', 'natural', {}],
  ['at', 'at', INNER],
  ['trades', 'trades', INNER],
  ['mmc', 'mmc', {}],
  ['mmc (adversarial)', 'mmc', { ...INNER, adversarial: true }],
  ['mat ftc', 'mat', { ...INNER, alpha: 0, beta: 0 }],
  ['mat ftc+so', 'mat', { ...INNER, alpha: 1, beta: 0 }],
  ['mat ftc+bibo', 'mat', { ...INNER, alpha: 0, beta: 1 }],
  ['mat full', 'mat', { ...INNER, alpha: 1, beta: 1 }],
];

test('trainingObjective validation: unknown method, options the method does not use, values out of the schema', () => {
  assert.deepEqual([...METHOD_NAMES].sort(), ['at', 'mat', 'mmc', 'natural', 'trades']);
  assert.throws(() => trainingObjective('mart' as Method), (e: Error) => e instanceof RangeError && /unknown training method 'mart'/.test(e.message));
  assert.throws(
    () => trainingObjective('at', { alpha: 1 }),
    (e: Error) => e instanceof RangeError && /option 'alpha' is not used by method 'at'/.test(e.message),
  );
  assert.throws(() => trainingObjective('natural', { epsilon: 0.3 }), /'epsilon' is not used by method 'natural' \(it accepts: dataset, seed\)/);
  assert.doesNotThrow(() => trainingObjective('natural', { dataset: 'cifar10', seed: 1 }));
  assert.throws(() => trainingObjective('trades', { centersNorm: 10 }), /'centersNorm'.*'trades'/);
  assert.throws(() => trainingObjective('mmc', { alpha: 1 }), /'alpha'.*'mmc'/);
  assert.throws(() => trainingObjective('mat', { adversarial: true }), /'adversarial'.*'mat'/);
  assert.throws(() => trainingObjective('mat', { alpha: -1 }), (e: Error) => e instanceof RangeError && /'alpha' must be ≥ 0/.test(e.message));
  assert.throws(() => trainingObjective('at', { steps: 1.5 }), (e: Error) => e instanceof RangeError && /'steps' must be an integer/.test(e.message));
  assert.throws(() => trainingObjective('at', { dataset: 'svhn' as never }), RangeError);
  // undefined values are ignored (so configs can spread optional fields)
  assert.doesNotThrow(() => trainingObjective('at', { alpha: undefined }));
});

test('trainingObjective defaults: heads, centers norm, dataset presets', () => {
  assert.equal(trainingObjective('natural').headKind, 'linear');
  assert.equal(trainingObjective('at').headKind, 'linear');
  assert.equal(trainingObjective('trades').headKind, 'linear');
  assert.equal(trainingObjective('mmc').headKind, 'centers');
  assert.equal(trainingObjective('mmc').centersNorm, 10);
  assert.equal(trainingObjective('mat').centersNorm, 10);
  assert.deepEqual(trainingObjective('trades').settings, { dataset: 'mnist', beta: 1, epsilon: 0.3, stepSize: 0.01, steps: 40, randomStart: true });
  assert.deepEqual(trainingObjective('trades', { dataset: 'cifar10' }).settings, {
    dataset: 'cifar10',
    beta: 6,
    epsilon: 0.031,
    stepSize: 0.007,
    steps: 10,
    randomStart: true,
  });
  assert.equal(trainingObjective('at', { dataset: 'cifar10' }).settings.epsilon, 8 / 255);
  assert.deepEqual(trainingObjective('mat', { alpha: 1, beta: 0 }).settings, { centersNorm: 10, alpha: 1, beta: 0 });
  assert.equal(rowOfMethodOptions('mat', { alpha: 0, beta: 3 }), 'mat-bibo');
  assert.equal(Object.keys(METHODS.mat.rows).length, 4);
  const mat = trainingObjective('mat');
  const linear = tinyClassifier('linear');
  const { x, y } = syntheticBatch(1);
  assert.throws(() => mat.loss(linear, x, y), /needs a classifier built with headKind 'centers'/);
  tf.dispose([x, y]);
  linear.dispose();
});

test('matLoss total = FTC + α·SO + β·BIBO; skipped terms are 0 and cost nothing', () => {
  const model = tinyClassifier('centers', 5);
  const centers = maxMahalanobisCenters(L, D, 10);
  const { x, y } = syntheticBatch(1);
  tf.tidy(() => {
    const phi = model.features(x, true);
    const ftc = featureToCenterLoss(phi, y, centers).dataSync()[0];
    const so = secondOrderLoss(phi, y, centers).dataSync()[0];
    const r = matLoss(model, x, y, { alpha: 0.5, beta: 2, bibo: { ...INNER, seed: 1 } });
    const parts = { ftc: r.parts.ftc.dataSync()[0], so: r.parts.so.dataSync()[0], bibo: r.parts.bibo.dataSync()[0] };
    assert.ok(Math.abs(parts.ftc - ftc) < 1e-6 && Math.abs(parts.so - so) < 1e-6 * so);
    assert.ok(parts.bibo > 0);
    assert.ok(Math.abs(biboLoss(model, x, { ...INNER, seed: 1 }).dataSync()[0] - parts.bibo) < 1e-6);
    assert.ok(Math.abs(r.total.dataSync()[0] - (ftc + 0.5 * so + 2 * parts.bibo)) < 1e-5);
    // explicit centers = the head's centers
    const explicit = matLoss(model, x, y, { alpha: 0.5, beta: 0, centers });
    assert.equal(explicit.parts.bibo.dataSync()[0], 0);
    assert.ok(Math.abs(explicit.total.dataSync()[0] - (ftc + 0.5 * so)) < 1e-5);
    // α = β = 0: exactly one forward pass of the model (no inner search)
    let calls = 0;
    const counting = { ...model, headKind: model.headKind, headKernel: () => model.headKernel(), headLogits: (p: tf.Tensor2D) => model.headLogits(p), features: (v: tf.Tensor4D, t?: boolean) => (calls++, model.features(v, t)) };
    matLoss(counting as never, x, y, { alpha: 0, beta: 0 });
    assert.equal(calls, 1);
    calls = 0;
    matLoss(counting as never, x, y, { alpha: 0, beta: 1, bibo: { ...INNER } });
    assert.equal(calls, 1 + 1 + INNER.steps + 1); // φ_train(x), φ(x) clean, one per PGD step, φ_train(x')
  });
  tf.dispose([x, y, centers]);
  model.dispose();
});

test('objectives return clean training-mode logits where they compute them (natural, trades, mmc, mat), none for AT', () => {
  const { x, y } = syntheticBatch(1);
  for (const [name, method, options] of CASES) {
    const objective = trainingObjective(method, options);
    const model = tinyClassifier(objective.headKind, 2);
    tf.tidy(() => {
      const r = objective.loss(model, x, y, 0);
      const expectLogits = method !== 'at' && !(method === 'mmc' && options.adversarial);
      assert.equal(r.logits !== undefined, expectLogits, name);
      if (r.logits) {
        const d = tf.max(tf.abs(tf.sub(r.logits, model.logits(x, true)))).dataSync()[0];
        assert.ok(d < 1e-4, `${name}: logits differ by ${d}`);
      }
      for (const p of Object.values(r.parts)) assert.notEqual(p, r.total, `${name}: a part aliases total`);
    });
    model.dispose();
  }
  tf.dispose([x, y]);
});

test('numTensors stays flat across repeated loss calls (tf.tidy and optimizer.minimize) for every objective', () => {
  const { x, y } = syntheticBatch(1);
  for (const [name, method, options] of CASES) {
    const objective = trainingObjective(method, { ...options, ...(method === 'natural' || (method === 'mmc' && !options.adversarial) ? {} : { seed: 1 }) });
    const model = tinyClassifier(objective.headKind, 2);
    const opt = tf.train.adam(1e-3);
    const step = (i: number) => {
      tf.tidy(() => {
        objective.loss(model, x, y, i);
      });
      const cost = opt.minimize(() => objective.loss(model, x, y, i).total, true, model.trainableVariables());
      cost?.dispose();
    };
    step(0); // optimizer slots are created on the first step
    const before = tf.memory().numTensors;
    for (let i = 1; i < 4; i++) step(i);
    assert.equal(tf.memory().numTensors, before, `${name} leaks tensors`);
    opt.dispose();
    model.dispose();
  }
  tf.dispose([x, y]);
});

test('a few dozen optimizer steps on a separable synthetic set lower every method\'s loss', () => {
  const { x, y } = syntheticBatch(2);
  for (const [name, method, options] of CASES) {
    const objective = trainingObjective(method, { ...options, ...(method === 'natural' || (method === 'mmc' && !options.adversarial) ? {} : { seed: 3 }) });
    const model = tinyClassifier(objective.headKind, 4);
    // evaluate with a fixed step index so the random start is the same before and after
    const evaluate = () => tf.tidy(() => objective.loss(model, x, y, 1000).total.dataSync()[0]);
    const before = evaluate();
    const opt = tf.train.adam(0.01);
    for (let i = 0; i < 30; i++) {
      let parts: Record<string, tf.Scalar> = {};
      const cost = opt.minimize(
        () => {
          const r = objective.loss(model, x, y, i);
          parts = Object.fromEntries(Object.entries(r.parts).map(([k, v]) => [k, tf.keep(v)]));
          return r.total;
        },
        true,
        model.trainableVariables(),
      );
      cost?.dispose();
      for (const p of Object.values(parts)) {
        assert.ok(Number.isFinite(p.dataSync()[0]), `${name}: non-finite part`);
        p.dispose();
      }
    }
    const after = evaluate();
    if (process.env.SHOW_LOSSES) console.log(name, before, after);
    assert.ok(after < 0.8 * before, `${name}: loss ${before.toFixed(4)} → ${after.toFixed(4)}`);
    opt.dispose();
    model.dispose();
  }
  tf.dispose([x, y]);
});

test('epsilonRamp: the inner max starts near the clean input and reaches the full ε after `ramp` steps, for every inner-max method', () => {
  const { x, y } = syntheticBatch(4);
  const cases: Array<[Method, TrainingObjectiveOptions]> = [['at', {}], ['trades', {}], ['mmc', { adversarial: true }], ['mat', { alpha: 0, beta: 1 }]];
  for (const [method, options] of cases) {
    const common = { ...options, epsilon: 0.3, stepSize: 0.1, steps: 5, seed: 7 };
    const ramped = trainingObjective(method, { ...common, epsilonRamp: 100 });
    const plain = trainingObjective(method, common);
    const clean = trainingObjective(method, { ...common, epsilon: 0, stepSize: 0 });
    const model = tinyClassifier(ramped.headKind, 5);
    // inference-mode losses (dropout-free tiny model): compare values
    const value = (o: typeof ramped, step: number) => tf.tidy(() => o.loss(model, x, y, step).total.dataSync()[0]);
    const [atStart, atEnd, full, noAttack] = [value(ramped, 0), value(ramped, 99), value(plain, 99), value(clean, 0)];
    assert.ok(Math.abs(atEnd - full) < 1e-5, `${method}: after the ramp the loss is the unramped one (${atEnd} vs ${full})`);
    assert.ok(Math.abs(atStart - noAttack) < Math.abs(full - noAttack), `${method}: step 0 attacks at ε/100 (${atStart}), closer to clean (${noAttack}) than ε (${full})`);
    assert.equal(ramped.settings.epsilonRamp, 100, `${method}: the ramp is recorded in the settings`);
    assert.equal(plain.settings.epsilonRamp, undefined);
    model.dispose();
  }
  assert.throws(() => trainingObjective('at', { epsilonRamp: -1 }), /epsilonRamp/);
  tf.dispose([x, y]);
});
