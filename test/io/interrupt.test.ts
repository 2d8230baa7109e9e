/**
 * Cooperative cancellation (src/io/interrupt.ts): an interrupt stops training within the batch at work,
 * leaves a checkpoint the next run resumes from bit-identically, releases the run lock, and says how to
 * resume; SIGINT reaches the jobs of this process; evaluation keeps its finished examples; a second job on a
 * folder this process holds is refused by name.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../../src/backend';
import { createDataset, type Dataset } from '../../src/data';
import { evaluate, evaluationPlan, readEvalResults } from '../../src/eval';
import { CancelToken, interruptible, InterruptedError, setInterruptAnnouncer } from '../../src/io/interrupt';
import { trainingObjective } from '../../src/methods';
import { createClassifier } from '../../src/models';
import type { TrainRunConfig } from '../../src/run/config';
import { acquireRunLock, LOCK_FILE, RunInUseError } from '../../src/run/run-lock';
import { runTraining } from '../../src/run/train-run';
import { loadCheckpointModel, loadCheckpointState } from '../../src/train/checkpoint';
import { currentVersionDir } from '../../src/train/checkpoint-versions';
import { train } from '../../src/train/trainer';
import { toyDataset, trainedToyClassifier } from '../eval/fixtures';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mat-interrupt-'));

/** 4 classes of 8×8 images: a bright quadrant per class plus noise. */
function quadrants(count: number, seed: number): Dataset {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const images = new Float32Array(count * 64), labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const c = i % 4; labels[i] = c;
    for (let p = 0; p < 64; p++) {
      const inQuad = (Math.floor(p / 8) < 4 ? 0 : 2) + (p % 8 < 4 ? 0 : 1) === c;
      images[i * 64 + p] = Math.min(1, (inQuad ? 0.7 : 0.1) + 0.3 * rand());
    }
  }
  return createDataset({ name: 'quadrants', split: 'train', images, labels, shape: [8, 8, 1], numClasses: 4 });
}
const newModel = () => createClassifier('mlp', { inputShape: [8, 8, 1], numClasses: 4, seed: 3 });
const natural = trainingObjective('natural').loss;
const weightsOf = (m: ReturnType<typeof newModel>) => m.model.getWeights().map((w) => Array.from(w.dataSync()));

before(async () => { await initBackend({ prefer: 'wasm' }); });

test('an interrupt stops training within the batch at work, checkpoints it, and the resumed run is bit-identical', async () => {
  const data = quadrants(128, 2); // 4 batches of 32 an epoch
  const options = { epochs: 3, batchSize: 32, seed: 5, optimizer: { name: 'adam' as const, learningRate: 0.01 }, config: { run: 'i' }, reportEvery: 1 };
  const ref = newModel();
  await train(ref, data, natural, options);
  const dir = tmp();
  const token = new CancelToken();
  const first = newModel();
  const seen: number[] = [];
  await assert.rejects(train(first, data, natural, {
    ...options, checkpointDir: dir, signal: token,
    onBatchEnd: (r) => { seen.push(r.step); if (r.step === 6) token.cancel('test'); },
  }), (e: Error) => e instanceof InterruptedError && /epoch 2\/3, batch 2\/4 \(step 6\), checkpoint saved in/.test(e.message) && /continue from the checkpoint/.test(e.message));
  assert.deepEqual(seen, [1, 2, 3, 4, 5, 6], 'a batch ran after the interrupt');
  const state = loadCheckpointState(dir);
  assert.deepEqual([state.epoch, state.nextBatch, state.step], [1, 2, 6]);
  first.dispose();
  const second = newModel();
  const saved = await loadCheckpointModel(dir);
  second.model.setWeights(saved.getWeights()); saved.dispose();
  const resumed = await train(second, data, natural, { ...options, checkpointDir: dir, resume: true });
  assert.deepEqual(resumed.resumedFrom, { epoch: 1, batch: 2 });
  assert.equal(resumed.steps, 6);
  assert.deepEqual(weightsOf(second), weightsOf(ref), 'the resumed run differs from an uninterrupted one');
  ref.dispose(); second.dispose();
});

const config = (extra: Partial<TrainRunConfig> = {}): TrainRunConfig => ({
  dataset: 'mnist', arch: 'mlp', method: 'natural', methodOptions: {}, epochs: 3, batchSize: 16, optimizer: 'sgd',
  learningRate: 0.05, momentum: 0.9, seed: 1, trainSubset: 64, testSubset: 16, ...extra,
});

