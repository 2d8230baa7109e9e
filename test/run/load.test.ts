// The head kind is stored in the checkpoint, never guessed from the method name; checkpoints written before
// it was stored are read with the head their results.json or their method's registry entry declares.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { useTestBackend } from '../helpers/backend';
import { maxMahalanobisCenters } from '../../src/losses';
import { createClassifier } from '../../src/models';
import { loadRunClassifier, runTraining, type TrainRunConfig } from '../../src/run';
import { loadCheckpointState, saveCheckpoint } from '../../src/train/checkpoint';

before(async () => { await useTestBackend(); });

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mat-run-load-'));

test('runTraining stores the head kind in the checkpoint config; loading uses it', async () => {
  const config: TrainRunConfig = {
    dataset: 'mnist', arch: 'mlp', method: 'mat', methodOptions: { alpha: 0, beta: 0 }, epochs: 1, batchSize: 16, optimizer: 'adam',
    learningRate: 1e-3, seed: 0, trainSubset: 64, testSubset: 32, maxSteps: 2,
  };
  const dir = tmp();
  await runTraining(config, dir);
  assert.equal(loadCheckpointState(path.join(dir, 'checkpoint')).config.headKind, 'centers');
  const { model, config: loaded } = await loadRunClassifier(dir);
  assert.equal(model.headKind, 'centers');
  assert.equal((loaded as unknown as Record<string, unknown>).headKind, undefined, 'the run configuration comes back without it');
  model.model.dispose();
});

test('a stored head kind wins over the method; legacy checkpoints fall back to results.json, then the registry', async () => {
  const centers = maxMahalanobisCenters(10, 16);
  const withCenters = createClassifier('mlp', { seed: 1, headKind: 'centers', centers });
  centers.dispose();
  const linear = createClassifier('mlp', { seed: 1 });
  // a linear model trained by a method named like a centers method (a new defence, say): the stored kind decides
  const a = tmp();
  await saveCheckpoint(path.join(a, 'checkpoint'), linear.model, undefined, { epoch: 1, step: 0, config: { dataset: 'mnist', arch: 'mlp', method: 'mat', headKind: 'linear' } });
  assert.equal((await loadRunClassifier(a)).model.headKind, 'linear');
  // legacy checkpoint (no headKind): the method's registry entry
  const b = tmp();
  await saveCheckpoint(path.join(b, 'checkpoint'), withCenters.model, undefined, { epoch: 1, step: 0, config: { dataset: 'mnist', arch: 'mlp', method: 'mmc' } });
  assert.equal((await loadRunClassifier(b)).model.headKind, 'centers');
  // legacy checkpoint with results.json beside it: its objective.headKind
  fs.writeFileSync(path.join(a, 'results.json'), JSON.stringify({ kind: 'train', config: {}, objective: { headKind: 'linear' }, metrics: { cleanTestAccuracy: 0 } }));
  await saveCheckpoint(path.join(a, 'checkpoint'), linear.model, undefined, { epoch: 1, step: 0, config: { dataset: 'mnist', arch: 'mlp', method: 'mat' } });
  assert.equal((await loadRunClassifier(a)).model.headKind, 'linear');
  await assert.rejects(async () => {
    await saveCheckpoint(path.join(b, 'checkpoint'), linear.model, undefined, { epoch: 1, step: 0, config: { method: 'at', headKind: 'diagonal' } });
    await loadRunClassifier(b);
  }, /unknown headKind/);
  withCenters.model.dispose();
  linear.model.dispose();
});
