/**
 * Reading a run folder back: its results.json (validated), its configuration, and its trained classifier
 * with the head kind the checkpoint stored.
 */
import * as path from 'node:path';
import { readJsonFile, type ReadJsonOptions } from '../io/json';
import { isMethod, methodHeadKind } from '../methods/registry';
import { classifierFromModel, type Classifier, type HeadKind } from '../models';
import { hasCheckpoint, holdsCheckpointData, loadCheckpointModel, loadCheckpointState } from '../train/checkpoint';
import { CHECKPOINT_FOLDER, RESULTS_FILE, runConfigOf, type TrainRunConfig, type TrainRunResults } from './config';

function resultsProblem(v: unknown): string | undefined {
  if (v === null || typeof v !== 'object') return 'not a training results file (expected a JSON object)';
  const r = v as Partial<TrainRunResults>;
  if (r.kind !== 'train' || typeof r.config !== 'object' || typeof r.metrics?.cleanTestAccuracy !== 'number') {
    return "not a training results file (needs kind 'train', config and metrics.cleanTestAccuracy)";
  }
  return undefined;
}

/** Reads `<dir>/results.json`: undefined if absent; an error naming the file if it is not a run's results. */
export function readTrainResults(dir: string, options: Pick<ReadJsonOptions, 'error'> = {}): TrainRunResults | undefined {
  return readJsonFile<TrainRunResults>(path.join(dir, RESULTS_FILE), { check: resultsProblem, ...options });
}

/** The checkpoint folder of a run folder (or the folder itself when it is one); undefined when there is none. */
export function checkpointDirOf(dir: string): string | undefined {
  if (hasCheckpoint(dir)) return dir;
  const inner = path.join(dir, CHECKPOINT_FOLDER);
  return hasCheckpoint(inner) ? inner : undefined;
}

/** The training configuration of a run folder: results.json's, else the checkpoint's. */
export function runConfig(runDir: string): TrainRunConfig {
  const results = readTrainResults(runDir);
  if (results) return results.config;
  const ckpt = checkpointDirOf(runDir);
  if (ckpt) return runConfigOf(loadCheckpointState(ckpt).config);
  throw new Error(`${runDir}: not a run folder (no results.json and no checkpoint)`);
}

/**
 * The head kind of a checkpoint: the one its config stores. Checkpoints written before it was stored:
 * the run's results.json's `objective.headKind`, else the head its method's registry entry declares.
 */
function storedHeadKind(stored: Record<string, unknown>, runDir: string | undefined): HeadKind | undefined {
  if (stored.headKind === 'linear' || stored.headKind === 'centers') return stored.headKind;
  if (stored.headKind !== undefined) throw new RangeError(`checkpoint config has an unknown headKind ${JSON.stringify(stored.headKind)}`);
  const fromResults = runDir ? readTrainResults(runDir)?.objective?.headKind : undefined;
  if (fromResults === 'linear' || fromResults === 'centers') return fromResults;
  return typeof stored.method === 'string' && isMethod(stored.method) ? methodHeadKind(stored.method) : undefined;
}

/** Loads a trained classifier from a run folder (or a checkpoint folder directly). */
export async function loadRunClassifier(dir: string): Promise<{ model: Classifier; config?: TrainRunConfig }> {
  // a checkpoint folder itself, or a run folder; loading names what is missing or refused
  const checkpointDir = holdsCheckpointData(dir) ? dir : path.join(dir, CHECKPOINT_FOLDER);
  const stored = loadCheckpointState(checkpointDir).config;
  const headKind = storedHeadKind(stored, checkpointDir === dir ? undefined : dir);
  const config = runConfigOf(stored);
  const layers = await loadCheckpointModel(checkpointDir);
  return { model: classifierFromModel(layers, { arch: config?.arch ?? 'unknown', headKind }), config };
}
