import * as tf from '@tensorflow/tfjs';
import type { AttackTarget } from './types';
import { clipToBox, linfBox } from './projection';
import { whereRows } from './batch';
import { streamSeed } from './seed';

/** Resolved numeric parameters of an L∞ PGD run. */
export interface LinfPgdParams {
  epsilon: number;
  stepSize: number;
  steps: number;
  randomStart: boolean;
  restarts: number;
  seed: number;
}

/**
 * The L∞ projected-gradient loop shared by FGSM, PGD and adaptive PGD (foolbox's generic loop with the
 * L∞ norm plugged in): x ← Π_{B∞(x₀,ε) ∩ [0,1]}(x + α · sign ∇ objective(x)), the *last* iterate of each
 * run is its result (Madry et al. 2018). With restarts > 1, per sample the best run is kept: a successful
 * one over an unsuccessful one, otherwise the one with the higher objective.
 *
 * @param objective per-sample value to maximise → [N]; must be differentiable in its argument
 * @param success   per-sample success flags from logits → bool [N] (only used to rank restarts)
 */
export function runLinfPgd(
  model: AttackTarget,
  x: tf.Tensor4D,
  objective: (xAdv: tf.Tensor4D) => tf.Tensor1D,
  success: (logits: tf.Tensor2D) => tf.Tensor1D,
  p: LinfPgdParams,
): tf.Tensor4D {
  return tf.tidy(() => {
    const { lo, hi } = linfBox(x, p.epsilon);
    const gradOf = tf.grad((xx: tf.Tensor) => objective(xx as tf.Tensor4D).sum()) as (v: tf.Tensor4D) => tf.Tensor4D;
    let best: { x: tf.Tensor4D; loss: tf.Tensor1D; ok: tf.Tensor1D } | null = null;

    for (let r = 0; r < p.restarts; r++) {
      let xAdv = p.randomStart
        ? tf.tidy(() => clipToBox(x.add(tf.randomUniform(x.shape, -p.epsilon, p.epsilon, 'float32', streamSeed(p.seed, r))), lo, hi))
        : x.clone();
      for (let s = 0; s < p.steps; s++) {
        const next = tf.tidy(() => clipToBox(xAdv.add(gradOf(xAdv).sign().mul(p.stepSize)), lo, hi));
        xAdv.dispose();
        xAdv = next;
      }
      if (p.restarts === 1) return xAdv;

      const cand = tf.tidy(() => ({ loss: objective(xAdv), ok: success(model.logits(xAdv, false)) }));
      if (best === null) {
        best = { x: xAdv, loss: cand.loss, ok: cand.ok };
        continue;
      }
      const prev: { x: tf.Tensor4D; loss: tf.Tensor1D; ok: tf.Tensor1D } = best;
      best = tf.tidy(() => {
        // better ⇔ newly successful, or same success status and higher objective
        const better = cand.ok
          .logicalAnd(prev.ok.logicalNot())
          .logicalOr(cand.ok.equal(prev.ok).logicalAnd(cand.loss.greater(prev.loss))) as tf.Tensor1D;
        return {
          x: whereRows(better, xAdv, prev.x),
          loss: tf.where(better, cand.loss, prev.loss) as tf.Tensor1D,
          ok: cand.ok.logicalOr(prev.ok) as tf.Tensor1D,
        };
      });
      tf.dispose([prev.x, prev.loss, prev.ok, xAdv, cand.loss, cand.ok]);
    }
    return best === null ? x.clone() : best.x;
  });
}
