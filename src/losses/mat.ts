import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { biboAdversary, biboLossPerSample, type BiboOptions } from './bibo';
import { featureToCenterLoss } from './feature-to-center';
import type { LossParts, LossResult } from './loss-result';
import { secondOrderLoss } from './second-order';

export interface MatLossOptions {
  /** weight α of the SO loss (default 1; 0 skips it). The paper's values (its appendix) are missing. */
  alpha?: number;
  /** weight β of the BIBO loss (default 1; 0 skips it and its inner PGD). Same caveat. */
  beta?: number;
  /** the Max-Mahalanobis centers [L, D]; default: the model's 'centers' head (kernelᵀ) */
  centers?: tf.Tensor2D;
  /** inner maximisation of the BIBO term (see {@link BiboOptions}; TRADES MNIST defaults) */
  bibo?: BiboOptions;
}

export interface MatParts extends LossParts {
  ftc: tf.Scalar;
  so: tf.Scalar;
  bibo: tf.Scalar;
}

/**
 * Eq. 9: L_MAT = L_FTC + α·L_SO + β·L_BIBO, batch means. One training-mode forward pass of x gives
 * φ(x) for all three terms (so dropout uses one mask); the BIBO adversary is searched in inference
 * mode off the gradient tape, then φ_train(x') is computed. With α = β = 0 the cost is one forward and
 * backward pass, as natural training. Terms that are skipped are reported as 0 in `parts`.
 * Labels are int32 class indices [N]. Works inside tf.grad / optimizer.minimize.
 */
export function matLoss(model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, options: MatLossOptions = {}): LossResult<MatParts> {
  const { alpha = 1, beta = 1, bibo = {} } = options;
  if (!(alpha >= 0) || !(beta >= 0)) throw new RangeError(`alpha and beta must be ≥ 0, got α=${alpha}, β=${beta}`);
  let centers = options.centers;
  let ownCenters = false;
  if (centers === undefined) {
    if (model.headKind !== 'centers') {
      throw new RangeError(`matLoss needs options.centers unless the model has a 'centers' head`);
    }
    centers = tf.tidy(() => model.headKernel().transpose() as tf.Tensor2D);
    ownCenters = true;
  }
  try {
    const c = centers;
    const phi = model.features(x, true);
    const ftc = featureToCenterLoss(phi, y, c);
    const so = alpha > 0 ? secondOrderLoss(phi, y, c) : tf.scalar(0);
    let biboTerm: tf.Scalar;
    if (beta > 0) {
      const xAdv = biboAdversary(model, x, bibo);
      biboTerm = tf.tidy(() => tf.mean(biboLossPerSample(model, phi, xAdv)) as tf.Scalar);
      xAdv.dispose();
    } else {
      biboTerm = tf.scalar(0);
    }
    const total = tf.tidy(() => tf.addN([ftc, tf.mul(alpha, so), tf.mul(beta, biboTerm)]) as tf.Scalar);
    const logits = model.headLogits(phi);
    phi.dispose();
    return { total, parts: { ftc, so, bibo: biboTerm }, logits };
  } finally {
    if (ownCenters) centers.dispose();
  }
}
