/**
 * The trained models of the paper's tables as data: Table 2's seven rows (Natural, AT, TRADES and the
 * four MAT variants of Eq. 9) plus MMC (Table 3). Each row is a template that a profile budget turns
 * into a `TrainRunConfig`.
 */
import { METHOD_ROWS, rowOfMethodOptions, type MethodRow, type RowKey, type TrainingObjectiveOptions } from '../methods';
import type { TrainRunConfig } from '../run/config';
import { datasetBudget, type DatasetBudget, type ExperimentDataset, type ProfileRef } from './profiles';

export type { RowKey };

/** A row: its method, label, markers, whether it trains with an inner maximisation, its method options. */
export type RowTemplate = MethodRow;

/**
 * The rows, as the method registry defines them (src/methods/<method>.ts: MAT's four variants set α and β
 * of Eq. 9 to 0 or 1; MMC is AT-MMC). TRADES' β comes from the dataset (1 on MNIST, 6 on CIFAR-10).
 */
export const ROWS: Readonly<Record<RowKey, RowTemplate>> = METHOD_ROWS;

/** Table 2's rows, in the paper's order. */
export const TABLE2_ROW_KEYS = ['natural', 'at', 'trades', 'mat', 'mat-bibo', 'mat-so', 'mat-so-bibo'] as const satisfies readonly RowKey[];
/** Every trained row: Table 2's plus MMC. */
export const ALL_ROW_KEYS = [...TABLE2_ROW_KEYS, 'mmc'] as const satisfies readonly RowKey[];
/** Table 1's models: naturally trained (-N) and TRADES-trained (-T). */
export const TABLE1_ROW_KEYS = ['natural', 'trades'] as const satisfies readonly RowKey[];
/** Table 3's rows (its MAT is the total loss). */
export const TABLE3_ROW_KEYS = ['natural', 'at', 'mmc', 'mat-so-bibo'] as const satisfies readonly RowKey[];
/** Table 4's rows. */
export const TABLE4_ROW_KEYS = ['trades', 'mat', 'mat-bibo', 'mat-so', 'mat-so-bibo'] as const satisfies readonly RowKey[];
/** Table 5's rows (the MAT variants). */
export const TABLE5_ROW_KEYS = ['mat', 'mat-bibo', 'mat-so', 'mat-so-bibo'] as const satisfies readonly RowKey[];
/** Rows whose features are analysed: Table 1's, Table 5's and MMC (the other centers head, beside MAT in Table 5's chart). */
export const FEATURE_ROW_KEYS = ['natural', 'trades', 'mat', 'mat-bibo', 'mat-so', 'mat-so-bibo', 'mmc'] as const satisfies readonly RowKey[];
/** Figure 2's curves: Natural, TRADES and the MAT variants. */
export const FIGURE2_ROW_KEYS = ['natural', 'trades', 'mat', 'mat-bibo', 'mat-so', 'mat-so-bibo'] as const satisfies readonly RowKey[];

/** Checks a row key (RangeError naming the valid ones). */
export function parseRowKey(name: string): RowKey {
  if (Object.prototype.hasOwnProperty.call(ROWS, name)) return name as RowKey;
  throw new RangeError(`unknown row '${name}'; valid rows: ${Object.keys(ROWS).join(', ')}`);
}

/** The SO / BIBO markers of a row as the paper prints them ('O' used, 'X' not, '-' n/a). */
export function rowMarkers(row: RowKey): { so: string; bibo: string } {
  const d = ROWS[row];
  return { so: d.so, bibo: d.bibo };
}

/** The training configuration of `row` under a budget. */
export function rowConfigForBudget(row: RowKey, dataset: ExperimentDataset, budget: DatasetBudget): TrainRunConfig {
  const t = ROWS[parseRowKey(row)];
  const b = budget.train;
  const methodOptions: TrainingObjectiveOptions = { ...t.options, ...budget.rowOptions?.[row] };
  if (t.innerMax) Object.assign(methodOptions, { epsilon: budget.innerMax.epsilon, stepSize: budget.innerMax.stepSize, steps: budget.innerMax.steps });
  const config: TrainRunConfig = {
    dataset,
    arch: budget.model.arch,
    method: t.method,
    methodOptions,
    epochs: t.innerMax ? b.innerMaxEpochs : b.epochs,
    batchSize: b.batchSize,
    optimizer: b.optimizer,
    learningRate: b.learningRate,
    momentum: b.momentum,
    seed: b.seed,
  };
  if (budget.model.featureDim !== undefined) config.featureDim = budget.model.featureDim;
  if (budget.model.depth !== undefined) config.depth = budget.model.depth;
  if (budget.model.width !== undefined) config.width = budget.model.width;
  if (b.lrMilestones !== undefined && b.lrMilestones.length > 0) config.lrMilestones = [...b.lrMilestones];
  if (b.trainSubset !== undefined) config.trainSubset = b.trainSubset;
  if (b.testSubset !== undefined) config.testSubset = b.testSubset;
  if (b.maxSteps !== undefined) config.maxSteps = b.maxSteps;
  return config;
}

/** The training configuration of `row` in `profile` on `dataset`. */
export function rowConfig(row: RowKey, profile: ProfileRef, dataset: ExperimentDataset): TrainRunConfig {
  return rowConfigForBudget(row, dataset, datasetBudget(profile, dataset));
}

/** Which row a training configuration is (for `mat analyze` on any run folder); undefined when no row describes it. */
export function rowOfConfig(config: Pick<TrainRunConfig, 'method' | 'methodOptions'>): RowKey | undefined {
  return rowOfMethodOptions(config.method, config.methodOptions);
}
