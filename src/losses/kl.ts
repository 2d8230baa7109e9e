import * as tf from '@tensorflow/tfjs';

/**
 * KL(p_clean ‖ p_adv) per sample from logits = Σ_k p_k (log p_k − log q_k), with p = softmax(clean),
 * q = softmax(adv): PyTorch's `KLDivLoss(log_softmax(adv), softmax(clean))` summed over classes. [N]
 * log p is taken from logSoftmax (stable; p_k = 0 terms contribute 0 as with PyTorch's xlogy).
 */
export function klDivergencePerSample(cleanLogits: tf.Tensor2D, advLogits: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const logp = tf.logSoftmax(cleanLogits);
    const logq = tf.logSoftmax(advLogits);
    return tf.sum(tf.mul(tf.exp(logp), tf.sub(logp, logq)), 1) as tf.Tensor1D;
  });
}
