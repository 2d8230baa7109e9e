import * as tf from '@tensorflow/tfjs';
import type { AttackTarget, ThreatOptions } from './types';
import { checkBatch, trueIndices } from './batch';
import { checkInteger, checkNumber, checkOptions, resolveLinfPreset } from './options';
import { pickLogit } from './losses';
import { valueAndGradWithAux } from './gradients';
import { hyperplaneStep, normBall, type Norm } from '../threat';
import { streamSeed } from './seed';

/** Options of FAB and FAB-T. */
export interface FabOptions extends ThreatOptions {
  /** iterations per run (AutoAttack: 100) */
  nIter?: number;
  /** runs per target; the first starts at x, later ones from a random point (AutoAttack standard: 1) */
  restarts?: number;
  /** α_max: the largest weight of the step from the clean point (the bias towards small perturbations) */
  alphaMax?: number;
  /** η: overshoot of each projection step past the linearised boundary */
  eta?: number;
  /** β: backward step towards x after an adversarial iterate */
  beta?: number;
}

/** AutoAttack's values (Croce & Hein 2020; fra31/auto-attack fab_base.py). */
export const fabDefaults = { nIter: 100, restarts: 1, alphaMax: 0.1, eta: 1.05, beta: 0.9, seed: 0 } as const;

/** Radius of the random starts of restarts ≥ 2 when no ε is given (fab_base.py's DEFAULT_EPS_DICT_BY_NORM). */
const DEFAULT_START_RADIUS: Record<Norm, number> = { linf: 0.3, l2: 1 };

export const FAB_KEYS = ['preset', 'norm', 'epsilon', 'seed', 'nIter', 'restarts', 'alphaMax', 'eta', 'beta'] as const;

export interface FabParams {
  norm: Norm;
  /** fixed-ε mode: only perturbations with ‖δ‖ ≤ ε count; undefined: minimisation (the smallest found) */
  epsilon: number | undefined;
  nIter: number;
  restarts: number;
  alphaMax: number;
  eta: number;
  beta: number;
  seed: number;
}

export function resolveFabParams(attack: string, o: FabOptions): FabParams {
  const norm = normBall(o.norm).norm;
  // ε: explicit, else (L∞ only) the preset's when a preset is named; none at all → minimisation mode
  const epsilon = o.epsilon !== undefined ? checkNumber(attack, 'epsilon', o.epsilon, 0)
    : o.preset !== undefined && norm === 'linf' ? resolveLinfPreset(o.preset).epsilon : undefined;
  if (o.preset !== undefined) resolveLinfPreset(o.preset);
  const alphaMax = checkNumber(attack, 'alphaMax', o.alphaMax ?? fabDefaults.alphaMax, 0);
  if (alphaMax > 1) throw new RangeError(`${attack}: alphaMax must be in [0, 1], got ${alphaMax}`);
  const beta = checkNumber(attack, 'beta', o.beta ?? fabDefaults.beta, 0);
  if (beta > 1) throw new RangeError(`${attack}: beta must be in [0, 1], got ${beta}`);
  return {
    norm, epsilon, alphaMax, beta,
    nIter: checkInteger(attack, 'nIter', o.nIter ?? fabDefaults.nIter, 1),
    restarts: checkInteger(attack, 'restarts', o.restarts ?? fabDefaults.restarts, 1),
    eta: checkNumber(attack, 'eta', o.eta ?? fabDefaults.eta, 1),
    seed: checkInteger(attack, 'seed', o.seed ?? fabDefaults.seed, 0),
  };
}

/**
 * FAB (Croce & Hein, ICML 2020, "Minimally distorted adversarial examples with a fast adaptive boundary
 * attack"), untargeted, L∞ or L2, images in [0,1]: each iteration linearises the decision boundary towards
 * the closest other class (|z_k − z_y| / ‖∇(z_k − z_y)‖_dual), projects both the iterate and the clean point
 * onto it inside the box, steps to a convex combination of the two (weight α ≤ α_max on the clean point's
 * projection, overshoot η) and, once adversarial, steps back towards x by β. Needs one gradient per class
 * per iteration (FAB-T needs one): AutoAttack runs the targeted version.
 * With `epsilon` (fixed-ε, AutoAttack's use) a point counts only when ‖δ‖ ≤ ε — otherwise x is returned;
 * without it, the smallest adversarial found (or x). Defaults: nIter 100, 1 restart, α_max 0.1, η 1.05, β 0.9.
 *
 * @example const xAdv = fab(model, x, y, { norm: 'l2', epsilon: 2 });
 */
export function fab(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: FabOptions): tf.Tensor4D {
  const o = checkOptions('fab', options, FAB_KEYS);
  return runFab('fab', model, x, y, resolveFabParams('fab', o), 0);
}

