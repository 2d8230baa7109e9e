/**
 * Adaptive attack objectives (paper §4.4; Carlini et al. 2019; Tramèr et al. 2020): the per-sample losses
 * that adaptive PGD maximises against each defence, i.e. the defence's own training loss with every inner
 * maximisation replaced by its inner function ("the inner maximization can actually be simplified as the
 * inner cosine-distance function since the outer optimization is also a maximization process").
 *
 * - `mat`:    FTC(φ(x'), y) + α·SO(φ(x'), y) + β·CD(φ(x'), φ(x))   (Eq. 9 with BIBO's max dropped)
 * - `trades`: CE(f(x'), y) + β·KL(p(x) ‖ p(x'))                       (Eq. 1 with its max dropped)
 * - `mmc`:    ½‖φ(x') − μ_y‖²                                        (Eq. 2; Tramèr et al. 2020, §MMC)
 * - `ce`:     CE(f(x'), y) — natural training and Madry AT (adaptive PGD = PGD)
 *
 * Each builder returns an {@link AdaptiveLoss} with a `dispose()` that frees what it caches (the centers,
 * and φ(x) / the clean logits, computed once per clean batch instead of once per PGD step).
 */
import * as tf from '@tensorflow/tfjs';
import { centersOf, featureToCenterLossPerSample } from '../losses/feature-to-center';
import { rowCosineDistance } from '../losses/cosine';
import { secondOrderLossPerSample } from '../losses/second-order';
import { klDivergencePerSample } from '../losses/kl';
import { crossEntropyPerSample } from './losses';
import { checkNumber, checkOptions } from './options';
import type { AdaptiveLoss, AttackTarget } from './types';

/** What feature-space objectives need besides logits: φ(x) and the head (a `Classifier` qualifies). */
export interface FeatureAttackTarget extends AttackTarget {
  /** φ(x): [N, D]; attacks call it with training = false */
  features(x: tf.Tensor4D, training?: boolean): tf.Tensor2D;
  /** a copy of the head kernel [D, L] (centersᵀ for a 'centers' head); the caller disposes it */
  headKernel(): tf.Tensor2D;
}

/** An adaptive loss that owns cached tensors; call `dispose()` after the attack. */
export type DisposableAdaptiveLoss = AdaptiveLoss & { dispose(): void };

export interface MatAdaptiveOptions {
  /** weight α of the SO term (default 1; use the run's α: the paper attacks with the training loss) */
  alpha?: number;
  /** weight β of the cosine-distance term CD(φ(x'), φ(x)) (default 1; use the run's β) */
  beta?: number;
}

export interface TradesAdaptiveOptions {
  /** weight β of KL(p(x) ‖ p(x')) (default 1 = TRADES MNIST; TRADES CIFAR-10 uses 6) */
  beta?: number;
}

// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface MmcAdaptiveOptions {}
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface CeAdaptiveOptions {}

/** Options of each objective, by name. */
export interface AdaptiveObjectiveOptionsMap {
  ce: CeAdaptiveOptions;
  mat: MatAdaptiveOptions;
  trades: TradesAdaptiveOptions;
  mmc: MmcAdaptiveOptions;
}
export type AdaptiveObjectiveName = keyof AdaptiveObjectiveOptionsMap;

/** Defaults of each objective (the paper's appendix with its α/β is missing; these are Eq. 9 / TRADES MNIST). */
export const adaptiveObjectiveDefaults = {
  ce: {},
  mat: { alpha: 1, beta: 1 },
  trades: { beta: 1 },
  mmc: {},
} as const;

/**
 * Caches f(xClean) per clean batch (keyed by the tensor's id) outside any tidy, so a PGD run computes it
 * once. The tensor is kept (tf.keep) and freed on the next clean batch or by `dispose()`.
 */
function cleanCache<T extends tf.Tensor>(compute: (xClean: tf.Tensor4D) => T) {
  let id = -1;
  let value: T | null = null;
  return {
    get(xClean: tf.Tensor4D): T {
      if (value === null || id !== xClean.id || value.isDisposed) {
        value?.dispose();
        // computed without a gradient path: the attack differentiates w.r.t. x' only
        value = tf.keep(tf.tidy(() => compute(xClean)));
        id = xClean.id;
      }
      return value;
    },
    dispose() {
      value?.dispose();
      value = null;
      id = -1;
    },
  };
}

function centersOfModel(model: FeatureAttackTarget): tf.Tensor2D {
  return tf.tidy(() => model.headKernel().transpose() as tf.Tensor2D);
}

function requireFeatures(name: string, model: AttackTarget): asserts model is FeatureAttackTarget {
  const m = model as Partial<FeatureAttackTarget>;
  if (typeof m.features !== 'function' || typeof m.headKernel !== 'function') {
    throw new TypeError(`adaptive objective '${name}' needs a model with features(x) and headKernel() (a Classifier)`);
  }
}

/** CE(f(x'), y): the adaptive objective of natural and Madry-AT models (adaptive PGD = PGD). */
export function ceAdaptiveLoss(model: AttackTarget, options: CeAdaptiveOptions = {}): DisposableAdaptiveLoss {
  checkOptions('ce objective', options, []);
  const loss = ((xAdv: tf.Tensor4D, _xClean: tf.Tensor4D, y: tf.Tensor1D) =>
    crossEntropyPerSample(model.logits(xAdv, false), y)) as DisposableAdaptiveLoss;
  loss.dispose = () => undefined;
  return loss;
}

