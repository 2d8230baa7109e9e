/**
 * A notebook's parameters cell, checked where it is written: `checkNotebookParameters` resolves the
 * profile and dataset (the cell's values; $MAT_PROFILE / $MAT_DATASET override them, as `npm run notebooks`
 * sets), validates the knobs and the notebook's own lists and ranges, and turns `cachedOnly` on for every
 * step. A bad value stops that cell with one line naming it (a ParameterError carries no stack frames).
 * `enforceComputeBudget` is the first compute cell's guard: the notebook's whole plan, and a stop before
 * anything starts when computing it would take longer than `maxComputeMinutes`.
 */
import { CACHED_ONLY_ENV, isCachedOnly } from './cache';
import { checkKnobs, type ExperimentKnobs } from './knobs';
import { describePlannedStep, type PipelinePlan } from './plan';
import { parseExperimentDataset, parseProfileName, type ExperimentDataset, type ProfileName } from './profiles';
import { formatSeconds } from './progress';
import { ALL_ROW_KEYS } from './rows';

/** A bad parameter, or a plan over budget: one line in a notebook (no tslab stack wall). */
export class ParameterError extends Error {
  constructor(message: string, name = 'ParameterError') {
    super(message);
    this.name = name;
    // tslab prints an error's stack: make it the message alone
    this.stack = `${name}: ${message}`;
  }
}

/** A list of the notebook's own (α values, seeds, …): at least one value, each a finite number in range. */
export interface ListParameter {
  values: readonly number[] | undefined;
  /** inclusive bounds (default: any finite number) */
  min?: number;
  max?: number;
  integer?: boolean;
}

export interface NotebookParameters {
  profile: string;
  dataset: string;
  /** the compute budget of a Run All, in minutes */
  maxComputeMinutes: number;
  /** only read cached / shipped results (as $MAT_CACHED_ONLY = 1, which also turns it on) */
  cachedOnly?: boolean;
  knobs?: ExperimentKnobs;
  /** the notebook's own lists, by their variable name */
  lists?: Record<string, ListParameter>;
  /** lists of table rows, by their variable name: at least one, each a row key */
  rows?: Record<string, readonly string[]>;
}

/** $MAT_CACHED_ONLY as the kernel started (the cell's `cachedOnly` sets it, and unsetting restores this). */
const startedCachedOnly = process.env[CACHED_ONLY_ENV];

function checkList(name: string, p: ListParameter): void {
  if (p.values === undefined) return;
  if (!Array.isArray(p.values) || p.values.length === 0) throw new ParameterError(`${name} is empty: give at least one value`);
  for (const x of p.values) {
    const range = p.min !== undefined && p.max !== undefined ? ` in [${p.min}, ${p.max}]` : p.min !== undefined ? ` ≥ ${p.min}` : p.max !== undefined ? ` ≤ ${p.max}` : '';
    const ok = typeof x === 'number' && Number.isFinite(x) && (p.integer !== true || Number.isInteger(x)) &&
      (p.min === undefined || x >= p.min) && (p.max === undefined || x <= p.max);
    if (!ok) throw new ParameterError(`${name}: ${JSON.stringify(x)} is not ${p.integer ? 'an integer' : 'a number'}${range} (in ${JSON.stringify(p.values)})`);
  }
  if (new Set(p.values).size !== p.values.length) throw new ParameterError(`${name} lists a value twice: ${JSON.stringify(p.values)}`);
}

/**
 * Checks the parameters cell and returns the profile and dataset the notebook runs (environment first).
 *
 * @example const { profile, dataset } = mat.checkNotebookParameters({ profile: 'cpu', dataset: 'mnist', maxComputeMinutes: 10, knobs: knobs });
 */
export function checkNotebookParameters(p: NotebookParameters): { profile: ProfileName; dataset: ExperimentDataset; cachedOnly: boolean } {
  const rethrow = (err: unknown): never => { throw new ParameterError((err as Error).message); };
  let profile: ProfileName, dataset: ExperimentDataset;
  try { profile = parseProfileName(process.env.MAT_PROFILE ?? p.profile); } catch (err) { return rethrow(err); }
  try { dataset = parseExperimentDataset(process.env.MAT_DATASET ?? p.dataset); } catch (err) { return rethrow(err); }
  if (!(typeof p.maxComputeMinutes === 'number' && p.maxComputeMinutes >= 0)) {
    throw new ParameterError(`maxComputeMinutes must be a number ≥ 0 (minutes; Infinity for no limit), got ${String(p.maxComputeMinutes)}`);
  }
  const knobs = p.knobs ?? {};
  if (knobs.epsilons !== undefined && knobs.epsilons.length === 0) throw new ParameterError("epsilons is empty: give at least one ε, or undefined for the profile's");
  if (knobs.attacks !== undefined && knobs.attacks.length === 0) throw new ParameterError('attacks is empty: give at least one attack, or undefined for every attack a table needs');
  try { checkKnobs(knobs); } catch (err) { rethrow(err); }
  for (const [name, list] of Object.entries(p.lists ?? {})) checkList(name, list);
  for (const [name, rows] of Object.entries(p.rows ?? {})) {
    if (!Array.isArray(rows) || rows.length === 0) throw new ParameterError(`${name} is empty: give at least one row (${ALL_ROW_KEYS.join(', ')})`);
    const bad = rows.find((r) => !(ALL_ROW_KEYS as readonly string[]).includes(r));
    if (bad !== undefined) throw new ParameterError(`${name}: unknown row '${bad}'; valid rows: ${ALL_ROW_KEYS.join(', ')}`);
  }
  if (p.cachedOnly !== undefined && typeof p.cachedOnly !== 'boolean') throw new ParameterError(`cachedOnly must be true or false, got ${String(p.cachedOnly)}`);
  if (p.cachedOnly) process.env[CACHED_ONLY_ENV] = '1';
  else if (startedCachedOnly === undefined) delete process.env[CACHED_ONLY_ENV];
  else process.env[CACHED_ONLY_ENV] = startedCachedOnly;
  return { profile, dataset, cachedOnly: isCachedOnly({}) };
}

/**
 * The first compute cell's guard: one line per step to compute (and a count of the cached ones); throws a
 * one-line-headed ParameterError listing what would run, and for how long, when that exceeds the budget.
 * Under cachedOnly nothing is computed, so nothing is over budget: the missing steps are listed as skipped.
 */
export function enforceComputeBudget(plan: PipelinePlan, maxComputeMinutes: number): string {
  const compute = plan.toCompute;
  const total = plan.estimatedSeconds;
  const head = `plan: ${plan.cached.length} cached, ${compute.length} to compute` +
    (compute.length ? ` (≈ ${formatSeconds(total)} estimated)` : '');
  const lines = compute.map(describePlannedStep);
  if (compute.length === 0) return `${head}: nothing to compute`;
  if (isCachedOnly({})) return [`${head}; cachedOnly: these are skipped, not computed —`, ...lines].join('\n');
  if (total > maxComputeMinutes * 60) {
    throw new ParameterError([
      `this notebook would compute ≈ ${formatSeconds(total)}, over maxComputeMinutes = ${maxComputeMinutes}: nothing was started. ` +
        `Raise maxComputeMinutes (≥ ${Math.ceil(total / 60)}) to run it, set cachedOnly = true to show only what is cached, or choose a smaller profile / fewer values.`,
      head, ...lines,
    ].join('\n'), 'ComputeBudgetExceeded');
  }
  return [`${head}, within maxComputeMinutes = ${maxComputeMinutes}:`, ...lines].join('\n');
}