/**
 * FAB driver (perturb of the reference): per target class (FAB-T: the 2nd … (n+1)-th most likely clean
 * classes; FAB: one untargeted pass) and restart, a run on the clean-correct points not yet done — in
 * fixed-ε mode the points without an adversarial inside the ball, in minimisation mode all of them.
 * Per point the smallest adversarial found is kept.
 */
export function runFab(attack: string, model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, p: FabParams, nTargetClasses: number): tf.Tensor4D {
  const n = checkBatch(attack, x, y);
  const size = x.size / Math.max(n, 1);
  const clean = tf.tidy(() => {
    const z = model.logits(x, false);
    return { numClasses: z.shape[1], correct: z.argMax(1).equal(y.toInt()).dataSync().slice() };
  });
  if (clean.numClasses < 2) throw new RangeError(`${attack}: needs at least 2 classes, got ${clean.numClasses}`);
  const ranks = nTargetClasses > 0 ? Array.from({ length: Math.min(nTargetClasses, clean.numClasses - 1) }, (_, k) => k + 2) : [0];
  const pixels = x.dataSync();
  const labels = Int32Array.from(y.dataSync());
  const out = Float32Array.from(pixels);
  const best = new Float64Array(n).fill(Infinity);
  const done = (i: number) => !clean.correct[i] || (p.epsilon !== undefined && best[i] <= p.epsilon);
  for (const rank of ranks) {
    for (let r = 0; r < p.restarts; r++) {
      const idx = trueIndices(Array.from({ length: n }, (_, i) => !done(i)));
      if (idx.length === 0) break;
      const res = fabSingleRun(model, x, idx, labels, rank, p, r === 0 ? null : streamSeed(p.seed, rank, r), best);
      idx.forEach((row, j) => {
        if (res.norm[j] < best[row]) {
          best[row] = res.norm[j];
          out.set(res.adv.subarray(j * size, (j + 1) * size), row * size);
        }
      });
    }
  }
  // fixed-ε mode: an adversarial outside the ball does not count (x is returned, as AutoAttack)
  if (p.epsilon !== undefined) {
    for (let i = 0; i < n; i++) if (best[i] > p.epsilon) out.set(pixels.subarray(i * size, (i + 1) * size), i * size);
  }
  return tf.tensor4d(out, x.shape);
}

/** ‖a − b‖ over `size` values from `offset` (b omitted: ‖a‖). */
function normOf(norm: Norm, a: ArrayLike<number>, b: ArrayLike<number> | null, offset: number, size: number): number {
  let acc = 0;
  for (let i = 0; i < size; i++) {
    const d = Math.abs(a[offset + i] - (b === null ? 0 : b[offset + i]));
    acc = norm === 'linf' ? Math.max(acc, d) : acc + d * d;
  }
  return norm === 'linf' ? acc : Math.sqrt(acc);
}

/**
 * One FAB run (attack_single_run of the reference) on the rows `idx` of x: returns per row the smallest
 * adversarial iterate (`adv`, flattened) and its norm (Infinity where none was found).
 *
 * @param rank 0: untargeted; k ≥ 2: the k-th most likely clean class is the target
 * @param startSeed null: start at x; else a random start at half the radius min(best so far, ε) (fab_base.py)
 */
