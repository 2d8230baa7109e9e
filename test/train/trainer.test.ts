import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { createDataset, type Dataset } from '../../src/data';
import { trainingObjective } from '../../src/methods';
import { createClassifier } from '../../src/models';
import { train } from '../../src/train/trainer';
import { CheckpointError, loadCheckpointModel, loadCheckpointState } from '../../src/train/checkpoint';
import { currentVersionDir } from '../../src/train/checkpoint-versions';

/** 4 classes of 8×8 images: a bright quadrant per class plus noise. */
function quadrants(count: number, seed: number): Dataset {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const images = new Float32Array(count * 64), labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 4; labels[i] = c;
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) {
      const inQuad = (y < 4 ? 0 : 2) + (x < 4 ? 0 : 1) === c;
      images[i * 64 + y * 8 + x] = Math.min(1, (inQuad ? 0.7 : 0.1) + 0.3 * rand());
    }
  }
  return createDataset({ name: 'quadrants', split: 'train', images, labels, shape: [8, 8, 1], numClasses: 4 });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mat-trainer-'));
const newModel = () => createClassifier('mlp', { inputShape: [8, 8, 1], numClasses: 4, seed: 3 });
const natural = trainingObjective('natural').loss;

before(async () => { await initBackend({ prefer: 'wasm' }); });

test('training lowers the loss, reports accuracy, and keeps numTensors flat across steps', async () => {
  const data = quadrants(256, 1);
  const model = newModel();
  const counts: number[] = [];
  const result = await train(model, data, natural, {
    epochs: 3, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.01 }, reportEvery: 1,
    onBatchEnd: () => counts.push(tf.memory().numTensors),
  });
  assert.equal(result.epochs.length, 3);
  assert.ok(result.epochs[2].loss < 0.5 * result.epochs[0].loss, `loss ${result.epochs[0].loss} → ${result.epochs[2].loss}`);
  assert.ok(result.epochs[2].trainAccuracy > 0.9, `train accuracy ${result.epochs[2].trainAccuracy}`);
  const steady = counts.slice(8);
  assert.equal(Math.max(...steady), Math.min(...steady), `numTensors drifted: ${steady.join(',')}`);
  model.dispose();
});

test('an interrupted run resumes from its checkpoint and ends where an uninterrupted run ends', async () => {
  const data = quadrants(128, 2);
  const options = { epochs: 2, batchSize: 32, seed: 5, optimizer: { name: 'sgd' as const, learningRate: 0.05 }, config: { run: 'a' } };
  // uninterrupted reference
  const ref = newModel();
  await train(ref, data, natural, options);
  const refWeights = ref.model.getWeights().map((w) => w.dataSync().slice());
  // interrupted after 6 of 8 steps (mid-epoch), then resumed into a fresh model from the checkpoint
  const dir = tmp();
  const first = newModel();
  await train(first, data, natural, { ...options, checkpointDir: dir, maxSteps: 6 });
  first.dispose();
  const state = loadCheckpointState(dir);
  assert.deepEqual([state.epoch, state.nextBatch, state.step], [1, 2, 6]);
  const second = newModel();
  const saved = await loadCheckpointModel(dir);
  second.model.setWeights(saved.getWeights()); saved.dispose();
  const resumed = await train(second, data, natural, { ...options, checkpointDir: dir, resume: true });
  assert.deepEqual(resumed.resumedFrom, { epoch: 1, batch: 2 });
  assert.equal(resumed.steps, 2);
  const got = second.model.getWeights().map((w) => w.dataSync());
  for (let i = 0; i < got.length; i++) {
    for (let j = 0; j < got[i].length; j++) assert.ok(Math.abs(got[i][j] - refWeights[i][j]) < 1e-5, `weight ${i}[${j}] differs`);
  }
  ref.dispose(); second.dispose();
});

/** `quadrants` at 28×28 (SmallCNN's input size): class c brightens quadrant c. */
function quadrants28(count: number, seed: number): Dataset {
  const small = quadrants(count, seed);
  const images = new Float32Array(count * 784);
  for (let i = 0; i < count; i++) for (let y = 0; y < 28; y++) for (let x = 0; x < 28; x++) {
    images[i * 784 + y * 28 + x] = small.images[i * 64 + Math.floor(y / 3.5) * 8 + Math.floor(x / 3.5)];
  }
  return createDataset({ name: 'quadrants28', split: 'train', images, labels: small.labels, shape: [28, 28, 1], numClasses: 4 });
}

