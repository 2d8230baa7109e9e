/**
 * One training loop for every method (natural, AT, TRADES, MMC, MAT): the method only supplies its
 * loss. Seeded batch order, per-epoch learning-rate schedule, atomic checkpoints (at each epoch end and
 * every few minutes inside long epochs) and exact resume. Progress is reported through callbacks; the
 * library never prints.
 */
import * as tf from '@tensorflow/tfjs';
import { batches, numBatches, type Dataset } from '../data';
import type { Classifier } from '../models/classifier';
import {
  assertSameConfig, hasCheckpoint, loadCheckpointState, loadOptimizerState, saveCheckpoint, CheckpointError,
} from './checkpoint';
import type { LossFn } from './loss-fn';
import { createOptimizer, setLearningRate, stepSchedule, type OptimizerOptions } from './optimizer';

export interface BatchReport {
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  step: number;
  /** running means over the epoch so far */
  loss: number;
  parts: Record<string, number>;
  accuracy: number;
  imagesPerSecond: number;
  learningRate: number;
}

export interface EpochReport {
  epoch: number;
  loss: number;
  parts: Record<string, number>;
  trainAccuracy: number;
  seconds: number;
  imagesPerSecond: number;
  learningRate: number;
  /** whatever `evaluate` returned for this epoch */
  eval?: Record<string, number>;
}

export interface TrainOptions {
  epochs: number;
  batchSize?: number;
  seed?: number;
  optimizer?: OptimizerOptions;
  /** epochs (0-based) at which the learning rate is multiplied by `lrGamma` */
  lrMilestones?: number[];
  lrGamma?: number;
  /** folder of the latest checkpoint; omitted = no checkpoints */
  checkpointDir?: string;
  /** continue from checkpointDir if it holds a checkpoint; otherwise refuse to overwrite one */
  resume?: boolean;
  /** also checkpoint inside an epoch after this many seconds (default 600) */
  checkpointSeconds?: number;
  /** configuration a resumed run must match (stored in the checkpoint) */
  config?: Record<string, unknown>;
  /** reads back loss/accuracy every this many steps (default 10): each read forces a backend sync */
  reportEvery?: number;
  onBatchEnd?: (report: BatchReport) => void;
  onEpochEnd?: (report: EpochReport) => void | Promise<void>;
  /** called after each epoch, e.g. clean test accuracy */
  evaluate?: (model: Classifier, epoch: number) => Promise<Record<string, number>> | Record<string, number>;
  /** stop after this many steps in total (tests, smoke profiles) */
  maxSteps?: number;
}

export interface TrainResult {
  epochs: EpochReport[];
  /** epoch the run started from (> 0 when resumed) */
  resumedFrom?: { epoch: number; batch: number };
  steps: number;
  seconds: number;
}

interface Progress { epoch: number; nextBatch: number; step: number; history: EpochReport[] }

