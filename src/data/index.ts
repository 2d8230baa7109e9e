export { DatasetError, type DatasetProblem } from './errors';
export { createRng, gaussian, mixSeeds, shuffleIndices, type Rng } from './rng';
export { isGzip, readFileBytes, bytesToUnit } from './files';
export {
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  parseIdx,
  readIdxFile,
  readIdxImages,
  readIdxLabels,
  type IdxFile,
  type IdxImages,
} from './idx';
export {
  DATASET_SPLITS,
  classCounts,
  createDataset,
  exampleSize,
  selectExamples,
  type Dataset,
  type DatasetSplit,
} from './dataset';
export {
  FASHION_MNIST_CLASS_NAMES,
  FASHION_MNIST_DEBIAN_DIR,
  FASHION_MNIST_DEBIAN_PACKAGE,
  FASHION_MNIST_DIR_ENV,
  IDX_FILE_NAMES,
  MNIST_CLASS_NAMES,
  MNIST_DIR_ENV,
  loadIdxDataset,
  mnistPackageDir,
  resolveFashionMnistDir,
  resolveMnistDir,
} from './mnist';
export {
  CIFAR10_CLASS_NAMES,
  CIFAR10_DIR_ENV,
  CIFAR10_FILES,
  CIFAR10_FOLDER,
  CIFAR10_META_FILE,
  CIFAR10_RECORD_BYTES,
  cifarMetaText,
  encodeCifarRecords,
  loadCifar10Split,
  parseCifarBatch,
  resolveCifar10Dir,
  writeCifar10Files,
  type CifarRecord,
} from './cifar10';
export {
  SYNTHETIC_CIFAR10_DEFAULTS,
  SYNTHETIC_CIFAR10_MARKER,
  checkWritableSyntheticDir,
  syntheticCifarRecord,
  writeSyntheticCifar10,
  type SyntheticCifar10Marker,
  type SyntheticCifar10Options,
} from './synthetic-cifar10';
export { subsetIndices, takeSubset, type SubsetOptions } from './subset';
export { clearDatasetCache, datasetCacheSize } from './cache';
export { datasetInfo, loadDataset, type DatasetInfo, type LoadDatasetOptions } from './load';
export { DATASETS, DATASET_NAMES, datasetEntry, isDatasetName, type DatasetName } from './registry';
export { epsilonRange, type DatasetEntry, type ThreatModel } from './dataset-entry';
export { batches, epochOrder, numBatches, tensorsAt, toTensors, type Batch, type BatchOptions } from './batches';
