import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../src/backend';
import { loadDataset } from '../../src/data';
import { accuracy } from '../../src/models/predict';
import type { Method, TrainingObjectiveOptions } from '../../src/methods';
import type { TrainRunConfig } from '../../src/run/config';
import { buildRunClassifier } from '../../src/run/train-run';
import { train } from '../../src/train/trainer';

// Every Table 2 row and MMC, through the real trainer on real MNIST (a 1,500-image subset, a small MLP
// so CI stays fast): the loss must fall and held-out accuracy must clearly beat chance (10 %).
// ε = 0.1, not MNIST's 0.3: at 0.3 a 200-step AT run on an MLP has not left chance yet (measured: loss
// 2.32 → 2.30), which says nothing about the code; the full-budget runs live in the CLI, not in CI.
const INNER = { epsilon: 0.1, stepSize: 0.05, steps: 3 };
const ROWS: Array<[string, Method, TrainingObjectiveOptions]> = [
  ['Natural', 'natural', {}],
  ['AT', 'at', INNER],
  ['TRADES', 'trades', INNER],
  ['MAT', 'mat', { alpha: 0, beta: 0 }],
  ['MAT+SO', 'mat', { alpha: 1, beta: 0 }],
  ['MAT+BIBO', 'mat', { ...INNER, alpha: 0, beta: 1 }],
  // α = 0.1 here: at α = 1 the SO term (≈ 0.72 at init, ∝ 1/‖φ‖²) dominates the first few hundred steps
  // (measured: FTC 0.996 → 0.815 and 23 % accuracy after 200 steps, against 0.298 and 83 % at α = 0.1)
  ['MAT+SO+BIBO', 'mat', { ...INNER, alpha: 0.1, beta: 1 }],
  ['MMC', 'mmc', {}],
];

before(async () => { await initBackend({ prefer: 'wasm' }); });

for (const [name, method, methodOptions] of ROWS) {
  test(`${name}: 200 steps on an MNIST subset lower the loss and beat chance clearly`, async () => {
    const trainData = await loadDataset('mnist', 'train', { subset: 1500, subsetSeed: 1 });
    const testData = await loadDataset('mnist', 'test', { subset: 500, subsetSeed: 1 });
    const config: TrainRunConfig = {
      dataset: 'mnist', arch: 'mlp', method, methodOptions, epochs: 9, batchSize: 64,
      optimizer: 'adam', learningRate: 0.003, seed: 1, maxSteps: 200,
    };
    const { model, objective } = buildRunClassifier(config, trainData);
    const result = await train(model, trainData, objective.loss, {
      epochs: config.epochs, batchSize: config.batchSize, seed: 1, maxSteps: 200,
      optimizer: { name: 'adam', learningRate: 0.003 },
    });
    const losses = result.epochs.map((e) => e.loss);
    assert.ok(losses.length >= 7, `${name}: ran ${losses.length} epochs`);
    assert.ok(losses[losses.length - 1] < 0.8 * losses[0], `${name}: loss ${losses[0].toFixed(3)} → ${losses[losses.length - 1].toFixed(3)}`);
    const acc = await accuracy(model, testData);
    assert.ok(acc > 0.5, `${name}: held-out accuracy ${acc}`);
    model.dispose();
  });
}
