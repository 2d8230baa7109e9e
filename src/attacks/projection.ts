import * as tf from '@tensorflow/tfjs';

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
