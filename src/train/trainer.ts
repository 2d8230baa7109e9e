/**
 * One training loop for every method (natural, AT, TRADES, MMC, MAT): the method only supplies its
 * loss. Seeded batch order and dropout masks, per-epoch learning-rate schedule, atomic checkpoints (at
 * each epoch end and every few minutes or steps inside long epochs), each written only after the loss
 * and weights are checked finite, and exact resume. Progress is reported through callbacks; the library
 * never prints.
 */
import * as tf from '@tensorflow/tfjs';
import { batches, numBatches, type Dataset } from '../data';
import { currentSignal, InterruptedError, yieldToEventLoop, type CancelSignal } from '../io/interrupt';
import type { Classifier } from '../models/classifier';
import {
  assertSameConfig, holdsCheckpointData, loadCheckpointState, loadOptimizerState, resolveCheckpoint, saveCheckpoint, CheckpointError,
} from './checkpoint';
import { seedDropout } from './dropout-seeds';
import { assertFiniteBeforeSave, restoreEpochSums, type EpochSums } from './divergence';
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
  /** also checkpoint inside an epoch every this many steps (default: by time only) */
  checkpointEvery?: number;
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
  /**
   * checked between batches: when cancelled, the progress is checkpointed and an InterruptedError thrown
   * (default: the interrupt of the job this runs in, see io/interrupt.ts)
   */
  signal?: CancelSignal;
}

export interface TrainResult {
  epochs: EpochReport[];
  /** epoch the run started from (> 0 when resumed) */
  resumedFrom?: { epoch: number; batch: number };
  steps: number;
  seconds: number;
}

interface Progress { epoch: number; nextBatch: number; step: number; history: EpochReport[] }

/** Options a resumed run may change: they say where to stop, not what to compute. */
export const RESUMABLE_CHANGES = ['epochs', 'maxSteps'];

