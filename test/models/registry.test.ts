import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import { ARCH_NAMES, createClassifier, WRN_34_10 } from '../../src/models';
import { maxMahalanobisCenters } from '../../src/losses';

before(async () => {
  await useTestBackend();
});

const trainableCount = (vars: tf.Variable[]) => vars.reduce((s, v) => s + v.size, 0);

test('SmallCNN (TRADES MNIST) has 312,202 parameters with the linear head and the expected shapes', () => {
  const m = createClassifier('smallcnn', { seed: 0 });
  assert.equal(m.countParams(), 312_202);
  assert.equal(trainableCount(m.trainableVariables()), 312_202);
  assert.deepEqual(m.inputShape, [28, 28, 1]);
  assert.equal(m.featureDim, 200);
  assert.equal(m.numClasses, 10);
  assert.equal(m.arch, 'smallcnn');
  tf.tidy(() => {
    const x = tf.zeros([2, 28, 28, 1]) as tf.Tensor4D;
    assert.deepEqual(m.logits(x).shape, [2, 10]);
    assert.deepEqual(m.features(x).shape, [2, 200]);
  });
  m.dispose();
});

test("SmallCNN with a 'centers' head: no bias, frozen centers (2,000 fixed weights)", () => {
  const centers = maxMahalanobisCenters(10, 200, 10);
  const m = createClassifier('smallcnn', { seed: 0, headKind: 'centers', centers });
  centers.dispose();
  assert.equal(m.headKind, 'centers');
  assert.equal(m.countParams(), 312_192);
  assert.equal(trainableCount(m.trainableVariables()), 310_192);
  m.dispose();
});

test('WRN-34-10 has TRADES\' 46,160,474 trainable parameters plus our 640×640 features layer', () => {
  const m = createClassifier('wrn', { ...WRN_34_10 });
  assert.deepEqual(m.inputShape, [32, 32, 3]);
  assert.equal(m.featureDim, 640);
  assert.equal(trainableCount(m.trainableVariables()), 46_160_474 + 640 * 640 + 640);
  m.dispose();
});

test('every architecture builds on small inputs and gives [N, featureDim] / [N, L] outputs', () => {
  const cases = [
    ['smallcnn', { inputShape: [16, 16, 1], featureDim: 12 }],
    ['vgg', { inputShape: [8, 8, 1], featureDim: 12, hidden: 16, dropout: 0.1 }],
    ['wrn', { inputShape: [8, 8, 3], featureDim: 12, depth: 10, width: 1 }],
    ['mlp', { inputShape: [8, 8, 1], featureDim: 12, hidden: 8 }],
  ] as const;
  assert.deepEqual([...ARCH_NAMES].sort(), cases.map((c) => c[0]).sort());
  for (const [arch, opts] of cases) {
    const m = createClassifier(arch, { ...opts, inputShape: [...opts.inputShape], numClasses: 7, seed: 3 });
    tf.tidy(() => {
      const x = tf.randomUniform([3, ...opts.inputShape]) as tf.Tensor4D;
      assert.deepEqual(m.features(x).shape, [3, 12], arch);
      assert.deepEqual(m.logits(x, true).shape, [3, 7], arch);
      assert.ok(m.model.getLayer('features') && m.model.getLayer('logits'));
    });
    m.dispose();
  }
});

test('default sizes: vgg 28×28×1 / 256-d φ, WRN-16-1 on 32×32×3 with 64·width-d φ', () => {
  const v = createClassifier('vgg');
  assert.deepEqual([v.inputShape, v.featureDim], [[28, 28, 1], 256]);
  v.dispose();
  const w = createClassifier('wrn', { width: 2, depth: 10 });
  assert.deepEqual([w.inputShape, w.featureDim], [[32, 32, 3], 128]);
  assert.equal(w.model.name, 'wrn_10_2');
  w.dispose();
  const d = createClassifier('wrn');
  assert.equal(d.model.name, 'wrn_16_1');
  d.dispose();
});

test('seeded initialisation is reproducible; different seeds differ', () => {
  const weights = (seed: number) => {
    const m = createClassifier('vgg', { inputShape: [8, 8, 1], featureDim: 12, hidden: 16, seed });
    const w = m.model.getWeights().map((t) => Array.from(t.dataSync()));
    m.dispose();
    return w;
  };
  const a = weights(5);
  const b = weights(5);
  const c = weights(6);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
  // different layers get different streams (no two conv kernels of equal size are identical)
  const m = createClassifier('wrn', { inputShape: [8, 8, 3], depth: 10, seed: 1 });
  const kernels = m.model.getWeights().filter((t) => t.shape.length === 4 && t.shape[2] === 16 && t.shape[3] === 16);
  assert.ok(kernels.length >= 2);
  assert.notDeepEqual(Array.from(kernels[0].dataSync()), Array.from(kernels[1].dataSync()));
  m.dispose();
});

test('registry validation: unknown arch, options the arch does not use, head/centers mismatches', () => {
  assert.throws(() => createClassifier('resnet' as never), (e: Error) => e instanceof RangeError && /unknown architecture 'resnet'/.test(e.message));
  assert.throws(() => createClassifier('smallcnn', { depth: 34 }), (e: Error) => e instanceof RangeError && /'depth'.*'smallcnn'/.test(e.message));
  assert.throws(() => createClassifier('mlp', { headKind: 'centers' }), (e: Error) => e instanceof RangeError && /centers/.test(e.message));
  assert.throws(() => createClassifier('mlp', { headKind: 'cosine' as never }), RangeError);
  assert.throws(() => createClassifier('mlp', { centers: [[1]] }), RangeError);
  assert.throws(() => createClassifier('wrn', { depth: 12 }), (e: Error) => e instanceof RangeError && /6n\+4/.test(e.message));
  const before = tf.memory().numTensors;
  const bad = maxMahalanobisCenters(10, 11);
  assert.throws(
    () => createClassifier('mlp', { inputShape: [4, 4, 1], featureDim: 12, headKind: 'centers', centers: bad }),
    (e: Error) => e instanceof RangeError && /\[10, 12\]/.test(e.message),
  );
  bad.dispose();
  assert.equal(tf.memory().numTensors, before, 'a failed build must not leak weights');
});
