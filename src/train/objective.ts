import type * as tf from '@tensorflow/tfjs';
import type { Classifier } from '../models/classifier';

/** What one training step minimises. `parts` are logged (FTC, SO, BIBO, …); `logits` give batch accuracy. */
export interface LossResult {
  total: tf.Scalar;
  parts?: Record<string, tf.Scalar>;
  logits?: tf.Tensor2D;
}

/** A training method's loss, called inside optimizer.minimize (so it must stay differentiable). */
export type LossFn = (model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, step: number) => LossResult;