/**
 * §4.4 MAT adaptive objective: FTC(φ(x'), y) + α·SO(φ(x'), y) + β·CD(φ(x'), φ(x)), per sample, with the
 * centers read from the model's 'centers' head. Note SO = (1 − cos²)/‖φ‖² rewards small ‖φ(x')‖.
 */
export function matAdaptiveLoss(model: FeatureAttackTarget, options: MatAdaptiveOptions = {}): DisposableAdaptiveLoss {
  const o = checkOptions('mat objective', options, ['alpha', 'beta']);
  const alpha = checkNumber('mat objective', 'alpha', o.alpha ?? adaptiveObjectiveDefaults.mat.alpha, 0);
  const beta = checkNumber('mat objective', 'beta', o.beta ?? adaptiveObjectiveDefaults.mat.beta, 0);
  requireFeatures('mat', model);
  const centers = centersOfModel(model);
  const cleanPhi = cleanCache((x) => model.features(x, false));
  const loss = ((xAdv: tf.Tensor4D, xClean: tf.Tensor4D, y: tf.Tensor1D) => {
    const phiClean = beta > 0 ? cleanPhi.get(xClean) : null;
    return tf.tidy(() => {
      const phi = model.features(xAdv, false);
      let total = featureToCenterLossPerSample(phi, y, centers);
      if (alpha > 0) total = total.add(secondOrderLossPerSample(phi, y, centers).mul(alpha));
      if (phiClean !== null) total = total.add(rowCosineDistance(phi, phiClean).mul(beta));
      return total as tf.Tensor1D;
    });
  }) as DisposableAdaptiveLoss;
  loss.dispose = () => {
    cleanPhi.dispose();
    centers.dispose();
  };
  return loss;
}

/** §4.4 TRADES adaptive objective: CE(f(x'), y) + β·KL(p(x) ‖ p(x')), per sample. */
export function tradesAdaptiveLoss(model: AttackTarget, options: TradesAdaptiveOptions = {}): DisposableAdaptiveLoss {
  const o = checkOptions('trades objective', options, ['beta']);
  const beta = checkNumber('trades objective', 'beta', o.beta ?? adaptiveObjectiveDefaults.trades.beta, 0);
  const cleanLogits = cleanCache((x) => model.logits(x, false));
  const loss = ((xAdv: tf.Tensor4D, xClean: tf.Tensor4D, y: tf.Tensor1D) => {
    const zClean = cleanLogits.get(xClean);
    return tf.tidy(() => {
      const z = model.logits(xAdv, false);
      return crossEntropyPerSample(z, y).add(klDivergencePerSample(zClean, z).mul(beta)) as tf.Tensor1D;
    });
  }) as DisposableAdaptiveLoss;
  loss.dispose = () => cleanLogits.dispose();
  return loss;
}

/** Tramèr et al. (2020)'s adaptive attack on MMC: maximise the MMC loss ½‖φ(x') − μ_y‖², per sample. */
export function mmcAdaptiveLoss(model: FeatureAttackTarget, options: MmcAdaptiveOptions = {}): DisposableAdaptiveLoss {
  checkOptions('mmc objective', options, []);
  requireFeatures('mmc', model);
  const centers = centersOfModel(model);
  const loss = ((xAdv: tf.Tensor4D, _xClean: tf.Tensor4D, y: tf.Tensor1D) =>
    tf.tidy(() => tf.sum(tf.square(tf.sub(model.features(xAdv, false), centersOf(centers, y))), 1).mul(0.5) as tf.Tensor1D)) as DisposableAdaptiveLoss;
  loss.dispose = () => centers.dispose();
  return loss;
}

type Builder<O> = (model: FeatureAttackTarget, options?: O) => DisposableAdaptiveLoss;

/** Every adaptive objective by name. */
export const adaptiveObjectives: { readonly [N in AdaptiveObjectiveName]: Builder<AdaptiveObjectiveOptionsMap[N]> } = {
  ce: ceAdaptiveLoss,
  mat: matAdaptiveLoss,
  trades: tradesAdaptiveLoss,
  mmc: mmcAdaptiveLoss,
};

export const adaptiveObjectiveNames = Object.keys(adaptiveObjectives) as AdaptiveObjectiveName[];

/**
 * Builds an adaptive objective by name (unknown names throw a RangeError listing the valid ones).
 * `mat` and `mmc` need a model with `features` and `headKernel` (a Classifier with a 'centers' head).
 *
 * @example const loss = adaptiveObjective('mat', model, { alpha: 1, beta: 1 });
 *          const xAdv = adaptivePgd(model, x, y, { preset: 'mnist', loss }); loss.dispose();
 */
export function adaptiveObjective(name: string, model: AttackTarget, options?: Record<string, unknown>): DisposableAdaptiveLoss {
  if (!Object.prototype.hasOwnProperty.call(adaptiveObjectives, name)) {
    throw new RangeError(`unknown adaptive objective '${name}'; valid objectives: ${adaptiveObjectiveNames.join(', ')}`);
  }
  return (adaptiveObjectives[name as AdaptiveObjectiveName] as Builder<Record<string, unknown>>)(model as FeatureAttackTarget, options);
}

/** A serialisable choice of objective (what an evaluation plan stores). */
export interface AdaptiveObjectiveSpec {
  name: AdaptiveObjectiveName;
  options: Record<string, number>;
}
