/**
 * The L2 threat model: images in [0, 1] and a Euclidean radius ε around the clean image. Its one projection
 * is onto B₂(x, ε) ∩ [0, 1] — the exact Euclidean projection, not "scale into the ball, then clip" — used by
 * every L2 fixed-ε attack, the evaluator and the tests.
 */
import * as tf from '@tensorflow/tfjs';

/** An L2 PGD budget: radius, length of each normalised-gradient step, number of steps (Madry et al.'s L2 PGD). */
export interface L2Budget {
  epsilon: number;
  stepSize: number;
  steps: number;
}

/** Bisection steps of the projection: the scale t is found to 2⁻³⁰ (far below float32's resolution of a pixel). */
const BISECTION_STEPS = 30;

/** Per-sample L2 norm over all non-batch axes, shaped [N, 1, …] to broadcast against the batch. */
function rowL2(t: tf.Tensor): tf.Tensor {
  return tf.tidy(() => t.square().reshape([t.shape[0], -1]).sum(1).sqrt().reshape([t.shape[0], ...new Array<number>(t.rank - 1).fill(1)]));
}

/**
 * Π_{B₂(x, ε) ∩ [0,1]}(v), per sample. With d = v − x the KKT conditions give δ = clip(d/(1+λ), −x, 1 − x)
 * for the smallest λ ≥ 0 that puts δ inside the ball; ‖clip(t·d, −x, 1 − x)‖₂ grows monotonically in
 * t = 1/(1+λ) ∈ [0, 1], so t is found by bisection (the lower end is kept: the result is always feasible).
 * Points whose clipped d is already inside the ball are just clipped.
 */
export function projectToL2Ball(v: tf.Tensor4D, x: tf.Tensor4D, epsilon: number): tf.Tensor4D {
  return tf.tidy(() => {
    const d = v.sub(x);
    const lo = x.neg(), hi = tf.scalar(1).sub(x);
    const at = (t: tf.Tensor) => tf.minimum(tf.maximum(d.mul(t), lo), hi);
    const inside = rowL2(at(tf.scalar(1))).lessEqual(epsilon);
    let low: tf.Tensor = tf.zerosLike(inside).toFloat(), high: tf.Tensor = tf.onesLike(low);
    for (let i = 0; i < BISECTION_STEPS; i++) {
      const mid = low.add(high).div(2);
      const ok = rowL2(at(mid)).lessEqual(epsilon);
      const l = tf.where(ok, mid, low), h = tf.where(ok, high, mid);
      tf.dispose([low, high, mid, ok]);
      low = l; high = h;
    }
    return x.add(at(tf.where(inside, tf.onesLike(low), low))) as tf.Tensor4D;
  });
}
