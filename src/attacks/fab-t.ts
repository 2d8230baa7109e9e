import * as tf from '@tensorflow/tfjs';
import type { AttackTarget } from './types';
import { checkInteger, checkOptions } from './options';
import { FAB_KEYS, resolveFabParams, runFab, type FabOptions } from './fab';

export interface FabTOptions extends FabOptions {
  /** target classes, tried in turn: the 2nd … (n+1)-th most likely on the clean input (AutoAttack: 9; clamped to C − 1) */
  nTargetClasses?: number;
}

/** AutoAttack's standard FAB-T settings. */
export const fabTDefaults = { nTargetClasses: 9 } as const;

/**
 * FAB-T (Croce & Hein 2020; AutoAttack's third attack): targeted FAB — each run linearises only the boundary
 * between the true class and one target t, z_t − z_y (one gradient per iteration instead of one per class),
 * and the targets are the most likely wrong classes, tried in turn on the points still robust. A minimum-norm
 * attack that reads the logits' geometry rather than a loss, so it does not care about the loss' scale (what
 * CE saturation hides). L∞ or L2, images in [0,1]. With `epsilon` (AutoAttack's fixed-ε use) a point counts
 * only when ‖δ‖ ≤ ε, otherwise x is returned; without it, the smallest adversarial over all targets.
 * Defaults as `fab` (nIter 100, 1 restart, α_max 0.1, η 1.05, β 0.9) plus nTargetClasses 9.
 *
 * @example const xAdv = fabT(model, x, y, { epsilon: 0.3 });
 * @example const xAdv = fabT(model, x, y, { norm: 'l2' }); // minimisation: the smallest L2 adversarial found
 */
export function fabT(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: FabTOptions): tf.Tensor4D {
  const o = checkOptions('fab-t', options, [...FAB_KEYS, 'nTargetClasses']);
  const nTargetClasses = checkInteger('fab-t', 'nTargetClasses', o.nTargetClasses ?? fabTDefaults.nTargetClasses, 1);
  return runFab('fab-t', model, x, y, resolveFabParams('fab-t', o), nTargetClasses);
}
