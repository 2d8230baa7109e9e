import * as tf from '@tensorflow/tfjs';
import { outsideGradientTape } from './outside-tape';

/** How the inner search starts: at x, at x + U(−ε, ε) (Madry et al.), or at x + σ·N(0, 1) (TRADES). */
export type RandomStart = 'none' | 'uniform' | 'normal';

export interface LinfPgdOptions {
  /** L∞ radius ε (default 0.3, MNIST) */
  epsilon?: number;
  /** step size per sign-gradient step (default 0.01) */
  stepSize?: number;
  /** number of steps (default 40) */
  steps?: number;
  /** start point (default 'normal', TRADES) */
  randomStart?: RandomStart;
  /** σ of the 'normal' start (default 0.001, TRADES) */
  startStd?: number;
  /** seed of the random start; omitted → unseeded */
  seed?: number;
}

/** TRADES' MNIST inner-maximisation settings (`train_trades_mnist.py`): ε 0.3, step 0.01, 40 steps. */
export const MNIST_INNER_MAX = { epsilon: 0.3, stepSize: 0.01, steps: 40 } as const;
/** TRADES' CIFAR-10 settings (`train_trades_cifar10.py`): ε 0.031, step 0.007, 10 steps. */
export const CIFAR10_INNER_MAX = { epsilon: 0.031, stepSize: 0.007, steps: 10 } as const;

/**
 * L∞ projected sign-gradient ascent: x' ← Π_{B_ε(x) ∩ [0,1]} (x' + stepSize · sign(∇_{x'} lossFn(x'))),
 * `steps` times, from the chosen start (projected too). Returns the final x' (the caller disposes it)
 * as a constant: the search runs off any enclosing gradient tape (see {@link outsideGradientTape}),
 * so it can be called inside `optimizer.minimize`.
 *
 * `lossFn(x')` must return a scalar to maximise; use a batch *sum* of per-sample losses (TRADES does),
 * so that each sample's gradient is independent of the batch size (sign makes the scale irrelevant
 * anyway). Put the model in inference mode inside it (`training = false`). x is not modified.
 */
export function linfPgdMaximize(
  lossFn: (xAdv: tf.Tensor4D) => tf.Scalar,
  x: tf.Tensor4D,
  options: LinfPgdOptions = {},
): tf.Tensor4D {
  const {
    epsilon = MNIST_INNER_MAX.epsilon,
    stepSize = MNIST_INNER_MAX.stepSize,
    steps = MNIST_INNER_MAX.steps,
    randomStart = 'normal',
    startStd = 0.001,
    seed,
  } = options;
  if (!(epsilon >= 0)) throw new RangeError(`epsilon must be ≥ 0, got ${epsilon}`);
  if (!(stepSize >= 0)) throw new RangeError(`stepSize must be ≥ 0, got ${stepSize}`);
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`steps must be a non-negative integer, got ${steps}`);
  if (randomStart !== 'none' && randomStart !== 'uniform' && randomStart !== 'normal') {
    throw new RangeError(`unknown randomStart '${randomStart}'; expected 'none', 'uniform' or 'normal'`);
  }
  return outsideGradientTape(() => {
    const lower = tf.tidy(() => tf.maximum(tf.sub(x, epsilon), 0));
    const upper = tf.tidy(() => tf.minimum(tf.add(x, epsilon), 1));
    const project = (v: tf.Tensor4D) => tf.minimum(tf.maximum(v, lower), upper) as tf.Tensor4D;
    let xAdv = tf.tidy(() => {
      if (randomStart === 'none') return project(x);
      const noise =
        randomStart === 'uniform'
          ? tf.randomUniform(x.shape, -epsilon, epsilon, 'float32', seed)
          : tf.randomNormal(x.shape, 0, startStd, 'float32', seed);
      return project(tf.add(x, noise) as tf.Tensor4D);
    });
    const gradFn = tf.grad((v: tf.Tensor) => lossFn(v as tf.Tensor4D));
    for (let i = 0; i < steps; i++) {
      const next = tf.tidy(() => project(tf.add(xAdv, tf.mul(stepSize, tf.sign(gradFn(xAdv)))) as tf.Tensor4D));
      xAdv.dispose();
      xAdv = next;
    }
    lower.dispose();
    upper.dispose();
    return xAdv;
  });
}
