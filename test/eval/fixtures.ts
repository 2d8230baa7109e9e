import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/backend';
import { createDataset, type Dataset } from '../../src/data';
import { createClassifier, type Classifier } from '../../src/models';
import { maxMahalanobisCenters } from '../../src/losses';
import { saveCheckpoint } from '../../src/train/checkpoint';
import type { EvalModel } from '../../src/eval';
import { NUM_CLASSES, SIDE, quadrantData } from '../attacks/fixtures';
import { useTestBackend } from '../helpers/backend';

export { NUM_CLASSES, SIDE };

/** The test backend; wasm (≈ 50× faster than cpu here) unless MAT_TEST_BACKEND picks one. */
export async function useEvalTestBackend(): Promise<void> {
  await useTestBackend();
  if (process.env.MAT_TEST_BACKEND === undefined) {
    process.env.MAT_WASM_THREADS ??= '1';
    await initBackend({ prefer: 'wasm' });
  }
}

/** The quadrant toy problem (8×8×1, 4 classes) as a Dataset. */
export function toyDataset(n: number, seed: number): Dataset {
  const { x, y } = quadrantData(n, seed);
  const images = x.dataSync() as Float32Array;
  const labels = y.dataSync() as Int32Array;
  tf.dispose([x, y]);
  return createDataset({ name: 'quadrants', split: 'test', images: Float32Array.from(images), labels: Int32Array.from(labels), shape: [SIDE, SIDE, 1], numClasses: NUM_CLASSES });
}

/**
 * A small MLP classifier (8×8×1 → 16 ReLU → φ 8 → 4), linear or centers head, trained on the toy with Adam.
 * 10 steps reach 100 % without saturating the softmax (after 40 steps most input-gradient components are
 * below 1.2e-7, which the wasm Sign kernel rounds to 0: PGD on wasm would then stall — see sanity.ts).
 */
export function trainedToyClassifier(seed: number, headKind: 'linear' | 'centers' = 'linear', steps = 10): Classifier {
  const centers = headKind === 'centers' ? maxMahalanobisCenters(NUM_CLASSES, 8, 10) : undefined;
  const model = createClassifier('mlp', { inputShape: [SIDE, SIDE, 1], numClasses: NUM_CLASSES, featureDim: 8, hidden: 16, seed, headKind, centers });
  centers?.dispose();
  const train = quadrantData(256, seed + 100);
  const opt = tf.train.adam(0.03);
  const yOh = tf.oneHot(train.y, NUM_CLASSES);
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.losses.softmaxCrossEntropy(yOh, model.logits(train.x, true)) as tf.Scalar, false, model.trainableVariables());
  }
  tf.dispose([yOh, train.x, train.y]);
  opt.dispose();
  return model;
}

/**
 * A deliberately gradient-masked model: the honest classifier behind a binarising step (round(x)), whose
 * gradient is zero everywhere. Accurate on clean inputs, invisible to gradient attacks.
 */
export function maskedModel(inner: EvalModel): EvalModel {
  return { logits: (x, training = false) => tf.tidy(() => inner.logits(tf.round(x) as tf.Tensor4D, training)) };
}

/** Saves a classifier as a run folder (checkpoint + config) that loadRunClassifier / worker threads can load. */
export async function saveToyRun(model: Classifier, config: Record<string, unknown> = {}): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-eval-test-'));
  await saveCheckpoint(path.join(dir, 'checkpoint'), model.model, undefined, {
    epoch: 1, step: 0, config: { dataset: 'mnist', arch: 'mlp', method: 'natural', ...config },
  });
  return dir;
}

export function tmpFile(name: string): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'mat-eval-test-')), name);
}
