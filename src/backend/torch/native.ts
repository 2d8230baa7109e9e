/**
 * Loads the libtorch addon (native/, built at `npm install` by scripts/build-native.mjs when a libtorch is
 * found). Its absence is not an error: `loadTorchAddon` says why, and backend selection moves on.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** dtype codes shared with native/ops.cc */
export const DTYPE_CODES = { float32: 0, int32: 1, bool: 2 } as const;
export type NativeDType = keyof typeof DTYPE_CODES;

export interface TorchAddonInfo {
  torchVersion: string;
  threads: number;
  cuda: boolean;
  device: string;
  liveTensors: number;
  bytes: number;
  ops: string[];
}

/** The addon's counters since its last reset (native/addon.cc counters()). */
export interface TorchCounters {
  /** device→host reads: tensors copied out to JavaScript, scalars an op read on the host (each syncs a GPU) */
  readbacks: number;
  /** native kernels run */
  kernels: number;
  /** host→device copies (tensors created from JavaScript values) */
  uploads: number;
  /** seconds spent inside ATen's ops (on CUDA: their launch cost; the GPU runs asynchronously) */
  opSeconds: number;
}

export type TorchPrecision = 'fp32' | 'tf32';

/** The binding surface of native/addon.cc. Slots are integer handles of at::Tensor. */
export interface TorchAddon {
  create(dtypeCode: number, shape: number[], data: Float32Array | Int32Array | Uint8Array): number;
  read(slot: number): Float32Array | Int32Array | Uint8Array;
  free(slot: number): void;
  /** [dtypeCode, ...shape] */
  describe(slot: number): number[];
  opIndex(name: string): number;
  run(op: number, inputs: number[], args: number[]): number[];
  setThreads(n: number): void;
  setDevice(device: 'cpu' | 'cuda'): void;
  info(): TorchAddonInfo;
  counters(): TorchCounters;
  resetCounters(): void;
  /** ATen's global TF32 switches for cuDNN and cuBLAS; returns what they are now */
  setPrecision(mode: TorchPrecision): { allowTF32CuDNN: boolean; allowTF32CuBLAS: boolean };
}

/** Where the build script puts the addon; MAT_TORCH_ADDON overrides (e.g. one built against a CUDA libtorch). */
export function torchAddonPath(): string {
  return process.env.MAT_TORCH_ADDON ?? path.resolve(__dirname, '..', '..', '..', '..', 'native', 'build', 'torch_addon.node');
}

let cached: TorchAddon | { error: string } | undefined;

export function loadTorchAddon(): TorchAddon | { error: string } {
  if (cached) return cached;
  const file = torchAddonPath();
  if (!fs.existsSync(file)) {
    cached = { error: `libtorch addon not built (${path.relative(process.cwd(), file) || file} missing; apt-get install libtorch-dev g++, then npm run build:native)` };
    return cached;
  }
  // OpenMP reads its wait policy once, when libgomp loads: spinning threads fight Node on a 2-core machine
  process.env.OMP_WAIT_POLICY ??= 'PASSIVE';
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    cached = require(file) as TorchAddon;
  } catch (err) {
    cached = { error: `libtorch addon failed to load: ${(err as Error).message.split('\n')[0]}` };
  }
  return cached;
}
