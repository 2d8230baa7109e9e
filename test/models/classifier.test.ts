import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { classifierFromModel, createClassifier } from '../../src/models';
import { maxMahalanobisCenters } from '../../src/losses';

before(async () => {
  await useTestBackend();
});

const diff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);

test('logits(x) = headLogits(features(x)); features and logits share weights', () => {
  const m = createClassifier('vgg', { inputShape: [8, 8, 1], featureDim: 12, hidden: 16, seed: 1 });
  tf.tidy(() => {
    const x = tf.randomUniform([5, 8, 8, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
    assert.ok(diff(m.logits(x), m.headLogits(m.features(x))) < 1e-5);
    // a weight change in the body moves φ and logits alike
    const fw = m.model.getLayer('features');
    const [k, b] = fw.getWeights(); // live variables: copy before changing them
    const doubled = k.mul(2);
    const phiBefore = m.features(x);
    fw.setWeights([doubled, b.clone()]);
    assert.ok(diff(m.features(x), phiBefore) > 1e-3);
    assert.ok(diff(m.logits(x), m.headLogits(m.features(x))) < 1e-5);
    assert.ok(diff(m.featureModel.getLayer('features').getWeights()[0], doubled) === 0);
  });
  m.dispose();
});

test('batch norm: features(x, false) uses moving statistics (batch-independent, no update); training=true updates them', () => {
  const m = createClassifier('wrn', { inputShape: [8, 8, 3], depth: 10, width: 1, featureDim: 12, seed: 1 });
  const bn = m.model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
  const movingMean = () => bn.getWeights()[2].dataSync().slice();
  tf.tidy(() => {
    const x = tf.randomUniform([4, 8, 8, 3], 0, 1, 'float32', 3) as tf.Tensor4D;
    const m0 = movingMean();
    const alone = m.features(x.slice([0, 0, 0, 0], [1, 8, 8, 3]) as tf.Tensor4D, false);
    const inBatch = m.features(x, false).slice([0, 0], [1, 12]);
    assert.ok(diff(alone, inBatch) < 1e-5, 'inference φ must not depend on the rest of the batch');
    assert.deepEqual(movingMean(), m0, 'inference must not update moving statistics');
    const trainPhi = m.features(x, true).slice([0, 0], [1, 12]);
    assert.ok(diff(trainPhi, inBatch) > 1e-4, 'training mode uses batch statistics');
    assert.notDeepEqual(movingMean(), m0, 'training mode updates moving statistics');
  });
  m.dispose();
});

test('dropout is active only with training=true', () => {
  const m = createClassifier('smallcnn', { inputShape: [16, 16, 1], featureDim: 12, seed: 2 });
  tf.tidy(() => {
    const x = tf.randomUniform([3, 16, 16, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    assert.equal(diff(m.features(x), m.features(x)), 0);
    assert.ok(diff(m.features(x, true), m.features(x, true)) > 0);
  });
  m.dispose();
});

test("'centers' head: kernel = centersᵀ, excluded from trainableVariables and untouched by a bare optimizer.minimize", () => {
  const centers = maxMahalanobisCenters(10, 12, 10);
  const m = createClassifier('mlp', { inputShape: [4, 4, 1], featureDim: 12, headKind: 'centers', centers, seed: 1 });
  const kernel = m.headKernel();
  assert.equal(diff(kernel, centers.transpose()), 0);
  const headVar = m.model.getLayer('logits').weights[0].read() as tf.Variable;
  assert.equal(headVar.trainable, false);
  assert.ok(!m.trainableVariables().includes(headVar));
  assert.equal(m.trainableVariables().length, 4); // hidden kernel/bias, features kernel/bias
  const x = tf.randomUniform([6, 4, 4, 1]) as tf.Tensor4D;
  const opt = tf.train.sgd(0.5);
  for (let i = 0; i < 3; i++) opt.minimize(() => tf.sum(tf.square(m.logits(x, true))) as tf.Scalar); // no varList
  assert.equal(diff(m.headKernel(), kernel), 0, 'centers must stay fixed');
  tf.dispose([kernel, centers, x]);
  opt.dispose();
  m.dispose();
});

test('classifierFromModel round-trips a saved model (headKind detected, same outputs) and rejects models without the named layers', async () => {
  const centers = maxMahalanobisCenters(10, 12, 10);
  const m = createClassifier('vgg', { inputShape: [8, 8, 1], featureDim: 12, hidden: 16, headKind: 'centers', centers, seed: 1 });
  centers.dispose();
  let artifacts: tf.io.ModelArtifacts | undefined;
  await m.model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts!));
  const c = classifierFromModel(loaded, { arch: 'vgg' });
  assert.equal(c.headKind, 'centers');
  assert.equal(c.featureDim, 12);
  assert.equal(c.numClasses, 10);
  assert.deepEqual(c.inputShape, [8, 8, 1]);
  assert.equal(c.trainableVariables().length, m.trainableVariables().length);
  tf.tidy(() => {
    const x = tf.randomUniform([3, 8, 8, 1], 0, 1, 'float32', 5) as tf.Tensor4D;
    assert.ok(diff(c.logits(x), m.logits(x)) < 1e-5);
    assert.ok(diff(c.features(x), m.features(x)) < 1e-5);
  });
  c.dispose();
  m.dispose();

  const input = tf.input({ shape: [4, 4, 1] });
  const out = tf.layers.dense({ units: 3, name: 'logits' }).apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor;
  const plain = tf.model({ inputs: input, outputs: out });
  assert.throws(() => classifierFromModel(plain), /layer named 'features'/);
  plain.dispose();
});

test('creating and disposing a classifier leaves no tensors behind', () => {
  const before = tf.memory().numTensors;
  const centers = maxMahalanobisCenters(10, 12);
  const m = createClassifier('wrn', { inputShape: [8, 8, 3], depth: 10, featureDim: 12, headKind: 'centers', centers });
  centers.dispose();
  tf.tidy(() => {
    m.logits(tf.zeros([1, 8, 8, 3]) as tf.Tensor4D, true);
  });
  m.dispose();
  assert.equal(tf.memory().numTensors, before);
});
