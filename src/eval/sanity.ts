/**
 * Gradient-masking sanity checks (Carlini et al. 2019, "On Evaluating Adversarial Robustness", §5;
 * AutoAttack's self-checks), run by every evaluation on a seeded subset of clean-correct examples.
 * A failed check is a *warning* stored in the results and printed by the CLI — never hidden:
 *
 * - `large-epsilon`: at ε = 1 every image is reachable, so an honest gradient attack must reach ≈ 0 %
 *   (PGD, no random start so that only the gradient can move the point, step 2.5·ε/steps).
 * - `more-steps`: a stronger PGD (more steps, more restarts) must not leave *more* points robust than the
 *   plan's PGD beyond binomial noise (2 standard errors of the difference, at least one example).
 * - `transfer`: PGD crafted on a naturally trained surrogate (if one is given) must not beat the white-box
 *   attacks (worst case of the plan's cascade and the two PGDs above) beyond the same noise bound.
 * - `zero-gradient`: the input gradient of CE and of the logit margin must not be exactly zero for many
 *   clean points (quantisation / argmax steps; for CE alone also a saturated softmax).
 * - `softmax-output`: the "logits" must not look like probabilities (rows in [0,1] summing to 1).
 * - `backend-sign`: the backend's Sign kernel must keep tiny values' signs. Stock tfjs-backend-wasm 4.22 returns
 *   0 for |x| ≤ 1.19e-7 (FLT_EPSILON; src/backend now replaces it), so every gradient component below that is dropped by the sign
 *   steps of FGSM/PGD; on confident models (saturated softmax, MAT/MMC center heads) PGD then stalls and
 *   robust accuracy is overestimated. Warns when the kernel is affected and more than 10 % of the nonzero
 *   CE-gradient components on the check subset are that small (natural MNIST SmallCNN: 4–7 %, PGD still
 *   reaches < 1 %; the demo's MAT FTC+SO model: 89 %).
 */
import * as tf from '@tensorflow/tfjs';
import { crossEntropyPerSample, linfPresets, logitMargin, pgd } from '../attacks';
import { createRng, shuffleIndices, tensorsAt, type Dataset } from '../data';
import { projectToLinfBall } from '../threat';
import type { EvalModel } from './batch-task';
import { runTaskOnIndices, type EvalExecutor } from './executor';
import { epsilonLabel, type AttackStepSpec, type EvaluationPlan } from './plan';
import { BROKEN, ROBUST } from './sample-codes';
import { differenceNoiseBound } from './stats';

export type SanityCheckId = 'large-epsilon' | 'more-steps' | 'transfer' | 'zero-gradient' | 'softmax-output' | 'backend-sign';

export interface SanityCheck {
  id: SanityCheckId;
  status: 'pass' | 'warn' | 'skipped';
  /** one sentence: what was measured and what it means */
  message: string;
  values: Record<string, number | string | boolean | null>;
}

export interface SanityOptions {
  /** clean-correct examples the checks use (default 100; all of them when fewer) */
  examples?: number;
  /** ε of the `large-epsilon` check (default 1: the whole image box) */
  largeEpsilon?: number;
  /** accuracy above which `large-epsilon` warns (default 0.01) */
  largeEpsilonMaxAccuracy?: number;
  /** the stronger PGD of `more-steps` runs steps × this (default 2) … */
  stepsFactor?: number;
  /** … with this many restarts (default 2) */
  restarts?: number;
  /** noise bound in standard errors (default 2) */
  noiseStd?: number;
  /** fraction of exactly-zero input gradients above which `zero-gradient` warns (default 0.05) */
  zeroGradientMaxFraction?: number;
  /** seed of the subset choice (default 0) */
  seed?: number;
}

export const sanityDefaults = {
  examples: 100, largeEpsilon: 1, largeEpsilonMaxAccuracy: 0.01, stepsFactor: 2, restarts: 2, noiseStd: 2,
  zeroGradientMaxFraction: 0.05, seed: 0,
} as const;

const SANITY_KEYS = Object.keys(sanityDefaults);
const SANITY_VERSION = 2;

