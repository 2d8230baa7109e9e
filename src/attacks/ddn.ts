import * as tf from '@tensorflow/tfjs';
import type { AttackTarget, TargetSpec } from './types';
import { checkInteger, checkNumber, checkOptions } from './options';
import { checkBatch, perSample, rowNorms, whereRows } from './batch';
import { valueAndGradWithAux } from './gradients';
import { crossEntropyPerSample } from './losses';
import { isSuccessful, resolveTargets } from './targets';
import { streamSeed } from './seed';

export interface DdnOptions {
  /** iterations (Rony et al. 2019 evaluate with 100; foolbox's default is 10) */
  steps?: number;
  /** γ: the norm ε shrinks by (1 − γ) after an adversarial iterate and grows by (1 + γ) otherwise */
  gamma?: number;
  /** ε₀: initial norm of the perturbation */
  initNorm?: number;
  /** round x + δ to `levels` grey levels at every step (the paper's quantisation; off by default) */
  quantize?: boolean;
  /** number of grey levels when quantising (256 = 8-bit images) */
  levels?: number;
  /** targeted attack; undefined = untargeted (default) */
  target?: TargetSpec;
  /** seed for `target: 'random'` and for the random direction used where the gradient vanishes */
  seed?: number;
}

/** Rony et al. (2019) / jeromerony/fast_adversarial values. */
export const ddnDefaults = { steps: 100, gamma: 0.05, initNorm: 1, quantize: false, levels: 256, seed: 0 } as const;

const DDN_KEYS = ['steps', 'gamma', 'initNorm', 'quantize', 'levels', 'target', 'seed'] as const;

/**
 * DDN L2 (Rony et al. 2019, "Decoupling Direction and Norm for Efficient Gradient-Based L2 Adversarial
 * Attacks and Defenses"), images in [0,1]. Minimisation attack: a normalised CE-gradient step of size α
 * (cosine-annealed from 1 to 0.01) sets the direction; the norm ε is annealed separately — ×(1 − γ) while
 * adversarial, ×(1 + γ) otherwise, capped at the largest possible L2 — and δ is rescaled to ‖δ‖₂ = ε and
 * clipped to [0,1]. Returns per sample the smallest-L2 adversarial iterate, or the original image.
 *
 * @example const xAdv = ddn(model, x, y, { steps: 1000 });
 */
export function ddn(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: DdnOptions): tf.Tensor4D {
  const o = checkOptions('ddn', options, DDN_KEYS);
  const steps = checkInteger('ddn', 'steps', o.steps ?? ddnDefaults.steps, 1);
  const gamma = checkNumber('ddn', 'gamma', o.gamma ?? ddnDefaults.gamma, 0, true);
  if (gamma >= 1) throw new RangeError(`ddn: gamma must be in (0, 1), got ${gamma}`);
  const initNorm = checkNumber('ddn', 'initNorm', o.initNorm ?? ddnDefaults.initNorm, 0, true);
  const quantize = o.quantize ?? ddnDefaults.quantize;
  const levels = checkInteger('ddn', 'levels', o.levels ?? ddnDefaults.levels, 2);
  const seed = checkInteger('ddn', 'seed', o.seed ?? ddnDefaults.seed, 0);
  const n = checkBatch('ddn', x, y);

  return tf.tidy(() => {
    const t = resolveTargets('ddn', model, x, y, o.target, seed);
    const rank = x.rank;
    // untargeted: ascend CE(y); targeted: descend CE(t)
    const objective = (z: tf.Tensor2D) => (t === null ? crossEntropyPerSample(z, y) : crossEntropyPerSample(z, t).neg());
    // the largest L2 distance to any image in [0,1]: ‖max(x, 1 − x)‖₂
    const worstNorm = rowNorms(tf.maximum(x, tf.scalar(1).sub(x)));
    // direction used where the gradient vanishes (the reference draws N(0, I) there)
    const noise = tf.randomNormal(x.shape, 0, 1, 'float32', streamSeed(seed, 0xdd));

    let delta = tf.zerosLike(x) as tf.Tensor4D;
    let norm = tf.fill([n], initNorm) as tf.Tensor1D;
    let bestL2 = worstNorm.clone();
    let bestDelta = tf.zerosLike(x) as tf.Tensor4D;

    for (let i = 0; i < steps; i++) {
      // cosine annealing of the step size from 1 to 0.01 (CosineAnnealingLR, T_max = steps)
      const alpha = 0.01 + (1 - 0.01) * (1 + Math.cos((Math.PI * i) / steps)) / 2;
      const r = tf.tidy(() => {
        const { grad, aux, value } = valueAndGradWithAux((d: tf.Tensor4D) => {
          const z = model.logits(x.add(d) as tf.Tensor4D, false);
          return { value: objective(z).sum() as tf.Scalar, aux: [z] as [tf.Tensor2D] };
        }, delta);
        value.dispose();
        const l2 = rowNorms(delta);
        const isAdv = isSuccessful(aux[0], y, t);
        const isBoth = isAdv.logicalAnd(l2.less(bestL2)) as tf.Tensor1D;
        const gradNorm = rowNorms(grad);
        const g = whereRows(gradNorm.equal(0) as tf.Tensor1D, noise, grad);
        const gHat = g.div(perSample(rowNorms(g).maximum(1e-12) as tf.Tensor1D, rank));
        let d = delta.add(gHat.mul(alpha));
        const newNorm = tf.minimum(norm.mul(tf.where(isAdv, tf.scalar(1 - gamma), tf.scalar(1 + gamma))), worstNorm) as tf.Tensor1D;
        d = d.mul(perSample(newNorm.div(rowNorms(d).maximum(1e-12)) as tf.Tensor1D, rank));
        let xq = x.add(d);
        if (quantize) xq = xq.mul(levels - 1).round().div(levels - 1);
        return {
          delta: xq.clipByValue(0, 1).sub(x) as tf.Tensor4D,
          norm: newNorm,
          bestL2: tf.where(isBoth, l2, bestL2) as tf.Tensor1D,
          bestDelta: whereRows(isBoth, delta, bestDelta),
        };
      });
      tf.dispose([delta, norm, bestL2, bestDelta]);
      ({ delta, norm, bestL2, bestDelta } = r);
    }
    return x.add(bestDelta).clipByValue(0, 1) as tf.Tensor4D;
  });
}
