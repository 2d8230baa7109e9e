/**
 * A training run as the CLI, `npm start`, the reproduction script and the notebooks all use it:
 * configuration in, run folder out (checkpoint/, results.json with provenance). Re-running a finished
 * configuration reuses its results; `resume` continues an interrupted one.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset, type Dataset, type DatasetName } from '../data';
import { accuracy } from '../eval/predict';
import { maxMahalanobisCenters } from '../losses/max-mahalanobis-centers';
import { trainingObjective, type Method, type TrainingObjectiveOptions } from '../losses/objective';
import { classifierFromModel, createClassifier, type Arch, type Classifier } from '../models';
import { assertSameConfig, holdsCheckpointData, loadCheckpointModel, loadCheckpointState, hasCheckpoint } from '../train/checkpoint';
import { train, RESUMABLE_CHANGES, type BatchReport, type EpochReport } from '../train/trainer';
import type { OptimizerName } from '../train/optimizer';
import { provenance, type Provenance } from './provenance';
import { openRunFolder } from './run-folder';

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

/** Default run folder name: dataset-arch-method plus the options that distinguish ablation rows. */
export function defaultRunName(config: Pick<TrainRunConfig, 'dataset' | 'arch' | 'method' | 'methodOptions'>): string {
  const o = config.methodOptions ?? {};
  const tags = Object.entries(o).filter(([k, v]) => v !== undefined && !['dataset', 'seed'].includes(k))
    .map(([k, v]) => `${k}${v}`);
  return [config.dataset, config.arch, config.method, ...tags].join('-');
}

export interface TrainRunHooks {
  resume?: boolean;
  /** also checkpoint inside an epoch every this many steps */
  checkpointEvery?: number;
  /** hears what the run did besides training (stale locks taken over, crashed writes cleaned); default stderr */
  onNotice?: (message: string) => void;
  onBatchEnd?: (r: BatchReport) => void;
  onEpochEnd?: (r: EpochReport) => void;
  /** called once the data and model exist, before the first step */
  onStart?: (info: { trainExamples: number; batchesPerEpoch: number; parameters: number; resumed: boolean }) => void;
}

function datasetPreset(name: DatasetName): 'mnist' | 'cifar10' {
  return name === 'cifar10' ? 'cifar10' : 'mnist';
}

/** Builds a fresh classifier for a run configuration (centers head for MAT/MMC). */
export function buildRunClassifier(config: TrainRunConfig, data: Pick<Dataset, 'shape' | 'numClasses'>) {
  const objective = trainingObjective(config.method, { dataset: datasetPreset(config.dataset), seed: config.seed, ...config.methodOptions });
  const featureDim = config.featureDim;
  const extra = config.arch === 'wrn' ? { depth: config.depth, width: config.width } : {};
  const probe = createClassifier(config.arch, { inputShape: [...data.shape], numClasses: data.numClasses, featureDim, seed: config.seed, ...extra });
  const dim = probe.featureDim;
  probe.model.dispose();
  const centers = objective.headKind === 'centers' ? maxMahalanobisCenters(data.numClasses, dim, objective.centersNorm) : undefined;
  const model = createClassifier(config.arch, {
    inputShape: [...data.shape], numClasses: data.numClasses, featureDim, seed: config.seed, headKind: objective.headKind, centers, ...extra,
  });
  centers?.dispose();
  return { model, objective };
}

export async function runTraining(config: TrainRunConfig, runDir: string, hooks: TrainRunHooks = {}): Promise<TrainRunResults> {
  const checkpointDir = path.join(runDir, CHECKPOINT_FOLDER);
  const lock = openRunFolder(runDir, checkpointDir, {
    resume: hooks.resume === true, notice: hooks.onNotice ?? ((m) => process.stderr.write(`${m}\n`)),
  });
  try {
    return await trainLocked(config, runDir, checkpointDir, hooks);
  } finally {
    lock.release();
  }
}

