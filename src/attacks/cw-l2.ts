import * as tf from '@tensorflow/tfjs';
import type { AttackTarget, TargetSpec } from './types';
import { checkInteger, checkNumber, checkOptions } from './options';
import { checkBatch, rowNorms, whereRows } from './batch';
import { valueAndGradWithAux } from './gradients';
import { logitMargin } from './losses';
import { resolveTargets } from './targets';

export interface CwL2Options {
  /** binary-search steps over the trade-off constant c (foolbox: 9; default 5 for CPU) */
  binarySearchSteps?: number;
  /** Adam steps per binary-search step (foolbox: 10000; default 100 for CPU) */
  steps?: number;
  /** Adam learning rate in tanh space (C&W / foolbox: 0.01) */
  learningRate?: number;
  /** κ: required logit margin of the adversarial (0 = just cross the boundary) */
  confidence?: number;
  /** first c; the search multiplies it by 10 until an adversarial is found, then bisects (foolbox: 1e-3) */
  initialConst?: number;
  /** stop a binary-search step when the total loss fell by less than 0.01 % over a tenth of the steps */
  abortEarly?: boolean;
  /** targeted attack; undefined = untargeted (default) */
  target?: TargetSpec;
  /** seed for `target: 'random'` */
  seed?: number;
}

/**
 * Defaults: foolbox's L2CarliniWagnerAttack values except the cost, cut for CPU (binary 5 instead of 9,
 * 100 Adam steps instead of 10000); `cwL2FoolboxDefaults` restores foolbox's (and the paper's, which used
 * foolbox) budget.
 */
export const cwL2Defaults = {
  binarySearchSteps: 5,
  steps: 100,
  learningRate: 0.01,
  confidence: 0,
  initialConst: 1e-3,
  abortEarly: true,
  seed: 0,
} as const;

/** foolbox 3's L2CarliniWagnerAttack budget (binary_search_steps = 9, steps = 10000). */
export const cwL2FoolboxDefaults = { binarySearchSteps: 9, steps: 10000 } as const;

const CW_KEYS = ['binarySearchSteps', 'steps', 'learningRate', 'confidence', 'initialConst', 'abortEarly', 'target', 'seed'] as const;

/**
 * C&W L2 (Carlini & Wagner 2017, "Towards Evaluating the Robustness of Neural Networks"), images in [0,1].
 * Minimisation attack: x' = ½(tanh(w) + 1) and Adam minimises ‖x' − x‖₂² + c · max(0, z_y − max_{i≠y} z_i + κ)
 * (targeted: max(0, max_{i≠t} z_i − z_t + κ)), with a per-sample binary search over c. Returns per sample the
 * adversarial with the smallest L2 found (a margin of at least κ), or the original image where none was found.
 *
 * @example const xAdv = cwL2(model, x, y, { steps: 1000, binarySearchSteps: 9 });
 */
