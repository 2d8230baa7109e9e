import { DATASETS, DATASET_NAMES } from '../data/registry';
import { normBall, type LinfBudget, type Norm } from '../threat';
import type { LinfPresetName, ThreatOptions } from './types';

/**
 * L∞ presets: one per dataset, its threat model's evaluation attack (src/data/datasets/ gives the reasons;
 * the paper's Appendix C with its attack parameters is missing from the text we have). MNIST: ε = 0.3,
 * step 0.01, 40 steps; Fashion-MNIST: 0.1, 0.01, 40; CIFAR-10: 8/255, 2/255, 20.
 */
export const linfPresets: Readonly<Record<LinfPresetName, LinfBudget>> = Object.fromEntries(
  DATASET_NAMES.map((name) => [name, { ...DATASETS[name].threatModel.attack }]),
) as Record<LinfPresetName, LinfBudget>;

/** The preset used when none is given (torchattacks' default ε = 8/255). */
export const defaultLinfPreset: LinfPresetName = 'cifar10';

/** Looks up a preset; unknown names throw a RangeError listing the valid ones. */
export function resolveLinfPreset(name: LinfPresetName | undefined): LinfBudget {
  const key = name ?? defaultLinfPreset;
  if (!Object.prototype.hasOwnProperty.call(linfPresets, key)) {
    throw new RangeError(`unknown preset '${String(key)}'; valid presets: ${Object.keys(linfPresets).join(', ')}`);
  }
  return linfPresets[key];
}

/**
 * Rejects option keys the attack does not know (a typo such as `eps` instead of `epsilon` must not
 * silently run the default attack). Returns the options object (an empty one for `undefined`).
 */
export function checkOptions<O extends object>(attack: string, options: O | undefined, valid: readonly string[]): O {
  if (options === undefined || options === null) return {} as O;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${attack}: options must be an object, got ${Array.isArray(options) ? 'an array' : typeof options}`);
  }
  const unknown = Object.keys(options).filter((k) => !valid.includes(k));
  if (unknown.length > 0) {
    throw new RangeError(
      `${attack}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; ` +
        `valid options: ${valid.join(', ')}`,
    );
  }
  return options;
}

/** Throws a RangeError unless `value` is a finite number ≥ `min` (or > `min` when `strict`). */
export function checkNumber(attack: string, name: string, value: number, min: number, strict = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (strict ? value <= min : value < min)) {
    throw new RangeError(`${attack}: ${name} must be a finite number ${strict ? '>' : '≥'} ${min}, got ${String(value)}`);
  }
  return value;
}

/** Throws a RangeError unless `value` is an integer ≥ `min`. */
export function checkInteger(attack: string, name: string, value: number, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${attack}: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}

/**
 * The threat model of an attack's options: the norm (default 'linf') and ε — explicit, else (L∞ only) the
 * preset's. Under 'l2' a missing ε is an error: the presets are L∞ radii.
 */
export function resolveThreat(attack: string, o: ThreatOptions): { norm: Norm; epsilon: number } {
  const norm = normBall(o.norm).norm;
  if (norm === 'l2' && o.epsilon === undefined) throw new RangeError(`${attack}: norm 'l2' needs an explicit epsilon (the presets are L∞ radii)`);
  if (norm === 'l2' && o.preset !== undefined) resolveLinfPreset(o.preset); // still reject unknown presets
  return { norm, epsilon: checkNumber(attack, 'epsilon', o.epsilon ?? resolveLinfPreset(o.preset).epsilon, 0) };
}
