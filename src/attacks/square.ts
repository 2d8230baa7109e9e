import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../analysis/random';
import type { AttackTarget, LinfBallOptions } from './types';
import { checkBatch, trueIndices } from './batch';
import { logitMargin } from './losses';
import { checkInteger, checkNumber, checkOptions, resolveLinfPreset } from './options';
import { streamSeed } from './seed';

export interface SquareOptions extends LinfBallOptions {
  /** model queries per image (default 5000, AutoAttack's standard version) */
  nQueries?: number;
  /** initial fraction of pixels a square covers (default 0.8 for MNIST-sized inputs as in the paper's MNIST runs, else 0.05) */
  pInit?: number;
}

const SQUARE_KEYS = ['preset', 'epsilon', 'seed', 'nQueries', 'pInit'] as const;

/**
 * Square Attack (Andriushchenko, Croce, Flammarion & Hein, ECCV 2020), L∞, images in [0,1], untargeted: a
 * score-based random search that never reads a gradient — the check that settles gradient masking. It starts
 * from vertical stripes of ±ε and proposes, per image, a random square window whose channels each move to ±ε;
 * the proposal is kept when it lowers the logit margin z_y − max_{k≠y} z_k. The window shrinks on the paper's
 * schedule. An image stops once misclassified; every image keeps its lowest-margin iterate.
 *
 * @example const xAdv = square(model, x, y, { preset: 'mnist', nQueries: 1000, seed: 0 });
 */
export function square(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: SquareOptions): tf.Tensor4D {
  const o = checkOptions('square', options, SQUARE_KEYS);
  const n = checkBatch('square', x, y);
  const [, h, w, c] = x.shape;
  const epsilon = checkNumber('square', 'epsilon', o.epsilon ?? resolveLinfPreset(o.preset).epsilon, 0);
  const nQueries = checkInteger('square', 'nQueries', o.nQueries ?? 5000, 1);
  const pInit = checkNumber('square', 'pInit', o.pInit ?? (h * w <= 28 * 28 ? 0.8 : 0.05), 0, true);
  const random = seededRandom(streamSeed(o.seed ?? 0, 0x5a));
  const clean = x.dataSync();
  const labels = y.dataSync();
  const size = h * w * c;
  const lo = Float32Array.from(clean, (v) => Math.max(0, v - epsilon));
  const hi = Float32Array.from(clean, (v) => Math.min(1, v + epsilon));
  const clip = (v: number, i: number) => Math.min(hi[i], Math.max(lo[i], v));

  // start: vertical stripes, one random sign per (image, column, channel)
  const current = new Float32Array(clean.length);
  for (let k = 0; k < n; k++)
    for (let col = 0; col < w; col++)
      for (let ch = 0; ch < c; ch++) {
        const s = random() < 0.5 ? -epsilon : epsilon;
        for (let row = 0; row < h; row++) {
          const i = k * size + (row * w + col) * c + ch;
          current[i] = clip(clean[i] + s, i);
        }
      }
  const margins = (images: Float32Array, idx: number[]): Float32Array => tf.tidy(() => {
    const batch = tf.tensor4d(images, [idx.length, h, w, c]);
    return logitMargin(model.logits(batch, false), tf.tensor1d(idx.map((k) => labels[k]), 'int32')).dataSync() as Float32Array;
  });
  const all = [...Array(n).keys()];
  const margin = Float32Array.from(margins(current, all));

  for (let q = 1; q < nQueries; q++) {
    const active = trueIndices(Array.from(margin, (m) => (m > 0 ? 1 : 0)));
    if (active.length === 0) break;
    const p = pSchedule(pInit, q, nQueries);
    const s = Math.min(Math.max(Math.round(Math.sqrt(p * h * w)), 1), h - 1);
    const proposal = new Float32Array(active.length * size);
    active.forEach((k, a) => {
      proposal.set(current.subarray(k * size, (k + 1) * size), a * size);
      const top = Math.floor(random() * (h - s + 1)), left = Math.floor(random() * (w - s + 1));
      for (let ch = 0; ch < c; ch++) {
        const sign = random() < 0.5 ? -epsilon : epsilon;
        for (let row = top; row < top + s; row++)
          for (let col = left; col < left + s; col++) {
            const i = (row * w + col) * c + ch;
            proposal[a * size + i] = clip(clean[k * size + i] + sign, k * size + i);
          }
      }
    });
    const proposed = margins(proposal, active);
    active.forEach((k, a) => {
      if (proposed[a] < margin[k]) {
        margin[k] = proposed[a];
        current.set(proposal.subarray(a * size, (a + 1) * size), k * size);
      }
    });
  }
  return tf.tensor4d(current, x.shape);
}

/** The paper's schedule of the square's area fraction, with its breakpoints scaled to a 10,000-query budget. */
function pSchedule(pInit: number, query: number, nQueries: number): number {
  const it = Math.floor((query / nQueries) * 10_000);
  const halvings = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000].filter((b) => it > b).length;
  return pInit / 2 ** halvings;
}
