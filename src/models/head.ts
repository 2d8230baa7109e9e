import * as tf from '@tensorflow/tfjs';
import type { HeadKind } from './classifier';
import { SeedSequence } from './init';

/** Name of the Dense layer whose (linear) output is φ(x). */
export const FEATURES_LAYER = 'features';
/** Name of the Dense layer that maps φ to logits. */
export const LOGITS_LAYER = 'logits';

export interface HeadOptions {
  numClasses: number;
  featureDim: number;
  headKind: HeadKind;
  /** [numClasses, featureDim] rows μ_k; required for headKind 'centers' */
  centers?: tf.Tensor2D | number[][];
  /** initialise the linear head's weights to zero (TRADES SmallCNN does this for fc3) */
  zeroInitLinearHead?: boolean;
}

/**
 * Appends `features` = Dense(featureDim, linear) and `logits` = Dense(numClasses) to a body output.
 * For 'centers' the logits layer has no bias and its kernel is set after the model is built
 * (see {@link setCenters}); it is marked non-trainable there.
 */
export function appendHead(
  body: tf.SymbolicTensor,
  opts: HeadOptions,
  seeds: SeedSequence,
): { features: tf.SymbolicTensor; logits: tf.SymbolicTensor } {
  const features = tf.layers
    .dense({
      units: opts.featureDim,
      name: FEATURES_LAYER,
      kernelInitializer: seeds.linearDefault(),
      biasInitializer: 'zeros',
    })
    .apply(body) as tf.SymbolicTensor;
  const headSeed = seeds.linearDefault();
  const logits = tf.layers
    .dense(
      opts.headKind === 'centers'
        ? { units: opts.numClasses, name: LOGITS_LAYER, useBias: false, kernelInitializer: 'zeros' }
        : {
            units: opts.numClasses,
            name: LOGITS_LAYER,
            kernelInitializer: opts.zeroInitLinearHead ? 'zeros' : headSeed,
            biasInitializer: 'zeros',
          },
    )
    .apply(features) as tf.SymbolicTensor;
  return { features, logits };
}

/**
 * Writes the class centers into a built 'centers' head (kernel = centersᵀ, MAT transformation, Sec. 3.3)
 * and freezes it: the layer and its underlying tf.Variable are marked non-trainable, so neither
 * `model.trainableWeights` nor a bare `optimizer.minimize(f)` (which takes all trainable variables) moves it.
 */
export function setCenters(logitsLayer: tf.layers.Layer, centers: tf.Tensor2D | number[][]): void {
  const c = centers instanceof tf.Tensor ? centers : tf.tensor2d(centers);
  try {
    const [numClasses, featureDim] = c.shape;
    const kernelShape = logitsLayer.getWeights()[0].shape;
    if (kernelShape[0] !== featureDim || kernelShape[1] !== numClasses) {
      throw new RangeError(
        `centers must have shape [numClasses, featureDim] = [${kernelShape[1]}, ${kernelShape[0]}], got [${c.shape}]`,
      );
    }
    tf.tidy(() => logitsLayer.setWeights([c.transpose()]));
  } finally {
    if (c !== centers) c.dispose();
  }
  logitsLayer.trainable = false;
}
