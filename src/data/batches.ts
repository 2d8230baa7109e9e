/**
 * Mini-batches as tensors, built per batch from the dataset's typed arrays (memory stays flat: only the
 * current batch lives on the backend). The caller disposes each batch's tensors.
 */
import * as tf from '@tensorflow/tfjs';
import { type Dataset, exampleSize } from './dataset';
import { createRng, mixSeeds, shuffleIndices } from './rng';

/** Options of batches(). */
export interface BatchOptions {
  /** examples per batch (default 128, the TRADES reference code's value; the paper states none) */
  batchSize?: number;
  /** visit examples in a seeded random order (default true); false keeps dataset order */
  shuffle?: boolean;
  /** run seed of the order (default 0) */
  seed?: number;
  /** epoch number (default 0): the order is a function of (seed, epoch) only, so a resumed run sees the same batches */
  epoch?: number;
  /** drop the last batch when it is smaller than batchSize (default false) */
  dropLast?: boolean;
  /** skip the first batches of the epoch without building them (default 0), to resume mid-epoch */
  startBatch?: number;
}

/** One mini-batch. The caller owns (and disposes) x and y. */
export interface Batch {
  /** images [n, h, w, c], float32 in [0, 1] */
  x: tf.Tensor4D;
  /** class ids [n], int32 */
  y: tf.Tensor1D;
  /** dataset indices of the rows of x and y */
  indices: Int32Array;
  /** position of this batch in the epoch (0-based) */
  batchIndex: number;
}

/**
 * The order in which an epoch visits examples: 0..count-1 when `shuffle` is false, else a permutation
 * determined only by (seed, epoch).
 */
export function epochOrder(
  count: number,
  options: { seed?: number; epoch?: number; shuffle?: boolean } = {},
): Int32Array {
  const { seed = 0, epoch = 0, shuffle = true } = options;
  if (!shuffle) {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = i;
    return out;
  }
  return shuffleIndices(count, createRng(mixSeeds(seed, epoch)));
}

/** Number of batches in an epoch of `count` examples. */
export function numBatches(count: number, batchSize: number, dropLast = false): number {
  checkBatchSize(batchSize);
  return dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

function checkBatchSize(batchSize: number): void {
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}`);
  }
}

/** x and y tensors for the given examples, in the given order (copies; the caller disposes). */
export function tensorsAt(dataset: Dataset, indices: ArrayLike<number>): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const size = exampleSize(dataset);
  const n = indices.length;
  const xs = new Float32Array(n * size);
  const ys = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= dataset.count) {
      throw new RangeError(`index ${i} is outside 0..${dataset.count - 1} of dataset '${dataset.name}'`);
    }
    xs.set(dataset.images.subarray(i * size, (i + 1) * size), j * size);
    ys[j] = dataset.labels[i];
  }
  const [h, w, c] = dataset.shape;
  return { x: tf.tensor4d(xs, [n, h, w, c], 'float32'), y: tf.tensor1d(ys, 'int32') };
}

/**
 * x and y tensors for examples [start, end) (default: the whole dataset), as copies of the typed
 * arrays. The caller disposes.
 */
export function toTensors(
  dataset: Dataset,
  range: { start?: number; end?: number } = {},
): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const { start = 0, end = dataset.count } = range;
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > dataset.count || start > end) {
    throw new RangeError(`range [${start}, ${end}) is not inside [0, ${dataset.count}] of dataset '${dataset.name}'`);
  }
  const size = exampleSize(dataset);
  const [h, w, c] = dataset.shape;
  return {
    x: tf.tensor4d(dataset.images.slice(start * size, end * size), [end - start, h, w, c], 'float32'),
    y: tf.tensor1d(dataset.labels.slice(start, end), 'int32'),
  };
}

/**
 * Yields the mini-batches of one epoch. Each epoch covers every example exactly once (the last batch is
 * smaller unless dropLast). Tensors are built lazily per batch; dispose them when done.
 *
 * @example for (const { x, y } of batches(train, { batchSize: 64, seed: 1, epoch })) { step(x, y); tf.dispose([x, y]); }
 */
export function* batches(dataset: Dataset, options: BatchOptions = {}): Generator<Batch, void, undefined> {
  const { batchSize = 128, shuffle = true, seed = 0, epoch = 0, dropLast = false, startBatch = 0 } = options;
  const total = numBatches(dataset.count, batchSize, dropLast);
  if (!Number.isInteger(startBatch) || startBatch < 0 || startBatch > total) {
    throw new RangeError(`startBatch must be an integer in 0..${total}, got ${startBatch}`);
  }
  const order = epochOrder(dataset.count, { seed, epoch, shuffle });
  for (let b = startBatch; b < total; b++) {
    const indices = order.slice(b * batchSize, Math.min((b + 1) * batchSize, dataset.count));
    const { x, y } = tensorsAt(dataset, indices);
    yield { x, y, indices, batchIndex: b };
  }
}
