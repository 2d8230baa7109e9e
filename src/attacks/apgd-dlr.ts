import * as tf from '@tensorflow/tfjs';
import type { AttackTarget } from './types';
import { checkOptions } from './options';
import { APGD_KEYS, resolveApgdParams, runApgd, type ApgdOptions } from './apgd';

export type ApgdDlrOptions = ApgdOptions;

/**
 * APGD-DLR (Croce & Hein 2020), L∞, images in [0,1]: APGD on the Difference of Logits Ratio
 * −(z_y − max_{i≠y} z_i)/(z_π1 − z_π3), which is invariant to shifting and rescaling the logits and so
 * resists the gradient masking that saturates CE. Needs ≥ 3 classes. Same defaults as `apgdCe`.
 *
 * @example const xAdv = apgdDlr(model, x, y, { preset: 'mnist' });
 */
export function apgdDlr(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: ApgdDlrOptions): tf.Tensor4D {
  const o = checkOptions('apgd-dlr', options, APGD_KEYS);
  return runApgd('apgd-dlr', model, x, y, 'dlr', resolveApgdParams('apgd-dlr', o));
}
