/**
 * Progress of pipeline steps, reported through a callback (the library never prints): the CLI writes the
 * messages to stderr, a notebook cell passes `(e) => console.log(e.message)`.
 */
import type { ResultsLocation, ResultsLocationOptions } from './results-root';
import type { StepResult } from './cache';
import { displayPath } from './results-root';
import type { PipelinePlan } from './plan';
import type { ExperimentKnobs } from './knobs';

export type StepKind = 'train' | 'evaluate' | 'analyze' | 'reproduce';

export interface ProgressEvent {
  step: StepKind;
  /** what the step works on, e.g. 'TRADES' or 'TRADES pgd@0.3' */
  subject: string;
  /** start and done are always reported; progress at most every `progressSeconds` */
  phase: 'start' | 'progress' | 'done';
  /** fraction done in [0, 1], when known */
  fraction?: number;
  /** one human-readable line */
  message: string;
}

export type ProgressFn = (event: ProgressEvent) => void;

/** Options every `ensure…` step accepts. */
export interface StepOptions {
  /** where results are read from and written to; default `resultsLocation()` */
  results?: ResultsLocationOptions | ResultsLocation;
  onProgress?: ProgressFn;
  /** minimum seconds between two 'progress' events of one step (default 30) */
  progressSeconds?: number;
  /**
   * never train or attack: a step without a cached result throws a NotCachedError (shipped results, tests).
   * Default: $MAT_CACHED_ONLY = 1 (so notebooks can be held to the shipped results).
   */
  cachedOnly?: boolean;
  /** only plan: record each step (cached, or to compute with its estimated cost) in this plan, compute nothing */
  plan?: PipelinePlan;
  /** the parameters cell's knobs (α, β, ε list, attacks, epochs, seed): models become variants, budgets follow */
  knobs?: ExperimentKnobs;
}


/** A throttled reporter for one step. */
export function reporter(step: StepKind, subject: string, options: Pick<StepOptions, 'onProgress' | 'progressSeconds'>) {
  const every = (options.progressSeconds ?? 30) * 1000;
  let last = Date.now();
  const emit = (phase: ProgressEvent['phase'], message: string, fraction?: number) =>
    options.onProgress?.({ step, subject, phase, message, ...(fraction !== undefined ? { fraction } : {}) });
  return {
    start: (message: string) => { last = Date.now(); emit('start', message, 0); },
    progress: (message: string, fraction?: number) => {
      if (Date.now() - last < every) return;
      last = Date.now();
      emit('progress', message, fraction);
    },
    done: (message: string) => emit('done', message, 1),
  };
}

/** One line saying what a step did: "TRADES: cached (runs/…/results.json)" or "TRADES: computed in 12.3 s → …". */
export function describeStep(what: string, result: Pick<StepResult<unknown>, 'cached' | 'seconds' | 'file'>): string {
  return result.cached
    ? `${what}: cached (${displayPath(result.file)})`
    : `${what}: computed in ${formatSeconds(result.seconds)} → ${displayPath(result.file)}`;
}

/** 12.3 s, 4 min 05 s, 1 h 02 min. */
export function formatSeconds(s: number): string {
  if (s < 59.95) return `${s.toFixed(1)} s`;
  // round to the displayed unit first, so 479.6 s is '8 min 00 s', not '7 min 60 s'
  if (s < 3600 - 0.5) { const r = Math.round(s); return `${Math.floor(r / 60)} min ${String(r % 60).padStart(2, '0')} s`; }
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