/** What the checks ran (a resumed evaluation reuses a stored report when this is unchanged). */
export interface SanitySpec {
  /** bumped when the checks' logic changes, so stored reports are recomputed */
  version: number;
  options: Required<SanityOptions>;
  epsilon: number;
  base: AttackStepSpec;
  stronger: AttackStepSpec;
  large: AttackStepSpec;
  surrogate: string | null;
}

export interface SanityReport {
  spec: SanitySpec;
  /** dataset positions of the examples used */
  indices: number[];
  checks: SanityCheck[];
  /** the messages of the checks that warn */
  warnings: string[];
  seconds: number;
}

export interface SanityContext {
  model: EvalModel;
  data: Dataset;
  plan: EvaluationPlan;
  /** clean codes of the evaluation ('1' = correct) */
  cleanCodes: string;
  executor: EvalExecutor;
  /** per-sample worst-case robust flags of the plan's cascade at ε, when it covers ε */
  worstCaseAt?: (epsilon: number) => boolean[] | undefined;
  /** per-sample codes of a finished plan step (the base PGD is not re-run where the plan attacked the subset) */
  stepCodes?: (key: string) => string | undefined;
  /** a naturally trained model of the same task, for the transfer check */
  surrogate?: EvalModel;
  /** how the surrogate is named in the results (e.g. its run folder) */
  surrogateLabel?: string;
}

/** Resolves options (unknown keys → RangeError) and the attacks the checks will run. */
export function sanitySpec(plan: EvaluationPlan, options: SanityOptions = {}, surrogateLabel: string | null = null): SanitySpec {
  for (const k of Object.keys(options)) {
    if (!SANITY_KEYS.includes(k)) throw new RangeError(`sanity: unknown option '${k}'; valid options: ${SANITY_KEYS.join(', ')}`);
  }
  const o = { ...sanityDefaults, ...options } as Required<SanityOptions>;
  if (!Number.isInteger(o.examples) || o.examples < 1) throw new RangeError(`sanity: examples must be a positive integer, got ${o.examples}`);
  if (!Number.isInteger(o.restarts) || o.restarts < 1) throw new RangeError(`sanity: restarts must be a positive integer, got ${o.restarts}`);
  if (!(o.stepsFactor >= 1)) throw new RangeError(`sanity: stepsFactor must be ≥ 1, got ${o.stepsFactor}`);
  const preset = linfPresets[plan.preset];
  const epsilon = plan.epsilons.includes(preset.epsilon) || plan.epsilons.length === 0 ? preset.epsilon : Math.max(...plan.epsilons);
  const base: AttackStepSpec = plan.fixed.find((s) => s.epsilon === epsilon && (s.norm ?? 'linf') === 'linf' && (s.attack === 'pgd' || s.attack === 'adaptive-pgd')) ?? {
    key: `pgd@${epsilonLabel(epsilon)}`, attack: 'pgd', kind: 'fixed-epsilon', norm: 'linf', epsilon, options: { preset: plan.preset, epsilon, seed: 0 },
  };
  const steps = (base.options.steps as number | undefined) ?? preset.steps;
  const restarts = (base.options.restarts as number | undefined) ?? 1;
  const seed = (base.options.seed as number | undefined) ?? 0;
  const stronger: AttackStepSpec = {
    ...base, key: `${base.key}+stronger`,
    options: { ...base.options, steps: Math.round(steps * o.stepsFactor), restarts: Math.max(o.restarts, restarts), seed: seed + 1 },
  };
  const large: AttackStepSpec = {
    key: `pgd@${epsilonLabel(o.largeEpsilon)}`, attack: 'pgd', kind: 'fixed-epsilon', norm: 'linf', epsilon: o.largeEpsilon,
    options: { preset: plan.preset, epsilon: o.largeEpsilon, steps, stepSize: (2.5 * o.largeEpsilon) / Math.max(steps, 1), randomStart: false, seed: 0 },
  };
  return { version: SANITY_VERSION, options: o, epsilon, base, stronger, large, surrogate: surrogateLabel };
}

