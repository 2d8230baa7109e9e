/**
 * Gradients that TF.js composes from many full-size kernels, as one native kernel each on torch:
 * - FusedBatchNorm: ATen's batch-norm backward, two passes over x where TF.js makes about eleven;
 * - Mean: dy broadcast and divided in one pass, where TF.js fills a tensor of ones, multiplies and divides.
 * Together they are most of a WideResNet step's non-convolution time. Gradients are registered per kernel,
 * not per backend: on every other backend, and for shapes a native kernel does not cover, TF.js' own gradient
 * runs unchanged (it is looked up in tfjs' registry before being replaced).
 */
import * as tf from '@tensorflow/tfjs';
import { axesOf, kernel, type TorchKernel } from './kernels/define';

const TORCH = 'torch';
export const BATCH_NORM_GRAD_KERNEL = 'MatFusedBatchNormGrad';
export const MEAN_GRAD_KERNEL = 'MatMeanGrad';

export const gradientKernels: TorchKernel[] = [
  kernel(BATCH_NORM_GRAD_KERNEL, ({ dy, x, mean, variance, scale }, { varianceEpsilon }, b) =>
    b.run('batchNormGrad', [dy!, x!, mean!, variance!, ...(scale ? [scale] : [])], [varianceEpsilon as number, scale ? 1 : 0])),
  kernel(MEAN_GRAD_KERNEL, ({ dy }, { shape, axes }, b) => {
    const xShape = shape as number[];
    const expanded = xShape.map((d, i) => ((axes as number[]).includes(i) ? 1 : d));
    return b.run1('meanGrad', [dy!], [xShape.length, ...expanded, ...xShape]);
  }),
];

/** TF.js' own gradient configuration for a kernel (its registry is a global map; not exported by tfjs). */
function tfjsGradient(kernelName: string): tf.GradConfig | undefined {
  const globals = (globalThis as { _tfGlobals?: Map<string, unknown> })._tfGlobals;
  return (globals?.get('gradRegistry') as Map<string, tf.GradConfig> | undefined)?.get(kernelName);
}

/** Replaces a kernel's gradient by `native` while torch is the active backend and `native` accepts the call. */
function overrideOnTorch(kernelName: string, native: (dy: tf.Tensor, saved: tf.Tensor[], attrs: tf.NamedAttrMap) => ReturnType<NonNullable<tf.GradConfig['gradFunc']>> | undefined): void {
  const original = tfjsGradient(kernelName);
  if (!original?.gradFunc) return; // tfjs' internals moved: keep its gradient everywhere
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) =>
      (tf.getBackend() === TORCH ? native(dy as tf.Tensor, saved, attrs) : undefined) ?? original.gradFunc!(dy, saved, attrs),
  });
}

let registered = false;

export function registerNativeGradients(): void {
  if (registered) return;
  registered = true;
  overrideOnTorch('FusedBatchNorm', (dy, [x, mean, variance, scale], attrs) => {
    if (x.rank !== 4 || mean.rank !== 1 || variance.rank !== 1 || (scale != null && scale.rank !== 1)) return undefined;
    // computed here, in the backward pass' scope, because the engine runs each input's thunk in its own tidy
    // (outputs made inside one would be gone for the next); unused ones go with that scope, and a thunk may hand
    // its tensor out as it is (each is returned once)
    const [dx, dmean, dvariance, dscale, doffset] = tf.engine().runKernel(BATCH_NORM_GRAD_KERNEL,
      { dy, x, mean, variance, ...(scale ? { scale } : {}) }, { varianceEpsilon: attrs.varianceEpsilon }) as tf.Tensor[];
    return { x: () => dx, mean: () => dmean, variance: () => dvariance, scale: () => dscale, offset: () => doffset };
  });
  overrideOnTorch('Mean', (dy, [x], attrs) => {
    if (x.dtype !== 'float32') return undefined;
    const axes = axesOf(attrs.axis as number[], x.rank);
    return { x: () => tf.engine().runKernel(MEAN_GRAD_KERNEL, { dy }, { shape: x.shape, axes }) as tf.Tensor };
  });
}
