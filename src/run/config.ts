/**
 * A training run's configuration and the results it writes (`<run>/results.json`), plus what its
 * checkpoint stores: the configuration and the classifier's head kind (never guessed from the name).
 */
import type { DatasetName } from '../data/registry';
import type { TrainingObjectiveOptions } from '../methods/method';
import { methodHeadKind, type Method } from '../methods/registry';
import type { Arch, HeadKind } from '../models';
import type { OptimizerName } from '../train/optimizer';
import type { EpochReport } from '../train/trainer';
import type { Provenance } from '../io/provenance';

export interface TrainRunConfig {
  dataset: DatasetName;
  arch: Arch;
  method: Method;
  /** method options: alpha/beta (mat), beta (trades), inner-max epsilon/stepSize/steps, centersNorm… */
  methodOptions?: TrainingObjectiveOptions;
  featureDim?: number;
  /** wrn only */
  depth?: number;
  width?: number;
  epochs: number;
  batchSize: number;
  optimizer: OptimizerName;
  learningRate: number;
  momentum?: number;
  lrMilestones?: number[];
  seed: number;
  /** train / test on seeded subsets (omitted = full split) */
  trainSubset?: number;
  testSubset?: number;
  /** stop after this many optimizer steps (smoke runs) */
  maxSteps?: number;
}

export interface TrainRunResults {
  kind: 'train';
  config: TrainRunConfig;
  objective: { method: Method; headKind: string; settings: Record<string, unknown> };
  metrics: { cleanTestAccuracy: number; testExamples: number; trainExamples: number };
  history: EpochReport[];
  timings: { trainSeconds: number; evalSeconds: number; totalSeconds: number; steps: number };
  resumedFrom?: { epoch: number; batch: number };
  provenance: Provenance;
}

export const CHECKPOINT_FOLDER = 'checkpoint';
export const RESULTS_FILE = 'results.json';

/** What a checkpoint's state.json stores as `config`: the run configuration plus the classifier's head kind. */
export type CheckpointConfig = TrainRunConfig & { headKind: HeadKind };

/**
 * The configuration a checkpoint of `config` stores (and a resume compares). A checkpoint written before
 * head kinds were stored (`saved` without `headKind`) keeps its old form, so it still resumes.
 */
export function checkpointConfig(config: TrainRunConfig, saved?: Record<string, unknown>): TrainRunConfig | CheckpointConfig {
  if (saved !== undefined && !('headKind' in saved)) return config;
  return { ...config, headKind: methodHeadKind(config.method) };
}

/** The run configuration inside a checkpoint's stored config (its head kind removed). */
export function runConfigOf(stored: Record<string, unknown>): TrainRunConfig {
  const { headKind: _headKind, ...config } = stored;
  return config as unknown as TrainRunConfig;
}

/** Default run folder name: dataset-arch-method plus the options that distinguish ablation rows. */
export function defaultRunName(config: Pick<TrainRunConfig, 'dataset' | 'arch' | 'method' | 'methodOptions'>): string {
  const o = config.methodOptions ?? {};
  const tags = Object.entries(o).filter(([k, v]) => v !== undefined && !['dataset', 'seed'].includes(k))
    .map(([k, v]) => `${k}${v}`);
  return [config.dataset, config.arch, config.method, ...tags].join('-');
}
