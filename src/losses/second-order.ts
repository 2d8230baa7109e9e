import * as tf from '@tensorflow/tfjs';
import { rowCosine, rowNorm } from './cosine';
import { centersOf } from './feature-to-center';

/**
 * Eq. 6 (SO loss) per sample, in the paper's closed form (derivation Eq. 7):
 * L_SO = ‖∇_φ L_FTC‖² = ‖(1/‖φ‖) [μ_y/‖μ_y‖ − cos(φ, μ_y) φ/‖φ‖]‖²   (= (1 − cos²)/‖φ‖²).
 * An ordinary differentiable function of φ: no double backprop is needed to train with it.
 * Norms are ‖·‖_ε (see NORM_EPSILON in cosine.ts): at φ = 0 the exact value is 1/0; with ε the loss
 * stays finite (large, ≈ 1/ε²) instead of producing Inf/NaN that would poison the whole batch.
 * Note the 1/‖φ‖² factor: minimising SO also pushes feature norms up.
 */
export function secondOrderLossPerSample(phi: tf.Tensor2D, labels: tf.Tensor1D, centers: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const mu = centersOf(centers, labels);
    const phiNorm = rowNorm(phi).expandDims(1);
    const muUnit = tf.div(mu, rowNorm(mu).expandDims(1));
    const cos = rowCosine(phi, mu).expandDims(1);
    const inner = tf.sub(muUnit, tf.mul(cos, tf.div(phi, phiNorm)));
    const grad = tf.div(inner, phiNorm);
    return tf.sum(tf.square(grad), 1) as tf.Tensor1D;
  });
}

/** Eq. 6 (SO loss), batch mean. */
export function secondOrderLoss(phi: tf.Tensor2D, labels: tf.Tensor1D, centers: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(secondOrderLossPerSample(phi, labels, centers)) as tf.Scalar);
}
