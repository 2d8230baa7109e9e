/** The shape of one torch kernel: a TF.js kernel name and a function of its inputs, attributes and backend. */
import type * as tf from '@tensorflow/tfjs';
import type { TorchBackend } from '../backend';

export interface TorchKernel {
  name: string;
  run(inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap, backend: TorchBackend): tf.TensorInfo | tf.TensorInfo[];
}

export function kernel(name: string, run: TorchKernel['run']): TorchKernel {
  return { name, run };
}

/** A kernel that maps its inputs, in the listed order, to one native op with no attributes. */
export function direct(name: string, op: string, inputNames: string[]): TorchKernel {
  return kernel(name, (inputs, _attrs, backend) => backend.run1(op, inputNames.map((n) => inputs[n]!)));
}

/** Axes as a list of non-negative integers (TF.js allows a number, negatives and null = all). */
export function axesOf(axis: number | number[] | null | undefined, rank: number): number[] {
  if (axis == null) return [...Array(rank).keys()];
  return (Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + rank : a));
}
