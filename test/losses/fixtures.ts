// Shared tiny fixtures for the loss tests (not a test file itself).
import * as tf from '@tensorflow/tfjs';
import { createClassifier, type HeadKind, type LayersClassifier } from '../../src/models';
import { maxMahalanobisCenters } from '../../src/losses';

export const SHAPE: [number, number, number] = [8, 8, 1];
export const L = 10;
export const D = 12;

/** A tiny MLP classifier on 8×8×1 images with a 12-d φ. 'centers' heads get MMC centers of norm 10. */
export function tinyClassifier(headKind: HeadKind = 'linear', seed = 1, norm = 10): LayersClassifier {
  if (headKind === 'linear') {
    return createClassifier('mlp', { inputShape: SHAPE, numClasses: L, featureDim: D, hidden: 24, seed });
  }
  const centers = maxMahalanobisCenters(L, D, norm);
  try {
    return createClassifier('mlp', { inputShape: SHAPE, numClasses: L, featureDim: D, hidden: 24, seed, headKind, centers });
  } finally {
    centers.dispose();
  }
}

/**
 * A separable synthetic set: class k is a fixed random binary 8×8 template (seeded), drawn as
 * 0.2 + 0.6·template + N(0, 0.05²), clipped to [0,1]; `perClass` samples per class.
 */
export function syntheticBatch(perClass = 2, seed = 7): { x: tf.Tensor4D; y: tf.Tensor1D } {
  return tf.tidy(() => {
    const templates = tf.randomUniform([L, ...SHAPE], 0, 1, 'float32', seed).greater(0.5).toFloat();
    const labels = Array.from({ length: L * perClass }, (_, i) => i % L);
    const y = tf.tensor1d(labels, 'int32');
    const base = tf.gather(templates, y);
    const noise = tf.randomNormal(base.shape, 0, 0.05, 'float32', seed + 1);
    const x = tf.clipByValue(tf.add(0.2, tf.add(tf.mul(0.6, base), noise)), 0, 1) as tf.Tensor4D;
    return { x, y };
  });
}

export function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}