/** The clean-correct examples the checks use: a seeded sample, in dataset order. */
export function sanityIndices(cleanCodes: string, examples: number, seed: number): number[] {
  const correct: number[] = [];
  for (let i = 0; i < cleanCodes.length; i++) if (cleanCodes[i] === ROBUST) correct.push(i);
  const order = shuffleIndices(correct.length, createRng(seed));
  return Array.from(order.subarray(0, Math.min(examples, correct.length)), (j) => correct[j]).sort((a, b) => a - b);
}

const pct = (p: number) => `${(100 * p).toFixed(1)} %`;

/** Runs the six checks; attacks go through `executor` (worker threads when the evaluation has them). */
export async function runSanityChecks(ctx: SanityContext, options: SanityOptions = {}): Promise<SanityReport> {
  const started = performance.now();
  const spec = sanitySpec(ctx.plan, options, ctx.surrogate ? ctx.surrogateLabel ?? 'surrogate' : null);
  const o = spec.options;
  const indices = sanityIndices(ctx.cleanCodes, o.examples, o.seed);
  const m = indices.length;
  const checks: SanityCheck[] = [];
  if (m === 0) {
    for (const id of ['large-epsilon', 'more-steps', 'transfer', 'zero-gradient', 'softmax-output', 'backend-sign'] as const) {
      checks.push({ id, status: 'skipped', message: 'no clean-correct examples to check', values: {} });
    }
    return { spec, indices, checks, warnings: [], seconds: (performance.now() - started) / 1000 };
  }
  const bs = ctx.plan.batchSize;
  const accOf = (success: Uint8Array) => success.reduce((s, v) => s + (v ? 0 : 1), 0) / m;

  // (a) very large ε
  const large = await runTaskOnIndices(ctx.executor, { kind: 'attack', step: spec.large }, indices, bs);
  const largeAcc = accOf(large.success);
  checks.push({
    id: 'large-epsilon',
    status: largeAcc > o.largeEpsilonMaxAccuracy ? 'warn' : 'pass',
    message: largeAcc > o.largeEpsilonMaxAccuracy
      ? `PGD at ε=${o.largeEpsilon} (any image reachable) leaves ${pct(largeAcc)} of ${m} clean-correct examples correct ` +
        `(expected ≈ 0, limit ${pct(o.largeEpsilonMaxAccuracy)}): gradients do not lead anywhere — suspect gradient masking`
      : `PGD at ε=${o.largeEpsilon} leaves ${pct(largeAcc)} of ${m} examples correct (≈ 0 as it must)`,
    values: { epsilon: o.largeEpsilon, accuracy: largeAcc, examples: m, limit: o.largeEpsilonMaxAccuracy },
  });

  // (b) more steps / restarts
  const planCodes = ctx.stepCodes?.(spec.base.key);
  const base = planCodes !== undefined && indices.every((i) => planCodes[i] === ROBUST || planCodes[i] === BROKEN)
    ? { success: Uint8Array.from(indices, (i) => (planCodes[i] === BROKEN ? 1 : 0)) }
    : await runTaskOnIndices(ctx.executor, { kind: 'attack', step: spec.base }, indices, bs);
  const strong = await runTaskOnIndices(ctx.executor, { kind: 'attack', step: spec.stronger }, indices, bs);
  const baseAcc = accOf(base.success), strongAcc = accOf(strong.success);
  const bound = differenceNoiseBound(baseAcc, strongAcc, m, o.noiseStd);
  const moreWarn = strongAcc - baseAcc > bound;
  checks.push({
    id: 'more-steps',
    status: moreWarn ? 'warn' : 'pass',
    message: moreWarn
      ? `${spec.stronger.attack} with ${spec.stronger.options.steps} steps × ${spec.stronger.options.restarts} restarts leaves ${pct(strongAcc)} robust, ` +
        `more than ${spec.base.key} (${pct(baseAcc)}) by over the noise bound ${pct(bound)}: a stronger attack must not do worse — suspect masking`
      : `stronger PGD (${spec.stronger.options.steps} steps × ${spec.stronger.options.restarts} restarts) ${pct(strongAcc)} vs ${spec.base.key} ${pct(baseAcc)} (noise bound ${pct(bound)})`,
    values: { epsilon: spec.epsilon, baseAccuracy: baseAcc, strongerAccuracy: strongAcc, noiseBound: bound, examples: m },
  });

  // white-box worst case on the subset: the two PGDs and the plan's cascade where it covers this ε
  const cascade = ctx.worstCaseAt?.(spec.epsilon);
  let whiteRobust = 0;
  indices.forEach((i, j) => { if (!base.success[j] && !strong.success[j] && (cascade === undefined || cascade[i])) whiteRobust++; });
  const whiteAcc = whiteRobust / m;

  // (c) transfer from a naturally trained surrogate
  if (ctx.surrogate) {
    const transferAcc = await transferAccuracy(ctx, spec, indices);
    const tBound = differenceNoiseBound(transferAcc, whiteAcc, m, o.noiseStd);
    const warn = transferAcc < whiteAcc - tBound;
    checks.push({
      id: 'transfer',
      status: warn ? 'warn' : 'pass',
      message: warn
        ? `PGD transferred from ${spec.surrogate} leaves ${pct(transferAcc)} robust, below the white-box ${pct(whiteAcc)} by more than ${pct(tBound)}: ` +
          'a black-box attack beats the white-box ones — the gradients are masked'
        : `transfer from ${spec.surrogate}: ${pct(transferAcc)} vs white-box ${pct(whiteAcc)} (noise bound ${pct(tBound)})`,
      values: { epsilon: spec.epsilon, transferAccuracy: transferAcc, whiteBoxAccuracy: whiteAcc, noiseBound: tBound, surrogate: spec.surrogate, examples: m },
    });
  } else {
    checks.push({ id: 'transfer', status: 'skipped', message: 'no naturally trained surrogate given (CLI: --surrogate RUN)', values: { whiteBoxAccuracy: whiteAcc } });
  }

  // (d) exactly-zero input gradients, (e) softmax-looking outputs
  const g = gradientAndOutputStats(ctx.model, ctx.data, indices, bs);
  const zeroWarn = g.zeroMargin > o.zeroGradientMaxFraction || g.zeroCe > o.zeroGradientMaxFraction;
  checks.push({
    id: 'zero-gradient',
    status: zeroWarn ? 'warn' : 'pass',
    message: zeroWarn
      ? `the input gradient is exactly zero for ${pct(g.zeroCe)} (CE) / ${pct(g.zeroMargin)} (logit margin) of ${m} clean examples ` +
        `(limit ${pct(o.zeroGradientMaxFraction)})` +
        (g.zeroMargin > o.zeroGradientMaxFraction ? ': the model is not differentiable where it matters — gradient attacks are blind'
          : ': the softmax saturates — CE-based attacks stall; prefer margin losses (apgd-dlr, cw-l2)')
      : `input gradients non-zero (zero for ${pct(g.zeroCe)} CE, ${pct(g.zeroMargin)} margin)`,
    values: { zeroCeFraction: g.zeroCe, zeroMarginFraction: g.zeroMargin, limit: o.zeroGradientMaxFraction, examples: m },
  });
  checks.push({
    id: 'softmax-output',
    status: g.looksLikeSoftmax ? 'warn' : 'pass',
    message: g.looksLikeSoftmax
      ? 'the model outputs look like probabilities (in [0,1], rows sum to 1): attacks expect logits'
      : 'outputs are logits (not probabilities)',
    values: { minOutput: g.min, maxOutput: g.max, maxRowSumError: g.rowSumError },
  });

  const signOk = signKernelKeepsTinyValues();
  const signWarn = !signOk && g.tinyFraction > 0.1;
  checks.push({
    id: 'backend-sign',
    status: signWarn ? 'warn' : 'pass',
    message: signOk
      ? `the ${tf.getBackend()} Sign kernel keeps the sign of tiny values`
      : `the ${tf.getBackend()} backend's Sign kernel returns 0 for |x| ≤ 1.2e-7, and ${pct(g.tinyFraction)} of the nonzero input-gradient ` +
        `components here are that small: ${signWarn ? 'FGSM/PGD steps drop them, so the attack is weakened — compare with --backend cpu on a subset' : 'too few to matter'}`,
    values: { backend: tf.getBackend(), signKernelExact: signOk, tinyGradientFraction: g.tinyFraction },
  });

  const warnings = checks.filter((c) => c.status === 'warn').map((c) => `sanity check '${c.id}' failed: ${c.message}`);
  return { spec, indices, checks, warnings, seconds: (performance.now() - started) / 1000 };
}

