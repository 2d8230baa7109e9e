/**
 * The dataset registry: one entry per dataset (its file under datasets/ holds every per-dataset fact).
 *
 * Adding a dataset (3 files): datasets/<name>.ts exporting its DatasetEntry (loader, threat model with the
 * reason for each number, TRADES β, default architecture, paper column), its test under test/data/, and
 * one line below. The CLI (--dataset), the attack presets, the training objectives, the profiles and the
 * reports pick it up from here.
 */
import type { DatasetEntry } from './dataset-entry';
import { cifar10 } from './datasets/cifar10';
import { fashionMnist } from './datasets/fashion-mnist';
import { mnist } from './datasets/mnist';

export const DATASETS = {
  mnist,
  'fashion-mnist': fashionMnist,
  cifar10,
} as const satisfies Record<string, DatasetEntry>;

/** Datasets the workbench knows. */
export type DatasetName = keyof typeof DATASETS;

/** Names loadDataset accepts, in registry order. */
export const DATASET_NAMES = Object.keys(DATASETS) as DatasetName[];

/** True when `name` is a registered dataset. */
export function isDatasetName(name: string): name is DatasetName {
  return Object.prototype.hasOwnProperty.call(DATASETS, name);
}

/** The registry entry of a dataset; unknown names throw a RangeError listing the valid ones. */
export function datasetEntry(name: string): DatasetEntry<DatasetName> {
  if (!isDatasetName(name)) throw new RangeError(`unknown dataset '${name}'; valid names: ${DATASET_NAMES.join(', ')}`);
  return DATASETS[name];
}
