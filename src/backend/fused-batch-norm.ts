/**
 * Batch normalization in training mode as one kernel, and its gradient as one. TF.js composes it from
 * moments (Mean, Sub, Square, Mean) and FusedBatchNorm and differentiates that through about a dozen
 * full-size kernels — most of a WideResNet step's non-convolution time. A backend offers the fused pair by
 * registering both kernels (torch does); callers check `fusedBatchNormTrainingAvailable` and otherwise keep
 * TF.js' composition, which computes the same thing.
 */
import * as tf from '@tensorflow/tfjs';

export const BATCH_NORM_TRAINING_KERNEL = 'MatBatchNormTraining';
export const BATCH_NORM_TRAINING_GRAD_KERNEL = 'MatBatchNormTrainingGrad';

/** Whether the active backend runs the fused pair (the gradient is registered once, for every backend). */
export function fusedBatchNormTrainingAvailable(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(BATCH_NORM_TRAINING_KERNEL, backend) !== undefined
    && tf.getKernel(BATCH_NORM_TRAINING_GRAD_KERNEL, backend) !== undefined;
}

/**
 * y = γ·(x − μ)/√(σ² + ε) + β with the batch's per-channel mean μ and biased variance σ² over every axis but
 * the last (what tf.moments gives); returns [y, μ, σ²]. Differentiable in x, γ and β through y, μ and σ².
 */
export function batchNormTraining(x: tf.Tensor4D, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon: number): [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D] {
  registerGradient();
  return tf.engine().runKernel(BATCH_NORM_TRAINING_KERNEL, { x, scale: gamma, offset: beta }, { varianceEpsilon: epsilon }) as unknown as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D];
}

let registered = false;
function registerGradient(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: BATCH_NORM_TRAINING_KERNEL,
    inputsToSave: ['x', 'scale'],
    outputsToSave: [false, true, true],
    gradFunc: (dys, saved, attrs) => {
      const [dy, dmean, dvariance] = dys as tf.Tensor[];
      const [x, scale, mean, variance] = saved;
      // computed in the backward pass' scope, not in a thunk (each thunk runs in its own tidy)
      const [dx, dscale, doffset] = tf.engine().runKernel(BATCH_NORM_TRAINING_GRAD_KERNEL,
        { dy, x, scale, mean, variance, dmean, dvariance }, { varianceEpsilon: attrs.varianceEpsilon }) as tf.Tensor[];
      return { x: () => dx, scale: () => dscale, offset: () => doffset };
    },
  });
}
