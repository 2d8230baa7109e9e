/**
 * The pieces of 01-tour: a PNG grid of dataset images (no canvas needed), the geometry of the
 * Max-Mahalanobis centers (Eq. 3), and a tiny cached MAT run.
 */
import { deflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import type { DataFrame } from 'danfojs';
import { batches, loadDataset, type Dataset } from '../data';
import { cosineToCenters } from '../losses/cosine';
import { maxMahalanobisCenterRows } from '../losses/max-mahalanobis-centers';
import { loadRunClassifier } from '../run/load';
import { frameOf } from './report';
import type { StepResult } from './cache';
import { datasetBudget, profileDefinition, type ExperimentDataset, type ProfileRef } from './profiles';
import type { StepOptions } from './progress';
import { resultsLocation, rowDirs } from './results-root';
import { rowConfigForBudget } from './rows';
import { ensureTrainedRun, type TrainedRun } from './train-step';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  Buffer.from(data).copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/** Encodes 8-bit grey (channels 1) or RGB (channels 3) pixels, row-major, as a PNG file. */
export function encodePng(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Uint8Array {
  if (pixels.length !== width * height * channels) throw new RangeError(`encodePng: ${pixels.length} values for ${width}×${height}×${channels}`);
  const stride = width * channels;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    Buffer.from(pixels.buffer, pixels.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = channels === 1 ? 0 : 2; // grey / truecolour
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return new Uint8Array(Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', new Uint8Array(0))]));
}

export interface ImageGridOptions {
  /** images shown, from the start of the dataset (default 32) */
  count?: number;
  /** images per row (default 8) */
  columns?: number;
  /** pixel magnification (default 3) */
  scale?: number;
  /** gap between images in output pixels (default 2) */
  gap?: number;
}

/** A PNG of the first `count` images of a dataset on a grid (for `tslab.display.png`). */
export function imageGridPng(data: Dataset, options: ImageGridOptions = {}): Uint8Array {
  const { count = 32, columns = 8, scale = 3, gap = 2 } = options;
  const n = Math.min(count, data.count);
  if (n < 1) throw new RangeError('imageGridPng: the dataset is empty');
  const [h, w, c] = data.shape;
  if (c !== 1 && c !== 3) throw new RangeError(`imageGridPng: images need 1 or 3 channels, got ${c}`);
  const cols = Math.min(columns, n), rows = Math.ceil(n / cols);
  const W = cols * (w * scale + gap) + gap, H = rows * (h * scale + gap) + gap;
  const px = new Uint8Array(W * H * c).fill(255);
  for (let i = 0; i < n; i++) {
    const ox = gap + (i % cols) * (w * scale + gap), oy = gap + Math.floor(i / cols) * (h * scale + gap);
    for (let y = 0; y < h * scale; y++) {
      for (let x = 0; x < w * scale; x++) {
        const src = ((i * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c;
        const dst = ((oy + y) * W + ox + x) * c;
        // MNIST-style digits are white on black; show them dark on white
        for (let k = 0; k < c; k++) px[dst + k] = Math.round(255 * (c === 1 ? 1 - data.images[src + k] : data.images[src + k]));
      }
    }
  }
  return encodePng(px, W, H, c as 1 | 3);
}

/** Eq. 3 checked numerically: every center has norm C and every pair the cosine −1/(L−1). */
export interface CentersGeometry {
  numClasses: number;
  dim: number;
  norm: number;
  /** −1/(L−1), the smallest possible largest pairwise cosine of L unit vectors */
  expectedCosine: number;
  minNorm: number;
  maxNorm: number;
  minCosine: number;
  maxCosine: number;
  /** largest |cos − expected| over pairs */
  maxCosineError: number;
}

export function centersGeometry(numClasses = 10, dim = 200, norm = 10): CentersGeometry {
  const mu = maxMahalanobisCenterRows(numClasses, dim, norm);
  const n = mu.map((v) => Math.hypot(...v));
  const expected = -1 / (numClasses - 1);
  let minC = Infinity, maxC = -Infinity, err = 0;
  for (let i = 0; i < numClasses; i++) {
    for (let j = i + 1; j < numClasses; j++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += mu[i][k] * mu[j][k];
      const cos = dot / (n[i] * n[j]);
      minC = Math.min(minC, cos); maxC = Math.max(maxC, cos); err = Math.max(err, Math.abs(cos - expected));
    }
  }
  return { numClasses, dim, norm, expectedCosine: expected, minNorm: Math.min(...n), maxNorm: Math.max(...n), minCosine: minC, maxCosine: maxC, maxCosineError: err };
}

/**
 * 01-tour's tiny MAT run (FTC + SO: no inner maximisation, so it costs what natural training costs) on
 * the profile's tour budget, cached in `<root>/<profile>/<dataset>/tour-mat-so/`.
 */
export async function ensureTourRun(profile: ProfileRef, dataset: ExperimentDataset, options: StepOptions = {}): Promise<StepResult<TrainedRun>> {
  const def = profileDefinition(profile);
  const budget = datasetBudget(def, dataset);
  const config = rowConfigForBudget('mat-so', dataset, budget);
  config.epochs = budget.tour.epochs;
  delete config.trainSubset;
  delete config.maxSteps;
  if (budget.tour.trainSubset !== undefined) config.trainSubset = budget.tour.trainSubset;
  if (budget.tour.maxSteps !== undefined) config.maxSteps = budget.tour.maxSteps;
  const dirs = rowDirs(resultsLocation(options.results), def.name, dataset, 'tour-mat-so');
  return ensureTrainedRun(config, { read: dirs.read, write: dirs.write }, { ...options, label: 'tour MAT (SO)' });
}

/** {@link centersGeometry} as a table: measured vs expected. */
export function centersGeometryFrame(g: CentersGeometry): DataFrame {
  return frameOf(['quantity', 'measured', 'expected'], [
    ['‖μ_k‖ (min)', g.minNorm, g.norm],
    ['‖μ_k‖ (max)', g.maxNorm, g.norm],
    ['cos(μ_i, μ_j), i ≠ j (min)', g.minCosine, g.expectedCosine],
    ['cos(μ_i, μ_j), i ≠ j (max)', g.maxCosine, g.expectedCosine],
    ['max |cos − (−1/(L−1))|', g.maxCosineError, 0],
  ], { measured: 6, expected: 6 });
}

/**
 * The MAT transformation (§3.3, Eqs. 10–11) checked on a trained centers-head model: the class with the
 * largest cosine to its center (Eq. 5) is the argmax of the logits φ·μ_k, on `count` test images.
 */
export async function checkCenterHead(run: TrainedRun, count = 500): Promise<{ examples: number; agreement: number; accuracy: number }> {
  const { model } = await loadRunClassifier(run.runDir);
  try {
    if (model.headKind !== 'centers') throw new RangeError(`${run.runDir}: a '${model.headKind}' head has no centers to check`);
    const data = await loadDataset(run.config.dataset, 'test', { subset: count, subsetSeed: 0 });
    let agree = 0, correct = 0;
    for (const batch of batches(data, { batchSize: 250, shuffle: false })) {
      const [byCos, byLogit] = tf.tidy(() => {
        const phi = model.features(batch.x, false);
        const centers = model.headKernel().transpose() as tf.Tensor2D;
        return [cosineToCenters(phi, centers).argMax(1), model.headLogits(phi).argMax(1)];
      });
      const [c, l] = await Promise.all([byCos.data(), byLogit.data()]);
      for (let i = 0; i < c.length; i++) { if (c[i] === l[i]) agree++; if (c[i] === data.labels[batch.indices[i]]) correct++; }
      tf.dispose([byCos, byLogit, batch.x, batch.y]);
    }
    return { examples: data.count, agreement: agree / data.count, accuracy: correct / data.count };
  } finally {
    model.model.dispose();
  }
}
