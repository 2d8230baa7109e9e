import * as tf from '@tensorflow/tfjs';
import { cosineToCenters, rowCosineDistance } from './cosine';

/** μ_{y_i} for every sample: centers [L, D], labels [N] int32 → [N, D] */
export function centersOf(centers: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor2D {
  return tf.gather(centers, labels.toInt()) as tf.Tensor2D;
}

/** Eq. 4, per sample: L_FTC = CD(φ(x), μ_y) = 1 − cos(φ, μ_y): [N] */
export function featureToCenterLossPerSample(phi: tf.Tensor2D, labels: tf.Tensor1D, centers: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => rowCosineDistance(phi, centersOf(centers, labels)));
}

/** Eq. 4 (FTC loss), batch mean. */
export function featureToCenterLoss(phi: tf.Tensor2D, labels: tf.Tensor1D, centers: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(featureToCenterLossPerSample(phi, labels, centers)) as tf.Scalar);
}

/**
 * Eq. 5: ŷ = argmax_k cos(φ, μ_k) (int32 [N]). With centers of equal norm this equals the argmax of
 * the 'centers' head's logits φ·μ_k (Sec. 3.3, Eqs. 10–11).
 */
export function cosinePredict(phi: tf.Tensor2D, centers: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.argMax(cosineToCenters(phi, centers), 1) as tf.Tensor1D);
}
