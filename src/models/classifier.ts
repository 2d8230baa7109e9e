import * as tf from '@tensorflow/tfjs';

/** How the classifier turns features φ into logits. */
export type HeadKind =
  /** trainable dense layer with bias (natural CE, AT, TRADES) */
  | 'linear'
  /** fixed bias-free layer whose rows are the Max-Mahalanobis centers (MAT transformation; also MMC,
   *  whose logits −½‖φ−μ_k‖² differ from φ·μ_k only by a per-row constant, so softmax/CE/margins agree) */
  | 'centers';

/**
 * A classifier split into a feature extractor φ and a head, as MAT, MMC and the analysis need.
 * Wraps one standard tf.LayersModel (input → … → layer 'features' → layer 'logits'), so checkpoints
 * are ordinary TensorFlow.js models. φ is the *linear* output of the layer named 'features' (no ReLU
 * after it), for every method, so that cosine geometry is not confined to the positive orthant.
 */
export interface Classifier {
  readonly arch: string;
  readonly numClasses: number;
  readonly featureDim: number;
  /** NHWC input shape without the batch dimension */
  readonly inputShape: [number, number, number];
  readonly headKind: HeadKind;
  /** the full model, input → logits (what is saved; `model.dispose()` frees the classifier) */
  readonly model: tf.LayersModel;
  /** φ(x): [N, featureDim]. `training` enables dropout / batch-norm updates. */
  features(x: tf.Tensor4D, training?: boolean): tf.Tensor2D;
  /** head applied to features: [N, numClasses] */
  headLogits(phi: tf.Tensor2D): tf.Tensor2D;
  /** logits(x) = head(φ(x)) */
  logits(x: tf.Tensor4D, training?: boolean): tf.Tensor2D;
  /** a copy of the head's weight matrix [featureDim, numClasses] (the centers, transposed, for 'centers');
   *  the caller disposes it */
  headKernel(): tf.Tensor2D;
  /** what the optimizer may change; pass as `varList` to `optimizer.minimize` (a 'centers' head is
   *  excluded; batch-norm moving statistics are not variables an optimizer touches) */
  trainableVariables(): tf.Variable[];
}
