/**
 * The L∞ threat model: images in [0, 1] and a radius ε around the clean image. Its one projection is the
 * box B∞(x, ε) ∩ [0, 1], used by the PGD loop, the evaluator (which projects every fixed-ε attack's output
 * before classifying it) and the sanity checks.
 */
import * as tf from '@tensorflow/tfjs';

/** An L∞ PGD budget: radius, step size of each signed-gradient step, number of steps. */
export interface LinfBudget {
  epsilon: number;
  stepSize: number;
  steps: number;
}

/** The box [x − ε, x + ε] ∩ [0, 1] (the L∞ ball intersected with the image domain), as elementwise bounds. */
export function linfBox(x: tf.Tensor4D, epsilon: number): { lo: tf.Tensor4D; hi: tf.Tensor4D } {
  return tf.tidy(() => ({
    lo: tf.maximum(x.sub(epsilon), 0) as tf.Tensor4D,
    hi: tf.minimum(x.add(epsilon), 1) as tf.Tensor4D,
  }));
}

/** Euclidean projection onto a box = elementwise clipping. */
export function clipToBox(v: tf.Tensor4D, lo: tf.Tensor4D, hi: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.minimum(tf.maximum(v, lo), hi) as tf.Tensor4D);
}

/** Π_{B∞(x, ε) ∩ [0,1]}(v): the projection of a candidate onto the threat model's set. */
export function projectToLinfBall(v: tf.Tensor4D, x: tf.Tensor4D, epsilon: number): tf.Tensor4D {
  return tf.tidy(() => {
    const { lo, hi } = linfBox(x, epsilon);
    return clipToBox(v, lo, hi);
  });
}
