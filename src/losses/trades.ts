import * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';
import { crossEntropy } from './cross-entropy';
import { DATASETS } from '../data/registry';
import { linfPgd, outsideGradientTape } from '../threat';
import { klDivergencePerSample } from './kl';
import type { LossResult } from './loss-result';

export interface TradesOptions {
  /** weight of the robust KL term (TRADES: 1 for MNIST (default), 6 for CIFAR-10); "1/λ" in Eq. 1 */
  beta?: number;
  /** L∞ radius (default 0.3; CIFAR-10 0.031) */
  epsilon?: number;
  /** step size (default 0.01; CIFAR-10 0.007) */
  stepSize?: number;
  /** steps (default 40; CIFAR-10 10) */
  steps?: number;
  /** start at x + 0.001·N(0,1) (default true, as TRADES) */
  randomStart?: boolean;
  seed?: number;
}

/**
 * TRADES inner maximisation (`trades_loss` in yaodongyu/TRADES): PGD on Σ_i KL(p(x_i) ‖ p(x'_i))
 * (`KLDivLoss(size_average=False)(log_softmax(model(x')), softmax(model(x)))`), inference mode,
 * start x + 0.001·N(0,1). Returns a constant x' (caller disposes). One small difference: we also clip
 * the start into [0,1] (TRADES clips only after the first step).
 */
export function tradesAdversary(model: Classifier, x: tf.Tensor4D, options: TradesOptions = {}): tf.Tensor4D {
  const { randomStart = true, beta: _beta, seed, ...budget } = options;
  return outsideGradientTape(() => {
    const clean = tf.tidy(() => model.logits(x, false));
    try {
      return linfPgd((xAdv) => klDivergencePerSample(clean, model.logits(xAdv, false)), x, {
        budget: { ...DATASETS.mnist.threatModel.innerMax.trades, ...budget }, start: randomStart ? 'normal' : 'none', startStd: 0.001,
        seed: () => seed, offTape: true,
      });
    } finally {
      clean.dispose();
    }
  });
}

/**
 * Eq. 1 / TRADES loss: CE(f(x), y) + β · (1/N) Σ_i KL(p(x_i) ‖ p(x'_i)) (`batchmean`), both terms on
 * training-mode outputs, gradient through both p(x) and p(x') (TRADES does not detach p(x)).
 * One training-mode forward of x serves both terms (TRADES runs `model(x_natural)` twice, which with
 * dropout draws two masks; a negligible difference).
 */
export function tradesLoss(
  model: Classifier,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options: TradesOptions = {},
): LossResult<{ natural: tf.Scalar; robust: tf.Scalar }> {
  const beta = options.beta ?? 1;
  const xAdv = tradesAdversary(model, x, options);
  const clean = model.logits(x, true);
  const natural = crossEntropy(clean, y);
  const robust = tf.tidy(() => tf.mean(klDivergencePerSample(clean, model.logits(xAdv, true))) as tf.Scalar);
  xAdv.dispose();
  const total = tf.tidy(() => tf.add(natural, tf.mul(beta, robust)) as tf.Scalar);
  return { total, parts: { natural, robust }, logits: clean };
}