async function trainLocked(config: TrainRunConfig, runDir: string, checkpointDir: string, hooks: TrainRunHooks): Promise<TrainRunResults> {
  const started = performance.now();
  const prov = provenance();
  const trainData = await loadDataset(config.dataset, 'train', { subset: config.trainSubset, subsetSeed: config.seed });
  const testData = await loadDataset(config.dataset, 'test', { subset: config.testSubset, subsetSeed: config.seed });
  const { model, objective } = buildRunClassifier(config, trainData);
  const resumed = hooks.resume === true && hasCheckpoint(checkpointDir);
  if (resumed) {
    // configuration and weight shapes are compared before any weight is read; the optimizer state is restored by train()
    assertSameConfig(checkpointDir, loadCheckpointState(checkpointDir).config, config as unknown as Record<string, unknown>, RESUMABLE_CHANGES);
    const saved = await loadCheckpointModel(checkpointDir, { expectShapes: model.model.weights.map((w) => ({ name: w.name, shape: w.shape })) });
    model.model.setWeights(saved.getWeights());
    saved.dispose();
  }
  hooks.onStart?.({
    trainExamples: trainData.count, batchesPerEpoch: Math.ceil(trainData.count / config.batchSize),
    parameters: model.model.countParams(), resumed,
  });
  const trainResult = await train(model, trainData, objective.loss, {
    epochs: config.epochs, batchSize: config.batchSize, seed: config.seed,
    optimizer: { name: config.optimizer, learningRate: config.learningRate, momentum: config.momentum },
    lrMilestones: config.lrMilestones, checkpointDir, resume: hooks.resume, checkpointEvery: hooks.checkpointEvery,
    config: config as unknown as Record<string, unknown>, maxSteps: config.maxSteps,
    onBatchEnd: hooks.onBatchEnd, onEpochEnd: hooks.onEpochEnd,
  });
  const evalStart = performance.now();
  const cleanTestAccuracy = await accuracy(model, testData);
  const evalSeconds = (performance.now() - evalStart) / 1000;
  const results: TrainRunResults = {
    kind: 'train', config,
    objective: { method: objective.method, headKind: objective.headKind, settings: { ...objective.settings } },
    metrics: { cleanTestAccuracy, testExamples: testData.count, trainExamples: trainData.count },
    history: trainResult.epochs,
    timings: { trainSeconds: trainResult.seconds, evalSeconds, totalSeconds: (performance.now() - started) / 1000, steps: trainResult.steps },
    resumedFrom: trainResult.resumedFrom,
    provenance: prov,
  };
  writeJsonAtomic(path.join(runDir, RESULTS_FILE), results);
  model.model.dispose();
  return results;
}

/** Loads a trained classifier from a run folder (or a checkpoint folder directly). */
export async function loadRunClassifier(dir: string): Promise<{ model: Classifier; config?: TrainRunConfig }> {
  // a checkpoint folder itself, or a run folder; loading names what is missing or refused
  const checkpointDir = holdsCheckpointData(dir) ? dir : path.join(dir, CHECKPOINT_FOLDER);
  const state = loadCheckpointState(checkpointDir);
  const config = state.config as unknown as TrainRunConfig;
  const layers = await loadCheckpointModel(checkpointDir);
  const headKind = config?.method === 'mat' || config?.method === 'mmc' ? 'centers' : 'linear';
  return { model: classifierFromModel(layers, { arch: config?.arch ?? 'unknown', headKind }), config };
}

export function readResults<T = TrainRunResults>(runDir: string): T | undefined {
  const p = path.join(runDir, RESULTS_FILE);
  return fs.existsSync(p) ? JSON.parse(fs.readFileSync(p, 'utf8')) as T : undefined;
}

export function writeJsonAtomic(file: string, value: unknown): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify(value, null, 2) + '\n');
  fs.renameSync(tmp, file);
}

