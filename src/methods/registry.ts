/**
 * The method registry: every defence by name. Adding a defence (3 files): methods/<name>.ts exporting its
 * MethodDefinition (head kind, option schema, training loss, adaptive objective, table rows), its test under
 * test/methods/, and one line in METHODS below. The CLI's flags and validation, the training objective,
 * the checkpoint's head kind, the adaptive attack and the experiment rows all come from it.
 */
import type { AdaptiveObjectiveSpec } from '../attacks/adaptive-objectives';
import { streamSeed } from '../attacks/seed';
import { datasetEntry } from '../data/registry';
import type { HeadKind } from '../models/classifier';
import { at } from './at';
import { mat } from './mat';
import type { MethodDefinition, OptionSpec, RowDefinition, TrainingObjective, TrainingObjectiveOptions } from './method';
import { mmc } from './mmc';
import { natural } from './natural';
import { trades } from './trades';

// registry order = the order of the paper's rows (Table 2, then MMC)
export const METHODS = { natural, at, trades, mat, mmc } as const satisfies Record<string, MethodDefinition>;

/** Training methods of Table 2 / Table 3. */
export type Method = keyof typeof METHODS;

/** Names accepted by {@link trainingObjective}. */
export const METHOD_NAMES = Object.keys(METHODS) as Method[];

export function isMethod(name: string): name is Method {
  return Object.prototype.hasOwnProperty.call(METHODS, name);
}

/** A method's definition; unknown names throw a RangeError listing the valid ones. */
export function methodDefinition(method: string): MethodDefinition {
  if (!isMethod(method)) throw new RangeError(`unknown training method '${method}'; expected one of ${METHOD_NAMES.join(', ')}`);
  return METHODS[method] as MethodDefinition;
}

/** The head a method's classifier is built with (what a checkpoint stores as `headKind`). */
export function methodHeadKind(method: string): HeadKind {
  return methodDefinition(method).headKind;
}

// `dataset` and `seed` describe the run, not the method: every method accepts them (no-ops where unused)
const CONTEXT_OPTIONS = ['dataset', 'seed'] as const;

/** Every option name a method accepts, in the order error messages list them. */
export function methodOptionNames(method: string): string[] {
  return [...CONTEXT_OPTIONS, ...Object.keys(methodDefinition(method).options)];
}

/** Checks one option value against its spec; returns a problem in words, or undefined. */
export function optionProblem(spec: OptionSpec, value: unknown): string | undefined {
  if (spec.type === 'boolean') return typeof value === 'boolean' ? undefined : `must be true or false, got ${String(value)}`;
  const what = spec.type === 'integer' ? 'an integer' : 'a number';
  if (typeof value !== 'number' || !Number.isFinite(value) || (spec.type === 'integer' && !Number.isInteger(value))) return `must be ${what}, got ${String(value)}`;
  if (spec.min !== undefined && value < spec.min) return `must be ≥ ${spec.min}, got ${value}`;
  if (spec.max !== undefined && value > spec.max) return `must be ≤ ${spec.max}, got ${value}`;
  return undefined;
}

/**
 * Builds the training objective of one method, validating options against its schema: an option the
 * method does not use (e.g. `alpha` with 'at') or a value out of range throws a RangeError naming both.
 */
export function trainingObjective(method: Method, options: TrainingObjectiveOptions = {}): TrainingObjective {
  const def = methodDefinition(method);
  const allowed = methodOptionNames(method);
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!allowed.includes(key)) throw new RangeError(`option '${key}' is not used by method '${method}' (it accepts: ${allowed.join(', ')})`);
    const spec = (def.options as Record<string, OptionSpec | undefined>)[key];
    const problem = spec && optionProblem(spec, value);
    if (problem) throw new RangeError(`method '${method}': option '${key}' ${problem}`);
  }
  const dataset = options.dataset ?? 'mnist';
  const entry = datasetEntry(dataset);
  const d = def.innerMaxStyle === 'none' ? entry.threatModel.innerMax.trades : entry.threatModel.innerMax[def.innerMaxStyle];
  const inner = {
    epsilon: options.epsilon ?? d.epsilon,
    stepSize: options.stepSize ?? d.stepSize,
    steps: options.steps ?? d.steps,
    randomStart: options.randomStart ?? true,
  };
  const ramp = options.epsilonRamp ?? 0;
  // a warm-up against collapse (AT-MMC at ε = 0.3 from scratch): step s attacks at ε·min(1, (s + 1)/ramp)
  const innerAt = (step: number) => {
    const f = ramp > 0 ? Math.min(1, (step + 1) / ramp) : 1;
    return { ...inner, epsilon: inner.epsilon * f, stepSize: inner.stepSize * f };
  };
  // one never-zero stream per step (tfjs reads seed 0 as "unseeded")
  const seedAt = (step: number) => (options.seed === undefined ? undefined : streamSeed(options.seed, step));
  const built = def.objective({
    options, dataset: entry.info.name, inner: ramp > 0 ? { ...inner, epsilonRamp: ramp } : inner, innerAt, tradesBeta: entry.tradesBeta, seedAt,
  });
  return { method, headKind: def.headKind, ...built };
}

/**
 * The objective that attacks a model trained with `method` (§4.4: its own training loss), with the
 * weights the run trained with (`settings` as stored in a run's results: `alpha`, `beta`).
 * Unknown methods throw a RangeError.
 */
export function adaptiveObjectiveForMethod(method: string, settings: Record<string, unknown> = {}): AdaptiveObjectiveSpec {
  if (!isMethod(method)) throw new RangeError(`no adaptive objective for training method '${method}'; known: ${METHOD_NAMES.join(', ')}`);
  return (METHODS[method] as MethodDefinition).adaptiveObjective(settings);
}

/** A table row with the method that trains it. */
export interface MethodRow extends RowDefinition {
  key: RowKey;
  method: Method;
}

type RowsOf<M> = M extends { rows: infer R } ? keyof R : never;
/** Row keys of the paper's tables ('mat' = FTC only, 'mat-so' = FTC+SO, …). */
export type RowKey = { [M in Method]: RowsOf<(typeof METHODS)[M]> }[Method] & string;

/** Every table row, in table order (Table 2's rows, then MMC). */
export const METHOD_ROWS: Readonly<Record<RowKey, MethodRow>> = Object.fromEntries(
  METHOD_NAMES.flatMap((method) => Object.entries(METHODS[method].rows).map(([key, row]) => [key, { ...row, key, method }])),
) as Record<RowKey, MethodRow>;

/** Which row a training configuration is; undefined for a method without rows. */
export function rowOfMethodOptions(method: string, options: TrainingObjectiveOptions = {}): RowKey | undefined {
  if (!isMethod(method)) return undefined;
  const def: MethodDefinition = METHODS[method];
  const keys = Object.keys(def.rows);
  return (def.rowOf ? def.rowOf(options) : keys.length === 1 ? keys[0] : undefined) as RowKey | undefined;
}
