import * as tf from '@tensorflow/tfjs';
import type { Classifier, HeadKind } from '../models/classifier';
import { crossEntropy } from './cross-entropy';
import { CIFAR10_INNER_MAX, MNIST_INNER_MAX } from './inner-max';
import type { LossResult } from './loss-result';
import { adversarialTrainingLoss } from './madry-at';
import { MAT_VARIANTS, matLoss, type MatVariant } from './mat';
import { MMC_CENTER_NORM, mmcAdversary, mmcLoss } from './mmc';
import { tradesLoss } from './trades';
import { streamSeed } from '../attacks/seed';

/** Training methods of Table 2 / Table 3. */
export type Method = 'natural' | 'at' | 'trades' | 'mmc' | 'mat';

/**
 * Default center norm C for MAT. The FTC, SO and BIBO losses are scale-free in the centers
 * (cos(φ, μ) and μ/‖μ‖), so C does not affect MAT training at all; it only scales the logits φ·μ_k of
 * the transformed model (Sec. 3.3), i.e. what logit-based attacks see. We use C = 10, the MMC-10 value
 * of Pang et al. (2020), so MAT and MMC models carry the identical head and are attacked on the same
 * logit scale. Evaluations on saturated softmax should prefer margin losses over CE either way.
 */
export const MAT_CENTER_NORM = 10;

/** Dataset presets for the inner maximisations and TRADES' β. */
export type DatasetPreset = 'mnist' | 'cifar10';

export interface TrainingObjectiveOptions {
  /** presets for inner-max settings and TRADES β (default 'mnist') — at, trades, mmc, mat */
  dataset?: DatasetPreset;
  /** SO weight α (mat; default 1, or 0 if `variant` turns SO off) */
  alpha?: number;
  /** BIBO weight (mat; default 1) or TRADES' robust weight (trades; default 1 MNIST, 6 CIFAR-10) */
  beta?: number;
  /** Table 2 row (mat): which of SO/BIBO are on; α/β then give their weights */
  variant?: MatVariant;
  /** norm C of the Max-Mahalanobis centers (mat: default 10, mmc: default 10) */
  centersNorm?: number;
  /** mmc: train on PGD examples of the MMC loss (Pang et al.'s AT-MMC); default false */
  adversarial?: boolean;
  /** inner max L∞ radius (at, trades, mat's BIBO, adversarial mmc) */
  epsilon?: number;
  stepSize?: number;
  steps?: number;
  randomStart?: boolean;
  /** base seed of the inner max's random start; step s uses seed + s. Omitted → unseeded */
  seed?: number;
}

/** What a training loop needs to train with one method. */
export interface TrainingObjective {
  readonly method: Method;
  /** the head the classifier must be built with */
  readonly headKind: HeadKind;
  /** for 'centers' heads: build with `centers: maxMahalanobisCenters(L, D, centersNorm)` */
  readonly centersNorm?: number;
  /** resolved settings (defaults filled in), for logging / run metadata */
  readonly settings: Readonly<Record<string, number | string | boolean>>;
  /**
   * The loss on one batch (x NHWC in [0,1], y int32 labels). `step` (default 0) only varies the seed of
   * random starts. Call inside `optimizer.minimize(() => …total, true, model.trainableVariables())`.
   */
  loss(model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, step?: number): LossResult;
}

// `dataset` and `seed` describe the run, not the method: every method accepts them (no-ops where unused)
const CONTEXT = ['dataset', 'seed'] as const;
const INNER = [...CONTEXT, 'epsilon', 'stepSize', 'steps', 'randomStart'] as const;
const ALLOWED: Record<Method, ReadonlyArray<keyof TrainingObjectiveOptions>> = {
  natural: [...CONTEXT],
  at: [...INNER],
  trades: [...INNER, 'beta'],
  mmc: [...INNER, 'centersNorm', 'adversarial'],
  mat: [...INNER, 'alpha', 'beta', 'variant', 'centersNorm'],
};

/** Names accepted by {@link trainingObjective}. */
export const METHOD_NAMES = Object.keys(ALLOWED) as Method[];

function innerDefaults(method: Method, dataset: DatasetPreset) {
  if (dataset === 'mnist') return { ...MNIST_INNER_MAX };
  // Madry-style AT (and AT-MMC) on CIFAR-10: 8/255, 2/255, 10 steps; TRADES / BIBO: TRADES' CIFAR values
  if (method === 'at' || method === 'mmc') return { epsilon: 8 / 255, stepSize: 2 / 255, steps: 10 };
  return { ...CIFAR10_INNER_MAX };
}

function requireCentersHead(model: Classifier, method: Method): void {
  if (model.headKind !== 'centers') {
    throw new RangeError(`method '${method}' needs a classifier built with headKind 'centers', got '${model.headKind}'`);
  }
}

