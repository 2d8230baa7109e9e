/**
 * What a defence (training method) is, in one place: the head its classifier is built with, the options it
 * accepts (names, types, ranges, CLI flags — the CLI's flags and validation come from here), its training
 * loss, the objective adaptive attacks maximise against it (§4.4), and its rows in the paper's tables.
 * One file per method (natural.ts, at.ts, trades.ts, mmc.ts, mat.ts); registry.ts looks them up.
 */
import type * as tf from '@tensorflow/tfjs';
import type { AdaptiveObjectiveSpec } from '../attacks/adaptive-objectives';
import type { DatasetName } from '../data/registry';
import type { LossResult } from '../losses/loss-result';
import type { Classifier, HeadKind } from '../models/classifier';
import type { LinfBudget } from '../threat';

/** Options every method accepts (they describe the run, not the method; no-ops where unused). */
export interface RunContextOptions {
  /** the dataset: its threat model gives the inner-max defaults, TRADES' β (default 'mnist') */
  dataset?: DatasetName;
  /** base seed of the inner max's random start; step s uses streamSeed(seed, s) (attacks/seed.ts). Omitted → unseeded */
  seed?: number;
}

/** The union of every method's options (each method accepts the subset its schema lists). */
export interface TrainingObjectiveOptions extends RunContextOptions {
  /** SO weight α (mat; default 1) */
  alpha?: number;
  /** BIBO weight (mat; default 1) or TRADES' robust weight (trades; the dataset's β) */
  beta?: number;
  /** norm C of the Max-Mahalanobis centers (mat, mmc: default 10) */
  centersNorm?: number;
  /** mmc: train on PGD examples of the MMC loss (Pang et al.'s AT-MMC); default false */
  adversarial?: boolean;
  /** inner max L∞ radius (at, trades, mat's BIBO, adversarial mmc; default: the dataset's threat model) */
  epsilon?: number;
  stepSize?: number;
  steps?: number;
  randomStart?: boolean;
  /** optimizer steps over which the inner max's ε and step size grow linearly from 0 (default 0: no ramp) */
  epsilonRamp?: number;
}

/** One option of a method: its type and range (validated here and by the CLI), CLI flag and help. */
export interface OptionSpec {
  type: 'number' | 'integer' | 'boolean';
  min?: number;
  max?: number;
  /** `mat train` flag (omitted: not exposed on the command line) */
  flag?: string;
  /** a second flag naming the same option, for this method only (e.g. MAT's --bibo-steps) */
  alias?: string;
  /** one line for `mat train --help`, with the default */
  help: string;
}

export type OptionSchema = Readonly<Partial<Record<Exclude<keyof TrainingObjectiveOptions, keyof RunContextOptions>, OptionSpec>>>;

/** What a training loop needs to train with one method. */
export interface TrainingObjective {
  readonly method: string;
  /** the head the classifier must be built with */
  readonly headKind: HeadKind;
  /** for 'centers' heads: build with `centers: maxMahalanobisCenters(L, D, centersNorm)` */
  readonly centersNorm?: number;
  /** resolved settings (defaults filled in), for logging / run metadata */
  readonly settings: Readonly<Record<string, number | string | boolean>>;
  /**
   * The loss on one batch (x NHWC in [0,1], y int32 labels). `step` (default 0) only varies the seed of
   * random starts. Call inside `optimizer.minimize(() => …total, true, model.trainableVariables())`.
   */
  loss(model: Classifier, x: tf.Tensor4D, y: tf.Tensor1D, step?: number): LossResult;
}

/** What a method's builder gets: its validated options and the resolved run context. */
export interface ObjectiveContext {
  options: TrainingObjectiveOptions;
  dataset: DatasetName;
  /** the inner maximisation with the dataset's defaults filled in (and the ramp's length when one is set: for settings) */
  inner: LinfBudget & { randomStart: boolean; epsilonRamp?: number };
  /** the inner maximisation at optimizer step `step`: `inner` with ε and the step size scaled by the ramp */
  innerAt(step: number): LinfBudget & { randomStart: boolean };
  /** TRADES' β of the dataset */
  tradesBeta: number;
  /** seed of the random start at optimizer step `step` (undefined when unseeded) */
  seedAt(step: number): number | undefined;
}

/** The paper's markers: 'O' = loss used, 'X' = not used, '-' = not applicable. */
export type Marker = 'O' | 'X' | '-';

/** A row of the paper's tables trained with this method. */
export interface RowDefinition {
  /** display name, e.g. 'MAT (SO+BIBO)' */
  label: string;
  /** text of the tables' Defense column */
  defense: string;
  so: Marker;
  bibo: Marker;
  /** trains with an inner maximisation (PGD inside every step): ~10× the cost of natural training */
  innerMax: boolean;
  /** method options besides the inner-max budget */
  options: TrainingObjectiveOptions;
}

export interface MethodDefinition {
  /** e.g. 'MAT' */
  label: string;
  headKind: HeadKind;
  /** which inner maximisation of the dataset's threat model the method's defaults come from */
  innerMaxStyle: 'madry' | 'trades' | 'none';
  options: OptionSchema;
  objective(context: ObjectiveContext): Omit<TrainingObjective, 'method' | 'headKind'>;
  /** the objective adaptive PGD maximises against a model trained with these resolved `settings` */
  adaptiveObjective(settings: Record<string, unknown>): AdaptiveObjectiveSpec;
  /** the paper's table rows this method trains, keyed by row key, in table order */
  rows: Readonly<Record<string, RowDefinition>>;
  /** which row a configuration of this method is (default: its only row) */
  rowOf?(options: TrainingObjectiveOptions): string;
}

/** A number from stored settings, else the fallback. */
export function settingOr(settings: Record<string, unknown>, key: string, fallback: number): number {
  return typeof settings[key] === 'number' ? (settings[key] as number) : fallback;
}

export function requireCentersHead(model: Classifier, method: string): void {
  if (model.headKind !== 'centers') {
    throw new RangeError(`method '${method}' needs a classifier built with headKind 'centers', got '${model.headKind}'`);
  }
}

/** The inner-max options (at, trades, mmc, mat): defaults from the dataset's threat model. */
export const INNER_MAX_OPTIONS = {
  epsilon: { type: 'number', min: 0, max: 1, flag: 'epsilon', help: "inner max L∞ radius (the dataset's: MNIST 0.3, Fashion-MNIST 0.1, CIFAR-10 8/255)" },
  stepSize: { type: 'number', min: 0, flag: 'inner-step', help: "inner max step size (the dataset's: MNIST 0.01)" },
  steps: { type: 'integer', min: 1, flag: 'inner-steps', help: "inner max steps (the dataset's: MNIST 40)" },
  randomStart: { type: 'boolean', help: 'random start of the inner max (default true)' },
  epsilonRamp: {
    type: 'integer', min: 0, flag: 'epsilon-ramp',
    help: 'optimizer steps over which the inner max ε (and step) grow linearly from 0 (default 0: none)',
  },
} as const satisfies OptionSchema;

/** Norm C of the Max-Mahalanobis centers (mmc, mat). */
export const CENTERS_NORM_OPTION = {
  type: 'number', min: 0, flag: 'centers-norm', help: 'norm of the Max-Mahalanobis centers (default 10)',
} as const satisfies OptionSpec;
