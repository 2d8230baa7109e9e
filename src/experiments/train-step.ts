/**
 * The cached training step: a configuration is trained once; later calls with the same configuration
 * read its results.json. A run's folder is named by its configuration's hash (run-variant.ts), so
 * variants coexist; an interrupted run of the same configuration resumes from its checkpoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { datasetEntry } from '../data/registry';
import { trainingObjective } from '../methods/registry';
import { hasCheckpoint, loadCheckpointState } from '../train/checkpoint';
import { CHECKPOINT_FOLDER, checkpointConfig, RESULTS_FILE, type TrainRunConfig, type TrainRunResults } from '../run/config';
import { readTrainResults as readRunResults } from '../run/load';
import { runTraining, type TrainRunHooks } from '../run/train-run';
import { cacheFileError, isCachedOnly, NotCachedError, sameKey, type StepResult } from './cache';
import { applyKnobsToRun } from './knobs';
import { currentThroughput, planFirst, trainingSeconds } from './plan';
import { profileDefinition, type ExperimentDataset, type ProfileRef } from './profiles';
import { reporter, formatSeconds, type StepOptions } from './progress';
import { experimentDir, resultsLocation } from './results-root';
import { describeDifferences, formatValue, settingDifferences, variantConfig, variantDirs, variantLabel, type RunRef } from './run-variant';

/** A trained model on disk. */
export interface TrainedRun {
  /** the folder holding results.json and (when present) checkpoint/ */
  runDir: string;
  config: TrainRunConfig;
  results: TrainRunResults;
  /** false for shipped results without weights: steps that need the model retrain it */
  hasCheckpoint: boolean;
  /** true for a run that a plan only describes (not trained: results hold no metrics) */
  planned?: boolean;
}

export interface TrainStepOptions extends StepOptions {
  /** only accept a cached run whose checkpoint is present (default false) */
  requireCheckpoint?: boolean;
  /** passed to runTraining (per-batch / per-epoch reports) */
  hooks?: Pick<TrainRunHooks, 'onBatchEnd' | 'onEpochEnd' | 'onStart' | 'checkpointEvery'>;
  /** label for progress messages (default: the config's method) */
  label?: string;
  /** experiment folders whose runs a plan compares a missing configuration with (the nearest is named) */
  neighbourDirs?: readonly string[];
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
    options.plan?.add({ step: 'train', subject: label, what: trainingWhat(config), status: 'cached', file: path.join(dir, RESULTS_FILE) });
    return {
      value: { runDir: dir, config: results.config, results, hasCheckpoint: withWeights },
      cached: true, seconds: (performance.now() - started) / 1000, file: path.join(dir, RESULTS_FILE),
    };
  }

  if (options.plan) {
    options.plan.add({
      step: 'train', subject: label, what: trainingWhat(config), status: 'compute', file: path.join(dirs.write, RESULTS_FILE),
      estimatedSeconds: options.plan.estimates ? estimateTrainingSeconds(config) : undefined, ...nearestRun(config, options.neighbourDirs ?? []),
    });
    return { value: plannedRun(config, dirs.write), cached: false, seconds: 0, file: path.join(dirs.write, RESULTS_FILE) };
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
    checkpointEvery: options.hooks?.checkpointEvery,
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

/** "1 epoch on 60000 images, 3-step inner max" */
function trainingWhat(config: TrainRunConfig): string {
  const images = config.trainSubset ?? datasetEntry(config.dataset).info.sizes.train;
  const steps = config.methodOptions?.steps;
  return `training ${config.epochs} epoch${config.epochs === 1 ? '' : 's'} on ${images} images` +
    (config.maxSteps !== undefined ? ` (at most ${config.maxSteps} steps)` : '') + (steps !== undefined ? `, ${steps}-step inner max` : '');
}

/** Estimated training time of `config` from the throughput measured on the current backend. */
export function estimateTrainingSeconds(config: TrainRunConfig): number {
  let images = (config.trainSubset ?? datasetEntry(config.dataset).info.sizes.train) * config.epochs;
  if (config.maxSteps !== undefined) images = Math.min(images, config.maxSteps * config.batchSize);
  return trainingSeconds(images, config.methodOptions?.steps ?? 0, currentThroughput(config));
}

/** A run a plan describes: its configuration and objective, no metrics. */
function plannedRun(config: TrainRunConfig, runDir: string): TrainedRun {
  const objective = trainingObjective(config.method, { dataset: config.dataset, seed: config.seed, ...config.methodOptions });
  const results = {
    kind: 'train', config, objective: { method: config.method, headKind: objective.headKind, settings: { ...objective.settings } },
    metrics: { cleanTestAccuracy: NaN, testExamples: 0, trainExamples: 0 }, history: [],
    timings: { trainSeconds: 0, evalSeconds: 0, totalSeconds: 0, steps: 0 },
  } as unknown as TrainRunResults;
  return { runDir, config, results, hasCheckpoint: false, planned: true };
}

/** The trained run (results.json) under `dirs` whose configuration differs from `config` in the fewest settings. */
export function nearestRun(config: TrainRunConfig, experimentDirs: readonly string[]): { nearest?: { file: string; differences: string } } {
  let best: { file: string; diffs: Array<[string, unknown, unknown]> } | undefined;
  for (const dir of experimentDirs) {
    const entries = fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()) : [];
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      let results: TrainRunResults | undefined;
      try {
        results = readTrainResults(path.join(dir, e.name));
      } catch {
        continue; // an unreadable folder is no candidate; reading it for real names it
      }
      if (results === undefined) continue;
      const diffs = settingDifferences(config, results.config);
      if (diffs.length > 0 && (best === undefined || diffs.length < best.diffs.length)) best = { file: path.join(dir, e.name, RESULTS_FILE), diffs };
    }
  }
  if (best === undefined) return {};
  const differences = best.diffs.map(([k, mine, theirs]) => `${describeDifferences([[k, mine, theirs]])} (cached: ${theirs === undefined ? 'unset' : formatValue(theirs)})`).join(', ');
  return { nearest: { file: best.file, differences } };
}

/**
 * Trains one row — or a variant of it (`{ row, options, seed, epochs }`) — of a profile on a dataset, or
 * reuses it: looks for a run of the same configuration under every read root (data/results, then runs:
 * `<profile>/<dataset>/<row>-<hash>/`, and the row folders results shipped before run identity used), else
 * trains into `<write root>/<profile>/<dataset>/<row>-<hash>/` (resuming a checkpoint of the same
 * configuration).
 *
 * @example const { value, cached } = await ensureTrained({ row: 'mat-so-bibo', options: { alpha: 0.5 } }, 'cpu', 'mnist');
 */
export async function ensureTrained(ref: RunRef, profile: ProfileRef, dataset: ExperimentDataset,
  options: TrainStepOptions = {}): Promise<StepResult<TrainedRun>> {
  const def = profileDefinition(profile);
  ref = applyKnobsToRun(ref, options.knobs);
  const config = variantConfig(ref, def, dataset);
  const location = resultsLocation(options.results);
  const dirs = variantDirs(location, def.name, dataset, ref, config);
  const neighbourDirs = location.readRoots.map((r) => experimentDir(r, def.name, dataset));
  return planFirst({ label: variantLabel(ref, def, dataset), neighbourDirs, ...options },
    (o) => ensureTrainedRun(config, dirs, o));
}
