/**
 * The in-memory dataset: plain typed arrays (cheap to keep, slice and share), turned into tensors
 * only per batch (see batches.ts).
 */

/** Which part of a dataset. */
export type DatasetSplit = 'train' | 'test';

/** Valid splits, in display order. */
export const DATASET_SPLITS: readonly DatasetSplit[] = ['train', 'test'];

/**
 * A labelled image set. `images` is NHWC float32 in [0, 1]: example i occupies
 * `images.subarray(i * h * w * c, (i + 1) * h * w * c)`, pixel (y, x) channel k at `((y * w) + x) * c + k`.
 * Datasets returned by loadDataset share their arrays with the in-process cache: treat them as read-only.
 */
export interface Dataset {
  readonly name: string;
  readonly split: DatasetSplit;
  readonly images: Float32Array;
  /** class ids in [0, numClasses) */
  readonly labels: Int32Array;
  readonly count: number;
  /** [height, width, channels] of one example */
  readonly shape: readonly [number, number, number];
  readonly numClasses: number;
  readonly classNames: readonly string[];
  /** for subsets: the index of each example in the full split it came from */
  readonly sourceIndices?: Int32Array;
}

/** Number of float values in one example (h·w·c). */
export function exampleSize(dataset: Pick<Dataset, 'shape'>): number {
  const [h, w, c] = dataset.shape;
  return h * w * c;
}

/**
 * Builds a Dataset from arrays, checking that sizes agree and labels are in range
 * (throws RangeError otherwise: this is for programmatic construction; file problems raise DatasetError).
 */
export function createDataset(fields: {
  name: string;
  split: DatasetSplit;
  images: Float32Array;
  labels: Int32Array;
  shape: readonly [number, number, number];
  numClasses: number;
  classNames?: readonly string[];
  sourceIndices?: Int32Array;
}): Dataset {
  const { images, labels, shape, numClasses } = fields;
  const count = labels.length;
  const size = shape[0] * shape[1] * shape[2];
  if (images.length !== count * size) {
    throw new RangeError(
      `dataset '${fields.name}': ${images.length} image values do not make ${count} examples of ${shape.join('×')}`,
    );
  }
  for (let i = 0; i < count; i++) {
    const v = labels[i];
    if (!(v >= 0 && v < numClasses)) {
      throw new RangeError(`dataset '${fields.name}': label ${v} at index ${i} is outside 0..${numClasses - 1}`);
    }
  }
  const classNames = fields.classNames ?? Array.from({ length: numClasses }, (_, k) => String(k));
  if (classNames.length !== numClasses) {
    throw new RangeError(`dataset '${fields.name}': ${classNames.length} class names for ${numClasses} classes`);
  }
  if (fields.sourceIndices && fields.sourceIndices.length !== count) {
    throw new RangeError(`dataset '${fields.name}': sourceIndices has ${fields.sourceIndices.length} entries for ${count} examples`);
  }
  return {
    name: fields.name,
    split: fields.split,
    images,
    labels,
    count,
    shape: [shape[0], shape[1], shape[2]],
    numClasses,
    classNames,
    ...(fields.sourceIndices ? { sourceIndices: fields.sourceIndices } : {}),
  };
}

/**
 * A new Dataset holding copies of the given examples, in the given order. `sourceIndices` maps back to
 * the full split (composed through earlier selections).
 */
export function selectExamples(dataset: Dataset, indices: ArrayLike<number>): Dataset {
  const size = exampleSize(dataset);
  const n = indices.length;
  const images = new Float32Array(n * size);
  const labels = new Int32Array(n);
  const source = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= dataset.count) {
      throw new RangeError(`index ${i} is outside 0..${dataset.count - 1} of dataset '${dataset.name}'`);
    }
    images.set(dataset.images.subarray(i * size, (i + 1) * size), j * size);
    labels[j] = dataset.labels[i];
    source[j] = dataset.sourceIndices ? dataset.sourceIndices[i] : i;
  }
  return {
    name: dataset.name,
    split: dataset.split,
    images,
    labels,
    count: n,
    shape: dataset.shape,
    numClasses: dataset.numClasses,
    classNames: dataset.classNames,
    sourceIndices: source,
  };
}

/** Number of examples per class, indexed by class id. */
export function classCounts(dataset: Pick<Dataset, 'labels' | 'numClasses'>): number[] {
  const counts = new Array<number>(dataset.numClasses).fill(0);
  for (let i = 0; i < dataset.labels.length; i++) counts[dataset.labels[i]]++;
  return counts;
}
