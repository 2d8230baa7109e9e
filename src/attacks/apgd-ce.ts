import * as tf from '@tensorflow/tfjs';
import type { AttackTarget } from './types';
import { checkOptions } from './options';
import { APGD_KEYS, resolveApgdParams, runApgd, type ApgdOptions } from './apgd';

export type ApgdCeOptions = ApgdOptions;

/**
 * APGD-CE (Croce & Hein 2020, "Reliable evaluation of adversarial robustness with an ensemble of diverse
 * parameter-free attacks"), L∞, images in [0,1]: step-size-free PGD on the cross-entropy with momentum
 * α = 0.75, step 2ε halved at checkpoints (ρ = 0.75) and restarts from the best point. The first attack of
 * AutoAttack. Defaults: ε from preset 'cifar10' (8/255), nIter = 100, 1 restart, seed 0.
 *
 * @example const xAdv = apgdCe(model, x, y, { epsilon: 8 / 255, nIter: 25 });
 */
export function apgdCe(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: ApgdCeOptions): tf.Tensor4D {
  const o = checkOptions('apgd-ce', options, APGD_KEYS);
  return runApgd('apgd-ce', model, x, y, 'ce', resolveApgdParams('apgd-ce', o));
}
