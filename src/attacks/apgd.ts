import * as tf from '@tensorflow/tfjs';
import type { AdaptiveLoss, AttackTarget, ThreatOptions } from './types';
import { checkInteger, checkNumber, resolveThreat } from './options';
import { checkBatch, perSample, scatterRows, trueIndices, whereRows } from './batch';
import { valueAndGradWithAux } from './gradients';
import { crossEntropyPerSample, dlrLoss, targetedDlrLoss } from './losses';
import { clipToBox, linfBox, normBall, type Norm } from '../threat';
import { streamSeed } from './seed';

/** Options shared by APGD-CE, APGD-DLR and APGD-T. */
export interface ApgdOptions extends ThreatOptions {
  /** iterations per run (AutoAttack standard: 100; on CPU 20–25 keeps most of the strength, see docs) */
  nIter?: number;
  /** runs from fresh random starts, each only on the points still robust (AutoAttack: 1) */
  restarts?: number;
  /** ρ: a checkpoint halves the step unless the loss increased in more than ρ of the steps since the last one */
  rho?: number;
  /** α: momentum weight of the new step (1 − α goes to the previous step); 0.75 in the paper */
  momentum?: number;
}

/** AutoAttack's values (Croce & Hein 2020; fra31/auto-attack autopgd_base.py). */
export const apgdDefaults = { preset: 'cifar10', nIter: 100, restarts: 1, rho: 0.75, momentum: 0.75, seed: 0 } as const;

export const APGD_KEYS = ['preset', 'norm', 'epsilon', 'nIter', 'restarts', 'rho', 'momentum', 'seed'] as const;

/** The loss APGD maximises: AutoAttack's three, or a caller's per-sample objective (the defence's own, §4.4). */
export type ApgdLoss = 'ce' | 'dlr' | 'dlr-targeted' | AdaptiveLoss;

export interface ApgdParams {
  norm: Norm;
  epsilon: number;
  nIter: number;
  restarts: number;
  rho: number;
  momentum: number;
  seed: number;
}

export function resolveApgdParams(attack: string, o: ApgdOptions): ApgdParams {
  const momentum = checkNumber(attack, 'momentum', o.momentum ?? apgdDefaults.momentum, 0);
  if (momentum > 1) throw new RangeError(`${attack}: momentum must be in [0, 1], got ${momentum}`);
  const rho = checkNumber(attack, 'rho', o.rho ?? apgdDefaults.rho, 0);
  if (rho > 1) throw new RangeError(`${attack}: rho must be in [0, 1], got ${rho}`);
  return {
    ...resolveThreat(attack, o),
    nIter: checkInteger(attack, 'nIter', o.nIter ?? apgdDefaults.nIter, 1),
    restarts: checkInteger(attack, 'restarts', o.restarts ?? apgdDefaults.restarts, 1),
    rho,
    momentum,
    seed: checkInteger(attack, 'seed', o.seed ?? apgdDefaults.seed, 0),
  };
}

/** The checkpoint schedule w_j of APGD: the first after ⌊0.22·N⌋ steps, then windows shrinking by ⌊0.03·N⌋ down to ⌊0.06·N⌋. */
export function apgdCheckpoints(nIter: number): number[] {
  const first = Math.max(Math.floor(0.22 * nIter), 1);
  const min = Math.max(Math.floor(0.06 * nIter), 1);
  const decr = Math.max(Math.floor(0.03 * nIter), 1);
  const out: number[] = [];
  let k = first;
  let at = 0;
  while (at + k <= nIter) {
    at += k;
    out.push(at);
    k = Math.max(k - decr, min);
  }
  return out;
}

type RunResult = {
  /** per sample: the adversarial point if one was found, else the highest-loss point */
  x: tf.Tensor4D;
  /** still correctly classified at every iterate */
  robust: tf.Tensor1D;
  lossBest: tf.Tensor1D;
};

