import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { rowCosineDistance } from './cosine';
import { DATASETS } from '../data/registry';
import { linfPgd, outsideGradientTape } from '../threat';

export interface BiboOptions {
  /** L∞ radius of B_ε(x) (default 0.3) */
  epsilon?: number;
  /** PGD step size (default 0.01) */
  stepSize?: number;
  /** PGD steps (default 40) */
  steps?: number;
  /** TRADES-style start x + 0.001·N(0,1) (default true); false starts at x, where CD has zero gradient */
  randomStart?: boolean;
  /** seed of the random start; omitted → unseeded */
  seed?: number;
}

/**
 * Inner maximisation of Eq. 8: x' = argmax_{x' ∈ B_ε(x) ∩ [0,1]} Σ_i CD(φ(x_i), φ(x'_i)), by PGD with
 * the model in inference mode (training = false, as TRADES' `model.eval()`), φ(x) held fixed.
 * Returns a constant [N, H, W, C] (no gradient flows through the search); the caller disposes it.
 *
 * Defaults are TRADES' MNIST settings (ε 0.3, step 0.01, 40 steps, start 0.001·N(0,1)): the paper says
 * the maximisation is "PGD as in TRADES", and its Appendix C with the actual values is missing from
 * the text we have. Other datasets: their registry entry's `threatModel.innerMax.trades` (src/data/datasets/).
 */
export function biboAdversary(model: Classifier, x: tf.Tensor4D, options: BiboOptions = {}): tf.Tensor4D {
  const { randomStart = true, seed, ...budget } = options;
  return outsideGradientTape(() => {
    const phiClean = tf.tidy(() => model.features(x, false));
    try {
      return linfPgd((xAdv) => rowCosineDistance(phiClean, model.features(xAdv, false)), x, {
        budget: { ...DATASETS.mnist.threatModel.innerMax.trades, ...budget }, start: randomStart ? 'normal' : 'none', startStd: 0.001,
        seed: () => seed, offTape: true,
      });
    } finally {
      phiClean.dispose();
    }
  });
}

/**
 * Eq. 8 (BIBO loss), per sample, given the found x' (constant) and φ(x) computed by the caller in
 * training mode: CD(φ(x), φ_train(x')). Gradients flow through both φ(x) and φ(x').
 */
export function biboLossPerSample(model: Classifier, phi: tf.Tensor2D, xAdv: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => rowCosineDistance(phi, model.features(xAdv, true)));
}

/**
 * Eq. 8 (BIBO loss), batch mean: finds x' with {@link biboAdversary} (inference mode), then returns
 * mean_i CD(φ_train(x_i), φ_train(x'_i)). Pass `phi` (φ(x) in training mode) to reuse a forward pass
 * already made for FTC/SO, as {@link matLoss} does.
 */
export function biboLoss(model: Classifier, x: tf.Tensor4D, options: BiboOptions = {}, phi?: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const xAdv = biboAdversary(model, x, options);
    const phiTrain = phi ?? model.features(x, true);
    return tf.mean(biboLossPerSample(model, phiTrain, xAdv)) as tf.Scalar;
  });
}
