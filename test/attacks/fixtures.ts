import { after, before } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { useTestBackend } from '../helpers/backend';
import type { AttackTarget } from '../../src/attacks';

/** Wraps a tf.LayersModel (input → logits) as an AttackTarget. */
export function asTarget(model: tf.LayersModel): AttackTarget {
  return { logits: (x, training = false) => model.apply(x, { training }) as tf.Tensor2D };
}

export const NUM_CLASSES = 4;
export const SIDE = 8;

/**
 * Separable synthetic 8×8×1 problem with 4 classes: class k has its k-th 4×4 quadrant at ~0.7 on a ~0.3
 * background, plus seeded uniform noise of ±0.1. An L∞ perturbation of ≥ 0.2 can move a quadrant's
 * brightness to the others' level, so large-ε attacks must break any model of it.
 */
export function quadrantData(n: number, seed: number): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return tf.tidy(() => {
    const labels = Array.from({ length: n }, (_, i) => i % NUM_CLASSES);
    const masks = labels.map((k) => {
      const m = new Float32Array(SIDE * SIDE);
      const r0 = k < 2 ? 0 : 4;
      const c0 = k % 2 === 0 ? 0 : 4;
      for (let r = r0; r < r0 + 4; r++) for (let c = c0; c < c0 + 4; c++) m[r * SIDE + c] = 1;
      return m;
    });
    const mask = tf.tensor4d(Float32Array.from(masks.flatMap((m) => Array.from(m))), [n, SIDE, SIDE, 1]);
    const noise = tf.randomUniform([n, SIDE, SIDE, 1], -0.1, 0.1, 'float32', seed);
    const x = mask.mul(0.4).add(0.3).add(noise).clipByValue(0, 1) as tf.Tensor4D;
    return { x, y: tf.tensor1d(labels, 'int32') };
  });
}

/** A tiny conv net 8×8×1 → conv(4, 3×3) → ReLU → flatten → dense(C); seeded initialisation. */
export function tinyConvNet(seed: number, numClasses = NUM_CLASSES): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({
        inputShape: [SIDE, SIDE, 1],
        filters: 4,
        kernelSize: 3,
        activation: 'relu',
        kernelInitializer: tf.initializers.glorotUniform({ seed }),
      }),
      tf.layers.flatten(),
      tf.layers.dense({ units: numClasses, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

/** A tiny MLP 8×8×1 → dense(16, ReLU) → dense(C); seeded initialisation. */
export function tinyMlp(seed: number, numClasses = NUM_CLASSES): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.flatten({ inputShape: [SIDE, SIDE, 1] }),
      tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
      tf.layers.dense({ units: numClasses, kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }),
    ],
  });
}

/** Trains `model` with Adam on CE for `steps` full-batch steps (a few dozen suffice for the quadrant problem). */
export function trainToy(model: tf.LayersModel, x: tf.Tensor4D, y: tf.Tensor1D, steps = 60, lr = 0.05): void {
  const opt = tf.train.adam(lr);
  const yOh = tf.oneHot(y, NUM_CLASSES);
  for (let i = 0; i < steps; i++) {
    opt.minimize(() => tf.losses.softmaxCrossEntropy(yOh, model.apply(x, { training: true }) as tf.Tensor2D) as tf.Scalar);
  }
  yOh.dispose();
  opt.dispose();
}

/** Fraction of samples classified as `y`. */
export function accuracy(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D): number {
  return tf.tidy(() => model.logits(x, false).argMax(1).equal(y.toInt()).mean().dataSync()[0]);
}

/** Per-sample correctness flags. */
export function correct(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D): boolean[] {
  return tf.tidy(() => Array.from(model.logits(x, false).argMax(1).equal(y.toInt()).dataSync(), (v) => v === 1));
}

/** max_i ‖a_i − b_i‖∞ over the batch. */
export function maxLinf(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);
}

/** [min, max] of a tensor. */
export function range(t: tf.Tensor): [number, number] {
  return tf.tidy(() => [t.min().dataSync()[0], t.max().dataSync()[0]]);
}

/** Per-sample L2 distances. */
export function l2Dists(a: tf.Tensor4D, b: tf.Tensor4D): number[] {
  return tf.tidy(() => Array.from(a.sub(b).reshape([a.shape[0], -1]).square().sum(1).sqrt().dataSync()));
}

/** Trained toy model + data shared by several test files (built once per file). */
export function trainedToy(): { model: tf.LayersModel; target: AttackTarget; x: tf.Tensor4D; y: tf.Tensor1D } {
  const train = quadrantData(128, 11);
  const model = tinyMlp(3);
  trainToy(model, train.x, train.y);
  tf.dispose([train.x, train.y]);
  const test = quadrantData(32, 99);
  return { model, target: asTarget(model), x: test.x, y: test.y };
}

/** Logits that do not depend on the input (zero gradient): class 0 always wins, nothing can be fooled. */
export const constantModel: AttackTarget = {
  logits: (x) => tf.tidy(() => x.mean().mul(0).add(tf.tensor2d([[3, 0, 0, 0]])).tile([x.shape[0], 1]) as tf.Tensor2D),
};

/**
 * Call inside a describe: trains the toy once before its tests (on the test backend) and disposes it
 * after; the returned object is filled in by the `before` hook.
 */
export function useTrainedToy(): ReturnType<typeof trainedToy> {
  const toy = {} as ReturnType<typeof trainedToy>;
  before(async () => {
    await useTestBackend();
    Object.assign(toy, trainedToy());
  });
  after(() => {
    tf.dispose([toy.x, toy.y]);
    toy.model.dispose();
  });
  return toy;
}
