/**
 * Cached pipeline steps: a step's result is stored in a small JSON file next to the key it was computed
 * for (its full configuration). A later call with an equal key (compared as canonical JSON: key order
 * and `undefined` fields do not matter) returns the stored value; any difference recomputes. A file that
 * cannot be read as a cache record is an error naming the file — never silently recomputed over.
 */
import { JsonFileError, jsonRoundTrip, readJsonFile as readJson, writeJsonAtomic } from '../io/json';
import { provenance, type Provenance } from '../io/provenance';

/** What every `ensure…` step returns: the value, whether it came from a cache file, and the time spent. */
export interface StepResult<T> {
  value: T;
  /** true when read from a cache file, false when computed by this call */
  cached: boolean;
  /** wall time of this call (reading, or computing and writing) */
  seconds: number;
  /** the file the value was read from or written to */
  file: string;
}

/** A cache file that exists but is not a valid record (bad JSON, wrong kind, missing fields). */
export class CacheError extends JsonFileError {
  constructor(file: string, problem: string) {
    super(file, problem, `${file}: ${problem} — delete the file to recompute it`);
    this.name = 'CacheError';
  }
}

/** Reads a cache file with src/io's validated read; an unreadable one is a CacheError naming it. */
export const cacheFileError = (file: string, problem: string): CacheError => new CacheError(file, problem);

/** Environment variable that turns `cachedOnly` on for every step that does not set it. */
export const CACHED_ONLY_ENV = 'MAT_CACHED_ONLY';

/** Whether a step may only read cached results: its own `cachedOnly`, else $MAT_CACHED_ONLY = 1. */
export function isCachedOnly(options: { cachedOnly?: boolean }): boolean {
  return options.cachedOnly ?? process.env[CACHED_ONLY_ENV] === '1';
}

/** A step that has no cached result while computing is not allowed (`cachedOnly`). */
export class NotCachedError extends Error {
  constructor(readonly step: string, readonly searched: readonly string[]) {
    super(`${step}: no cached result (searched ${searched.join(', ')}) and computing is off (cachedOnly)`);
    this.name = 'NotCachedError';
  }
}

/** One stored step: its kind, the key it was computed for, the value, and where it came from. */
export interface CacheRecord<K, V> {
  kind: string;
  key: K;
  value: V;
  provenance: Provenance;
  /** seconds the computation took */
  seconds: number;
}

/** JSON with object keys sorted and `undefined` members dropped: equal configurations give equal text. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((x) => (x === undefined ? null : sortKeys(x)));
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v as object).sort()) {
      const x = (v as Record<string, unknown>)[k];
      if (x !== undefined) out[k] = sortKeys(x);
    }
    return out;
  }
  return v;
}

/** True when two keys are the same configuration (canonical JSON equality). */
export function sameKey(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/**
 * Reads a JSON file: undefined when it does not exist; a CacheError naming it when it is not valid JSON
 * or `check` reports a problem.
 */
export function readJsonFile<T>(file: string, check?: (value: unknown) => string | undefined): T | undefined {
  return readJson<T>(file, { check, error: cacheFileError });
}

/** Problems with a value that should be a cache record of `kind` (undefined when it is one). */
export function recordProblem(value: unknown, kind: string): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a cache record (expected a JSON object)';
  const r = value as Partial<CacheRecord<unknown, unknown>>;
  if (r.kind !== kind) return `not a '${kind}' cache record (kind is ${JSON.stringify(r.kind)})`;
  if (!('key' in r) || !('value' in r)) return `'${kind}' cache record without 'key' or 'value'`;
  return undefined;
}

export interface CachedStepOptions<K, V> {
  /** record kind, e.g. 'feature-analysis' */
  kind: string;
  /** the full configuration the value depends on */
  key: K;
  /** files that may hold the value, searched in order (e.g. shipped data/results, then runs/) */
  readFiles: readonly string[];
  /** where a computed value is written */
  writeFile: string;
  compute: () => Promise<V>;
  /** throw a NotCachedError instead of computing */
  cachedOnly?: boolean;
}

/** Returns the value stored for `key` in the first matching read file, else computes and stores it. */
export async function cachedStep<K, V>(options: CachedStepOptions<K, V>): Promise<StepResult<V>> {
  const started = performance.now();
  const elapsed = () => (performance.now() - started) / 1000;
  for (const file of options.readFiles) {
    const rec = readJsonFile<CacheRecord<K, V>>(file, (v) => recordProblem(v, options.kind));
    if (rec !== undefined && sameKey(rec.key, options.key)) return { value: rec.value, cached: true, seconds: elapsed(), file };
  }
  if (isCachedOnly(options)) throw new NotCachedError(options.kind, options.readFiles);
  const prov = provenance();
  const t0 = performance.now();
  const value = jsonRoundTrip(await options.compute());
  const record: CacheRecord<K, V> = { kind: options.kind, key: options.key, value, provenance: prov, seconds: (performance.now() - t0) / 1000 };
  writeJsonAtomic(options.writeFile, record);
  return { value, cached: false, seconds: elapsed(), file: options.writeFile };
}
