import * as tf from '@tensorflow/tfjs';
import type { AttackTarget, LinfBallOptions, TargetSpec } from './types';
import { checkInteger, checkNumber, checkOptions, resolveLinfPreset } from './options';
import { linfCrossEntropyAttack } from './pgd';

export interface FgsmOptions extends LinfBallOptions {
  /** targeted FGSM (one step down the CE to the target); undefined = untargeted (default) */
  target?: TargetSpec;
}

const FGSM_KEYS = ['preset', 'epsilon', 'seed', 'target'] as const;

/**
 * FGSM (Goodfellow et al. 2015, "Explaining and Harnessing Adversarial Examples"), L∞, images in [0,1]:
 * x' = clip_[0,1](x + ε · sign ∇ₓ CE(f(x), y)) — PGD with one step of size ε and no random start
 * (foolbox's definition). Default ε from preset 'cifar10' (8/255; 'mnist': 0.3).
 *
 * @example const xAdv = fgsm(model, x, y, { epsilon: 0.1 });
 */
export function fgsm(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: FgsmOptions): tf.Tensor4D {
  const o = checkOptions('fgsm', options, FGSM_KEYS);
  const epsilon = checkNumber('fgsm', 'epsilon', o.epsilon ?? resolveLinfPreset(o.preset).epsilon, 0);
  const seed = checkInteger('fgsm', 'seed', o.seed ?? 0, 0);
  return linfCrossEntropyAttack('fgsm', model, x, y, o.target, {
    epsilon,
    stepSize: epsilon,
    steps: 1,
    randomStart: false,
    restarts: 1,
    seed,
    bestIterate: false, // one step from x: the result is the only iterate
  });
}
