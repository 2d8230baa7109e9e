import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '../analysis/random';
import type { AttackTarget, ThreatOptions } from './types';
import { checkBatch, trueIndices } from './batch';
import { logitMargin } from './losses';
import { checkInteger, checkNumber, checkOptions, resolveThreat } from './options';
import { streamSeed } from './seed';

export interface SquareOptions extends ThreatOptions {
  /** model queries per image (default 5000, AutoAttack's standard version) */
  nQueries?: number;
  /** initial fraction of pixels a square covers (default 0.8 for MNIST-sized inputs as in the paper's MNIST runs, else 0.05) */
  pInit?: number;
}

const SQUARE_KEYS = ['preset', 'norm', 'epsilon', 'seed', 'nQueries', 'pInit'] as const;

/** One image's search state: its clean pixels, and where the proposal goes. */
interface Image { clean: Float32Array; lo: Float32Array; hi: Float32Array }

/**
 * Square Attack (Andriushchenko, Croce, Flammarion & Hein, ECCV 2020), L∞ or L2 (`norm`), images in [0,1],
 * untargeted: a score-based random search that never reads a gradient — the check that settles gradient
 * masking. Each query proposes, per image, a change inside a random square window, kept when it lowers the
 * logit margin z_y − max_{k≠y} z_k; the window shrinks on the paper's schedule. An image stops once
 * misclassified; every image keeps its lowest-margin iterate.
 * - L∞: starts from vertical stripes of ±ε; a proposal sets the window's channels to ±ε.
 * - L2: starts from a grid of the paper's "meta-pattern" squares (±η(s), scaled to ‖δ‖₂ = ε); a proposal
 *   moves the mass of a second window into the first one's new pattern, then rescales δ to ε (the paper's
 *   Algorithm 3, as AutoAttack's square.py). Outputs are clipped to [0, 1], so ‖δ‖₂ ≤ ε always.
 *
 * @example const xAdv = square(model, x, y, { preset: 'mnist', nQueries: 1000, seed: 0 });
 * @example const xAdv = square(model, x, y, { norm: 'l2', epsilon: 2, nQueries: 5000 });
 */
