import * as tf from '@tensorflow/tfjs';
import { batches, type Dataset } from '../data';

/** Anything with logits: a Classifier, or a wrapper around one. */
export interface LogitsModel { logits(x: tf.Tensor4D, training?: boolean): tf.Tensor2D }

/** Predicted classes (argmax of the logits, inference mode) for every example, in dataset order. */
export async function predictClasses(model: LogitsModel, data: Dataset, batchSize = 500): Promise<Int32Array> {
  const out = new Int32Array(data.count);
  let offset = 0;
  for (const batch of batches(data, { batchSize, shuffle: false })) {
    const pred = tf.tidy(() => model.logits(batch.x, false).argMax(1));
    out.set(await pred.data() as Int32Array, offset);
    offset += batch.x.shape[0];
    tf.dispose([pred, batch.x, batch.y]);
  }
  return out;
}

/** Fraction of examples whose predicted class equals the label. */
export async function accuracy(model: LogitsModel, data: Dataset, batchSize = 500): Promise<number> {
  const pred = await predictClasses(model, data, batchSize);
  let correct = 0;
  for (let i = 0; i < data.count; i++) if (pred[i] === data.labels[i]) correct++;
  return correct / Math.max(data.count, 1);
}
