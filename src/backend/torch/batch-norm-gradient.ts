/**
 * FusedBatchNorm's gradient on torch as one native kernel (two passes over x, ATen's batch-norm backward),
 * where TF.js' composed gradient makes about eleven full-size passes — the bulk of a WideResNet step's
 * non-convolution time. Gradients are registered per kernel, not per backend: on every other backend, and for
 * shapes the native kernel does not cover, TF.js' own gradient runs unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { kernel, type TorchKernel } from './kernels/define';

export const BATCH_NORM_GRAD_KERNEL = 'MatFusedBatchNormGrad';
const TORCH = 'torch';

export const batchNormGradKernel: TorchKernel = kernel(BATCH_NORM_GRAD_KERNEL, ({ dy, x, mean, variance, scale }, { varianceEpsilon }, b) =>
  b.run('batchNormGrad', [dy!, x!, mean!, variance!, ...(scale ? [scale] : [])], [varianceEpsilon as number, scale ? 1 : 0]));

/** TF.js' own gradient configuration for a kernel (its registry is a global map; not exported by tfjs). */
function tfjsGradient(kernelName: string): tf.GradConfig | undefined {
  const globals = (globalThis as { _tfGlobals?: Map<string, unknown> })._tfGlobals;
  return (globals?.get('gradRegistry') as Map<string, tf.GradConfig> | undefined)?.get(kernelName);
}

let registered = false;

export function registerBatchNormGradient(): void {
  if (registered) return;
  const original = tfjsGradient('FusedBatchNorm');
  if (!original?.gradFunc) return; // tfjs' internals moved: keep its gradient everywhere
  registered = true;
  tf.registerGradient({
    kernelName: 'FusedBatchNorm',
    inputsToSave: original.inputsToSave,
    gradFunc: (dy, saved, attrs) => {
      const [x, mean, variance, scale] = saved;
      const native = tf.getBackend() === TORCH && x.rank === 4 && mean.rank === 1 && variance.rank === 1 && (scale == null || scale.rank === 1);
      if (!native) return original.gradFunc!(dy, saved, attrs);
      // computed here, in the backward pass' scope, because the engine runs each input's thunk in its own
      // tidy (outputs made inside one would be gone for the next); unused ones go with that scope
      const [dx, dmean, dvariance, dscale, doffset] = tf.engine().runKernel(BATCH_NORM_GRAD_KERNEL,
        { dy: dy as tf.Tensor, x, mean, variance, ...(scale ? { scale } : {}) }, { varianceEpsilon: attrs.varianceEpsilon }) as tf.Tensor[];
      return { x: () => dx.clone(), mean: () => dmean.clone(), variance: () => dvariance.clone(), scale: () => dscale.clone(), offset: () => doffset.clone() };
    },
  });
}