export async function train(model: Classifier, data: Dataset, loss: LossFn, options: TrainOptions): Promise<TrainResult> {
  const {
    epochs, batchSize = 128, seed = 0, lrMilestones = [], lrGamma = 0.1, checkpointDir, resume = false,
    checkpointSeconds = 600, checkpointEvery = Infinity, config = {}, reportEvery = 10, maxSteps = Infinity,
  } = options;
  const optimizer = createOptimizer(options.optimizer);
  const lrAt = stepSchedule(options.optimizer?.learningRate ?? 0.01, lrMilestones, lrGamma);
  const perEpoch = numBatches(data.count, batchSize);
  const variables = model.trainableVariables();
  const signal = options.signal ?? currentSignal();

  let progress: Progress = { epoch: 0, nextBatch: 0, step: 0, history: [] };
  let resumedFrom: TrainResult['resumedFrom'];
  let resumedSums: EpochSums | undefined;
  let lastGood: string | undefined;
  // a folder with any checkpoint data, even incomplete, is continued or refused — never started afresh
  if (checkpointDir && holdsCheckpointData(checkpointDir)) {
    if (!resume) {
      throw new CheckpointError(checkpointDir, 'already holds a checkpoint: pass --resume to continue it, or choose another run folder');
    }
    const state = loadCheckpointState(checkpointDir);
    assertSameConfig(checkpointDir, state.config, config, RESUMABLE_CHANGES);
    lastGood = resolveCheckpoint(checkpointDir);
    const nextBatch = Number(state.nextBatch ?? 0);
    const history = (state.history as EpochReport[] | undefined) ?? [];
    if (nextBatch > perEpoch || state.step !== state.epoch * perEpoch + nextBatch || history.length !== state.epoch) {
      throw new CheckpointError(lastGood, `state.json is inconsistent: epoch ${state.epoch}, nextBatch ${nextBatch}, step ${state.step}, ` +
        `${history.length} epochs of history, but an epoch has ${perEpoch} batches`);
    }
    await loadOptimizerState(checkpointDir, optimizer);
    progress = { epoch: state.epoch, nextBatch, step: state.step, history };
    resumedSums = nextBatch > 0 ? restoreEpochSums(lastGood, state.epochSums) : undefined;
    resumedFrom = { epoch: progress.epoch, batch: progress.nextBatch };
  }

  /** checkpoints the progress after checking it finite; `sums` carries a partial epoch's running means */
  const save = async (sums?: EpochSums) => {
    if (!checkpointDir) return;
    assertFiniteBeforeSave(model.model, sums ?? { seen: 1, lossSum: progress.history.at(-1)?.loss ?? 0 }, progress.step, lastGood);
    lastGood = await saveCheckpoint(checkpointDir, model.model, optimizer, {
      epoch: progress.epoch, nextBatch: progress.nextBatch, step: progress.step, config, history: progress.history,
      ...(sums ? { epochSums: sums } : {}),
    });
  };
  /** after a cancel: the progress is saved (when there is a checkpoint folder); say where and how to go on */
  const interrupted = () => new InterruptedError(
    `training stopped at epoch ${progress.epoch + 1}/${epochs}, batch ${progress.nextBatch}/${perEpoch} (step ${progress.step})` +
      (checkpointDir ? `, checkpoint saved in ${checkpointDir}` : ', no checkpoint folder: the progress is lost'),
    checkpointDir ? 'run it again to continue from the checkpoint (mat train: with --resume)' : 'run it again to start over');
  const started = performance.now();
  let stepsThisRun = 0;
  const dropout = seedDropout(model.model, seed);
  try {
    for (; progress.epoch < epochs && progress.step < maxSteps; progress.epoch++, progress.nextBatch = 0) {
      // an interrupt that came during the previous epoch's end (evaluation, checkpoint): that checkpoint is the progress
      if (signal.cancelled) throw interrupted();
      const epoch = progress.epoch;
      const lr = lrAt(epoch);
      setLearningRate(optimizer, lr);
      const epochStart = performance.now();
      let lastSave = performance.now();
      // running sums are kept on the backend and read back every `reportEvery` steps
      let seen = 0, lossSum = 0, correctSum = 0;
      let partSums: Record<string, number> = {};
      if (resumedSums) ({ seen, lossSum, correctSum, partSums } = resumedSums);
      resumedSums = undefined;
      let pending: { total: tf.Scalar; correct?: tf.Scalar; parts: Record<string, tf.Scalar>; n: number }[] = [];
      // every pending scalar comes back in one read (each read synchronises a GPU with the host); the sums are
      // then made on the host in float64, step by step, as before
      const flush = () => {
        const scalars = pending.flatMap((p) => [p.total, ...(p.correct ? [p.correct] : []), ...Object.values(p.parts)]);
        const stacked = scalars.length ? tf.stack(scalars) : undefined;
        const values = stacked ? stacked.dataSync() : new Float32Array(0);
        stacked?.dispose();
        let k = 0;
        for (const p of pending) {
          lossSum += values[k++] * p.n;
          if (p.correct) correctSum += values[k++];
          for (const key of Object.keys(p.parts)) partSums[key] = (partSums[key] ?? 0) + values[k++] * p.n;
        }
        tf.dispose(scalars);
        pending = [];
      };
      const means = () => Object.fromEntries(Object.entries(partSums).map(([k, v]) => [k, v / Math.max(seen, 1)]));

      for (const batch of batches(data, { batchSize, seed, epoch, shuffle: true, startBatch: progress.nextBatch })) {
        const n = batch.x.shape[0];
        let kept: (typeof pending)[number] | undefined;
        dropout.atStep(progress.step);
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
          assertFiniteBeforeSave(undefined, { seen, lossSum }, progress.step, lastGood);
          options.onBatchEnd?.({
            epoch, batch: batch.batchIndex, batchesPerEpoch: perEpoch, step: progress.step, loss: lossSum / seen,
            parts: means(), accuracy: correctSum / seen, learningRate: lr,
            imagesPerSecond: seen / ((performance.now() - epochStart) / 1000),
          });
        }
        if (last) break;
        if (checkpointDir && ((performance.now() - lastSave) / 1000 > checkpointSeconds || progress.step % checkpointEvery === 0)) {
          flush(); await save({ seen, lossSum, correctSum, partSums }); lastSave = performance.now();
        }
        // the batches are synchronous: let a pending interrupt (SIGINT) be heard before the next one
        await yieldToEventLoop();
        if (signal.cancelled) {
          flush(); await save({ seen, lossSum, correctSum, partSums });
          throw interrupted();
        }
      }
      flush();
      if (progress.nextBatch < perEpoch) { // stopped by maxSteps inside the epoch: keep the partial progress
        await save({ seen, lossSum, correctSum, partSums });
        break;
      }
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
  } finally {
    dropout.release();
    optimizer.dispose();
  }
  return { epochs: progress.history, resumedFrom, steps: stepsThisRun, seconds: (performance.now() - started) / 1000 };
}
