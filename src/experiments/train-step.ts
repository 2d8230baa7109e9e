/**
 * The cached training step: a row of a profile is trained once; later calls with the same configuration
 * read its results.json. A changed configuration retrains (an interrupted run of the same configuration
 * resumes from its checkpoint; one of another configuration is deleted first: the row folder is a cache).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hasCheckpoint, loadCheckpointState } from '../train/checkpoint';
import { CHECKPOINT_FOLDER, checkpointConfig, RESULTS_FILE, type TrainRunConfig, type TrainRunResults } from '../run/config';
import { readTrainResults as readRunResults } from '../run/load';
import { runTraining, type TrainRunHooks } from '../run/train-run';
import { cacheFileError, isCachedOnly, NotCachedError, sameKey, type StepResult } from './cache';
import { datasetBudget, profileDefinition, type ExperimentDataset, type ProfileRef } from './profiles';
import { reporter, formatSeconds, type StepOptions } from './progress';
import { resultsLocation, rowDirs } from './results-root';
import { ROWS, rowConfigForBudget, type RowKey } from './rows';

/** A trained model on disk. */
export interface TrainedRun {
  /** the folder holding results.json and (when present) checkpoint/ */
  runDir: string;
  config: TrainRunConfig;
  results: TrainRunResults;
  /** false for shipped results without weights: steps that need the model retrain it */
  hasCheckpoint: boolean;
}

export interface TrainStepOptions extends StepOptions {
  /** only accept a cached run whose checkpoint is present (default false) */
  requireCheckpoint?: boolean;
  /** passed to runTraining (per-batch / per-epoch reports) */
  hooks?: Pick<TrainRunHooks, 'onBatchEnd' | 'onEpochEnd' | 'onStart'>;
  /** label for progress messages (default: the config's method) */
  label?: string;
}

/** Reads `<dir>/results.json` (undefined if absent; CacheError naming the file if unreadable). */
export function readTrainResults(dir: string): TrainRunResults | undefined {
  return readRunResults(dir, { error: cacheFileError });
}

/** The trainer's own resume rule: every key but `epochs` equal (per-key JSON, as assertSameConfig). */
function resumable(saved: Record<string, unknown>, requested: Record<string, unknown>): boolean {
  const keys = new Set([...Object.keys(saved), ...Object.keys(requested)]);
  return [...keys].every((k) => k === 'epochs' || JSON.stringify(saved[k]) === JSON.stringify(requested[k]));
}

/**
 * Trains `config` unless a matching run exists in one of `dirs.read` (in order); computed runs go to
 * `dirs.write`. Returns the run and whether it was cached.
 */
export async function ensureTrainedRun(config: TrainRunConfig, dirs: { read: readonly string[]; write: string },
  options: TrainStepOptions = {}): Promise<StepResult<TrainedRun>> {
  const started = performance.now();
  const label = options.label ?? config.method;
  for (const dir of dirs.read) {
    const results = readTrainResults(dir);
    if (results === undefined || !sameKey(results.config, config)) continue;
    const withWeights = hasCheckpoint(path.join(dir, CHECKPOINT_FOLDER));
    if (options.requireCheckpoint && !withWeights) continue;
    return {
      value: { runDir: dir, config: results.config, results, hasCheckpoint: withWeights },
      cached: true, seconds: (performance.now() - started) / 1000, file: path.join(dir, RESULTS_FILE),
    };
  }

  if (isCachedOnly(options)) throw new NotCachedError(`${label} training`, dirs.read.map((d) => path.join(d, RESULTS_FILE)));
  const runDir = dirs.write;
  const checkpointDir = path.join(runDir, CHECKPOINT_FOLDER);
  const report = reporter('train', label, options);
  let resuming = false;
  if (hasCheckpoint(checkpointDir)) {
    const state = loadCheckpointState(checkpointDir);
    resuming = resumable(state.config, checkpointConfig(config, state.config) as unknown as Record<string, unknown>);
    // a checkpoint of another configuration is a stale cache entry: start over
    if (!resuming) fs.rmSync(checkpointDir, { recursive: true, force: true });
  }
  fs.rmSync(path.join(runDir, RESULTS_FILE), { force: true });
  report.start(`${label}: ${resuming ? 'resuming' : 'training'} ${config.dataset} ${config.arch} ${config.method} → ${runDir}`);
  const results = await runTraining(config, runDir, {
    resume: true,
    onStart: options.hooks?.onStart,
    onEpochEnd: options.hooks?.onEpochEnd,
    onBatchEnd: (r) => {
      options.hooks?.onBatchEnd?.(r);
      const done = (r.epoch * r.batchesPerEpoch + r.batch + 1) / (config.epochs * r.batchesPerEpoch);
      report.progress(`${label}: epoch ${r.epoch + 1}/${config.epochs} batch ${r.batch + 1}/${r.batchesPerEpoch}, loss ${r.loss.toFixed(4)}, ${Math.round(r.imagesPerSecond)} img/s`, Math.min(1, done));
    },
  });
  const seconds = (performance.now() - started) / 1000;
  report.done(`${label}: trained in ${formatSeconds(seconds)}, clean accuracy ${(100 * results.metrics.cleanTestAccuracy).toFixed(2)} % on ${results.metrics.testExamples}`);
  return {
    value: { runDir, config: results.config, results, hasCheckpoint: true },
    cached: false, seconds, file: path.join(runDir, RESULTS_FILE),
  };
}

/**
 * Trains one row of a profile on a dataset, or reuses it: looks for
 * `<root>/<profile>/<dataset>/<row>/results.json` with the same configuration under every read root
 * (data/results, then runs), else trains into the write root (resuming a checkpoint of the same
 * configuration).
 *
 * @example const { value, cached } = await ensureTrained('trades', 'cpu', 'mnist');
 */
export async function ensureTrained(row: RowKey, profile: ProfileRef, dataset: ExperimentDataset,
  options: TrainStepOptions = {}): Promise<StepResult<TrainedRun>> {
  const def = profileDefinition(profile);
  const config = rowConfigForBudget(row, dataset, datasetBudget(def, dataset));
  const dirs = rowDirs(resultsLocation(options.results), def.name, dataset, row);
  return ensureTrainedRun(config, dirs, { label: ROWS[row].label, ...options });
}
