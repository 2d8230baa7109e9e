import * as tf from '@tensorflow/tfjs';

/** Validates shapes and the [0,1] range (two scalar read-backs); returns N. NHWC images, one integer label per image. */
export function checkBatch(attack: string, x: tf.Tensor4D, y: tf.Tensor1D): number {
  if (!(x instanceof tf.Tensor) || x.rank !== 4) {
    throw new TypeError(`${attack}: x must be a rank-4 NHWC tensor, got rank ${x instanceof tf.Tensor ? x.rank : typeof x}`);
  }
  if (!(y instanceof tf.Tensor) || y.rank !== 1 || y.shape[0] !== x.shape[0]) {
    throw new TypeError(`${attack}: y must be a [${x.shape[0]}] label tensor, got shape ${y instanceof tf.Tensor ? `[${y.shape}]` : typeof y}`);
  }
  const [lo, hi] = tf.tidy(() => [x.min().dataSync()[0], x.max().dataSync()[0]]);
  if (!(lo >= 0 && hi <= 1)) {
    throw new RangeError(`${attack}: images must lie in [0, 1], got values in [${lo}, ${hi}]`);
  }
  return x.shape[0];
}

/** Per-sample L2 norm of a batch, flattened over all non-batch axes → [N]. */
export function rowNorms(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => t.reshape([t.shape[0], -1]).square().sum(1).sqrt() as tf.Tensor1D);
}

/** Per-sample L∞ norm → [N]. */
export function rowMaxAbs(t: tf.Tensor): tf.Tensor1D {
  return tf.tidy(() => t.reshape([t.shape[0], -1]).abs().max(1) as tf.Tensor1D);
}

/** Reshapes a per-sample [N] tensor to [N, 1, 1, …] so it broadcasts against a batch of rank `rank`. */
export function perSample<T extends tf.Tensor>(v: tf.Tensor1D, rank: number): T {
  return v.reshape([v.shape[0], ...new Array<number>(rank - 1).fill(1)]) as T;
}

/** Row-wise select: row i of `a` where mask[i], else row i of `b`. */
export function whereRows<T extends tf.Tensor>(mask: tf.Tensor1D, a: T, b: T): T {
  return tf.tidy(() => tf.where(perSample(mask, a.rank), a, b));
}

/**
 * Writes rows of `sub` back into a copy of `full`: row `indices[j]` becomes `sub[j]` where `replace[j]`
 * (default: always). One gather on the backend; `indices`/`replace` are small host arrays.
 */
export function scatterRows<T extends tf.Tensor>(full: T, sub: T, indices: number[], replace?: boolean[]): T {
  return tf.tidy(() => {
    const n = full.shape[0];
    const map = Array.from({ length: n }, (_, i) => i);
    indices.forEach((row, j) => {
      if (replace === undefined || replace[j]) map[row] = n + j;
    });
    return tf.gather(tf.concat([full, sub], 0), map) as T;
  });
}

/** Indices i where flags[i] is true. */
export function trueIndices(flags: ArrayLike<number | boolean>): number[] {
  const out: number[] = [];
  for (let i = 0; i < flags.length; i++) if (flags[i]) out.push(i);
  return out;
}
