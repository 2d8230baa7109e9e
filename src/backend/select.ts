/**
 * Picks the fastest TensorFlow.js backend that works here, in this order:
 * tfjs-node-gpu (CUDA) → torch on CUDA (libtorch) → tfjs-node (libtensorflow) → torch on CPU (libtorch,
 * oneDNN) → wasm (XNNPACK, SIMD) → cpu (pure JS).
 * MAT_BACKEND (env) or the CLI's --backend forces one. The native packages are optional
 * dependencies and the libtorch addon is built only where a libtorch is found: absent ones are skipped.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmConvGradients } from './wasm-conv-gradients';
import { registerWasmFastKernels } from './wasm-fast-kernels';
import { registerThreadedWasm } from './wasm-threads';
import * as os from 'node:os';
import { registerTorchBackend, TORCH_BACKEND } from './torch';
import { requestedPrecision, type Precision, type PrecisionInfo } from './precision';

export const BACKEND_NAMES = ['node-gpu', 'torch-cuda', 'node', 'torch', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** What a run records about the backend it used. */
export interface BackendInfo {
  name: BackendName;
  /** tfjs' own backend id ('tensorflow', 'wasm', 'cpu') */
  tfBackend: string;
  threads: number;
  simd?: boolean;
  /** libtorch's version and device, for the torch backends */
  libtorch?: { version: string; device: string };
  /** float32 precision policy (./precision): fp32 unless tf32 was asked for */
  precision: PrecisionInfo;
  tfjsVersion: string;
  /** why faster backends were skipped */
  skipped: Array<{ name: BackendName; reason: string }>;
}

export function parseBackendName(value: string, source: string): BackendName {
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  throw new RangeError(`${source}: unknown backend '${value}' (choose one of ${BACKEND_NAMES.join(', ')})`);
}

async function tryNative(pkg: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(pkg); // registers the 'tensorflow' backend into our tfjs engine
  if (!(await tf.setBackend('tensorflow'))) throw new Error(`${pkg} loaded but its backend failed to start`);
}

/** The precision record of a backend that has no TF32 switch of ours. */
function fixedFp32(mode: Precision, why: string): PrecisionInfo {
  return mode === 'fp32' ? { mode } : { mode, note: `no effect on ${why}: float32 throughout` };
}

async function activate(name: BackendName, precision: Precision): Promise<Omit<BackendInfo, 'skipped' | 'tfjsVersion' | 'name'>> {
  switch (name) {
    case 'node-gpu':
      await tryNative('@tensorflow/tfjs-node-gpu');
      // TensorFlow's own default (TF32 allowed on Ampere+) is not ours to switch from here
      return { tfBackend: 'tensorflow', threads: 0, precision: { mode: precision, note: 'tfjs-node-gpu: TensorFlow decides TF32 use itself' } };
    case 'node':
      await tryNative('@tensorflow/tfjs-node');
      return { tfBackend: 'tensorflow', threads: 0, precision: fixedFp32(precision, 'the CPU') };
    case 'torch':
    case 'torch-cuda': {
      const addon = registerTorchBackend();
      addon.setDevice(name === 'torch-cuda' ? 'cuda' : 'cpu');
      const threads = torchThreads();
      addon.setThreads(threads);
      const tf32 = addon.setPrecision(precision);
      if (!(await tf.setBackend(TORCH_BACKEND))) throw new Error('torch backend failed to initialise');
      const info = addon.info();
      return {
        tfBackend: TORCH_BACKEND, threads: info.threads, libtorch: { version: info.torchVersion, device: info.device },
        precision: { mode: precision, tf32: { cudnn: tf32.allowTF32CuDNN, cublas: tf32.allowTF32CuBLAS },
          ...(name === 'torch' && precision === 'tf32' ? { note: 'no effect on the CPU: float32 throughout' } : {}) },
      };
    }
    case 'wasm': {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
      // tfjs' own loader of the threaded build needs blob: workers (browsers only); ours loads it from files
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      registerWasmConvGradients();
      registerWasmFastKernels();
      const threads = wasmThreads();
      if (threads > 1) await registerThreadedWasm(threads);
      if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend failed to initialise');
      return { tfBackend: 'wasm', threads: wasm.getThreadsCount(), simd: Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')), precision: fixedFp32(precision, 'wasm') };
    }
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('cpu backend failed to initialise');
      return { tfBackend: 'cpu', threads: 1, precision: fixedFp32(precision, 'cpu') };
  }
}

/** A thread count from an environment variable (an integer 1..max), else one per core, at most max. */
function threadsFromEnv(variable: string, max: number): number {
  const env = process.env[variable];
  if (env === undefined) return Math.min(max, Math.max(1, os.cpus().length));
  const n = Number(env);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new RangeError(`${variable} must be an integer 1..${max}, got '${env}'`);
  return n;
}

/** XNNPACK threads for wasm: MAT_WASM_THREADS, else one per core (at most 8, the build's pool size). */
const wasmThreads = () => threadsFromEnv('MAT_WASM_THREADS', 8);

/**
 * libtorch intra-op threads: MAT_TORCH_THREADS, else one per core. Measured on this project's 2-vCPU machines
 * (BENCHMARKS.md): on a quiet machine 2 threads train SmallCNN 17–22 % faster than 1; under load from other
 * jobs 1 thread wins — set MAT_TORCH_THREADS=1 there. Evaluation workers always run 1 thread each.
 */
const torchThreads = () => threadsFromEnv('MAT_TORCH_THREADS', 256);

let current: BackendInfo | undefined;

/**
 * Initialises the backend once per process. `prefer` (or MAT_BACKEND) forces one and fails loudly
 * if it cannot start; otherwise the first working backend in BACKEND_NAMES order wins.
 */
export async function initBackend(options: { prefer?: BackendName; precision?: Precision } = {}): Promise<BackendInfo> {
  const forced = options.prefer ??
    (process.env.MAT_BACKEND ? parseBackendName(process.env.MAT_BACKEND, 'MAT_BACKEND') : undefined);
  const precision = requestedPrecision(options.precision);
  if (current && (!forced || forced === current.name) && precision === current.precision.mode) return current;
  const skipped: BackendInfo['skipped'] = [];
  // a new precision on a running backend re-applies it to that backend
  for (const name of forced ? [forced] : current ? [current.name] : BACKEND_NAMES) {
    try {
      const info = await activate(name, precision);
      await tf.ready();
      current = { name, ...info, tfjsVersion: tf.version.tfjs, skipped };
      return current;
    } catch (err) {
      const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
      if (forced) throw new Error(`backend '${forced}' was requested but cannot start: ${reason}`);
      skipped.push({ name, reason });
    }
  }
  throw new Error(`no TensorFlow.js backend could start: ${skipped.map((s) => `${s.name}: ${s.reason}`).join('; ')}`);
}

/** The backend chosen by initBackend, if any. */
export function backendInfo(): BackendInfo | undefined {
  return current;
}

export function describeBackend(info: BackendInfo): string {
  const threads = info.threads > 0 ? `, ${info.threads} thread${info.threads === 1 ? '' : 's'}` : '';
  const simd = info.simd === undefined ? '' : info.simd ? ', SIMD' : ', no SIMD';
  const torch = info.libtorch ? `, libtorch ${info.libtorch.version} on ${info.libtorch.device}` : '';
  const precision = info.precision.mode === 'fp32' && !info.precision.note ? '' : `, precision ${info.precision.mode}${info.precision.note ? ` (${info.precision.note})` : ''}`;
  return `backend ${info.name} (tfjs ${info.tfjsVersion}${torch}${threads}${simd}${precision})`;
}
