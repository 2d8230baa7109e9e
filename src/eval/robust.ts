import * as tf from '@tensorflow/tfjs';
import { batches, type Dataset } from '../data';
import type { LogitsModel } from './predict';

/** An attack as the evaluator sees it: (model, clean x, labels) → adversarial x. */
export type AttackFn = (model: LogitsModel, x: tf.Tensor4D, y: tf.Tensor1D) => tf.Tensor4D;

export interface RobustnessResult {
  /** per example: correct on the clean input */
  clean: Uint8Array;
  /** per example: still correct on the adversarial input */
  robust: Uint8Array;
  cleanAccuracy: number;
  robustAccuracy: number;
  seconds: number;
}

/**
 * Clean and robust accuracy of `model` under `attack`, batch by batch (only per-example flags are read
 * back). An example counts as robust only if it is classified correctly both clean and attacked.
 */
export async function evaluateRobustness(model: LogitsModel, data: Dataset, attack: AttackFn,
  options: { batchSize?: number; onBatch?: (done: number, total: number) => void } = {}): Promise<RobustnessResult> {
  const { batchSize = 200 } = options;
  const clean = new Uint8Array(data.count), robust = new Uint8Array(data.count);
  const started = performance.now();
  let offset = 0;
  for (const batch of batches(data, { batchSize, shuffle: false })) {
    const xAdv = attack(model, batch.x, batch.y);
    const [c, r] = tf.tidy(() => [
      model.logits(batch.x, false).argMax(1).equal(batch.y),
      model.logits(xAdv, false).argMax(1).equal(batch.y),
    ]);
    const [cv, rv] = await Promise.all([c.data(), r.data()]);
    for (let i = 0; i < cv.length; i++) { clean[offset + i] = cv[i]; robust[offset + i] = cv[i] && rv[i] ? 1 : 0; }
    offset += cv.length;
    tf.dispose([c, r, xAdv, batch.x, batch.y]);
    options.onBatch?.(offset, data.count);
  }
  const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / Math.max(a.length, 1);
  return { clean, robust, cleanAccuracy: mean(clean), robustAccuracy: mean(robust), seconds: (performance.now() - started) / 1000 };
}
