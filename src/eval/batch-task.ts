/**
 * The unit of evaluation work, identical in-process and in a worker thread: one task (clean prediction or
 * one attack step) on one batch. The evaluator — not the attack — decides success (foolbox's split):
 * fixed-ε results are projected onto B(x, ε) ∩ [0,1] of the step's norm before they are classified (any excess is reported),
 * minimisation results are classified as returned and their L2 distance measured.
 */
import * as tf from '@tensorflow/tfjs';
import { attacks, runAttack, type AttackTarget } from '../attacks';
import { adaptiveObjective, type DisposableAdaptiveLoss } from '../attacks/adaptive-objectives';
import { projectToBall } from '../threat';
import type { AttackStepSpec } from './plan';

/** What the evaluator needs from a model: logits; feature-space adaptive objectives also use φ and the head. */
export interface EvalModel extends AttackTarget {
  features?(x: tf.Tensor4D, training?: boolean): tf.Tensor2D;
  headKernel?(): tf.Tensor2D;
}

export type EvalTask = { kind: 'clean' } | { kind: 'attack'; step: AttackStepSpec };

/** Per-sample results of a task on a batch (plain arrays: they cross thread boundaries). */
export interface TaskResult {
  /** clean: 1 where the prediction equals the label */
  correct?: Uint8Array;
  /** attack: 1 where the adversarial is misclassified */
  success?: Uint8Array;
  /** minimisation attacks: ‖x' − x‖₂ per sample (NaN where unsuccessful) */
  l2?: Float32Array;
  /** fixed-ε attacks: how far the raw output left B∞(x, ε) ∩ [0,1] before projection (0 when inside) */
  maxViolation?: number;
  seconds: number;
}

/**
 * The raw output of a step's attack on a batch (adaptive PGD gets its objective built for `model`). The caller
 * owns the result; fixed-ε outputs are not yet projected (see {@link attackBatch}).
 */
export function runStepAttack(model: EvalModel, step: AttackStepSpec, x: tf.Tensor4D, y: tf.Tensor1D): tf.Tensor4D {
  let loss: DisposableAdaptiveLoss | undefined;
  const options: Record<string, unknown> = { ...step.options };
  if (attacks[step.attack].adaptive && step.objective !== undefined) {
    loss = adaptiveObjective(step.objective.name, model, step.objective.options);
    options.loss = loss;
  }
  try {
    return runAttack(step.attack, model, x, y, options);
  } finally {
    loss?.dispose();
  }
}

/**
 * The adversarial batch the evaluator classifies: fixed-ε outputs projected onto B(x, ε) ∩ [0,1] (the step's norm),
 * minimisation outputs as returned. The caller owns the result.
 */
export function attackBatch(model: EvalModel, step: AttackStepSpec, x: tf.Tensor4D, y: tf.Tensor1D): tf.Tensor4D {
  const xAdv = runStepAttack(model, step, x, y);
  if (step.kind !== 'fixed-epsilon') return xAdv;
  const projected = projectToBall(step.norm ?? 'linf', xAdv, x, step.epsilon ?? 0);
  xAdv.dispose();
  return projected;
}

/** Runs `task` on the batch (x, y); reads back only per-sample flags and norms. Inputs are not disposed. */
export async function runTaskOnBatch(model: EvalModel, task: EvalTask, x: tf.Tensor4D, y: tf.Tensor1D): Promise<TaskResult> {
  const started = performance.now();
  if (task.kind === 'clean') {
    const ok = tf.tidy(() => model.logits(x, false).argMax(1).equal(y.toInt()));
    const correct = new Uint8Array(await ok.data());
    ok.dispose();
    return { correct, seconds: (performance.now() - started) / 1000 };
  }
  const step = task.step;
  const xAdv = runStepAttack(model, step, x, y);
  if (step.kind === 'fixed-epsilon') {
    const [okT, violT] = tf.tidy(() => {
      const projected = projectToBall(step.norm ?? 'linf', xAdv, x, step.epsilon ?? 0);
      const violation = xAdv.sub(projected).abs().max();
      return [model.logits(projected, false).argMax(1).notEqual(y.toInt()), violation];
    });
    const [ok, viol] = await Promise.all([okT.data(), violT.data()]);
    tf.dispose([okT, violT, xAdv]);
    return { success: new Uint8Array(ok), maxViolation: viol[0], seconds: (performance.now() - started) / 1000 };
  }
  const [okT, normT] = tf.tidy(() => {
    const ok = model.logits(xAdv, false).argMax(1).notEqual(y.toInt());
    const d = xAdv.sub(x);
    const norms = d.reshape([d.shape[0], -1]).square().sum(1).sqrt();
    return [ok, tf.where(ok, norms, tf.fill(norms.shape, NaN))];
  });
  const [ok, norms] = await Promise.all([okT.data(), normT.data()]);
  tf.dispose([okT, normT, xAdv]);
  return { success: new Uint8Array(ok), l2: new Float32Array(norms), seconds: (performance.now() - started) / 1000 };
}
