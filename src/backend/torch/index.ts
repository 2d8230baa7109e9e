/**
 * Registers the `torch` backend: the native kernels of ./kernels, and for every other kernel the cpu
 * backend implements, a fallback (./fallback). Kernels throw `Unsupported` for attribute combinations the
 * native op does not cover, and that call falls back too.
 */
import * as tf from '@tensorflow/tfjs';
import { TorchBackend } from './backend';
import { loadTorchAddon, type TorchAddon } from './native';
import { convolutionKernels } from './kernels/convolution';
import { elementwiseKernels } from './kernels/elementwise';
import { reductionKernels } from './kernels/reduction';
import { shapeKernels } from './kernels/shape';
import { fusedKernels } from './kernels/fused';
import { Unsupported } from './kernels/unsupported';
import { runOnCpu } from './fallback';
import type { TorchKernel } from './kernels/define';
import { gradientKernels, registerNativeGradients } from './gradients';

export { TorchBackend } from './backend';
export { fallbackCounts, resetFallbackCounts } from './fallback';
export { loadTorchAddon, torchAddonPath, type TorchAddon, type TorchAddonInfo, type TorchCounters, type TorchPrecision } from './native';

export const TORCH_BACKEND = 'torch';

export const nativeKernels: TorchKernel[] = [...elementwiseKernels, ...convolutionKernels, ...reductionKernels, ...shapeKernels, ...gradientKernels, ...fusedKernels];

let registered: TorchAddon | undefined;

/** Registers the backend and its kernels once per tfjs engine; throws with the reason when no addon is built. */
export function registerTorchBackend(): TorchAddon {
  if (registered) return registered;
  const addon = loadTorchAddon();
  if ('error' in addon) throw new Error(addon.error);
  tf.registerBackend(TORCH_BACKEND, () => new TorchBackend(addon), 0);
  const native = new Set<string>();
  for (const k of nativeKernels) {
    native.add(k.name);
    tf.registerKernel({
      kernelName: k.name, backendName: TORCH_BACKEND,
      kernelFunc: ({ inputs, attrs, backend }) => {
        try {
          return k.run(inputs, attrs ?? {}, backend as TorchBackend);
        } catch (err) {
          if (!(err instanceof Unsupported)) throw err;
          return runOnCpu(k.name, err.message, inputs, attrs ?? {}, backend as TorchBackend);
        }
      },
    });
  }
  for (const cpuKernel of tf.getKernelsForBackend('cpu')) {
    if (native.has(cpuKernel.kernelName)) continue;
    tf.registerKernel({
      kernelName: cpuKernel.kernelName, backendName: TORCH_BACKEND,
      kernelFunc: ({ inputs, attrs, backend }) => runOnCpu(cpuKernel.kernelName, 'no native kernel', inputs, attrs ?? {}, backend as TorchBackend),
    });
  }
  registerNativeGradients();
  registered = addon;
  return addon;
}

/** The addon's counters (readbacks, kernels, uploads, time in ATen) since the last reset; undefined before torch is registered. */
export function torchCounters(): import('./native').TorchCounters | undefined {
  return registered?.counters();
}

export function resetTorchCounters(): void {
  registered?.resetCounters();
}
