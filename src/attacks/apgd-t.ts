import * as tf from '@tensorflow/tfjs';
import type { AttackTarget } from './types';
import { checkInteger, checkOptions } from './options';
import { APGD_KEYS, resolveApgdParams, runApgd, type ApgdOptions } from './apgd';

export interface ApgdTOptions extends ApgdOptions {
  /** how many target classes to try: the 2nd … (n+1)-th most likely on the clean input (AutoAttack: 9; clamped to C − 1) */
  nTargetClasses?: number;
}

/** AutoAttack's standard APGD-T settings. */
export const apgdTDefaults = { nTargetClasses: 9 } as const;

/**
 * APGD-T (Croce & Hein 2020): APGD on the targeted DLR loss −(z_y − z_t)/(z_π1 − ½(z_π3 + z_π4)), run once
 * per target class t (the most likely wrong classes first) on the points still robust. Success is still
 * misclassification (≠ y), as in AutoAttack. L∞, images in [0,1], needs ≥ 4 classes. Defaults as `apgdCe`
 * plus nTargetClasses = 9 — so 9× the cost of APGD-CE.
 *
 * @example const xAdv = apgdT(model, x, y, { nIter: 25, nTargetClasses: 3 });
 */
export function apgdT(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: ApgdTOptions): tf.Tensor4D {
  const o = checkOptions('apgd-t', options, [...APGD_KEYS, 'nTargetClasses']);
  const nTargetClasses = checkInteger('apgd-t', 'nTargetClasses', o.nTargetClasses ?? apgdTDefaults.nTargetClasses, 1);
  return runApgd('apgd-t', model, x, y, 'dlr-targeted', resolveApgdParams('apgd-t', o), nTargetClasses);
}
