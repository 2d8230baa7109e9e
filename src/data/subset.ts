import { type Dataset, selectExamples } from './dataset';
import { createRng, shuffleIndices } from './rng';

/** Options for seeded subsets. */
export interface SubsetOptions {
  /** seed of the selection (default 0) */
  seed?: number;
  /**
   * keep class proportions (default false): each class gets round(size · share) examples, rounding by
   * largest remainder so the total is exactly `size`
   */
  stratified?: boolean;
}

/**
 * Chooses `size` distinct indices of `labels` (0..labels.length-1) reproducibly from `seed`, returned in
 * ascending order. Without stratification the subsets for one seed are nested: the subset of size m is
 * contained in the subset of size m' > m.
 */
export function subsetIndices(
  labels: ArrayLike<number>,
  size: number,
  options: SubsetOptions & { numClasses?: number } = {},
): Int32Array {
  const { seed = 0, stratified = false } = options;
  const n = labels.length;
  if (!Number.isInteger(size) || size < 1 || size > n) {
    throw new RangeError(`subset size must be an integer in 1..${n}, got ${size}`);
  }
  const rng = createRng(seed);
  let chosen: Int32Array;
  if (!stratified) {
    chosen = shuffleIndices(n, rng).slice(0, size);
  } else {
    let numClasses = options.numClasses ?? 0;
    for (let i = 0; i < n; i++) numClasses = Math.max(numClasses, labels[i] + 1);
    const members: number[][] = Array.from({ length: numClasses }, () => []);
    for (let i = 0; i < n; i++) members[labels[i]].push(i);
    const exact = members.map((m) => (size * m.length) / n);
    const quota = exact.map(Math.floor);
    let left = size - quota.reduce((a, b) => a + b, 0);
    const order = exact
      .map((e, k) => ({ k, r: e - quota[k] }))
      .sort((a, b) => b.r - a.r || a.k - b.k);
    for (const { k } of order) {
      if (left === 0) break;
      if (quota[k] < members[k].length) {
        quota[k]++;
        left--;
      }
    }
    chosen = new Int32Array(size);
    let j = 0;
    for (let k = 0; k < numClasses; k++) {
      const perm = shuffleIndices(members[k].length, rng);
      for (let t = 0; t < quota[k]; t++) chosen[j++] = members[k][perm[t]];
    }
  }
  return chosen.sort();
}

/** A seeded subset of `size` examples (copies), in the dataset's original order. */
export function takeSubset(dataset: Dataset, size: number, options: SubsetOptions = {}): Dataset {
  return selectExamples(dataset, subsetIndices(dataset.labels, size, { ...options, numClasses: dataset.numClasses }));
}