/** Accuracy of the target on PGD examples crafted on the surrogate (in this thread), projected onto the ball. */
async function transferAccuracy(ctx: SanityContext, spec: SanitySpec, indices: number[]): Promise<number> {
  const surrogate = ctx.surrogate as EvalModel;
  const { objective: _objective, ...pgdSpec } = spec.base;
  const options = { ...pgdSpec.options };
  const eps = spec.epsilon;
  let correct = 0;
  for (let s = 0; s < indices.length; s += ctx.plan.batchSize) {
    const { x, y } = tensorsAt(ctx.data, indices.slice(s, s + ctx.plan.batchSize));
    const ok = tf.tidy(() => {
      // the surrogate is attacked with plain (CE) PGD: the target's adaptive objective means nothing to it
      const xAdv = pgd(surrogate, x, y, options);
      const projected = projectToLinfBall(xAdv, x, eps);
      return ctx.model.logits(projected, false).argMax(1).equal(y.toInt()).sum();
    });
    correct += (await ok.data())[0];
    tf.dispose([ok, x, y]);
  }
  return correct / indices.length;
}

/** Does tf.sign keep the sign of 1e-10 on the current backend? (stock tfjs-backend-wasm 4.22: no) */
export function signKernelKeepsTinyValues(): boolean {
  const v = tf.tidy(() => tf.tensor1d([1e-10, -1e-10, 1e-30]).sign().dataSync());
  return v[0] === 1 && v[1] === -1 && v[2] === 1;
}