const weightsOf = (m: { model: tf.LayersModel }) => m.model.getWeights().map((w) => Array.from(w.dataSync()));

test('SmallCNN with dropout: the same seed gives bit-identical weights, and a resumed run equals an uninterrupted one', async () => {
  const data = quadrants28(48, 6);
  const cnn = () => createClassifier('smallcnn', { inputShape: [28, 28, 1], numClasses: 4, seed: 2 });
  const options = { epochs: 2, batchSize: 16, seed: 9, optimizer: { name: 'sgd' as const, learningRate: 0.05 }, config: { run: 'cnn' } };
  const runs = [];
  for (const seed of [9, 9, 10]) {
    const m = cnn();
    await train(m, data, natural, { ...options, seed });
    runs.push(weightsOf(m)); m.dispose();
  }
  assert.deepEqual(runs[0], runs[1], 'two runs with --seed 9 differ');
  assert.notDeepEqual(runs[0], runs[2], 'the seed does not reach the dropout masks or batch order');
  // interrupted after 4 of 6 steps (mid-epoch), resumed into a fresh model
  const dir = tmp();
  const first = cnn();
  await train(first, data, natural, { ...options, checkpointDir: dir, maxSteps: 4 });
  first.dispose();
  const second = cnn();
  const saved = await loadCheckpointModel(dir);
  second.model.setWeights(saved.getWeights()); saved.dispose();
  const resumed = await train(second, data, natural, { ...options, checkpointDir: dir, resume: true });
  assert.deepEqual(resumed.resumedFrom, { epoch: 1, batch: 1 });
  assert.deepEqual(weightsOf(second), runs[0], 'resumed SmallCNN differs from the uninterrupted run');
  second.dispose();
});

test('random starts are seeded from step 0 with seed 0 (TRADES, normal start): two runs are bit-identical', async () => {
  const data = quadrants(32, 7);
  const trades = trainingObjective('trades', { seed: 0, steps: 2, epsilon: 0.3, stepSize: 0.1 }).loss;
  const runs = [];
  for (let i = 0; i < 2; i++) {
    const m = newModel();
    await train(m, data, trades, { epochs: 1, batchSize: 16, seed: 0, optimizer: { name: 'sgd', learningRate: 0.1 } });
    runs.push(weightsOf(m)); m.dispose();
  }
  assert.deepEqual(runs[0], runs[1]);
});

test('an existing checkpoint is never overwritten without --resume, and a different config is refused', async () => {
  const data = quadrants(64, 3);
  const dir = tmp();
  const m = newModel();
  await train(m, data, natural, { epochs: 1, batchSize: 32, checkpointDir: dir, config: { lr: 1 } });
  await assert.rejects(train(m, data, natural, { epochs: 2, batchSize: 32, checkpointDir: dir, config: { lr: 1 } }), /pass --resume/);
  await assert.rejects(train(m, data, natural, { epochs: 2, batchSize: 32, checkpointDir: dir, resume: true, config: { lr: 2 } }),
    (err: Error) => err instanceof CheckpointError && /lr: checkpoint 1 vs requested 2/.test(err.message));
  m.dispose();
});

test('corrupt checkpoints get errors naming the file and the problem', async () => {
  const data = quadrants(64, 4);
  const dir = tmp();
  const m = newModel();
  await train(m, data, natural, { epochs: 1, batchSize: 32, checkpointDir: dir });
  m.dispose();
  const version = currentVersionDir(dir)!;
  const weights = path.join(version, 'weights.bin');
  fs.writeFileSync(weights, fs.readFileSync(weights).subarray(0, 100));
  await assert.rejects(loadCheckpointModel(dir), /weights file weights.bin: holds 100 bytes but model.json describes/);
  fs.writeFileSync(path.join(version, 'model.json'), '{ not json');
  await assert.rejects(loadCheckpointModel(dir), /model.json is not valid JSON/);
  fs.rmSync(path.join(version, 'model.json'));
  await assert.rejects(loadCheckpointModel(dir), /no complete checkpoint: v000001\/model.json missing/);
});
