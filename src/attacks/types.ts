import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../data/registry';
import type { Norm } from '../threat/norm-ball';

/**
 * The only thing an attack needs from a model: logits for a batch of NHWC images in [0, 1].
 * `Classifier` (src/models) satisfies it. Attacks always call `logits(x, false)` (inference mode:
 * no dropout, batch-norm uses its moving statistics), so per-sample gradients are independent.
 */
export interface AttackTarget {
  logits(x: tf.Tensor4D, training?: boolean): tf.Tensor2D;
}

/**
 * Which class a targeted attack aims for:
 * - `'random'`: a uniformly drawn class different from the true label (seeded by the attack's `seed`);
 * - `'least-likely'`: the class with the lowest clean logit (Kurakin et al. 2017);
 * - a `[N]` int tensor of target labels (owned by the caller, never disposed by the attack).
 * Leave `target` undefined for an untargeted attack (the paper's threat model, §4.1).
 */
export type TargetSpec = 'random' | 'least-likely' | tf.Tensor1D;

/** foolbox's split: fixed-ε attacks search inside a ball; minimisation attacks look for the smallest perturbation. */
export type AttackKind = 'fixed-epsilon' | 'minimization';

/**
 * An attack: clean images `x` ([N,H,W,C] in [0,1]) and integer labels `y` ([N]) in, adversarial
 * candidates `xAdv` (same shape, in [0,1]) out. The inputs are never disposed; the caller owns `xAdv`.
 * The attack does not decide success: the evaluator does.
 */
export type Attack<O = Record<string, unknown>> = (
  model: AttackTarget,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  options?: O,
) => tf.Tensor4D;

/** Dataset presets for the L∞ threat model: every registered dataset (see `linfPresets` in options.ts). */
export type LinfPresetName = DatasetName;

/** Options shared by every L∞ fixed-ε attack. */
export interface LinfBallOptions {
  /** picks ε (and step size / steps for PGD) for a dataset; explicit keys override it. Default 'cifar10'. */
  preset?: LinfPresetName;
  /** L∞ radius ε of the ball around x (images in [0,1]) */
  epsilon?: number;
  /** seed for every random draw of the attack (random start, random targets); 0 is a valid seed */
  seed?: number;
}

/**
 * Options of the attacks that run under either threat model (PGD, APGD, FAB, Square): `norm` picks the ball;
 * under 'l2' `epsilon` is the Euclidean radius and must be given (the dataset presets are L∞ radii).
 */
export interface ThreatOptions extends LinfBallOptions {
  /** 'linf' (default) or 'l2' */
  norm?: Norm;
}

/** Options of PGD-style attacks (PGD, adaptive PGD). */
export interface PgdCommonOptions extends ThreatOptions {
  /** absolute step size α of each signed-gradient step */
  stepSize?: number;
  /** number of gradient steps */
  steps?: number;
  /** start from a point drawn uniformly in the ε-ball ∩ [0,1] (Madry et al. 2018) */
  randomStart?: boolean;
  /** independent runs; per sample the best is kept (a successful one, else the highest loss) */
  restarts?: number;
  /** keep, per sample, the first iterate that succeeded instead of the last one (default true) */
  bestIterate?: boolean;
}

/**
 * A per-sample objective that adaptive PGD *maximises* (§4.4): e.g. MAT's FTC + α·SO + the cosine
 * distance to the clean features, TRADES's CE + β·KL, or the MMC loss. It must be differentiable in
 * `xAdv`, return one value per sample ([N]), and may close over anything precomputed from `xClean`.
 */
export type AdaptiveLoss = (xAdv: tf.Tensor4D, xClean: tf.Tensor4D, y: tf.Tensor1D) => tf.Tensor1D;
