import * as tf from '@tensorflow/tfjs';
import type { AdaptiveLoss, AttackTarget } from './types';
import { checkOptions } from './options';
import { crossEntropyPerSample } from './losses';
import { APGD_KEYS, resolveApgdParams, runApgd, type ApgdOptions } from './apgd';

export interface ApgdAdaptiveOptions extends ApgdOptions {
  /**
   * per-sample objective to maximise, `(xAdv, xClean, y) => [N]`: the defence's own training loss (§4.4;
   * src/attacks/adaptive-objectives.ts builds it per model). Default: cross-entropy (then this is APGD-CE).
   */
  loss?: AdaptiveLoss;
}

/**
 * APGD (Croce & Hein 2020) on the defence's own objective: the step-size schedule, momentum and restarts of
 * APGD-CE with the loss an adaptive attacker picks (Tramèr et al. 2020) — MAT's FTC + α·SO + β·CD(φ(x'), φ(x)),
 * TRADES' CE + β·KL, the MMC loss. Fixed-step PGD on the same objective (`adaptive-pgd`) is the paper's
 * protocol; this is its parameter-free, stronger counterpart. Success is misclassification; per sample the
 * first adversarial iterate is kept, else the highest-loss one.
 *
 * @example const xAdv = apgdAdaptive(model, x, y, { preset: 'mnist', nIter: 100, restarts: 5, loss });
 */
export function apgdAdaptive(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: ApgdAdaptiveOptions): tf.Tensor4D {
  const o = checkOptions('apgd-adaptive', options, [...APGD_KEYS, 'loss']);
  if (o.loss !== undefined && typeof o.loss !== 'function') throw new TypeError('apgd-adaptive: loss must be a function');
  const loss: AdaptiveLoss = o.loss ?? ((xa, _xc, yy) => crossEntropyPerSample(model.logits(xa, false), yy));
  return runApgd('apgd-adaptive', model, x, y, loss, resolveApgdParams('apgd-adaptive', o));
}
