/**
 * Where experiment results live. Computed results are written under one root (default `runs/`, git-ignored);
 * cached results are looked up under several, in order — shipped results (`data/results/`) first, then
 * the write root — so a checkout with shipped results never recomputes them and never writes over them.
 * Layout under a root: `<profile>/<dataset>/<row>/` holding the run (`results.json`, `checkpoint/`) and
 * the step files (`evaluation.json`, `features.json`); `<profile>/<dataset>/summary.{json,md}`.
 */
import * as path from 'node:path';
import { projectRoot } from '../io/paths';

/** Environment variable naming the write root (relative paths resolve against the project root). */
export const RESULTS_ROOT_ENV = 'MAT_RESULTS_ROOT';
/** Default write root, relative to the project root. */
export const DEFAULT_RESULTS_ROOT = 'runs';
/** Shipped results, relative to the project root: searched before the write root. */
export const SHIPPED_RESULTS_ROOT = path.join('data', 'results');

export interface ResultsLocation {
  /** absolute folder computed results are written to */
  writeRoot: string;
  /** absolute folders searched for cached results, in order (includes `writeRoot`) */
  readRoots: string[];
}

export interface ResultsLocationOptions {
  /** write root; default $MAT_RESULTS_ROOT, else `runs/` (relative paths: against the project root) */
  root?: string;
  /** read roots in lookup order; default [`data/results/`, the write root] */
  readRoots?: string[];
}

function absolute(p: string): string {
  return path.isAbsolute(p) ? p : path.join(projectRoot(), p);
}

/** Resolves a location (an already resolved one is returned as is). */
export function resultsLocation(options: ResultsLocationOptions | ResultsLocation = {}): ResultsLocation {
  if ('writeRoot' in options && 'readRoots' in options && Array.isArray(options.readRoots)) {
    return options as ResultsLocation;
  }
  const o = options as ResultsLocationOptions;
  const writeRoot = absolute(o.root ?? process.env[RESULTS_ROOT_ENV] ?? DEFAULT_RESULTS_ROOT);
  const readRoots = (o.readRoots ?? [SHIPPED_RESULTS_ROOT, writeRoot]).map(absolute);
  if (!readRoots.includes(writeRoot)) readRoots.push(writeRoot);
  return { writeRoot, readRoots: [...new Set(readRoots)] };
}

/** The folder of one experiment (profile × dataset) under `root`. */
export function experimentDir(root: string, profile: string, dataset: string): string {
  return path.join(root, profile, dataset);
}

/** The folder of one row (a trained model and its step files) under `root`. */
export function rowDir(root: string, profile: string, dataset: string, row: string): string {
  return path.join(root, profile, dataset, row);
}

/** A row's folder under every read root (lookup order) and under the write root. */
export function rowDirs(location: ResultsLocation, profile: string, dataset: string, row: string): { read: string[]; write: string } {
  return {
    read: location.readRoots.map((r) => rowDir(r, profile, dataset, row)),
    write: rowDir(location.writeRoot, profile, dataset, row),
  };
}

/** Path relative to the project root when inside it (for messages), else absolute. */
export function displayPath(p: string): string {
  const rel = path.relative(projectRoot(), p);
  return rel.startsWith('..') || path.isAbsolute(rel) ? p : rel;
}
