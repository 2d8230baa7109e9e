/**
 * The two threat models side by side — L∞ and L2 balls intersected with the image box [0, 1] — as one
 * record per norm: its projection (the one of linf-ball.ts / l2-ball.ts), its steepest-ascent direction,
 * its random starts and the norm of a perturbation. Attacks take `norm` and look the rest up here, so no
 * attack writes its own projection.
 */
import * as tf from '@tensorflow/tfjs';
import { projectToLinfBall } from './linf-ball';
import { projectToL2Ball } from './l2-ball';

export type Norm = 'linf' | 'l2';
export const NORMS: readonly Norm[] = ['linf', 'l2'];

export interface NormBall {
  norm: Norm;
  /** how reports write it */
  label: string;
  /** Π_{B(x, ε) ∩ [0,1]}(v) */
  project(v: tf.Tensor4D, x: tf.Tensor4D, epsilon: number): tf.Tensor4D;
  /** the unit-norm direction of steepest ascent for a gradient: sign(g) (L∞), g/‖g‖₂ (L2) */
  ascent(grad: tf.Tensor4D): tf.Tensor4D;
  /** per-sample norm of a perturbation → [N] */
  of(delta: tf.Tensor): tf.Tensor1D;
  /** a random point on the sphere of radius ε around x (before projection): APGD's and FAB's start */
  surface(x: tf.Tensor4D, epsilon: number, seed?: number): tf.Tensor4D;
  /** a random point inside the ball (before projection): PGD's start (L∞: uniform per pixel; L2: uniform in the ball) */
  inside(x: tf.Tensor4D, epsilon: number, seed?: number): tf.Tensor4D;
  /** the largest sensible ε for images in [0, 1] of `size` values (the diameter of the box) */
  maxEpsilon(size: number): number;
}

const perSampleShape = (x: tf.Tensor) => [x.shape[0], ...new Array<number>(x.rank - 1).fill(1)];
const linfOf = (t: tf.Tensor) => tf.tidy(() => t.reshape([t.shape[0], -1]).abs().max(1) as tf.Tensor1D);
const l2Of = (t: tf.Tensor) => tf.tidy(() => t.reshape([t.shape[0], -1]).square().sum(1).sqrt() as tf.Tensor1D);

export const linfBall: NormBall = {
  norm: 'linf', label: 'L∞',
  project: projectToLinfBall,
  ascent: (g) => tf.tidy(() => g.sign() as tf.Tensor4D),
  of: linfOf,
  // x + ε·t/‖t‖∞, t ~ U(−1, 1)^D (autopgd_base.py)
  surface: (x, epsilon, seed) => tf.tidy(() => {
    const t = tf.randomUniform(x.shape, -1, 1, 'float32', seed);
    return x.add(t.div(linfOf(t).add(1e-12).reshape(perSampleShape(t))).mul(epsilon)) as tf.Tensor4D;
  }),
  inside: (x, epsilon, seed) => tf.tidy(() => x.add(tf.randomUniform(x.shape, -epsilon, epsilon, 'float32', seed)) as tf.Tensor4D),
  maxEpsilon: () => 1,
};

export const l2Ball: NormBall = {
  norm: 'l2', label: 'L2',
  project: projectToL2Ball,
  ascent: (g) => tf.tidy(() => g.div(l2Of(g).add(1e-12).reshape(perSampleShape(g))) as tf.Tensor4D),
  of: l2Of,
  // x + ε·t/‖t‖₂, t ~ N(0, I) (autopgd_base.py's L2 start)
  surface: (x, epsilon, seed) => tf.tidy(() => {
    const t = tf.randomNormal(x.shape, 0, 1, 'float32', seed);
    return x.add(t.div(l2Of(t).add(1e-12).reshape(perSampleShape(t))).mul(epsilon)) as tf.Tensor4D;
  }),
  // uniform in the ball: direction on the sphere, radius ε·u^(1/D)
  inside: (x, epsilon, seed) => tf.tidy(() => {
    const size = x.size / x.shape[0];
    const t = tf.randomNormal(x.shape, 0, 1, 'float32', seed);
    const r = tf.randomUniform([x.shape[0]], 0, 1, 'float32', seed === undefined ? undefined : seed + 1).pow(1 / size).mul(epsilon);
    return x.add(t.div(l2Of(t).add(1e-12).reshape(perSampleShape(t))).mul(r.reshape(perSampleShape(t)))) as tf.Tensor4D;
  }),
  maxEpsilon: (size) => Math.sqrt(size),
};

/** The ball of a norm (RangeError naming the valid norms). */
export function normBall(norm: string | undefined): NormBall {
  const n = norm ?? 'linf';
  if (n === 'linf') return linfBall;
  if (n === 'l2') return l2Ball;
  throw new RangeError(`unknown norm '${String(norm)}'; valid norms: ${NORMS.join(', ')}`);
}

/** Π onto the ball of `norm` ∩ [0, 1] (the evaluator's projection of every fixed-ε output). */
export function projectToBall(norm: Norm, v: tf.Tensor4D, x: tf.Tensor4D, epsilon: number): tf.Tensor4D {
  return normBall(norm).project(v, x, epsilon);
}