/**
 * Builds the training objective of one method, validating options: an option the method does not
 * use (e.g. `alpha` with 'at') throws a RangeError naming the option and the method.
 */
export function trainingObjective(method: Method, options: TrainingObjectiveOptions = {}): TrainingObjective {
  const allowed = (ALLOWED as Record<string, ReadonlyArray<string> | undefined>)[method];
  if (allowed === undefined) {
    throw new RangeError(`unknown training method '${method}'; expected one of ${METHOD_NAMES.join(', ')}`);
  }
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined && !allowed.includes(key)) {
      throw new RangeError(
        `option '${key}' is not used by method '${method}'` +
          ` (it accepts: ${allowed.join(', ')})`,
      );
    }
  }
  const dataset = options.dataset ?? 'mnist';
  if (dataset !== 'mnist' && dataset !== 'cifar10') {
    throw new RangeError(`unknown dataset preset '${dataset}'; expected 'mnist' or 'cifar10'`);
  }
  const d = innerDefaults(method, dataset);
  const inner = {
    epsilon: options.epsilon ?? d.epsilon,
    stepSize: options.stepSize ?? d.stepSize,
    steps: options.steps ?? d.steps,
    randomStart: options.randomStart ?? true,
  };
  // one never-zero stream per step (tfjs reads seed 0 as "unseeded")
  const seedAt = (step: number) => (options.seed === undefined ? undefined : streamSeed(options.seed, step));

  switch (method) {
    case 'natural':
      return {
        method,
        headKind: 'linear',
        settings: {},
        loss: (model, x, y) => {
          const logits = model.logits(x, true);
          const ce = crossEntropy(logits, y);
          return { total: ce, parts: { ce: ce.clone() }, logits };
        },
      };
    case 'at':
      return {
        method,
        headKind: 'linear',
        settings: { dataset, ...inner },
        loss: (model, x, y, step = 0) => adversarialTrainingLoss(model, x, y, { ...inner, seed: seedAt(step) }),
      };
    case 'trades': {
      const beta = options.beta ?? (dataset === 'mnist' ? 1 : 6);
      return {
        method,
        headKind: 'linear',
        settings: { dataset, beta, ...inner },
        loss: (model, x, y, step = 0) => tradesLoss(model, x, y, { ...inner, beta, seed: seedAt(step) }),
      };
    }
    case 'mmc': {
      const centersNorm = options.centersNorm ?? MMC_CENTER_NORM;
      const adversarial = options.adversarial ?? false;
      return {
        method,
        headKind: 'centers',
        centersNorm,
        settings: adversarial ? { dataset, centersNorm, adversarial, ...inner } : { centersNorm, adversarial },
        loss: (model, x, y, step = 0) => {
          requireCentersHead(model, method);
          const centers = tf.tidy(() => model.headKernel().transpose() as tf.Tensor2D);
          const xAdv = adversarial ? mmcAdversary(model, x, y, centers, { ...inner, seed: seedAt(step) }) : undefined;
          const phi = model.features(xAdv ?? x, true);
          const mmc = mmcLoss(phi, y, centers);
          const result: LossResult = { total: mmc, parts: { mmc: mmc.clone() } };
          if (!adversarial) result.logits = model.headLogits(phi);
          tf.dispose([centers, phi, ...(xAdv ? [xAdv] : [])]);
          return result;
        },
      };
    }
    case 'mat': {
      const centersNorm = options.centersNorm ?? MAT_CENTER_NORM;
      let alpha = options.alpha ?? 1;
      let beta = options.beta ?? 1;
      if (options.variant !== undefined) {
        const v = MAT_VARIANTS[options.variant];
        if (v === undefined) {
          throw new RangeError(`unknown MAT variant '${options.variant}'; expected one of ${Object.keys(MAT_VARIANTS).join(', ')}`);
        }
        if (!v.so && options.alpha !== undefined && options.alpha !== 0) {
          throw new RangeError(`option 'alpha' conflicts with MAT variant '${options.variant}' (SO off)`);
        }
        if (!v.bibo && options.beta !== undefined && options.beta !== 0) {
          throw new RangeError(`option 'beta' conflicts with MAT variant '${options.variant}' (BIBO off)`);
        }
        if (!v.so) alpha = 0;
        if (!v.bibo) beta = 0;
      }
      return {
        method,
        headKind: 'centers',
        centersNorm,
        settings: beta > 0 ? { dataset, centersNorm, alpha, beta, ...inner } : { centersNorm, alpha, beta },
        loss: (model, x, y, step = 0) => {
          requireCentersHead(model, method);
          return matLoss(model, x, y, { alpha, beta, bibo: { ...inner, seed: seedAt(step) } });
        },
      };
    }
  }
}
