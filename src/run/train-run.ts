/**
 * A training run as the CLI, `npm start`, the reproduction script and the notebooks all use it:
 * configuration in, run folder out (checkpoint/, results.json with provenance). Re-running a finished
 * configuration reuses its results; `resume` continues an interrupted one.
 */
import * as path from 'node:path';
import { loadDataset, type Dataset } from '../data';
import { interruptible } from '../io/interrupt';
import { writeJsonAtomic } from '../io/json';
import { provenance } from '../io/provenance';
import { maxMahalanobisCenters } from '../losses/max-mahalanobis-centers';
import { trainingObjective } from '../methods/registry';
import { createClassifier } from '../models';
import { accuracy } from '../models/predict';
import { assertSameConfig, loadCheckpointModel, loadCheckpointState, hasCheckpoint } from '../train/checkpoint';
import { train, RESUMABLE_CHANGES, type BatchReport, type EpochReport } from '../train/trainer';
import { CHECKPOINT_FOLDER, checkpointConfig, RESULTS_FILE, type TrainRunConfig, type TrainRunResults } from './config';
import { openRunFolder } from './run-folder';

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

/** Builds a fresh classifier for a run configuration (centers head for MAT/MMC). */
export function buildRunClassifier(config: TrainRunConfig, data: Pick<Dataset, 'shape' | 'numClasses'>) {
  const objective = trainingObjective(config.method, { dataset: config.dataset, seed: config.seed, ...config.methodOptions });
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
  return interruptible(async () => {
    const lock = openRunFolder(runDir, checkpointDir, {
      resume: hooks.resume === true, notice: hooks.onNotice ?? ((m) => process.stderr.write(`${m}\n`)),
    });
    try {
      return await trainLocked(config, runDir, checkpointDir, hooks);
    } finally {
      // released before an interrupt's error reaches the caller: a re-run may take the folder at once
      lock.release();
    }
  });
}

async function trainLocked(config: TrainRunConfig, runDir: string, checkpointDir: string, hooks: TrainRunHooks): Promise<TrainRunResults> {
  const started = performance.now();
  const prov = provenance();
  const trainData = await loadDataset(config.dataset, 'train', { subset: config.trainSubset, subsetSeed: config.seed });
  const testData = await loadDataset(config.dataset, 'test', { subset: config.testSubset, subsetSeed: config.seed });
  const { model, objective } = buildRunClassifier(config, trainData);
  const resumed = hooks.resume === true && hasCheckpoint(checkpointDir);
  // the checkpoint stores the head kind beside the configuration (a checkpoint from before keeps its form)
  const stored = checkpointConfig(config, hasCheckpoint(checkpointDir) ? loadCheckpointState(checkpointDir).config : undefined);
  if (resumed) {
    // configuration and weight shapes are compared before any weight is read; the optimizer state is restored by train()
    assertSameConfig(checkpointDir, loadCheckpointState(checkpointDir).config, stored as unknown as Record<string, unknown>, RESUMABLE_CHANGES);
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
    config: stored as unknown as Record<string, unknown>, maxSteps: config.maxSteps,
    onBatchEnd: hooks.onBatchEnd, onEpochEnd: hooks.onEpochEnd,
  });
  const evalStart = performance.now();
  const cleanTestAccuracy = await accuracy(model, testData);
  const evalSeconds = (performance.now() - evalStart) / 1000;
  const results: TrainRunResults = {
    kind: 'train', config,
    objective: { method: config.method, headKind: objective.headKind, settings: { ...objective.settings } },
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
