import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { initBackend, resetTorchCounters, torchCounters } from '../../src/backend';
import { loadTorchAddon } from '../../src/backend/torch';
import { createDataset, type Dataset } from '../../src/data';
import { trainingObjective } from '../../src/methods';
import { createClassifier, type LayersClassifier } from '../../src/models';
import { train } from '../../src/train/trainer';
import { pgd } from '../../src/attacks';

// Device→host readbacks inside a step: each one synchronises a GPU with the host, so a training step may read
// back at most what the loop prints (the loss, once per reporting interval) and an attack step nothing. The
// addon counts them on the CPU build too, so this runs wherever torch does (MAT_TEST_BACKEND=torch-cuda: on
// the GPU). Per-step figures are differences between two run lengths, so a run's fixed reads (input checks,
// the final report) cancel out. Skipped without a built addon, unless MAT_REQUIRE_TORCH=1.

const addon = loadTorchAddon();
const missing = 'error' in addon ? addon.error : undefined;
const skip = missing && process.env.MAT_REQUIRE_TORCH !== '1' ? `torch backend unavailable: ${missing}` : false;
const flavour = process.env.MAT_TEST_BACKEND === 'torch-cuda' ? 'torch-cuda' : 'torch';

before(async () => {
  if (!skip) await initBackend({ prefer: flavour });
});

/** `count` seeded images of `shape` in [0, 1], labels 0..9 */
function images(count: number, shape: [number, number, number]): Dataset {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const size = shape[0] * shape[1] * shape[2];
  return createDataset({
    name: 'readbacks', split: 'train', images: Float32Array.from({ length: count * size }, rand),
    labels: Int32Array.from({ length: count }, (_, i) => i % 10), shape, numClasses: 10,
  });
}

/** readbacks and kernels of `run`, from the addon's counters */
async function counted(run: () => Promise<unknown> | unknown): Promise<{ readbacks: number; kernels: number; uploads: number }> {
  resetTorchCounters();
  await run();
  const c = torchCounters()!;
  return { readbacks: c.readbacks, kernels: c.kernels, uploads: c.uploads };
}

/** per-step readbacks of the project's trainer: (reads of a long run − reads of a short run) / extra steps */
async function trainerReadbacksPerStep(model: () => LayersClassifier, data: Dataset, method: 'natural' | 'at', short: number, long: number): Promise<number> {
  const loss = trainingObjective(method, method === 'at' ? { epsilon: 0.3, stepSize: 0.1, steps: 2 } : {}).loss;
  const runFor = async (steps: number) => {
    const m = model();
    try {
      return await counted(() => train(m, data, loss, { epochs: 1, batchSize: 4, maxSteps: steps, optimizer: { name: 'sgd', learningRate: 0.01, momentum: 0.9 } }));
    } finally { m.dispose(); }
  };
  await runFor(2); // warm-up: tfjs and the models compile lazily
  const a = await runFor(short), b = await runFor(long);
  return (b.readbacks - a.readbacks) / (long - short);
}

test('a training step of the trainer reads back at most once (SmallCNN, natural and adversarial training)', { skip }, async () => {
  const data = images(96, [28, 28, 1]);
  const smallcnn = () => createClassifier('smallcnn', { seed: 1 });
  for (const method of ['natural', 'at'] as const) {
    const perStep = await trainerReadbacksPerStep(smallcnn, data, method, 10, 20);
    assert.ok(perStep <= 1, `${method}: ${perStep} readbacks per training step`);
  }
});

test('a training step with batch norm in training mode reads nothing back in its gradient (WRN-10-1)', { skip }, async () => {
  // the batch-norm gradient once read its statistics' gradients back to decide a branch (one sync per layer)
  const data = images(48, [32, 32, 3]);
  const wrn = () => createClassifier('wrn', { seed: 1, depth: 10, width: 1 });
  const perStep = await trainerReadbacksPerStep(wrn, data, 'natural', 10, 20);
  assert.ok(perStep <= 1, `${perStep} readbacks per training step`);
});

test('a PGD step reads nothing back (the project\'s PGD on SmallCNN, evaluation settings)', { skip }, async () => {
  const model = createClassifier('smallcnn', { seed: 1 });
  const x = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
  const y = tf.tensor1d([0, 1, 2, 3], 'int32');
  const attack = async (steps: number) => counted(() => tf.dispose(pgd(model, x, y, { epsilon: 0.3, stepSize: 0.01, steps })));
  await attack(1);
  const a = await attack(3), b = await attack(8);
  assert.equal((b.readbacks - a.readbacks) / 5, 0, `readbacks: ${a.readbacks} at 3 steps, ${b.readbacks} at 8`);
  assert.ok(b.kernels > a.kernels, 'the counter sees the extra steps\' kernels');
  tf.dispose([x, y]); model.dispose();
});

test('the readback counter counts reads: dataSync and data() one each, kernels none', { skip }, async () => {
  const t = tf.tensor1d([1, 2, 3]);
  const c = await counted(async () => {
    tf.tidy(() => { t.add(1).dataSync(); });
    const m = t.mul(2); await m.data(); m.dispose();
    t.sub(1).dispose();
  });
  assert.equal(c.readbacks, 2);
  assert.equal(c.kernels, 3);
  t.dispose();
});
