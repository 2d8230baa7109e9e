/**
 * Checkpoints in the standard TensorFlow.js layers format (model.json + weights.bin, readable by
 * tf.loadLayersModel / tfjs-node's file:// loader / the tfjs converter), plus the optimizer's state
 * (optimizer.json + optimizer.bin) and our training state (state.json) so a run can resume exactly.
 * Each save commits a new numbered version (checkpoint-versions.ts): a crash at any instant leaves the
 * previous or the new checkpoint, never a half one. Loading trusts no name in a manifest (contained-files.ts)
 * and reads the newest complete version.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { checkpointData, commitVersion, committedVersions, currentVersionDir, REQUIRED_FILES, versionName, writeFileDurable } from './checkpoint-versions';
import { containedPath, ContainmentError, readContainedFiles } from './contained-files';

export class CheckpointError extends Error {
  constructor(readonly dir: string, problem: string) {
    super(`checkpoint ${dir}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

/** What a run stores beside the weights; `config` is compared on resume. */
export interface CheckpointState {
  epoch: number;
  step: number;
  config: Record<string, unknown>;
  [key: string]: unknown;
}

const FILES = { model: 'model.json', weights: 'weights.bin', optimizer: 'optimizer.json', optimizerData: 'optimizer.bin', state: 'state.json' };

function toBuffer(data: tf.io.WeightData | undefined): Buffer {
  if (data === undefined) return Buffer.alloc(0);
  return Buffer.from(tf.io.CompositeArrayBuffer.join(data));
}

/** Commits model, optimizer state and `state` as the newest version under `dir`; returns the version's folder. */
export async function saveCheckpoint(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer | undefined, state: CheckpointState): Promise<string> {
  return commitVersion(dir, async (tmp) => {
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      const weights = toBuffer(artifacts.weightData);
      writeFileDurable(path.join(tmp, FILES.weights), weights);
      const manifest = {
        modelTopology: artifacts.modelTopology,
        format: 'layers-model',
        generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: null,
        weightsManifest: [{ paths: [FILES.weights], weights: artifacts.weightSpecs }],
      };
      writeFileDurable(path.join(tmp, FILES.model), JSON.stringify(manifest));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
    }));
    if (optimizer) {
      const named = await optimizer.getWeights();
      const { data, specs } = await tf.io.encodeWeights(named);
      writeFileDurable(path.join(tmp, FILES.optimizerData), Buffer.from(data));
      writeFileDurable(path.join(tmp, FILES.optimizer), JSON.stringify({
        className: optimizer.getClassName(), config: optimizer.getConfig(), specs, accumulators: accumulatorValues(optimizer),
      }));
      // getWeights hands out the optimizer's live slot variables (keep them) plus a fresh iteration count
      tf.dispose(named.map((n) => n.tensor).filter((t) => !(t instanceof tf.Variable)));
    }
    writeFileDurable(path.join(tmp, FILES.state), JSON.stringify(state, null, 2));
  });
}

/** True when `dir` holds a complete checkpoint (a committed version, or the flat layout of older runs). */
export function hasCheckpoint(dir: string): boolean {
  return currentVersionDir(dir) !== undefined;
}

/** True when `dir` holds anything of a checkpoint, complete or not: such a folder is never started afresh. */
export function holdsCheckpointData(dir: string): boolean {
  return checkpointData(dir).length > 0;
}

/** The folder of the newest complete checkpoint under `dir`; throws naming what is missing. */
export function resolveCheckpoint(dir: string): string {
  const current = currentVersionDir(dir);
  if (current !== undefined) return current;
  const newest = committedVersions(dir)[0];
  const where = newest === undefined ? dir : path.join(dir, versionName(newest));
  const present = checkpointData(dir);
  if (present.length === 0) throw new CheckpointError(dir, `no checkpoint here (expected ${path.join(dir, FILES.model)} or a version folder)`);
  const missing = REQUIRED_FILES.filter((f) => !fs.existsSync(path.join(where, f)));
  throw new CheckpointError(dir, `holds checkpoint data (${present.join(', ')}) but no complete checkpoint: ` +
    `${missing.map((f) => path.join(path.relative(dir, where), f) || f).join(' and ')} missing. Nothing was overwritten; ` +
    'move the folder away or restore the missing files');
}

