/**
 * Checkpoints in the standard TensorFlow.js layers format (model.json + weights.bin, readable by
 * tf.loadLayersModel / tfjs-node's file:// loader / the tfjs converter), plus the optimizer's state
 * (optimizer.json + optimizer.bin) and our training state (state.json) so a run can resume exactly.
 * Writes go to a temporary folder that is renamed into place: a crash never leaves a half checkpoint.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';

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

export async function saveCheckpoint(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer | undefined, state: CheckpointState): Promise<void> {
  const tmp = `${dir}.tmp-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { recursive: true });
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    const weights = toBuffer(artifacts.weightData);
    fs.writeFileSync(path.join(tmp, FILES.weights), weights);
    const manifest = {
      modelTopology: artifacts.modelTopology,
      format: 'layers-model',
      generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`,
      convertedBy: null,
      weightsManifest: [{ paths: [FILES.weights], weights: artifacts.weightSpecs }],
    };
    fs.writeFileSync(path.join(tmp, FILES.model), JSON.stringify(manifest));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON', weightDataBytes: weights.length } };
  }));
  if (optimizer) {
    const named = await optimizer.getWeights();
    const { data, specs } = await tf.io.encodeWeights(named);
    fs.writeFileSync(path.join(tmp, FILES.optimizerData), Buffer.from(data));
    fs.writeFileSync(path.join(tmp, FILES.optimizer), JSON.stringify({ className: optimizer.getClassName(), config: optimizer.getConfig(), specs }));
    // getWeights hands out the optimizer's live slot variables (keep them) plus a fresh iteration count
    tf.dispose(named.map((n) => n.tensor).filter((t) => !(t instanceof tf.Variable)));
  }
  fs.writeFileSync(path.join(tmp, FILES.state), JSON.stringify(state, null, 2));
  // swap into place: the previous checkpoint survives until the new one is complete
  const old = `${dir}.old-${process.pid}`;
  if (fs.existsSync(dir)) fs.renameSync(dir, old);
  fs.renameSync(tmp, dir);
  fs.rmSync(old, { recursive: true, force: true });
}

export function hasCheckpoint(dir: string): boolean {
  return fs.existsSync(path.join(dir, FILES.model)) && fs.existsSync(path.join(dir, FILES.state));
}

function readJson(dir: string, file: string): any {
  const p = path.join(dir, file);
  if (!fs.existsSync(p)) throw new CheckpointError(dir, `${file} is missing`);
  try {
    return JSON.parse(fs.readFileSync(p, 'utf8'));
  } catch (err) {
    throw new CheckpointError(dir, `${file} is not valid JSON (${(err as Error).message})`);
  }
}

function expectedBytes(specs: tf.io.WeightsManifestEntry[]): number {
  const size: Record<string, number> = { float32: 4, int32: 4, bool: 1 };
  return specs.reduce((n, s) => n + (size[s.dtype] ?? 4) * s.shape.reduce((a, b) => a * b, 1), 0);
}

/** Loads model.json + weights.bin, checking that the weights file matches its manifest. */
export async function loadCheckpointModel(dir: string): Promise<tf.LayersModel> {
  const manifest = readJson(dir, FILES.model);
  if (!manifest.modelTopology || !Array.isArray(manifest.weightsManifest)) {
    throw new CheckpointError(dir, `${FILES.model} is not a TensorFlow.js layers model (no modelTopology/weightsManifest)`);
  }
  const specs: tf.io.WeightsManifestEntry[] = manifest.weightsManifest.flatMap((g: { weights: tf.io.WeightsManifestEntry[] }) => g.weights);
  const files: string[] = manifest.weightsManifest.flatMap((g: { paths: string[] }) => g.paths);
  const buffers = files.map((f) => {
    const p = path.join(dir, f);
    if (!fs.existsSync(p)) throw new CheckpointError(dir, `weights file ${f} is missing`);
    return fs.readFileSync(p);
  });
  const weights = Buffer.concat(buffers);
  const expected = expectedBytes(specs);
  if (weights.length !== expected) {
    throw new CheckpointError(dir, `weights hold ${weights.length} bytes but model.json describes ${expected} (truncated or mismatched file)`);
  }
  const weightData = weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.length);
  try {
    return await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: manifest.modelTopology, weightSpecs: specs, weightData }));
  } catch (err) {
    throw new CheckpointError(dir, `model could not be rebuilt: ${(err as Error).message}`);
  }
}

/** Restores the optimizer's slots (momentum / Adam moments). The optimizer must be of the saved class. */
export async function loadOptimizerState(dir: string, optimizer: tf.Optimizer): Promise<boolean> {
  if (!fs.existsSync(path.join(dir, FILES.optimizer))) return false;
  const meta = readJson(dir, FILES.optimizer);
  if (meta.className !== optimizer.getClassName()) {
    throw new CheckpointError(dir, `optimizer is ${meta.className} but this run uses ${optimizer.getClassName()}`);
  }
  const data = fs.readFileSync(path.join(dir, FILES.optimizerData));
  if (data.length !== expectedBytes(meta.specs)) throw new CheckpointError(dir, `${FILES.optimizerData} is truncated`);
  const named = tf.io.decodeWeights(data.buffer.slice(data.byteOffset, data.byteOffset + data.length), meta.specs);
  await optimizer.setWeights(Object.entries(named).map(([name, tensor]) => ({ name, tensor })));
  tf.dispose(Object.values(named));
  return true;
}

export function loadCheckpointState(dir: string): CheckpointState {
  const state = readJson(dir, FILES.state);
  if (typeof state.epoch !== 'number' || typeof state.config !== 'object') {
    throw new CheckpointError(dir, `${FILES.state} lacks epoch/config`);
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
