/**
 * Kernels without a native version run on the `cpu` backend's implementation: inputs are copied out of
 * libtorch, the cpu kernel runs, outputs are copied back. Each kernel name is logged once (stderr) and every
 * call counted, so `mat bench` can show which fallbacks a step hit — the hot path should hit none.
 */
import * as tf from '@tensorflow/tfjs';
import type { TorchBackend } from './backend';

const counts = new Map<string, number>();
const logged = new Set<string>();

/** Calls per kernel name that ran on the cpu fallback since the last reset. */
export function fallbackCounts(): Record<string, number> {
  return Object.fromEntries(counts);
}

export function resetFallbackCounts(): void {
  counts.clear();
}

function note(name: string, why: string): void {
  counts.set(name, (counts.get(name) ?? 0) + 1);
  if (!logged.has(name) && process.env.MAT_TORCH_QUIET_FALLBACK !== '1') {
    logged.add(name);
    process.stderr.write(`[torch] kernel ${name} runs on the cpu fallback (${why})\n`);
  }
}

/** Runs the cpu backend's kernel `name` on torch tensors. */
export function runOnCpu(name: string, why: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, torch: TorchBackend): tf.TensorInfo | tf.TensorInfo[] {
  note(name, why);
  const config = tf.getKernel(name, 'cpu');
  if (!config) throw new Error(`torch backend: kernel ${name} has neither a native nor a cpu implementation`);
  const cpu = tf.findBackend('cpu') as tf.KernelBackend & {
    makeTensorInfo(shape: number[], dtype: tf.DataType, values?: tf.backend_util.BackendValues): tf.TensorInfo;
  };
  const cpuInputs: tf.NamedTensorInfoMap = Array.isArray(inputs) ? ([] as never) : {};
  const created: tf.TensorInfo[] = [];
  for (const [key, t] of Object.entries(inputs)) {
    if (!t) continue;
    const info = cpu.makeTensorInfo(t.shape, t.dtype, torch.readSync(t.dataId));
    created.push(info);
    (cpuInputs as Record<string, tf.TensorInfo>)[key] = info;
  }
  const result = config.kernelFunc({ inputs: cpuInputs, attrs, backend: cpu });
  const outs = Array.isArray(result) ? result : [result];
  const back = outs.map((o) => torch.makeTensorInfo(o.shape, o.dtype, cpu.readSync(o.dataId) as tf.backend_util.BackendValues));
  for (const t of new Set([...created, ...outs].map((t) => t.dataId))) cpu.disposeData(t, true);
  return Array.isArray(result) ? back : back[0];
}