/** One APGD run (attack_single_run of the reference) on a batch, L∞ or L2. */
function apgdSingleRun(
  model: AttackTarget,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  yTarget: tf.Tensor1D | null,
  loss: ApgdLoss,
  p: ApgdParams,
  seed: number,
): RunResult {
  const n = x.shape[0];
  const ball = normBall(p.norm);
  const { lo, hi } = linfBox(x, p.epsilon);
  // the threat model's projection (L∞: the box [x − ε, x + ε] ∩ [0, 1] computed once)
  const project = (v: tf.Tensor4D) => (ball.norm === 'linf' ? clipToBox(v, lo, hi) : ball.project(v, x, p.epsilon));
  const lossOf = (xx: tf.Tensor4D, z: tf.Tensor2D): tf.Tensor1D =>
    typeof loss === 'function' ? loss(xx, x, y)
      : loss === 'ce' ? crossEntropyPerSample(z, y) : loss === 'dlr' ? dlrLoss(z, y) : targetedDlrLoss(z, y, yTarget as tf.Tensor1D);
  const evalAt = (xa: tf.Tensor4D) => {
    const r = valueAndGradWithAux((xx: tf.Tensor4D) => {
      const z = model.logits(xx, false);
      const l = lossOf(xx, z);
      if (l.rank !== 1 || l.shape[0] !== n) throw new TypeError(`apgd: the loss must return one value per sample ([${n}]), got [${l.shape}]`);
      return { value: l.sum() as tf.Scalar, aux: [l, z] as [tf.Tensor1D, tf.Tensor2D] };
    }, xa);
    r.value.dispose();
    return { loss: r.aux[0], logits: r.aux[1], grad: r.grad };
  };
  const yInt = y.toInt();

  // state; every field is an owned tensor, replaced through `advance`
  type State = Record<
    | 'xAdv' | 'xAdvOld' | 'grad' | 'xBest' | 'gradBest' | 'lossBest' | 'xBestAdv' | 'robust'
    | 'lossPrev' | 'nIncreased' | 'stepSize' | 'lossBestLastCheck' | 'reducedLastCheck',
    tf.Tensor
  >;
  let s = tf.tidy((): State => {
    // random start on the sphere of radius ε (L∞: x + ε·t/‖t‖∞, t ~ U(−1, 1); L2: x + ε·t/‖t‖₂, t ~ N(0, I)), projected
    const xAdv = project(ball.surface(x, p.epsilon, seed));
    const e = evalAt(xAdv);
    return {
      xAdv,
      xAdvOld: xAdv.clone(),
      grad: e.grad,
      xBest: xAdv.clone(),
      gradBest: e.grad.clone(),
      lossBest: e.loss.clone(),
      xBestAdv: xAdv.clone(),
      robust: e.logits.argMax(1).equal(yInt),
      lossPrev: e.loss,
      nIncreased: tf.zeros([n]),
      stepSize: tf.fill([n, 1, 1, 1], 2 * p.epsilon),
      lossBestLastCheck: e.loss.clone(),
      reducedLastCheck: tf.ones([n], 'bool'),
    };
  });
  const advance = (next: Partial<State>): void => {
    const merged = { ...s, ...next };
    const live = new Set<tf.Tensor>(Object.values(merged));
    for (const t of Object.values(s)) if (!live.has(t)) t.dispose();
    s = merged;
  };

  const checkpoints = new Set(apgdCheckpoints(p.nIter));
  let windowStart = 0;
  for (let i = 0; i < p.nIter; i++) {
    const a = i > 0 ? p.momentum : 1;
    advance(
      tf.tidy((): Partial<State> => {
        // x⁽ᵏ⁺¹⁾ = P(x⁽ᵏ⁾ + α(z⁽ᵏ⁺¹⁾ − x⁽ᵏ⁾) + (1 − α)(x⁽ᵏ⁾ − x⁽ᵏ⁻¹⁾)), z⁽ᵏ⁺¹⁾ = P(x⁽ᵏ⁾ + η·d(∇)), d = sign (L∞) or ∇/‖∇‖₂ (L2)
        const xAdv = s.xAdv as tf.Tensor4D;
        const z1 = project(xAdv.add(s.stepSize.mul(ball.ascent(s.grad as tf.Tensor4D))));
        const xNew = project(xAdv.add(z1.sub(xAdv).mul(a)).add(xAdv.sub(s.xAdvOld).mul(1 - a)));
        const e = evalAt(xNew);
        const pred = e.logits.argMax(1).equal(yInt) as tf.Tensor1D;
        const improved = e.loss.greater(s.lossBest) as tf.Tensor1D;
        return {
          xAdvOld: xAdv,
          xAdv: xNew,
          grad: e.grad,
          robust: s.robust.logicalAnd(pred),
          xBestAdv: whereRows(pred.logicalNot() as tf.Tensor1D, xNew, s.xBestAdv),
          nIncreased: s.nIncreased.add(e.loss.greater(s.lossPrev).toFloat()),
          lossPrev: e.loss,
          xBest: whereRows(improved, xNew, s.xBest),
          gradBest: whereRows(improved, e.grad, s.gradBest),
          lossBest: tf.where(improved, e.loss, s.lossBest),
        };
      }),
    );
    if (checkpoints.has(i + 1)) {
      const window = i + 1 - windowStart;
      windowStart = i + 1;
      advance(
        tf.tidy((): Partial<State> => {
          // condition 1: the loss increased in at most ρ·window of the window's steps (reference: ≤)
          const oscillating = s.nIncreased.lessEqual(window * p.rho);
          // condition 2: the step was not reduced at the last checkpoint and the best loss did not improve since
          const stalled = s.reducedLastCheck.logicalNot().logicalAnd(s.lossBestLastCheck.greaterEqual(s.lossBest));
          const reduce = oscillating.logicalOr(stalled) as tf.Tensor1D;
          return {
            stepSize: tf.where(perSample(reduce, 4), s.stepSize.div(2), s.stepSize),
            xAdv: whereRows(reduce, s.xBest, s.xAdv),
            grad: whereRows(reduce, s.gradBest, s.grad),
            reducedLastCheck: reduce,
            lossBestLastCheck: s.lossBest.clone(),
            nIncreased: tf.zerosLike(s.nIncreased),
          };
        }),
      );
    }
  }
  const out: RunResult = tf.tidy(() => ({
    x: whereRows(s.robust as tf.Tensor1D, s.xBest as tf.Tensor4D, s.xBestAdv as tf.Tensor4D),
    robust: s.robust.clone() as tf.Tensor1D,
    lossBest: s.lossBest.clone() as tf.Tensor1D,
  }));
  tf.dispose([...Object.values(s), lo, hi, yInt]);
  return out;
}

