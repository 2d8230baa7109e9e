import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { crossEntropy, crossEntropyPerSample } from './cross-entropy';
import { DATASETS } from '../data/registry';
import { linfPgd } from '../threat';
import type { LossResult } from './loss-result';

export interface AdversarialTrainingOptions {
  /** L∞ radius (default 0.3, MNIST; CIFAR-10: 8/255) */
  epsilon?: number;
  /** step size (default 0.01; CIFAR-10: 2/255) */
  stepSize?: number;
  /** PGD steps (default 40; Madry et al. CIFAR-10: 7, commonly 10) */
  steps?: number;
  /** Madry et al. start uniformly in the ε-ball (default true) */
  randomStart?: boolean;
  /** seed of the random start; omitted → unseeded */
  seed?: number;
}

/**
 * Madry et al. (2018) inner maximisation: L∞ PGD on the batch-summed cross-entropy, model in inference
 * mode, uniform random start. Returns a constant x' (caller disposes). Defaults are the MNIST values
 * (ε 0.3, step 0.01, 40 steps); the MAT paper's AT settings are in its missing appendix.
 */
export function madryAdversary(
  model: Classifier,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: AdversarialTrainingOptions = {},
): tf.Tensor4D {
  const { randomStart = true, seed, ...budget } = options;
  return linfPgd((xAdv) => crossEntropyPerSample(model.logits(xAdv, false), y), x, {
    budget: { ...DATASETS.mnist.threatModel.innerMax.madry, ...budget }, start: randomStart ? 'uniform' : 'none', seed: () => seed, offTape: true,
  });
}

/** Madry adversarial training loss: mean CE(logits_train(x'), y) on the PGD-found x'. */
export function adversarialTrainingLoss(
  model: Classifier,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: AdversarialTrainingOptions = {},
): LossResult<{ ce: tf.Scalar }> {
  const xAdv = madryAdversary(model, x, y, options);
  const ce = tf.tidy(() => crossEntropy(model.logits(xAdv, true), y));
  xAdv.dispose();
  return { total: ce, parts: { ce: ce.clone() } };
}
