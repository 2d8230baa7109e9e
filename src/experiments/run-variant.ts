/**
 * Run identity: a trained model is identified by its complete training configuration (method options,
 * budget, seed, data subset — nothing about the backend), not by its table row. A row is a template and
 * a label; a variant is a row with some settings changed (`{ row: 'mat-so-bibo', options: { alpha: 0.5 } }`).
 * Its folder is `<row>-<hash of the configuration>`, so variants coexist and none overwrites another;
 * its label names what differs from the row ("MAT (SO+BIBO), α = 0.5, seed 1").
 *
 * Results written before run identity existed live in `<row>/` folders (data/results/cpu/mnist/mat-so/):
 * they are still found, but only for the configuration they hold (every cached file is keyed by it).
 */
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { trainingObjective } from '../methods/registry';
import type { TrainingObjectiveOptions } from '../methods/method';
import type { TrainRunConfig } from '../run/config';
import { canonicalJson } from './cache';
import { datasetBudget, type ExperimentDataset, type ProfileRef } from './profiles';
import { rowDir, type ResultsLocation } from './results-root';
import { parseRowKey, ROWS, rowConfigForBudget, rowOfConfig, type RowKey } from './rows';

/** A row with some of its training settings changed. */
export interface RunVariant {
  row: RowKey;
  /** method options over the row's (α, β of MAT; the inner max's epsilon, stepSize, steps; …) */
  options?: TrainingObjectiveOptions;
  /** training seed (weights, batch order, inner-max starts); default the budget's */
  seed?: number;
  /** training epochs; default the budget's for the row */
  epochs?: number;
}

/** What every pipeline step accepts as "which model": a row (its default configuration) or a variant. */
export type RunRef = RowKey | RunVariant;

/** The variant a reference denotes (a row key is the row unchanged). */
export function asVariant(ref: RunRef): RunVariant {
  const v = typeof ref === 'string' ? { row: ref } : ref;
  parseRowKey(v.row);
  return v;
}

/** The row a reference is a variant of. */
export const rowOfRef = (ref: RunRef): RowKey => asVariant(ref).row;

/**
 * The full training configuration of a variant under a profile's budget. Options the row's method does
 * not accept (α for AT) or values out of range throw a RangeError naming them.
 */
export function variantConfig(ref: RunRef, profile: ProfileRef, dataset: ExperimentDataset): TrainRunConfig {
  const v = asVariant(ref);
  const config = rowConfigForBudget(v.row, dataset, datasetBudget(profile, dataset));
  if (v.options !== undefined) {
    config.methodOptions = { ...config.methodOptions, ...v.options };
    trainingObjective(config.method, { dataset, ...config.methodOptions }); // validates names and ranges
  }
  if (v.seed !== undefined) {
    if (!Number.isInteger(v.seed) || v.seed < 0) throw new RangeError(`seed must be a non-negative integer, got ${v.seed}`);
    config.seed = v.seed;
  }
  if (v.epochs !== undefined) {
    if (!Number.isInteger(v.epochs) || v.epochs < 1) throw new RangeError(`epochs must be a positive integer, got ${v.epochs}`);
    config.epochs = v.epochs;
  }
  return config;
}

/** Short hash of a configuration: equal configurations (canonical JSON) give equal hashes. */
export function configHash(config: TrainRunConfig): string {
  return createHash('sha256').update(canonicalJson(config)).digest('hex').slice(0, 12);
}

/** The run folder's name: `<row>-<config hash>`. */
export function runFolderName(row: RowKey, config: TrainRunConfig): string {
  return `${row}-${configHash(config)}`;
}

/** How a setting is named in a label. */
const SETTING_NAMES: Readonly<Record<string, string>> = {
  alpha: 'α', beta: 'β', epsilon: 'inner ε', stepSize: 'inner step', steps: 'inner steps', centersNorm: 'C',
  seed: 'seed', epochs: 'epochs', trainSubset: 'train subset', testSubset: 'test subset', maxSteps: 'max steps',
};

/** Flat `name → value` view of a configuration (method options first, then the run's own settings). */
function flatSettings(config: TrainRunConfig): Record<string, unknown> {
  const { methodOptions = {}, ...rest } = config;
  return { ...methodOptions, ...rest };
}

export const formatValue = (v: unknown): string => (typeof v === 'number' ? String(Number(v.toPrecision(6))) : JSON.stringify(v));

/** The settings of `config` that differ from `reference`, as `[name, value in config, value in reference]`. */
export function settingDifferences(config: TrainRunConfig, reference: TrainRunConfig): Array<[string, unknown, unknown]> {
  const a = flatSettings(config), b = flatSettings(reference);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
  return keys.filter((k) => canonicalJson(a[k]) !== canonicalJson(b[k])).map((k) => [k, a[k], b[k]]);
}

/** "α = 0.5, seed 1" for the differences listed. */
export function describeDifferences(diffs: ReadonlyArray<[string, unknown, unknown]>): string {
  return diffs.map(([k, v]) => (k === 'seed' || k === 'epochs' ? `${SETTING_NAMES[k]} ${formatValue(v)}` : `${SETTING_NAMES[k] ?? k} = ${formatValue(v)}`)).join(', ');
}

/** The label of a variant: the row's, plus what differs from the row's default configuration. */
export function variantLabel(ref: RunRef, profile: ProfileRef, dataset: ExperimentDataset): string {
  const v = asVariant(ref);
  const diffs = settingDifferences(variantConfig(v, profile, dataset), variantConfig(v.row, profile, dataset));
  return diffs.length ? `${ROWS[v.row].label}, ${describeDifferences(diffs)}` : ROWS[v.row].label;
}

/**
 * The folders a variant's run may be found in, under every read root in order: its own
 * (`<row>-<hash>`, the row being the one whose defaults the configuration equals, else the variant's), then the pre-identity row folders that may hold the same configuration (its row's,
 * and the row whose defaults it equals, e.g. MAT (SO+BIBO) with α = 0 is MAT (BIBO)); and the folder
 * it is written to.
 */
export function variantDirs(location: ResultsLocation, profileName: string, dataset: ExperimentDataset, ref: RunRef,
  config: TrainRunConfig): { read: string[]; write: string } {
  const v = asVariant(ref);
  // equal configurations share one folder, named by the row whose defaults they are when there is one
  // (MAT (SO+BIBO) with α = 0 is MAT (BIBO)); `<row>-<hash>` of the variant's own row is read too
  const rows = [...new Set([rowOfConfig(config), v.row].filter((r): r is RowKey => r !== undefined))];
  const own = rows.map((r) => runFolderName(r, config));
  const read = location.readRoots.flatMap((root) => [...own, ...rows].map((folder) => rowDir(root, profileName, dataset, folder)));
  return { read, write: rowDir(location.writeRoot, profileName, dataset, own[0]) };
}

/** `<dir>/<file>` for each folder. */
export const filesIn = (dirs: readonly string[], file: string): string[] => dirs.map((d) => path.join(d, file));