/**
 * APGD driver (perturb of the reference): restarts (and, for the targeted loss, target classes) run
 * only on the points that are still robust. Result per sample: the first adversarial point found, else
 * the highest-loss point seen, so every output lies in B(x, ε) ∩ [0,1] of the chosen norm. Points misclassified on the
 * clean input are returned unchanged, as in AutoAttack.
 *
 * @param nTargetClasses for 'dlr-targeted': target the 2nd … (n+1)-th most likely clean classes
 */
export function runApgd(
  attack: string,
  model: AttackTarget,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  loss: ApgdLoss,
  p: ApgdParams,
  nTargetClasses = 0,
): tf.Tensor4D {
  const n = checkBatch(attack, x, y);
  const clean = tf.tidy(() => {
    const z = model.logits(x, false);
    return { numClasses: z.shape[1], robust: z.argMax(1).equal(y.toInt()).dataSync().slice() };
  });
  const minClasses = loss === 'dlr' ? 3 : loss === 'dlr-targeted' ? 4 : 2;
  if (clean.numClasses < minClasses) {
    throw new RangeError(`${attack}: the ${String(loss)} loss needs at least ${minClasses} classes, got ${clean.numClasses}`);
  }
  const robust = clean.robust;
  const nTargets = Math.min(nTargetClasses, clean.numClasses - 1);
  const targetRanks = loss === 'dlr-targeted' ? Array.from({ length: nTargets }, (_, k) => k + 2) : [0];
  const bestLoss = new Float32Array(n).fill(-Infinity);
  let out = x.clone();
  const yInt = y.toInt();
  try {
    for (const rank of targetRanks) {
      for (let r = 0; r < p.restarts; r++) {
        const idx = trueIndices(robust);
        if (idx.length === 0) return out;
        const res = tf.tidy(() => {
          const xs = tf.gather(x, idx) as tf.Tensor4D;
          const ys = tf.gather(yInt, idx) as tf.Tensor1D;
          // target: the rank-th most likely class on the clean input (sorted descending)
          const yt = rank === 0 ? null : (tf.topk(model.logits(xs, false), rank).indices.slice([0, rank - 1], [-1, 1]).reshape([-1]) as tf.Tensor1D);
          return apgdSingleRun(model, xs, ys, yt, loss, p, streamSeed(p.seed, rank, r));
        });
        const stillRobust = res.robust.dataSync();
        const lossBest = res.lossBest.dataSync();
        const replace = idx.map((row, j) => !stillRobust[j] || lossBest[j] > bestLoss[row]);
        idx.forEach((row, j) => {
          if (replace[j]) bestLoss[row] = lossBest[j];
          if (!stillRobust[j]) robust[row] = 0;
        });
        const merged = scatterRows(out, res.x, idx, replace);
        tf.dispose([out, res.x, res.robust, res.lossBest]);
        out = merged;
      }
    }
    return out;
  } finally {
    yInt.dispose();
  }
}