function readJson(dir: string, file: string): any {
  let p: string;
  try {
    p = containedPath(dir, file);
  } catch (err) {
    if (err instanceof ContainmentError) throw new CheckpointError(dir, err.message);
    throw err;
  }
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8'));
  } catch (err) {
    throw new CheckpointError(dir, `${file} is not valid JSON (${(err as Error).message})`);
  }
}

function expectedBytes(dir: string, file: string, specs: tf.io.WeightsManifestEntry[]): number {
  const size: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
  return specs.reduce((n, s) => {
    if (!s || !(s.dtype in size) || !Array.isArray(s.shape) || !s.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new CheckpointError(dir, `${file}: weight ${JSON.stringify(s?.name)} has an invalid dtype or shape`);
    }
    return n + size[s.dtype] * s.shape.reduce((a, b) => a * b, 1);
  }, 0);
}

/** What a loader may check before any weight is read. */
export interface LoadCheckpointOptions {
  /** the shapes the model being restored has, in order (its weights); differing ones are named */
  expectShapes?: { name: string; shape: readonly (number | null)[] }[];
}

/**
 * Loads model.json + its weight files from the newest version under `dir`. Weight files must lie inside
 * the version's folder and match the manifest's size before they are read; `expectShapes` (the model a
 * resumed run builds) is compared before any weight is touched.
 */
export async function loadCheckpointModel(root: string, options: LoadCheckpointOptions = {}): Promise<tf.LayersModel> {
  const dir = resolveCheckpoint(root);
  const manifest = readJson(dir, FILES.model);
  if (!manifest || !manifest.modelTopology || !Array.isArray(manifest.weightsManifest) ||
      !manifest.weightsManifest.every((g: unknown) => Array.isArray((g as { paths?: unknown })?.paths) && Array.isArray((g as { weights?: unknown })?.weights))) {
    throw new CheckpointError(dir, `${FILES.model} is not a TensorFlow.js layers model (no modelTopology/weightsManifest with paths and weights)`);
  }
  const specs: tf.io.WeightsManifestEntry[] = manifest.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights);
  if (options.expectShapes) assertSameShapes(dir, specs, options.expectShapes);
  const files: unknown[] = manifest.weightsManifest.flatMap((g: { paths: unknown[] }) => g.paths);
  let weights: Buffer;
  try {
    weights = readContainedFiles(dir, files, expectedBytes(dir, FILES.model, specs), FILES.model);
  } catch (err) {
    if (err instanceof ContainmentError) throw new CheckpointError(dir, `weights file ${err.message}`);
    throw err;
  }
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length) as ArrayBuffer;
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: specs, weightData }));
  } catch (err) {
    throw new CheckpointError(dir, `model could not be rebuilt: ${(err as Error).message}`);
  }
}

/** Refuses a checkpoint whose weight shapes differ from the model's, naming the differing weights. */
function assertSameShapes(dir: string, specs: tf.io.WeightsManifestEntry[], expected: { name: string; shape: readonly (number | null)[] }[]): void {
  const diffs: string[] = [];
  if (specs.length !== expected.length) diffs.push(`${specs.length} weight tensors vs ${expected.length} in the model`);
  for (let i = 0; i < Math.min(specs.length, expected.length) && diffs.length < 6; i++) {
    if (JSON.stringify(specs[i].shape) !== JSON.stringify(expected[i].shape)) {
      diffs.push(`${specs[i].name}: checkpoint [${specs[i].shape}] vs model ${expected[i].name} [${expected[i].shape}]`);
    }
  }
  if (diffs.length) throw new CheckpointError(dir, `${FILES.model} holds another architecture — ${diffs.join('; ')}`);
}

