import * as tf from '@tensorflow/tfjs';
import type { AttackTarget, TargetSpec } from './types';
import { streamSeed } from './seed';

/**
 * Resolves a `TargetSpec` to a [N] int32 tensor owned by the attack (null when untargeted).
 * 'random' draws uniformly among the classes ≠ y with the attack's seed; 'least-likely' takes the argmin
 * of the clean logits; a given tensor is checked and copied.
 */
export function resolveTargets(
  attack: string,
  model: AttackTarget,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  spec: TargetSpec | undefined,
  seed: number,
): tf.Tensor1D | null {
  if (spec === undefined) return null;
  const n = x.shape[0];
  if (spec instanceof tf.Tensor) {
    if (spec.rank !== 1 || spec.shape[0] !== n) {
      throw new TypeError(`${attack}: target labels must have shape [${n}], got [${spec.shape}]`);
    }
    return tf.tidy(() => spec.toInt());
  }
  if (spec !== 'random' && spec !== 'least-likely') {
    throw new RangeError(`${attack}: unknown target '${String(spec)}'; valid: 'random', 'least-likely' or a label tensor`);
  }
  return tf.tidy(() => {
    const logits = model.logits(x, false);
    const numClasses = logits.shape[1];
    if (spec === 'least-likely') return logits.argMin(1) as tf.Tensor1D;
    if (numClasses < 2) throw new RangeError(`${attack}: a random target needs at least 2 classes`);
    // offset uniform in {1, …, C−1}, so the target is uniform over the classes other than y
    const u = tf.randomUniform([n], 0, 1, 'float32', streamSeed(seed, 0x7a59));
    const offset = tf.minimum(u.mul(numClasses - 1).floor(), numClasses - 2).add(1).toInt();
    return y.toInt().add(offset).mod(numClasses) as tf.Tensor1D;
  });
}

/** Per-sample success flags from logits: argmax ≠ y (untargeted) or argmax = t (targeted) → bool [N]. */
export function isSuccessful(logits: tf.Tensor2D, y: tf.Tensor1D, t: tf.Tensor1D | null): tf.Tensor1D {
  return tf.tidy(() => {
    const pred = logits.argMax(1);
    return (t === null ? pred.notEqual(y.toInt()) : pred.equal(t.toInt())) as tf.Tensor1D;
  });
}
