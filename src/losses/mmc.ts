import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { centersOf } from './feature-to-center';
import { DATASETS } from '../data/registry';
import { linfPgd } from '../threat';

/** Center norm C of Pang et al. (2020) "MMC-10". */
export const MMC_CENTER_NORM = 10;

/** Eq. 2 (MMC loss) per sample: ½‖φ(x) − μ_y‖²: [N] */
export function mmcLossPerSample(phi: tf.Tensor2D, labels: tf.Tensor1D, centers: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => tf.mul(0.5, tf.sum(tf.square(tf.sub(phi, centersOf(centers, labels))), 1)) as tf.Tensor1D);
}

/** Eq. 2 (MMC loss), batch mean. */
export function mmcLoss(phi: tf.Tensor2D, labels: tf.Tensor1D, centers: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => tf.mean(mmcLossPerSample(phi, labels, centers)) as tf.Scalar);
}

/**
 * MMC prediction: the nearest center, argmin_k ‖φ − μ_k‖² (int32 [N]). With equal-norm centers this is
 * argmax_k φ·μ_k, i.e. the argmax of the 'centers' head's logits.
 */
export function nearestCenterPredict(phi: tf.Tensor2D, centers: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const d2 = tf.sub(
      tf.add(tf.sum(tf.square(phi), 1, true), tf.sum(tf.square(centers), 1).expandDims(0)),
      tf.mul(2, tf.matMul(phi, centers, false, true)),
    );
    return tf.argMin(d2, 1) as tf.Tensor1D;
  });
}

export interface MmcAdversaryOptions {
  epsilon?: number;
  stepSize?: number;
  steps?: number;
  /** uniform start in the ε-ball (default true) */
  randomStart?: boolean;
  seed?: number;
}

/**
 * Adversarial MMC (Pang et al. 2020's "AT with MMC"): L∞ PGD maximising Σ_i ½‖φ(x'_i) − μ_{y_i}‖²,
 * model in inference mode, uniform start. Returns a constant x' (caller disposes).
 */
export function mmcAdversary(
  model: Classifier,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  centers: tf.Tensor2D,
  options: MmcAdversaryOptions = {},
): tf.Tensor4D {
  const { randomStart = true, seed, ...budget } = options;
  return linfPgd((xAdv) => mmcLossPerSample(model.features(xAdv, false), y, centers), x, {
    budget: { ...DATASETS.mnist.threatModel.innerMax.madry, ...budget }, start: randomStart ? 'uniform' : 'none', seed: () => seed, offTape: true,
  });
}