function fabSingleRun(model: AttackTarget, x: tf.Tensor4D, idx: number[], labels: Int32Array, rank: number, p: FabParams,
  startSeed: number | null, bestSoFar: Float64Array): { adv: Float32Array; norm: Float64Array } {
  const ball = normBall(p.norm);
  const m = idx.length;
  const [, h, w, c] = x.shape;
  const size = h * w * c;
  const xs = tf.gather(x, idx) as tf.Tensor4D;
  const ys = tf.tensor1d(idx.map((i) => labels[i]), 'int32');
  try {
    const x0 = xs.dataSync().slice() as Float32Array;
    const target = rank === 0 ? null : tf.tidy(() =>
      tf.topk(model.logits(xs, false), rank).indices.slice([0, rank - 1], [-1, 1]).reshape([-1]) as tf.Tensor1D);
    const x1 = Float32Array.from(x0);
    if (startSeed !== null) {
      const radius = Float32Array.from(idx, (row) => Math.min(bestSoFar[row], p.epsilon ?? DEFAULT_START_RADIUS[p.norm]) / 2);
      const start = tf.tidy(() => {
        const unit = ball.surface(tf.zerosLike(xs), 1, startSeed);
        return xs.add(unit.mul(tf.tensor4d(radius, [m, 1, 1, 1]))).clipByValue(0, 1).dataSync();
      });
      x1.set(start);
    }
    const adv = Float32Array.from(x0);
    const norms = new Float64Array(m).fill(Infinity);
    const yT = ys;
    for (let it = 0; it < p.nIter; it++) {
      // the linearised boundary at x1: f(z) ≈ df + w·(z − x1), f = z_t − z_y (FAB-T) or the closest z_k − z_y (FAB)
      const { df, grad } = boundaryAt(model, tf.tensor4d(x1, xs.shape), yT, target, p.norm);
      for (let j = 0; j < m; j++) {
        const o = j * size;
        const wj = grad.subarray(o, o + size);
        let wx1 = 0, wx0 = 0;
        for (let i = 0; i < size; i++) { wx1 += wj[i] * x1[o + i]; wx0 += wj[i] * x0[o + i]; }
        const b = -df[j] + wx1;
        const d1 = hyperplaneStep(p.norm, x1.subarray(o, o + size), wj, b - wx1);
        const d2 = hyperplaneStep(p.norm, x0.subarray(o, o + size), wj, b - wx0);
        const a1 = Math.max(normOf(p.norm, d1, null, 0, size), 1e-8), a2 = Math.max(normOf(p.norm, d2, null, 0, size), 1e-8);
        const alpha = Math.min(Math.max(a1 / (a1 + a2), 0), p.alphaMax);
        for (let i = 0; i < size; i++) {
          const v = (x1[o + i] + p.eta * d1[i]) * (1 - alpha) + (x0[o + i] + p.eta * d2[i]) * alpha;
          x1[o + i] = Math.min(1, Math.max(0, v));
        }
      }
      const fooled = tf.tidy(() => model.logits(tf.tensor4d(x1, xs.shape), false).argMax(1).notEqual(yT).dataSync());
      for (let j = 0; j < m; j++) {
        if (!fooled[j]) continue;
        const o = j * size;
        const t = normOf(p.norm, x1, x0, o, size);
        if (t < norms[j]) { norms[j] = t; adv.set(x1.subarray(o, o + size), o); }
        // step back towards x: the next iterates search for a smaller adversarial
        for (let i = 0; i < size; i++) x1[o + i] = x0[o + i] + (x1[o + i] - x0[o + i]) * p.beta;
      }
    }
    target?.dispose();
    return { adv, norm: norms };
  } finally {
    tf.dispose([xs, ys]);
  }
}

/**
 * f and ∇f at `xa` (disposed here) per sample, read back: f = z_t − z_y for a target t, else the class k ≠ y
 * whose linearised boundary is closest, |z_k − z_y| / ‖∇(z_k − z_y)‖_dual (dual of L∞: L1; of L2: L2).
 */
function boundaryAt(model: AttackTarget, xa: tf.Tensor4D, y: tf.Tensor1D, target: tf.Tensor1D | null, norm: Norm): { df: Float32Array; grad: Float32Array } {
  const n = xa.shape[0];
  // z_k − z_y per sample and the gradient of its sum (each sample's own gradient), in one forward + backward
  const diffAndGrad = (k: tf.Tensor1D) => {
    const r = valueAndGradWithAux((xx: tf.Tensor4D) => {
      const z = model.logits(xx, false);
      const diff = pickLogit(z, k).sub(pickLogit(z, y)) as tf.Tensor1D;
      return { value: diff.sum() as tf.Scalar, aux: [diff] as [tf.Tensor1D] };
    }, xa);
    return { df: r.aux[0], grad: r.grad };
  };
  const r = tf.tidy(() => {
    if (target !== null) return diffAndGrad(target);
    const numClasses = model.logits(xa.slice([0, 0, 0, 0], [1, -1, -1, -1]), false).shape[1];
    let bestDist: tf.Tensor = tf.fill([n], Infinity), bestDf: tf.Tensor = tf.zeros([n]), bestGrad: tf.Tensor = tf.zerosLike(xa);
    for (let k = 0; k < numClasses; k++) {
      const { df, grad } = diffAndGrad(tf.fill([n], k, 'int32') as tf.Tensor1D);
      const flat = grad.reshape([n, -1]);
      const dual = norm === 'linf' ? flat.abs().sum(1) : flat.square().sum(1).sqrt();
      // the true class itself is never the closest boundary
      const dist = tf.where(y.equal(k), tf.fill([n], Infinity), df.abs().div(dual.add(1e-12)));
      const closer = dist.less(bestDist);
      bestDist = tf.where(closer, dist, bestDist);
      bestDf = tf.where(closer, df, bestDf);
      bestGrad = tf.where(closer.reshape([n, 1, 1, 1]), grad, bestGrad);
    }
    return { df: bestDf, grad: bestGrad };
  });
  const out = { df: r.df.dataSync() as Float32Array, grad: r.grad.dataSync() as Float32Array };
  tf.dispose([r.df, r.grad, xa]);
  return out;
}
