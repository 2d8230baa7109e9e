import type * as tf from '@tensorflow/tfjs';

/** Named loss components (unweighted), for logging. */
export interface LossParts {
  [name: string]: tf.Scalar;
}

/**
 * A training loss value: the scalar to minimise and its named components. `parts` never alias `total`
 * (so `tf.keep`-ing parts inside `optimizer.minimize` and disposing the returned cost is safe).
 */
export interface LossResult<P extends LossParts = LossParts> {
  total: tf.Scalar;
  parts: P;
  /**
   * Training-mode logits of the clean batch, where the loss computes them anyway (natural, TRADES,
   * MMC, MAT); absent for AT and adversarial MMC, which only see x′. For train-accuracy reports.
   */
  logits?: tf.Tensor2D;
}
