import * as tf from '@tensorflow/tfjs';
import type { AttackTarget, PgdCommonOptions, TargetSpec } from './types';
import { checkInteger, checkNumber, checkOptions, resolveLinfPreset, resolveThreat } from './options';
import { checkBatch } from './batch';
import { crossEntropyPerSample } from './losses';
import { isSuccessful, resolveTargets } from './targets';
import { linfPgd, type Norm } from '../threat';
import { streamSeed } from './seed';

export interface PgdOptions extends PgdCommonOptions {
  /** targeted attack (minimises CE to the target class); undefined = untargeted (default) */
  target?: TargetSpec;
}

/** Resolved numeric parameters of an L∞ PGD run. */
export interface LinfPgdParams {
  /** threat model (default 'linf') */
  norm?: Norm;
  epsilon: number;
  stepSize: number;
  steps: number;
  randomStart: boolean;
  restarts: number;
  seed: number;
  /** an example counts as broken when any iterate succeeded: that iterate is returned (default true) */
  bestIterate: boolean;
}

/** Defaults besides the preset's ε / step / steps (torchattacks PGD: random_start=True). */
export const pgdDefaults = { preset: 'cifar10', randomStart: true, restarts: 1, seed: 0, bestIterate: true } as const;

const PGD_KEYS = ['preset', 'norm', 'epsilon', 'stepSize', 'steps', 'randomStart', 'restarts', 'seed', 'bestIterate', 'target'] as const;

/** Resolves the PGD-family options against the preset (explicit keys win) and validates them. */
export function resolvePgdParams(attack: string, o: PgdCommonOptions): LinfPgdParams {
  const preset = resolveLinfPreset(o.preset);
  const randomStart = o.randomStart ?? pgdDefaults.randomStart;
  if (typeof randomStart !== 'boolean') throw new TypeError(`${attack}: randomStart must be a boolean`);
  const bestIterate = o.bestIterate ?? pgdDefaults.bestIterate;
  if (typeof bestIterate !== 'boolean') throw new TypeError(`${attack}: bestIterate must be a boolean`);
  const { norm, epsilon } = resolveThreat(attack, o);
  const steps = checkInteger(attack, 'steps', o.steps ?? preset.steps, 0);
  return {
    norm,
    epsilon,
    // L2: Madry et al.'s 2.5·ε/steps unless given (the presets' steps are L∞ steps)
    stepSize: checkNumber(attack, 'stepSize', o.stepSize ?? (norm === 'l2' ? (2.5 * epsilon) / Math.max(steps, 1) : preset.stepSize), 0),
    steps,
    randomStart,
    restarts: checkInteger(attack, 'restarts', o.restarts ?? pgdDefaults.restarts, 1),
    seed: checkInteger(attack, 'seed', o.seed ?? pgdDefaults.seed, 0),
    bestIterate,
  };
}

/**
 * PGD (Madry et al. 2018, "Towards Deep Learning Models Resistant to Adversarial Attacks"), L∞ or L2 (`norm`),
 * images in [0,1]; L2 steps along ∇/‖∇‖₂ with step 2.5·ε/steps unless given and starts uniformly in the ball.
 * Untargeted: maximises CE(f(x'), y); targeted: minimises CE(f(x'), t). Fixed-ε: the result lies in
 * B∞(x, ε) ∩ [0,1]. Defaults: preset 'cifar10' (ε = 8/255, α = 2/255, 20 steps; 'mnist': 0.3, 0.01, 40),
 * uniform random start, 1 restart, seed 0, and the first successful iterate kept (`bestIterate`: an
 * adversarial found on the way is not lost by later steps; false returns the last iterate, as Madry et al.).
 *
 * @example const xAdv = pgd(model, x, y, { preset: 'mnist' });
 */
export function pgd(model: AttackTarget, x: tf.Tensor4D, y: tf.Tensor1D, options?: PgdOptions): tf.Tensor4D {
  const o = checkOptions('pgd', options, PGD_KEYS);
  const p = resolvePgdParams('pgd', o);
  return linfCrossEntropyAttack('pgd', model, x, y, o.target, p);
}

/** CE-driven L∞ attack shared by PGD and FGSM. */
export function linfCrossEntropyAttack(
  attack: string,
  model: AttackTarget,
  x: tf.Tensor4D,
  y: tf.Tensor1D,
  targetSpec: TargetSpec | undefined,
  p: LinfPgdParams,
): tf.Tensor4D {
  checkBatch(attack, x, y);
  return tf.tidy(() => {
    const t = resolveTargets(attack, model, x, y, targetSpec, p.seed);
    const objective =
      t === null
        ? (xa: tf.Tensor4D) => crossEntropyPerSample(model.logits(xa, false), y)
        : (xa: tf.Tensor4D) => crossEntropyPerSample(model.logits(xa, false), t).neg() as tf.Tensor1D;
    return runLinfPgd(model, x, objective, (z) => isSuccessful(z, y, t), p);
  });
}

/**
 * The threat module's PGD loop with an attack's parameters: uniform random start (seeded per restart by
 * `streamSeed(seed, restart)`), restarts ranked by `success` on the logits.
 */
export function runLinfPgd(
  model: AttackTarget,
  x: tf.Tensor4D,
  objective: (xAdv: tf.Tensor4D) => tf.Tensor1D,
  success: (logits: tf.Tensor2D) => tf.Tensor1D,
  p: LinfPgdParams,
): tf.Tensor4D {
  return linfPgd(objective, x, {
    budget: p, norm: p.norm, start: p.randomStart ? 'uniform' : 'none', seed: (r) => streamSeed(p.seed, r), restarts: p.restarts,
    success: (xAdv) => success(model.logits(xAdv, false)), keepSuccessful: p.bestIterate,
  });
}
