/**
 * The guard in front of every checkpoint write: a diverged step (loss or any weight NaN/∞) never replaces
 * a good checkpoint. The run stops naming the step, the loss and the last good checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { CheckpointError } from './checkpoint';

/** Running sums of a partly trained epoch (stored in in-epoch checkpoints so a resumed epoch reports the same means). */
export interface EpochSums {
  seen: number;
  lossSum: number;
  correctSum: number;
  partSums: Record<string, number>;
}

export class TrainingDivergedError extends Error {
  constructor(readonly step: number, readonly loss: number, readonly lastGoodCheckpoint: string | undefined, what: string) {
    super(`training diverged at step ${step}: ${what} (mean loss ${loss}); ` +
      (lastGoodCheckpoint ? `the last good checkpoint is ${lastGoodCheckpoint} (left untouched)` : 'no checkpoint was written yet') +
      ' — lower the learning rate and resume or restart');
    this.name = 'TrainingDivergedError';
  }
}

function allFinite(model: tf.LayersModel): boolean {
  const ok = tf.tidy(() => tf.stack(model.weights.map((w) => tf.isFinite(w.read()).all().cast('float32'))).min());
  const value = ok.dataSync()[0];
  ok.dispose();
  return value === 1;
}

/**
 * Throws TrainingDivergedError when the epoch's running loss or (when `model` is given) any weight is not
 * finite. `lastGood` is the newest checkpoint written.
 */
export function assertFiniteBeforeSave(model: tf.LayersModel | undefined, sums: Pick<EpochSums, 'seen' | 'lossSum'>, step: number, lastGood: string | undefined): void {
  const loss = sums.lossSum / Math.max(sums.seen, 1);
  if (!Number.isFinite(loss)) throw new TrainingDivergedError(step, loss, lastGood, 'the loss is not finite');
  if (model && model.weights.length > 0 && !allFinite(model)) throw new TrainingDivergedError(step, loss, lastGood, 'a weight is NaN or infinite');
}

/** Reads the `epochSums` of an in-epoch checkpoint's state.json. */
export function restoreEpochSums(dir: string, raw: unknown): EpochSums {
  if (raw === undefined) return { seen: 0, lossSum: 0, correctSum: 0, partSums: {} }; // checkpoints older than epochSums
  const s = raw as Partial<EpochSums>;
  const finite = (v: unknown) => typeof v === 'number' && Number.isFinite(v);
  if (!s || !finite(s.seen) || !finite(s.lossSum) || !finite(s.correctSum) || typeof s.partSums !== 'object' || s.partSums === null ||
      !Object.values(s.partSums).every(finite)) {
    throw new CheckpointError(dir, 'state.json: epochSums (the running means of the partial epoch) are missing or not finite numbers');
  }
  return { seen: s.seen!, lossSum: s.lossSum!, correctSum: s.correctSum!, partSums: { ...s.partSums } };
}