/** Below this, tfjs-backend-wasm's Sign kernel answers 0 (FLT_EPSILON). */
const WASM_SIGN_THRESHOLD = 1.1920929e-7;

function gradientAndOutputStats(model: EvalModel, data: Dataset, indices: number[], batchSize: number) {
  let zeroCe = 0, zeroMargin = 0, min = Infinity, max = -Infinity, rowSumError = 0, nonzero = 0, tiny = 0;
  for (let s = 0; s < indices.length; s += batchSize) {
    const { x, y } = tensorsAt(data, indices.slice(s, s + batchSize));
    const r = tf.tidy(() => {
      const gradOf = (f: (z: tf.Tensor2D) => tf.Tensor1D) =>
        tf.grad((xx: tf.Tensor) => f(model.logits(xx as tf.Tensor4D, false)).sum())(x).abs();
      const perSampleZero = (g: tf.Tensor) => g.reshape([g.shape[0], -1]).max(1).equal(0).sum();
      const gCe = gradOf((zz) => crossEntropyPerSample(zz, y));
      const z = model.logits(x, false);
      return [
        perSampleZero(gCe),
        perSampleZero(gradOf((zz) => logitMargin(zz, y))),
        z.min(), z.max(), z.sum(1).sub(1).abs().max(),
        gCe.greater(0).sum(), gCe.greater(0).logicalAnd(gCe.lessEqual(WASM_SIGN_THRESHOLD)).sum(),
      ];
    });
    const v = r.map((t) => t.dataSync()[0]);
    tf.dispose([...r, x, y]);
    zeroCe += v[0]; zeroMargin += v[1]; nonzero += v[5]; tiny += v[6];
    min = Math.min(min, v[2]); max = Math.max(max, v[3]); rowSumError = Math.max(rowSumError, v[4]);
  }
  const m = indices.length;
  return {
    zeroCe: zeroCe / m, zeroMargin: zeroMargin / m, min, max, rowSumError, looksLikeSoftmax: min >= 0 && max <= 1 && rowSumError < 1e-3,
    tinyFraction: nonzero > 0 ? tiny / nonzero : 0,
  };
}
