import * as tf from '@tensorflow/tfjs';
import type { Attack, AttackKind, AttackTarget } from './types';
import { fgsm, type FgsmOptions } from './fgsm';
import { pgd, type PgdOptions } from './pgd';
import { adaptivePgd, type AdaptivePgdOptions } from './adaptive-pgd';
import { apgdCe, type ApgdCeOptions } from './apgd-ce';
import { apgdDlr, type ApgdDlrOptions } from './apgd-dlr';
import { apgdT, type ApgdTOptions } from './apgd-t';
import { apgdAdaptive, type ApgdAdaptiveOptions } from './apgd-adaptive';
import { cwL2, type CwL2Options } from './cw-l2';
import { ddn, type DdnOptions } from './ddn';
import { square, type SquareOptions } from './square';
import { fab, type FabOptions } from './fab';
import { fabT, type FabTOptions } from './fab-t';
import type { Norm } from '../threat';

/** Options type of each registered attack. */
export interface AttackOptionsMap {
  fgsm: FgsmOptions;
  pgd: PgdOptions;
  'adaptive-pgd': AdaptivePgdOptions;
  'apgd-ce': ApgdCeOptions;
  'apgd-dlr': ApgdDlrOptions;
  'apgd-t': ApgdTOptions;
  'apgd-adaptive': ApgdAdaptiveOptions;
  'cw-l2': CwL2Options;
  ddn: DdnOptions;
  square: SquareOptions;
  fab: FabOptions;
  'fab-t': FabTOptions;
}

export type AttackName = keyof AttackOptionsMap;

export interface AttackEntry<O> {
  /** fixed-ε: result inside B(x, ε) ∩ [0,1]; minimization: the smallest adversarial found, or x */
  kind: AttackKind;
  /** threat-model norm when the options name none */
  norm: Norm;
  /** every norm its `norm` option accepts (L∞-only attacks: just 'linf'; C&W, DDN: 'l2') */
  norms: readonly Norm[];
  /** its `loss` option is the evaluated model's adaptive objective (§4.4), built per model by the evaluator */
  adaptive?: true;
  run: Attack<O>;
}

const LINF: readonly Norm[] = ['linf'];
const L2: readonly Norm[] = ['l2'];
const BOTH: readonly Norm[] = ['linf', 'l2'];

/** Every attack by name (torchattacks/foolbox names, lower-case). */
export const attacks: { readonly [N in AttackName]: AttackEntry<AttackOptionsMap[N]> } = {
  fgsm: { kind: 'fixed-epsilon', norm: 'linf', norms: LINF, run: fgsm },
  pgd: { kind: 'fixed-epsilon', norm: 'linf', norms: BOTH, run: pgd },
  'adaptive-pgd': { kind: 'fixed-epsilon', norm: 'linf', norms: BOTH, run: adaptivePgd, adaptive: true },
  'apgd-ce': { kind: 'fixed-epsilon', norm: 'linf', norms: BOTH, run: apgdCe },
  'apgd-dlr': { kind: 'fixed-epsilon', norm: 'linf', norms: BOTH, run: apgdDlr },
  'apgd-t': { kind: 'fixed-epsilon', norm: 'linf', norms: BOTH, run: apgdT },
  'apgd-adaptive': { kind: 'fixed-epsilon', norm: 'linf', norms: BOTH, run: apgdAdaptive, adaptive: true },
  'cw-l2': { kind: 'minimization', norm: 'l2', norms: L2, run: cwL2 },
  ddn: { kind: 'minimization', norm: 'l2', norms: L2, run: ddn },
  square: { kind: 'fixed-epsilon', norm: 'linf', norms: BOTH, run: square },
  fab: { kind: 'fixed-epsilon', norm: 'linf', norms: BOTH, run: fab },
  'fab-t': { kind: 'fixed-epsilon', norm: 'linf', norms: BOTH, run: fabT },
};

/** The registered names, in registry order. */
export const attackNames = Object.keys(attacks) as AttackName[];

/** True when `name` is a registered attack. */
export function isAttackName(name: string): name is AttackName {
  return Object.prototype.hasOwnProperty.call(attacks, name);
}

/**
 * Runs a registered attack by name. Unknown names throw a RangeError listing the valid ones; unknown
 * option keys are rejected by the attack itself (RangeError naming the valid keys).
 */
export function runAttack<N extends AttackName>(
  name: N,
  model: AttackTarget,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options?: AttackOptionsMap[N],
): tf.Tensor4D;
export function runAttack(name: string, model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: Record<string, unknown>): tf.Tensor4D;
export function runAttack(name: string, model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: Record<string, unknown>): tf.Tensor4D {
  if (!isAttackName(name)) {
    throw new RangeError(`unknown attack '${name}'; valid attacks: ${attackNames.join(', ')}`);
  }
  return (attacks[name].run as Attack<Record<string, unknown>>)(model, x, y, options);
}