export function square(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: SquareOptions): tf.Tensor4D {
  const o = checkOptions('square', options, SQUARE_KEYS);
  const n = checkBatch('square', x, y);
  const [, h, w, c] = x.shape;
  const { norm, epsilon } = resolveThreat('square', o);
  const nQueries = checkInteger('square', 'nQueries', o.nQueries ?? 5000, 1);
  const pInit = checkNumber('square', 'pInit', o.pInit ?? (h * w <= 28 * 28 ? 0.8 : 0.05), 0, true);
  const random = seededRandom(streamSeed(o.seed ?? 0, 0x5a));
  const clean = x.dataSync() as Float32Array;
  const labels = y.dataSync();
  const size = h * w * c;
  const images: Image[] = Array.from({ length: n }, (_, k) => {
    const px = clean.subarray(k * size, (k + 1) * size);
    const radius = norm === 'linf' ? epsilon : 1;
    return { clean: px, lo: Float32Array.from(px, (v) => Math.max(0, v - radius)), hi: Float32Array.from(px, (v) => Math.min(1, v + radius)) };
  });
  const search = norm === 'linf' ? linfSearch(h, w, c, epsilon, random) : l2Search(h, w, c, epsilon, random);

  const current = new Float32Array(clean.length);
  images.forEach((img, k) => search.init(img, current.subarray(k * size, (k + 1) * size)));
  const margins = (batch: Float32Array, idx: number[]): Float32Array => tf.tidy(() => {
    const t = tf.tensor4d(batch, [idx.length, h, w, c]);
    return logitMargin(model.logits(t, false), tf.tensor1d(idx.map((k) => labels[k]), 'int32')).dataSync() as Float32Array;
  });
  const margin = Float32Array.from(margins(current, [...Array(n).keys()]));

  for (let q = 1; q < nQueries; q++) {
    const active = trueIndices(Array.from(margin, (m) => (m > 0 ? 1 : 0)));
    if (active.length === 0) break;
    const p = pSchedule(pInit, q, nQueries);
    const proposal = new Float32Array(active.length * size);
    active.forEach((k, a) => {
      const out = proposal.subarray(a * size, (a + 1) * size);
      out.set(current.subarray(k * size, (k + 1) * size));
      search.propose(images[k], out, p);
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

/** How one norm starts and proposes: `init` writes the start, `propose` turns the current point into a proposal, in place. */
interface Search {
  init(img: Image, out: Float32Array): void;
  propose(img: Image, out: Float32Array, p: number): void;
}

/** L∞: stripes of ±ε, then windows set to ±ε per channel. */
function linfSearch(h: number, w: number, c: number, epsilon: number, random: () => number): Search {
  const clip = (img: Image, v: number, i: number) => Math.min(img.hi[i], Math.max(img.lo[i], v));
  return {
    init(img, out) {
      // vertical stripes, one random sign per (column, channel)
      for (let col = 0; col < w; col++)
        for (let ch = 0; ch < c; ch++) {
          const s = random() < 0.5 ? -epsilon : epsilon;
          for (let row = 0; row < h; row++) {
            const i = (row * w + col) * c + ch;
            out[i] = clip(img, img.clean[i] + s, i);
          }
        }
    },
    propose(img, out, p) {
      const s = Math.min(Math.max(Math.round(Math.sqrt(p * h * w)), 1), h - 1);
      const top = Math.floor(random() * (h - s + 1)), left = Math.floor(random() * (w - s + 1));
      for (let ch = 0; ch < c; ch++) {
        const sign = random() < 0.5 ? -epsilon : epsilon;
        for (let row = top; row < top + s; row++)
          for (let col = left; col < left + s; col++) {
            const i = (row * w + col) * c + ch;
            out[i] = clip(img, img.clean[i] + sign, i);
          }
      }
    },
  };
}

/** L2: the meta-pattern grid, then mass moved between two windows (Andriushchenko et al. 2020, Alg. 3). */
function l2Search(h: number, w: number, c: number, epsilon: number, random: () => number): Search {
  const size = h * w * c;
  const delta = new Float32Array(size);
  // δ ← ε·δ/‖δ‖₂, then x + δ clipped to [0, 1] (clipping only shortens δ)
  const finish = (img: Image, out: Float32Array) => {
    let sq = 0;
    for (let i = 0; i < size; i++) sq += delta[i] * delta[i];
    const scale = epsilon / (Math.sqrt(sq) + 1e-12);
    for (let i = 0; i < size; i++) out[i] = Math.min(1, Math.max(0, img.clean[i] + delta[i] * scale));
  };
  const sign = () => (random() < 0.5 ? -1 : 1);
  return {
    init(img, out) {
      delta.fill(0);
      const s = Math.max(Math.floor(h / 5), 1);
      const start = Math.floor((h - 5 * s) / 2);
      for (let top = start; top + s <= h; top += s)
        for (let left = start; left + s <= w; left += s) {
          const pattern = metaPattern(s, random() < 0.5);
          for (let ch = 0; ch < c; ch++) {
            const sg = sign();
            for (let r = 0; r < s; r++) for (let q = 0; q < s; q++) delta[((top + r) * w + left + q) * c + ch] += sg * pattern[r * s + q];
          }
        }
      finish(img, out);
    },
    propose(img, out, p) {
      for (let i = 0; i < size; i++) delta[i] = out[i] - img.clean[i];
      let s = Math.max(Math.round(Math.sqrt(p * h * w)), 3);
      if (s % 2 === 0) s += 1;
      s = Math.min(s, Math.min(h, w) - 1);
      const t1 = Math.floor(random() * (h - s)), l1 = Math.floor(random() * (w - s));
      const t2 = Math.floor(random() * (h - s)), l2 = Math.floor(random() * (w - s));
      const inW1 = (r: number, q: number) => r >= t1 && r < t1 + s && q >= l1 && q < l1 + s;
      const inW2 = (r: number, q: number) => r >= t2 && r < t2 + s && q >= l2 && q < l2 + s;
      let image = 0, windows = 0;
      const w1 = new Float64Array(c);
      for (let r = 0; r < h; r++)
        for (let q = 0; q < w; q++)
          for (let ch = 0; ch < c; ch++) {
            const d = delta[(r * w + q) * c + ch], d2 = d * d;
            image += d2;
            if (inW1(r, q) || inW2(r, q)) windows += d2;
            if (inW1(r, q)) w1[ch] += d2;
          }
      // per channel: the new pattern plus the window's old direction, rescaled to the mass it may hold
      const budget = Math.sqrt(Math.max(epsilon * epsilon - image, 0) / c + windows);
      const pattern = metaPattern(s, random() < 0.5);
      const fresh = new Float64Array(s * s * c);
      for (let ch = 0; ch < c; ch++) {
        const sg = sign(), n1 = Math.sqrt(w1[ch]) + 1e-12;
        let sq = 0;
        for (let r = 0; r < s; r++)
          for (let q = 0; q < s; q++) {
            const v = sg * pattern[r * s + q] + delta[((t1 + r) * w + l1 + q) * c + ch] / n1;
            fresh[(r * s + q) * c + ch] = v;
            sq += v * v;
          }
        const scale = budget / (Math.sqrt(sq) + 1e-12);
        for (let j = 0; j < s * s; j++) fresh[j * c + ch] *= scale;
      }
      for (let r = 0; r < s; r++) for (let q = 0; q < s; q++) for (let ch = 0; ch < c; ch++) delta[((t2 + r) * w + l2 + q) * c + ch] = 0;
      for (let r = 0; r < s; r++) for (let q = 0; q < s; q++) for (let ch = 0; ch < c; ch++) delta[((t1 + r) * w + l1 + q) * c + ch] = fresh[(r * s + q) * c + ch];
      finish(img, out);
    },
  };
}

/**
 * The paper's L2 meta-pattern η(s) (s × s, unit Frobenius norm): two halves of opposite sign, each a stack of
 * nested rectangles weighted 1/(k + 1)²; transposed when `transpose`.
 */
export function metaPattern(s: number, transpose: boolean): Float64Array {
  const top = Math.floor(s / 2);
  const out = new Float64Array(s * s);
  const half = (rows: number, offset: number, sgn: number) => {
    const block = nestedRectangles(rows, s);
    for (let r = 0; r < rows; r++) for (let q = 0; q < s; q++) out[(offset + r) * s + q] = sgn * block[r * s + q];
  };
  half(top, 0, 1);
  half(s - top, top, -1);
  normalise(out);
  if (!transpose) return out;
  const t = new Float64Array(s * s);
  for (let r = 0; r < s; r++) for (let q = 0; q < s; q++) t[q * s + r] = out[r * s + q];
  return t;
}

/** x × y rectangles nested around the centre, the k-th (from the inside) adding 1/(k + 1)², unit norm. */
function nestedRectangles(x: number, y: number): Float64Array {
  const out = new Float64Array(x * y);
  if (x === 0 || y === 0) return out;
  const xc = Math.floor(x / 2) + 1, yc = Math.floor(y / 2) + 1;
  let r0 = xc - 1, c0 = yc - 1;
  for (let k = 0; k < Math.max(xc, yc); k++) {
    for (let r = Math.max(r0, 0); r < Math.min(r0 + 2 * k + 1, x); r++)
      for (let q = Math.max(c0, 0); q < Math.min(c0 + 2 * k + 1, y); q++) out[r * y + q] += 1 / (k + 1) ** 2;
    r0 -= 1;
    c0 -= 1;
  }
  normalise(out);
  return out;
}

function normalise(v: Float64Array): void {
  let sq = 0;
  for (const e of v) sq += e * e;
  const n = Math.sqrt(sq);
  if (n > 0) for (let i = 0; i < v.length; i++) v[i] /= n;
}

/** The paper's schedule of the square's area fraction, with its breakpoints scaled to a 10,000-query budget. */
function pSchedule(pInit: number, query: number, nQueries: number): number {
  const it = Math.floor((query / nQueries) * 10_000);
  const halvings = [10, 50, 200, 500, 1000, 2000, 4000, 6000, 8000].filter((b) => it > b).length;
  return pInit / 2 ** halvings;
}
