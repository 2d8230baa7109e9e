import * as tf from '@tensorflow/tfjs';

/**
 * Added under the square root of every norm used by the cosine losses: ‖v‖_ε = sqrt(‖v‖² + ε²).
 * It only matters for ‖v‖ ≲ 1e-4, where cos and its gradient (∝ 1/‖φ‖) would otherwise be
 * 0/0 = NaN at φ = 0 (a linear φ can hit exactly 0, e.g. a zero-initialised layer or a dead ReLU
 * body feeding a bias-free map) or overflow float32. Relative change for ‖v‖ ≥ 1e-3: below 1e-6.
 */
export const NORM_EPSILON = 1e-6;

/** ‖v‖_ε of every row: [N, D] → [N] */
export function rowNorm(v: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(v), 1), NORM_EPSILON * NORM_EPSILON)) as tf.Tensor1D);
}

/** cos(a_i, b_i) row by row: [N, D] × [N, D] → [N] */
export function rowCosine(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.div(tf.sum(tf.mul(a, b), 1), tf.mul(rowNorm(a), rowNorm(b))) as tf.Tensor1D);
}

/** CD(a, b) = 1 − cos(a, b) row by row (the paper's cosine distance, Sec. 3.1): [N] */
export function rowCosineDistance(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.sub(1, rowCosine(a, b)) as tf.Tensor1D);
}

/** cos(φ_i, μ_k) for every sample and class: [N, D] × [L, D] → [N, L] */
export function cosineToCenters(phi: tf.Tensor2D, centers: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const dots = tf.matMul(phi, centers, false, true);
    return tf.div(dots, tf.outerProduct(rowNorm(phi), rowNorm(centers))) as tf.Tensor2D;
  });
}
