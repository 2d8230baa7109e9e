/**
 * An optimizer's per-variable update as one kernel: TF.js' SGD-momentum makes four element-wise kernel calls
 * per variable and step, Adam eleven, each paying the engine's fixed overhead — a few milliseconds a step
 * for a WideResNet's ~50 variables. A backend offers them by registering the kernels (torch does); the
 * optimizers in ../train/optimizer use them when present and TF.js' own update otherwise. Same arithmetic,
 * in TF.js' order and float32 constants.
 */
import * as tf from '@tensorflow/tfjs';

export const MOMENTUM_UPDATE_KERNEL = 'MatMomentumUpdate';
export const ADAM_UPDATE_KERNEL = 'MatAdamUpdate';

/** Whether the active backend runs `kernelName` (one of the two above). */
export function fusedUpdateAvailable(kernelName: string): boolean {
  return tf.getKernel(kernelName, tf.getBackend()) !== undefined;
}

/** SGD with momentum: a ← m·a + g; value ← value − lr·a (Nesterov: − lr·(g + m·a)). Returns [value, a]. */
export function momentumUpdate(value: tf.Tensor, accumulation: tf.Tensor, gradient: tf.Tensor,
  o: { learningRate: number; momentum: number; nesterov: boolean }): [tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(MOMENTUM_UPDATE_KERNEL, { value, accumulation, gradient }, { ...o }) as unknown as [tf.Tensor, tf.Tensor];
}

/**
 * Adam (Kingma & Ba; TF.js' form): m ← β1·m + (1−β1)·g, v ← β2·v + (1−β2)·g², value ← value −
 * lr·(m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε), with accBeta1/2 = β1ᵗ, β2ᵗ as scalars. Returns [value, m, v].
 */
export function adamUpdate(value: tf.Tensor, m: tf.Tensor, v: tf.Tensor, gradient: tf.Tensor, accBeta1: tf.Tensor, accBeta2: tf.Tensor,
  o: { learningRate: number; beta1: number; beta2: number; epsilon: number }): [tf.Tensor, tf.Tensor, tf.Tensor] {
  return tf.engine().runKernel(ADAM_UPDATE_KERNEL, { value, m, v, gradient, accBeta1, accBeta2 }, { ...o }) as unknown as [tf.Tensor, tf.Tensor, tf.Tensor];
}
