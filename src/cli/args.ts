/** Flag parsing helpers: every bad value gets a message naming the flag and what was expected. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) { super(message); this.name = 'UsageError'; }
}

export type FlagSpec = NonNullable<ParseArgsConfig['options']>;

/** Strict parse: unknown flags and stray positionals are usage errors. */
export function parseFlags(argv: string[], options: FlagSpec, command: string): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
    return values as Record<string, string | boolean | undefined>;
  } catch (err) {
    throw new UsageError(`${(err as Error).message.replace(/\. To specify.*$/s, '')} (see mat ${command} --help)`);
  }
}

export function numberFlag(values: Record<string, unknown>, name: string, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const what = opts.integer ? 'an integer' : 'a number';
  if (raw === '' || !Number.isFinite(v) || (opts.integer && !Number.isInteger(v))) throw new UsageError(`--${name} must be ${what}, got '${raw}'`);
  if (opts.min !== undefined && v < opts.min) throw new UsageError(`--${name} must be ≥ ${opts.min}, got ${v}`);
  if (opts.max !== undefined && v > opts.max) throw new UsageError(`--${name} must be ≤ ${opts.max}, got ${v}`);
  return v;
}

export function choiceFlag<T extends string>(values: Record<string, unknown>, name: string, choices: readonly T[]): T | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) throw new UsageError(`--${name} must be one of ${choices.join(', ')}, got '${raw}'`);
  return raw as T;
}

/** Comma-separated list of numbers, e.g. --lr-milestones 55,75,90 or --epsilons 0.1,0.2,0.3 */
export function numberListFlag(values: Record<string, unknown>, name: string): number[] | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const parts = String(raw).split(',').filter((s) => s.trim() !== '');
  const nums = parts.map(Number);
  if (nums.some((n) => !Number.isFinite(n))) throw new UsageError(`--${name} must be a comma-separated list of numbers, got '${raw}'`);
  return nums;
}

/**
 * What `mat` hands each command: `startBackend` starts the TensorFlow.js backend (and prints which) — a
 * command calls it once its flags parsed, so a bad flag or --help never waits for a backend. Absent when a
 * command is called as a function (tests), where the caller owns the backend.
 */
export interface CommandContext {
  startBackend?: () => Promise<void>;
}
