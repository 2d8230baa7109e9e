import * as tf from '@tensorflow/tfjs';

/** Per-sample value of logit `labels[i]`: z[i, labels[i]] → [N]. Differentiable in `logits`. */
export function pickLogit(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => logits.mul(tf.oneHot(labels.toInt(), logits.shape[1])).sum(1) as tf.Tensor1D);
}

/** max_{i ≠ cls} z_i per sample → [N]. Differentiable in `logits`. */
export function maxOtherLogit(logits: tf.Tensor2D, cls: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const mask = tf.oneHot(cls.toInt(), logits.shape[1]).cast('bool');
    return tf.where(mask, tf.fill(logits.shape, -Infinity), logits).max(1) as tf.Tensor1D;
  });
}

/** Logit margin z_cls − max_{i≠cls} z_i → [N] (negative ⇔ some other class wins). Used by C&W (Eq. 6 of C&W 2017). */
export function logitMargin(logits: tf.Tensor2D, cls: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => pickLogit(logits, cls).sub(maxOtherLogit(logits, cls)) as tf.Tensor1D);
}

/** Per-sample cross-entropy −log softmax(z)_y → [N]. */
export function crossEntropyPerSample(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => tf.logSumExp(logits, 1).sub(pickLogit(logits, labels)) as tf.Tensor1D);
}

/**
 * Indices of the k largest logits per sample, in decreasing order (k × [N]). Built from argMax + masking
 * rather than tf.topk, because tfjs has no TopK gradient and the tape would otherwise fail on it.
 */
function topIndices(logits: tf.Tensor2D, k: number): tf.Tensor1D[] {
  const out: tf.Tensor1D[] = [];
  let masked: tf.Tensor2D = logits;
  for (let j = 0; j < k; j++) {
    const idx = masked.argMax(1) as tf.Tensor1D;
    out.push(idx);
    if (j + 1 < k) masked = tf.where(tf.oneHot(idx, logits.shape[1]).cast('bool'), tf.fill(logits.shape, -Infinity), masked);
  }
  return out;
}

/**
 * Difference of Logits Ratio (Croce & Hein 2020, Eq. 4), per sample, to be *maximised* by the attacker:
 *   DLR(z, y) = −(z_y − max_{i≠y} z_i) / (z_π1 − z_π3 + 1e-12),
 * with π the logits sorted in decreasing order. Shift- and scale-invariant in z. Needs ≥ 3 classes.
 */
export function dlrLoss(logits: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
  if (logits.shape[1] < 3) throw new RangeError(`dlrLoss needs at least 3 classes, got ${logits.shape[1]}`);
  return tf.tidy(() => {
    const [i1, , i3] = topIndices(logits, 3);
    const denom = pickLogit(logits, i1).sub(pickLogit(logits, i3)).add(1e-12);
    return logitMargin(logits, y).neg().div(denom) as tf.Tensor1D;
  });
}

/**
 * Targeted DLR (Croce & Hein 2020, Eq. 5 as in fra31/auto-attack), to be maximised:
 *   −(z_y − z_t) / (z_π1 − ½(z_π3 + z_π4) + 1e-12). Needs ≥ 4 classes.
 */
export function targetedDlrLoss(logits: tf.Tensor2D, y: tf.Tensor1D, t: tf.Tensor1D): tf.Tensor1D {
  if (logits.shape[1] < 4) throw new RangeError(`targetedDlrLoss needs at least 4 classes, got ${logits.shape[1]}`);
  return tf.tidy(() => {
    const [i1, , i3, i4] = topIndices(logits, 4);
    const denom = pickLogit(logits, i1)
      .sub(pickLogit(logits, i3).add(pickLogit(logits, i4)).mul(0.5))
      .add(1e-12);
    return pickLogit(logits, y).sub(pickLogit(logits, t)).neg().div(denom) as tf.Tensor1D;
  });
}