export function cwL2(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: CwL2Options): tf.Tensor4D {
  const o = checkOptions('cw-l2', options, CW_KEYS);
  const binarySearchSteps = checkInteger('cw-l2', 'binarySearchSteps', o.binarySearchSteps ?? cwL2Defaults.binarySearchSteps, 1);
  const steps = checkInteger('cw-l2', 'steps', o.steps ?? cwL2Defaults.steps, 1);
  const lr = checkNumber('cw-l2', 'learningRate', o.learningRate ?? cwL2Defaults.learningRate, 0, true);
  const kappa = checkNumber('cw-l2', 'confidence', o.confidence ?? cwL2Defaults.confidence, 0);
  const initialConst = checkNumber('cw-l2', 'initialConst', o.initialConst ?? cwL2Defaults.initialConst, 0, true);
  const abortEarly = o.abortEarly ?? cwL2Defaults.abortEarly;
  const seed = checkInteger('cw-l2', 'seed', o.seed ?? cwL2Defaults.seed, 0);
  const n = checkBatch('cw-l2', x, y);

  return tf.tidy(() => {
    const t = resolveTargets('cw-l2', model, x, y, o.target, seed);
    // tanh-space change of variables: [0,1] → (−1,1) (scaled by 0.999999 so atanh stays finite) → ℝ
    const wOrig = tf.atanh(x.mul(2).sub(1).mul(0.999999));
    const toImage = (w: tf.Tensor4D) => tf.tanh(w).add(1).mul(0.5) as tf.Tensor4D;
    const xRecon = toImage(wOrig as tf.Tensor4D);
    // adversarial margin m: adversarial ⇔ m + κ < 0
    const marginOf = (z: tf.Tensor2D) => (t === null ? logitMargin(z, y) : logitMargin(z, t).neg()) as tf.Tensor1D;

    let bestAdv = x.clone();
    let bestNorm = tf.fill([n], Infinity) as tf.Tensor1D;
    const consts = new Float64Array(n).fill(initialConst);
    const lower = new Float64Array(n).fill(0);
    const upper = new Float64Array(n).fill(Infinity);
    const checkEvery = Math.ceil(steps / 10);
    const b1 = 0.9;
    const b2 = 0.999;

    for (let bs = 0; bs < binarySearchSteps; bs++) {
      if (bs === binarySearchSteps - 1 && binarySearchSteps >= 10) {
        // foolbox/C&W: the last step of a long search uses the upper bound
        for (let i = 0; i < n; i++) consts[i] = Math.min(upper[i], 1e10);
      }
      const c = tf.tensor1d(Float32Array.from(consts));
      let delta = tf.zerosLike(x) as tf.Tensor4D;
      let m = tf.zerosLike(x) as tf.Tensor4D;
      let v = tf.zerosLike(x) as tf.Tensor4D;
      let found = tf.zeros([n], 'bool') as tf.Tensor1D;
      let lossAtCheck = Infinity;

      for (let step = 0; step < steps; step++) {
        const r = tf.tidy(() => {
          const { value, grad, aux } = valueAndGradWithAux((d: tf.Tensor4D) => {
            const xa = toImage(wOrig.add(d) as tf.Tensor4D);
            const z = model.logits(xa, false);
            const margin = marginOf(z);
            const advLoss = tf.relu(margin.add(kappa)).mul(c).sum();
            const dist = xa.sub(xRecon).square().sum();
            return { value: advLoss.add(dist) as tf.Scalar, aux: [xa, margin] as [tf.Tensor4D, tf.Tensor1D] };
          }, delta);
          const [xa, margin] = aux;
          // Adam (Kingma & Ba 2015), bias-corrected
          const mNew = m.mul(b1).add(grad.mul(1 - b1)) as tf.Tensor4D;
          const vNew = v.mul(b2).add(grad.square().mul(1 - b2)) as tf.Tensor4D;
          const mHat = mNew.div(1 - Math.pow(b1, step + 1));
          const vHat = vNew.div(1 - Math.pow(b2, step + 1));
          const dNew = delta.sub(mHat.div(vHat.sqrt().add(1e-8)).mul(lr)) as tf.Tensor4D;
          const isAdv = margin.add(kappa).less(0) as tf.Tensor1D;
          const norms = rowNorms(xa.sub(x));
          const newBest = isAdv.logicalAnd(norms.less(bestNorm)) as tf.Tensor1D;
          return {
            delta: dNew,
            m: mNew,
            v: vNew,
            found: found.logicalOr(isAdv) as tf.Tensor1D,
            bestAdv: whereRows(newBest, xa, bestAdv),
            bestNorm: tf.where(newBest, norms, bestNorm) as tf.Tensor1D,
            loss: value,
          };
        });
        tf.dispose([delta, m, v, found, bestAdv, bestNorm]);
        ({ delta, m, v, found, bestAdv, bestNorm } = r);
        const lossNow = r.loss;
        let stop = false;
        if (abortEarly && step % checkEvery === 0) {
          const l = lossNow.dataSync()[0];
          if (!(l <= 0.9999 * lossAtCheck)) stop = true;
          else lossAtCheck = l;
        }
        lossNow.dispose();
        if (stop) break;
      }

      const foundNow = found.dataSync();
      for (let i = 0; i < n; i++) {
        if (foundNow[i]) upper[i] = consts[i];
        else lower[i] = consts[i];
        consts[i] = Number.isFinite(upper[i]) ? (lower[i] + upper[i]) / 2 : consts[i] * 10;
      }
      tf.dispose([c, delta, m, v, found]);
    }
    return bestAdv;
  });
}