/** Restores the optimizer's slots (momentum / Adam moments). The optimizer must be of the saved class. */
export async function loadOptimizerState(root: string, optimizer: tf.Optimizer): Promise<boolean> {
  const dir = resolveCheckpoint(root);
  if (!fs.existsSync(path.join(dir, FILES.optimizer))) return false;
  const meta = readJson(dir, FILES.optimizer);
  if (meta.className !== optimizer.getClassName()) {
    throw new CheckpointError(dir, `optimizer is ${meta.className} but this run uses ${optimizer.getClassName()}`);
  }
  if (!Array.isArray(meta.specs)) throw new CheckpointError(dir, `${FILES.optimizer} lacks its weight specs`);
  let data: Buffer;
  try {
    data = readContainedFiles(dir, [FILES.optimizerData], expectedBytes(dir, FILES.optimizer, meta.specs), FILES.optimizer);
  } catch (err) {
    if (err instanceof ContainmentError) throw new CheckpointError(dir, err.message);
    throw err;
  }
  const named = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.length) as ArrayBuffer, meta.specs);
  await optimizer.setWeights(Object.entries(named).map(([name, tensor]) => ({ name, tensor })));
  tf.dispose(Object.values(named));
  restoreAccumulators(dir, optimizer, meta.accumulators);
  return true;
}

/**
 * Adam's running powers β₁ᵗ, β₂ᵗ: setWeights recomputes them as pow(β, t), which differs in the last bits
 * from the product an uninterrupted run accumulated, so they are stored and restored as they were.
 */
const ACCUMULATORS = ['accBeta1', 'accBeta2'];

function accumulatorValues(optimizer: tf.Optimizer): Record<string, number> | undefined {
  const slots = optimizer as unknown as Record<string, tf.Variable | undefined>;
  const present = ACCUMULATORS.filter((k) => slots[k] instanceof tf.Variable);
  return present.length ? Object.fromEntries(present.map((k) => [k, slots[k]!.dataSync()[0]])) : undefined;
}

function restoreAccumulators(dir: string, optimizer: tf.Optimizer, saved: unknown): void {
  if (saved === undefined) return; // older checkpoints: keep tfjs' pow(β, t)
  const slots = optimizer as unknown as Record<string, tf.Variable | undefined>;
  for (const [k, v] of Object.entries(saved as Record<string, unknown>)) {
    if (!ACCUMULATORS.includes(k) || !(slots[k] instanceof tf.Variable) || typeof v !== 'number' || !Number.isFinite(v)) {
      throw new CheckpointError(dir, `${FILES.optimizer}: accumulator ${k} = ${JSON.stringify(v)} does not fit a ${optimizer.getClassName()}`);
    }
    tf.tidy(() => slots[k]!.assign(tf.scalar(v)));
  }
}

export function loadCheckpointState(root: string): CheckpointState {
  const dir = resolveCheckpoint(root);
  const state = readJson(dir, FILES.state);
  if (typeof state !== 'object' || state === null || typeof state.config !== 'object' || state.config === null) {
    throw new CheckpointError(dir, `${FILES.state} lacks its config`);
  }
  for (const key of ['epoch', 'step', 'nextBatch']) {
    const v = state[key];
    if ((v !== undefined || key !== 'nextBatch') && !(Number.isSafeInteger(v) && v >= 0)) {
      throw new CheckpointError(dir, `${FILES.state}: ${key} must be a non-negative integer, got ${JSON.stringify(v)}`);
    }
  }
  return state;
}

/** Throws naming every key whose value differs between a checkpoint's config and the requested one. */
export function assertSameConfig(dir: string, saved: Record<string, unknown>, requested: Record<string, unknown>, ignore: string[] = []): void {
  const keys = new Set([...Object.keys(saved), ...Object.keys(requested)]);
  const diffs = [...keys].filter((k) => !ignore.includes(k) && JSON.stringify(saved[k]) !== JSON.stringify(requested[k]))
    .map((k) => `${k}: checkpoint ${JSON.stringify(saved[k])} vs requested ${JSON.stringify(requested[k])}`);
  if (diffs.length) throw new CheckpointError(dir, `was written with a different configuration — ${diffs.join('; ')}`);
}
