import * as tf from '@tensorflow/tfjs';
import type { AdaptiveLoss, AttackTarget, PgdCommonOptions } from './types';
import { checkOptions } from './options';
import { checkBatch } from './batch';
import { crossEntropyPerSample } from './losses';
import { isSuccessful } from './targets';
import { resolvePgdParams, runLinfPgd } from './pgd';

export interface AdaptivePgdOptions extends PgdCommonOptions {
  /**
   * per-sample objective to maximise, `(xAdv, xClean, y) => [N]` (the defence's own training loss, §4.4).
   * Default: cross-entropy of the logits, which makes adaptive PGD identical to untargeted PGD.
   */
  loss?: AdaptiveLoss;
}

const ADAPTIVE_KEYS = ['preset', 'norm', 'epsilon', 'stepSize', 'steps', 'randomStart', 'restarts', 'seed', 'bestIterate', 'loss'] as const;

/**
 * Adaptive PGD L∞ (paper §4.4; Carlini et al. 2019; Tramèr et al. 2020): PGD that maximises a
 * caller-given per-sample loss instead of CE — e.g. MAT's FTC + α·SO + cosine distance to the clean
 * features, TRADES's CE + β·KL(f(x) ‖ f(x')), or the MMC loss. Same options and defaults as `pgd`
 * (untargeted only); restarts are ranked by misclassification, then by the given loss.
 *
 * @example const xAdv = adaptivePgd(model, x, y, { preset: 'mnist', loss: (xa, xc, y) => matLoss(xa, xc, y) });
 */
export function adaptivePgd(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: AdaptivePgdOptions): tf.Tensor4D {
  const o = checkOptions('adaptive-pgd', options, ADAPTIVE_KEYS);
  const p = resolvePgdParams('adaptive-pgd', o);
  if (o.loss !== undefined && typeof o.loss !== 'function') throw new TypeError('adaptive-pgd: loss must be a function');
  checkBatch('adaptive-pgd', x, y);
  const loss: AdaptiveLoss = o.loss ?? ((xa, _xc, yy) => crossEntropyPerSample(model.logits(xa, false), yy));
  return tf.tidy(() => {
    const objective = (xa: tf.Tensor4D): tf.Tensor1D => {
      const v = loss(xa, x, y);
      if (v.rank !== 1 || v.shape[0] !== x.shape[0]) {
        throw new TypeError(`adaptive-pgd: loss must return one value per sample ([${x.shape[0]}]), got [${v.shape}]`);
      }
      return v;
    };
    return runLinfPgd(model, x, objective, (z) => isSuccessful(z, y, null), p);
  });
}
