/**
 * The checkpoint defects of issue 14, each reproduced: hostile manifests (`..`, absolute, symlink out,
 * /dev/zero, oversize), the states a crash mid-commit leaves, a diverging step inside an epoch, a
 * tampered state.json, and another architecture's weights.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/backend';
import { createDataset, type Dataset } from '../../src/data';
import { trainingObjective } from '../../src/methods';
import { createClassifier } from '../../src/models';
import { train } from '../../src/train/trainer';
import {
  CheckpointError, hasCheckpoint, holdsCheckpointData, loadCheckpointModel, loadCheckpointState, saveCheckpoint,
} from '../../src/train/checkpoint';
import { currentVersionDir } from '../../src/train/checkpoint-versions';
import { TrainingDivergedError } from '../../src/train/divergence';

const natural = trainingObjective('natural').loss;
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mat-ckpt-'));
const mlp = (hidden = 32) => createClassifier('mlp', { inputShape: [4, 4, 1], numClasses: 3, seed: 1, hidden });

function blobs(count: number): Dataset {
  const images = new Float32Array(count * 16), labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 3;
    for (let j = 0; j < 16; j++) images[i * 16 + j] = ((j % 3) === labels[i] ? 0.8 : 0.1) + 0.01 * ((i * 7 + j) % 5);
  }
  return createDataset({ name: 'blobs', split: 'train', images, labels, shape: [4, 4, 1], numClasses: 3 });
}

async function savedCheckpoint(): Promise<{ root: string; version: string }> {
  const root = tmp();
  const m = mlp();
  await saveCheckpoint(root, m.model, undefined, { epoch: 1, step: 3, config: { arch: 'mlp' } });
  m.dispose();
  return { root, version: currentVersionDir(root)! };
}

function editManifest(version: string, paths: string[]): void {
  const file = path.join(version, 'model.json');
  const manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  manifest.weightsManifest[0].paths = paths;
  fs.writeFileSync(file, JSON.stringify(manifest));
}

before(async () => { await initBackend({ prefer: 'wasm' }); });

test('hostile weight paths are refused naming the file and the reason, before anything is read', async () => {
  const { root, version } = await savedCheckpoint();
  const size = fs.statSync(path.join(version, 'weights.bin')).size;
  const outside = path.join(tmp(), 'outside.bin');
  fs.writeFileSync(outside, Buffer.alloc(size)); // the right size: formerly accepted silently
  const cases: [string[], RegExp][] = [
    [['../../../../etc/passwd'], /weights file \.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd: contains '\.\.'/],
    [[outside], /is an absolute path/],
    [['/dev/zero'], /\/dev\/zero: is an absolute path/],
  ];
  for (const [paths, reason] of cases) {
    editManifest(version, paths);
    await assert.rejects(loadCheckpointModel(root), (e: Error) => e instanceof CheckpointError && reason.test(e.message) && e.message.includes(version));
  }
  // symbolic links: out of the folder, and to a device
  fs.symlinkSync(outside, path.join(version, 'link.bin'));
  editManifest(version, ['link.bin']);
  await assert.rejects(loadCheckpointModel(root), /link\.bin: is a symbolic link leading outside the checkpoint folder/);
  fs.mkdirSync(path.join(version, 'sub'));
  fs.symlinkSync('/dev/zero', path.join(version, 'sub', 'zero.bin'));
  editManifest(version, ['sub/zero.bin']);
  await assert.rejects(loadCheckpointModel(root), /sub\/zero\.bin: is a symbolic link leading outside/);
  // oversize: sizes are compared before reading
  fs.writeFileSync(path.join(version, 'big.bin'), Buffer.alloc(size + 4));
  editManifest(version, ['big.bin']);
  await assert.rejects(loadCheckpointModel(root), new RegExp(`big\\.bin: holds ${size + 4} bytes but model\\.json describes ${size}`));
  fs.mkdirSync(path.join(version, 'dir.bin'));
  editManifest(version, ['dir.bin']);
  await assert.rejects(loadCheckpointModel(root), /dir\.bin: is not a regular file/);
  // model.json itself may not be a link to a device either (reading /dev/zero would never end)
  fs.rmSync(path.join(version, 'model.json'));
  fs.symlinkSync('/dev/zero', path.join(version, 'model.json'));
  await assert.rejects(loadCheckpointModel(root), /model\.json: is a symbolic link leading outside/);
});

test('weights of another architecture are refused with the differing weights named, before they are read', async () => {
  const { root } = await savedCheckpoint();
  const other = mlp(20);
  const expectShapes = other.model.weights.map((w) => ({ name: w.name, shape: w.shape }));
  await assert.rejects(loadCheckpointModel(root, { expectShapes }),
    (e: Error) => e instanceof CheckpointError && /holds another architecture — .*kernel: checkpoint \[16,32\] vs model .* \[16,20\]/.test(e.message));
  other.dispose();
});

test('every state a crash can leave mid-commit resolves to the newest complete version', async () => {
  const root = tmp();
  const m = mlp();
  for (let step = 1; step <= 2; step++) await saveCheckpoint(root, m.model, undefined, { epoch: 0, step, nextBatch: step, config: {} });
  assert.deepEqual(fs.readdirSync(root), ['v000002']);
  // killed after the rename, before the older version was deleted
  fs.cpSync(path.join(root, 'v000002'), path.join(root, 'v000001'), { recursive: true });
  assert.equal(loadCheckpointState(root).step, 2);
  // killed while the older version was being deleted
  fs.rmSync(path.join(root, 'v000001', 'state.json'));
  assert.equal(loadCheckpointState(root).step, 2);
  // killed while writing version 3: a temporary of a dead writer is ignored, then cleaned by the next commit
  fs.mkdirSync(path.join(root, '.v000003.tmp-999999999'));
  fs.writeFileSync(path.join(root, '.v000003.tmp-999999999', 'model.json'), '{"trunc');
  assert.equal(loadCheckpointState(root).step, 2);
  await saveCheckpoint(root, m.model, undefined, { epoch: 0, step: 3, nextBatch: 3, config: {} });
  assert.deepEqual(fs.readdirSync(root), ['v000003']);
  // a checkpoint of the old flat layout still loads, and the first commit replaces it
  const flat = tmp();
  for (const f of fs.readdirSync(path.join(root, 'v000003'))) fs.copyFileSync(path.join(root, 'v000003', f), path.join(flat, f));
  assert.equal(loadCheckpointState(flat).step, 3);
  (await loadCheckpointModel(flat)).dispose();
  await saveCheckpoint(flat, m.model, undefined, { epoch: 0, step: 4, config: {} });
  assert.deepEqual(fs.readdirSync(flat), ['v000001']);
  m.dispose();
});

test('a checkpoint folder missing state.json is not empty: training and loading refuse it, naming the file', async () => {
  const data = blobs(24);
  const dir = tmp();
  const m = mlp();
  await train(m, data, natural, { epochs: 1, batchSize: 8, checkpointDir: dir, config: { a: 1 } });
  const version = currentVersionDir(dir)!;
  fs.rmSync(path.join(version, 'state.json'));
  const before = fs.readFileSync(path.join(version, 'weights.bin'));
  assert.equal(hasCheckpoint(dir), false);
  assert.equal(holdsCheckpointData(dir), true);
  for (const resume of [false, true]) {
    await assert.rejects(train(m, data, natural, { epochs: 2, batchSize: 8, checkpointDir: dir, resume, config: { a: 1 } }),
      resume ? /no complete checkpoint: v000001\/state.json missing/ : /already holds a checkpoint: pass --resume/);
  }
  await assert.rejects(loadCheckpointModel(dir), /v000001\/state.json missing/);
  assert.ok(fs.readFileSync(path.join(version, 'weights.bin')).equals(before), 'weights.bin was touched');
  m.dispose();
});

test('a diverging step inside an epoch never replaces the good checkpoint; the error names step, loss and checkpoint', async () => {
  const data = blobs(48);
  const dir = tmp();
  const m = mlp();
  // 6 steps an epoch, a checkpoint after every step; a huge rate diverges within a few steps
  const err = await train(m, data, natural, {
    epochs: 1, batchSize: 8, checkpointDir: dir, checkpointEvery: 1, reportEvery: 100, config: {},
    optimizer: { name: 'sgd', learningRate: 1e30, momentum: 0.9 },
  }).then(() => undefined, (e: Error) => e);
  assert.ok(err instanceof TrainingDivergedError, `expected divergence, got ${err}`);
  assert.match(err.message, /training diverged at step \d+: (the loss is not finite|a weight is NaN or infinite) \(mean loss /);
  const good = currentVersionDir(dir);
  if (good !== undefined) {
    assert.ok(err.message.includes(good), `${err.message} does not name ${good}`);
    const saved = await loadCheckpointModel(dir);
    for (const w of saved.getWeights()) assert.ok(w.dataSync().every(Number.isFinite), 'a saved weight is not finite');
    assert.ok(loadCheckpointState(dir).step < err.step);
    saved.dispose();
  } else {
    assert.match(err.message, /no checkpoint was written yet/);
  }
  m.dispose();
});

test('a tampered state.json is refused naming the file: out-of-range nextBatch, epoch 99', async () => {
  const data = blobs(24);
  const dir = tmp();
  const m = mlp();
  await train(m, data, natural, { epochs: 1, batchSize: 8, checkpointDir: dir, config: {}, maxSteps: 2 });
  const file = path.join(currentVersionDir(dir)!, 'state.json');
  const state = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const [edit, reason] of [[{ nextBatch: 40 }, /state.json is inconsistent: epoch 0, nextBatch 40/], [{ epoch: 99 }, /state.json is inconsistent: epoch 99/],
    [{ nextBatch: -1 }, /state.json: nextBatch must be a non-negative integer, got -1/]] as const) {
    fs.writeFileSync(file, JSON.stringify({ ...state, ...edit }));
    await assert.rejects(train(m, data, natural, { epochs: 2, batchSize: 8, checkpointDir: dir, resume: true, config: {} }),
      (e: Error) => e instanceof CheckpointError && reason.test(e.message) && e.message.includes(path.dirname(file)));
  }
  m.dispose();
});

test('a --max-steps run resumes past its limit and ends bit-identical to an uninterrupted run (Adam included)', async () => {
  const data = blobs(24);
  const options = { epochs: 2, batchSize: 8, seed: 4, optimizer: { name: 'adam' as const, learningRate: 0.01 } };
  const ref = mlp();
  await train(ref, data, natural, { ...options, config: { maxSteps: undefined } });
  const dir = tmp();
  const a = mlp();
  await train(a, data, natural, { ...options, checkpointDir: dir, maxSteps: 2, config: { maxSteps: 2 } });
  a.dispose();
  const b = mlp();
  const saved = await loadCheckpointModel(dir);
  b.model.setWeights(saved.getWeights()); saved.dispose();
  const r = await train(b, data, natural, { ...options, checkpointDir: dir, resume: true, config: {} });
  assert.equal(r.steps, 4);
  const got = b.model.getWeights().map((w) => Array.from(w.dataSync())), want = ref.model.getWeights().map((w) => Array.from(w.dataSync()));
  assert.deepEqual(got, want);
  b.dispose(); ref.dispose();
});