test('SIGINT during a run: it stops, prints how to resume, releases the lock; a re-run resumes and equals an uninterrupted run', async () => {
  const quiet = { onNotice: () => {} };
  const refDir = tmp();
  await runTraining(config(), refDir, quiet);
  const refWeights = fs.readFileSync(path.join(currentVersionDir(path.join(refDir, 'checkpoint'))!, 'weights.bin'));

  const dir = tmp();
  const lines: string[] = [];
  const previous = setInterruptAnnouncer((l) => lines.push(l));
  let sent = false;
  try {
    const job = runTraining(config(), dir, {
      ...quiet, onBatchEnd: () => { if (!sent) { sent = true; process.kill(process.pid, 'SIGINT'); } },
    });
    // while it runs, a second job on the same folder is refused by name
    await assert.rejects(runTraining(config(), dir, { ...quiet, resume: true }), (e: Error) => e instanceof RunInUseError && /in use by this process \(training/.test(e.message));
    await assert.rejects(job, (e: Error) => e instanceof InterruptedError && /checkpoint saved/.test(e.message));
  } finally {
    setInterruptAnnouncer(previous);
  }
  assert.ok(sent);
  assert.match(lines.join('\n'), /interrupt received: stopping after the current batch/);
  assert.match(lines.join('\n'), /interrupted: training stopped at .*; run it again to continue from the checkpoint/);
  assert.ok(!fs.existsSync(path.join(dir, LOCK_FILE)), 'the lock outlived the interrupted run');
  assert.ok(!fs.existsSync(path.join(dir, 'results.json')));
  const stoppedAt = loadCheckpointState(path.join(dir, 'checkpoint')).step;
  assert.ok(stoppedAt >= 4 && stoppedAt < 12, `stopped at step ${stoppedAt}`);

  const resumed = await runTraining(config(), dir, { ...quiet, resume: true });
  assert.equal(resumed.timings.steps, 12 - stoppedAt);
  assert.ok(resumed.resumedFrom);
  const weights = fs.readFileSync(path.join(currentVersionDir(path.join(dir, 'checkpoint'))!, 'weights.bin'));
  assert.ok(weights.equals(refWeights), 'resumed weights differ from the uninterrupted run');
});

test('an interrupted evaluation keeps its finished examples; the re-run attacks only the rest and ends where a plain run ends', async () => {
  const model = trainedToyClassifier(7);
  const data = toyDataset(64, 8);
  const plan = evaluationPlan({ attacks: ['pgd'], epsilons: [0.3], attackOptions: { pgd: { steps: 5, stepSize: 0.1 } }, batchSize: 8 });
  const plain = await evaluate({ model, data, plan, sanity: false });
  const file = path.join(tmp(), 'eval.json');
  const token = new CancelToken();
  let batches = 0;
  await assert.rejects(evaluate({
    model, data, plan, sanity: false, resultsFile: file, signal: token,
    onProgress: (p) => { if (p.phase === 'attack' && ++batches === 2) token.cancel('test'); },
  }), (e: Error) => e instanceof InterruptedError && /evaluation stopped in pgd@0\.3; the finished examples are saved/.test(e.message));
  assert.equal(batches, 2, 'a batch started after the interrupt');
  const partial = readEvalResults(file)!;
  assert.equal(partial.complete, false);
  const codes = Object.values(partial.steps)[0].codes;
  assert.equal([...codes].filter((c) => c === '0' || c === '1').length, 16);
  const resumed = await evaluate({ model, data, plan, sanity: false, resultsFile: file });
  assert.equal(resumed.complete, true);
  assert.deepEqual(resumed.summary, plain.summary);
  model.model.dispose();
});

test('a folder held by this process is refused by name; interruptible scopes nest and end with their job', async () => {
  const dir = tmp();
  const lock = acquireRunLock(dir, undefined, 'evaluating MAT (SO)');
  assert.throws(() => acquireRunLock(dir), (e: Error) => e instanceof RunInUseError &&
    /in use by this process \(evaluating MAT \(SO\), pid \d+ on .*\): an earlier cell or call is still running/.test(e.message));
  lock.release();
  acquireRunLock(dir).release();

  const outer = new CancelToken();
  await interruptible(async (signal) => {
    assert.equal(signal, outer);
    await interruptible(async (inner) => assert.equal(inner, outer, 'a nested job got its own token'));
  }, outer);
  // a job started outside gets a fresh token, not a cancelled one of an earlier job
  outer.cancel('test');
  await interruptible(async (signal) => assert.equal(signal.cancelled, false));
});
