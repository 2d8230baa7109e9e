/**
 * Plan before compute: every pipeline call (`ensureTrained`, `ensureEvaluated`, `ensureFeatureAnalysis`,
 * `ensureRows`, `ablate`) accepts `plan: new PipelinePlan()`; it then computes nothing and records each
 * step as cached (with its file) or to compute (with the settings that differ from the nearest cached
 * result and an estimated time from throughput measured on the current backend). Under cachedOnly
 * ($MAT_CACHED_ONLY=1) the calls plan first and report every missing step in one NotCachedError.
 */
import { measureThroughput } from '../bench/throughput';
import { backendInfo } from '../backend';
import type { Arch } from '../models';
import { isCachedOnly, NotCachedError } from './cache';
import type { EvalStepSpec } from './eval-suites';
import { formatSeconds } from './progress';
import { displayPath } from './results-root';

export type PlannedStepKind = 'train' | 'evaluate' | 'features';

export interface PlannedStep {
  step: PlannedStepKind;
  /** the model, e.g. 'MAT (SO+BIBO), α = 0.5' */
  subject: string;
  /** what the step does, e.g. 'pgd@0.3 on 500 test images' */
  what: string;
  status: 'cached' | 'compute';
  /** where the result was found, or where it would be written */
  file: string;
  /** compute only: the nearest cached result and how its settings differ ('α = 0.5 (cached: 1)') */
  nearest?: { file: string; differences: string };
  /** compute only: a step that must run first (the model's training) */
  after?: string;
  /** compute only: estimated seconds on the current backend */
  estimatedSeconds?: number;
}

/** The steps a pipeline call would take; filled by the calls it is passed to. */
export class PipelinePlan {
  readonly steps: PlannedStep[] = [];
  /** whether steps to compute get a time estimate (measures throughput on the backend); false: only cached / compute */
  readonly estimates: boolean;

  constructor(options: { estimates?: boolean } = {}) { this.estimates = options.estimates ?? true; }

  add(step: PlannedStep): void {
    // a step reached twice (a row in two suites, a shared training run) is listed once
    if (!this.steps.some((s) => s.step === step.step && s.file === step.file && s.what === step.what && s.subject === step.subject)) this.steps.push(step);
  }

  get cached(): PlannedStep[] { return this.steps.filter((s) => s.status === 'cached'); }
  get toCompute(): PlannedStep[] { return this.steps.filter((s) => s.status === 'compute'); }
  /** total estimated seconds of the steps to compute */
  get estimatedSeconds(): number { return this.toCompute.reduce((t, s) => t + (s.estimatedSeconds ?? 0), 0); }

  /** One line per step plus a total: what is cached, what would be computed, at what cost. */
  describe(): string {
    const lines = this.steps.map(describePlannedStep);
    lines.push(`${this.cached.length} cached, ${this.toCompute.length} to compute` +
      (this.toCompute.length ? ` (≈ ${formatSeconds(this.estimatedSeconds)} on ${backendName()})` : ''));
    return lines.join('\n');
  }
}

export function describePlannedStep(s: PlannedStep): string {
  if (s.status === 'cached') return `  cached   ${s.subject} · ${s.what} (${displayPath(s.file)})`;
  const cost = s.estimatedSeconds !== undefined ? `≈ ${formatSeconds(s.estimatedSeconds)}` : 'cost unknown';
  const nearest = s.after ? `; after ${s.after}` : s.nearest ? `; nearest cached ${displayPath(s.nearest.file)} differs in ${s.nearest.differences}` : '; nothing similar is cached';
  return `  compute  ${s.subject} · ${s.what}, ${cost} → ${displayPath(s.file)}${nearest}`;
}

/** A NotCachedError listing every missing step of a plan. */
export function missingStepsError(plan: PipelinePlan): NotCachedError {
  const missing = plan.toCompute;
  const err = new NotCachedError(`${missing.length} step${missing.length === 1 ? '' : 's'}`, missing.map((s) => s.file));
  err.message = `${missing.length} step${missing.length === 1 ? ' has' : 's have'} no cached result and computing is off (cachedOnly); ` +
    `computing ${missing.length === 1 ? 'it' : 'them'} would take ≈ ${formatSeconds(plan.estimatedSeconds)} on ${backendName()}:\n` +
    missing.map(describePlannedStep).join('\n');
  return Object.assign(err, { missing });
}

/**
 * Runs a pipeline call, planning it first when computing is off: with cachedOnly (and no plan of the
 * caller's) a dry run collects every step, and a missing one fails the call with all of them listed.
 */
export async function planFirst<O extends { cachedOnly?: boolean; plan?: PipelinePlan }, T>(options: O, call: (options: O) => Promise<T>): Promise<T> {
  if (options.plan === undefined && isCachedOnly(options)) {
    const plan = new PipelinePlan();
    await call({ ...options, plan });
    if (plan.toCompute.length > 0) throw missingStepsError(plan);
  }
  return call(options);
}

const backendName = (): string => backendInfo()?.name ?? 'the current backend';

/** Images per second of a training step and of one attack step (forward + input gradient). */
export interface Throughput { train: number; attackStep: number; backend: string }

const measured = new Map<string, Throughput>();

/** The model a throughput is measured on: its architecture and, for a WideResNet, its depth and width. */
export interface ThroughputModel { arch: Arch; depth?: number; width?: number }

/**
 * Throughput of the model measured on the current backend (a few batches, once per process, backend and
 * model size): the basis of every estimate. A WideResNet is measured at its own depth and width — WRN-34-10
 * is two orders of magnitude dearer per image than the WRN-16-1 default.
 */
export function currentThroughput(model: ThroughputModel): Throughput {
  const backend = backendName();
  const size = model.arch === 'wrn' ? { depth: model.depth, width: model.width } : {};
  const key = `${backend}/${model.arch}/${size.depth ?? ''}-${size.width ?? ''}`;
  let t = measured.get(key);
  if (t === undefined) {
    // two small batches after one warm-up: seconds on wasm / torch (tfjs' pure-JS 'cpu' backend is far slower)
    const r = measureThroughput({ arch: model.arch, ...size, batchSize: 16, iterations: 2, samples: 1, warmup: 1 });
    t = { train: r.trainImagesPerSecond.median, attackStep: r.pgdStepImagesPerSecond.median, backend };
    measured.set(key, t);
  }
  return t;
}

/** Seconds to train `images` examples (over all epochs) with `innerSteps` inner-maximisation steps each. */
export function trainingSeconds(images: number, innerSteps: number, t: Throughput): number {
  return images / t.train + (images * innerSteps) / t.attackStep;
}

/** Attack steps (forward + input gradient) per example of an evaluation step. */
export function attackStepsPerExample(spec: Pick<EvalStepSpec, 'options' | 'sanity'>): number {
  const o = spec.options;
  const num = (k: string, fallback: number) => (typeof o[k] === 'number' ? (o[k] as number) : fallback);
  // APGD-T runs once per target class; Square's queries are forward passes only (≈ 1/3 of a gradient step)
  const iterations = 'nQueries' in o
    ? num('nQueries', 5000) / 3
    : num('steps', num('nIter', 10)) * num('restarts', 1) * num('binarySearchSteps', 1) * num('nTargetClasses', 1);
  // the sanity checks re-run the attack on 100 examples at ε = 1, with 2× steps and with 2 restarts:
  // on the usual 500-example subset about as much again
  return spec.sanity ? 2 * iterations : iterations;
}
