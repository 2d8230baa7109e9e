import type * as tf from '@tensorflow/tfjs';
import type { LossResult } from '../losses/loss-result';
import type { Classifier } from '../models/classifier';

/** A training method's loss (see methods/: a method's `TrainingObjective.loss`), called inside optimizer.minimize. */
export type LossFn = (model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, step: number) => LossResult;