export async function train(model: Classifier, data: Dataset, loss: LossFn, options: TrainOptions): Promise<TrainResult> {
  const {
    epochs, batchSize = 128, seed = 0, lrMilestones = [], lrGamma = 0.1, checkpointDir, resume = false,
    checkpointSeconds = 600, config = {}, reportEvery = 10, maxSteps = Infinity,
  } = options;
  const optimizer = createOptimizer(options.optimizer);
  const lrAt = stepSchedule(options.optimizer?.learningRate ?? 0.01, lrMilestones, lrGamma);
  const perEpoch = numBatches(data.count, batchSize);
  const variables = model.trainableVariables();

  let progress: Progress = { epoch: 0, nextBatch: 0, step: 0, history: [] };
  let resumedFrom: TrainResult['resumedFrom'];
  if (checkpointDir && hasCheckpoint(checkpointDir)) {
    if (!resume) {
      throw new CheckpointError(checkpointDir, 'already holds a checkpoint: pass --resume to continue it, or choose another run folder');
    }
    const state = loadCheckpointState(checkpointDir);
    assertSameConfig(checkpointDir, state.config, config, ['epochs']);
    await loadOptimizerState(checkpointDir, optimizer);
    progress = { epoch: state.epoch, nextBatch: Number(state.nextBatch ?? 0), step: state.step, history: (state.history as EpochReport[]) ?? [] };
    resumedFrom = { epoch: progress.epoch, batch: progress.nextBatch };
  }

  const save = async () => {
    if (!checkpointDir) return;
    await saveCheckpoint(checkpointDir, model.model, optimizer, {
      epoch: progress.epoch, nextBatch: progress.nextBatch, step: progress.step, config, history: progress.history,
    });
  };

  const started = performance.now();
  let stepsThisRun = 0;
  for (; progress.epoch < epochs && progress.step < maxSteps; progress.epoch++, progress.nextBatch = 0) {
    const epoch = progress.epoch;
    const lr = lrAt(epoch);
    setLearningRate(optimizer, lr);
    const epochStart = performance.now();
    let lastSave = performance.now();
    // running sums are kept on the backend and read back every `reportEvery` steps
    let seen = 0, lossSum = 0, correctSum = 0;
    const partSums: Record<string, number> = {};
    let pending: { total: tf.Scalar; correct?: tf.Scalar; parts: Record<string, tf.Scalar>; n: number }[] = [];
    const flush = () => {
      for (const p of pending) {
        lossSum += p.total.dataSync()[0] * p.n;
        if (p.correct) correctSum += p.correct.dataSync()[0];
        for (const [k, v] of Object.entries(p.parts)) partSums[k] = (partSums[k] ?? 0) + v.dataSync()[0] * p.n;
        tf.dispose([p.total, p.correct ?? [], ...Object.values(p.parts)]);
      }
      pending = [];
    };
    const means = () => Object.fromEntries(Object.entries(partSums).map(([k, v]) => [k, v / Math.max(seen, 1)]));

    for (const batch of batches(data, { batchSize, seed, epoch, shuffle: true, startBatch: progress.nextBatch })) {
      const n = batch.x.shape[0];
      let kept: (typeof pending)[number] | undefined;
      const total = optimizer.minimize(() => {
        const out = loss(model, batch.x, batch.y, progress.step);
        const correct = out.logits ? out.logits.argMax(1).equal(batch.y).sum().cast('float32') as tf.Scalar : undefined;
        kept = { total: tf.keep(out.total.clone()), correct: correct && tf.keep(correct), n,
          parts: Object.fromEntries(Object.entries(out.parts ?? {}).map(([k, v]) => [k, tf.keep(v.clone())])) };
        return out.total;
      }, false, variables);
      tf.dispose([batch.x, batch.y, total ?? []]);
      pending.push(kept!);
      seen += n;
      progress.step++; stepsThisRun++;
      progress.nextBatch = batch.batchIndex + 1;
      const last = progress.nextBatch >= perEpoch || progress.step >= maxSteps;
      if (progress.step % reportEvery === 0 || last) {
        flush();
        if (!Number.isFinite(lossSum)) throw new Error(`training diverged: loss is ${lossSum / seen} at epoch ${epoch}, step ${progress.step}`);
        options.onBatchEnd?.({
          epoch, batch: batch.batchIndex, batchesPerEpoch: perEpoch, step: progress.step, loss: lossSum / seen,
          parts: means(), accuracy: correctSum / seen, learningRate: lr,
          imagesPerSecond: seen / ((performance.now() - epochStart) / 1000),
        });
      }
      if (last) break;
      if (checkpointDir && (performance.now() - lastSave) / 1000 > checkpointSeconds) {
        flush(); await save(); lastSave = performance.now();
      }
    }
    flush();
    if (progress.nextBatch < perEpoch) break; // stopped by maxSteps inside the epoch
    const seconds = (performance.now() - epochStart) / 1000;
    const report: EpochReport = {
      epoch, loss: lossSum / seen, parts: means(), trainAccuracy: correctSum / seen, seconds,
      imagesPerSecond: seen / seconds, learningRate: lr,
    };
    if (options.evaluate) report.eval = await options.evaluate(model, epoch);
    progress.history.push(report);
    await options.onEpochEnd?.(report);
    progress.epoch = epoch + 1; progress.nextBatch = 0;
    await save();
    progress.epoch = epoch; // the for-loop increments it
  }
  if (progress.nextBatch > 0) await save(); // stopped mid-epoch (maxSteps): keep the partial progress
  optimizer.dispose();
  return { epochs: progress.history, resumedFrom, steps: stepsThisRun, seconds: (performance.now() - started) / 1000 };
}
