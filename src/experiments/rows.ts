/**
 * The trained models of the paper's tables as data: Table 2's seven rows (Natural, AT, TRADES and the
 * four MAT variants of Eq. 9) plus MMC (Table 3). Each row is a template that a profile budget turns
 * into a `TrainRunConfig`.
 */
import type { TrainingObjectiveOptions, Method } from '../losses/objective';
import type { TrainRunConfig } from '../run/train-run';
import type { DefenseKey } from '../tables/defenses';
import { DEFENSES } from '../tables/defenses';
import { datasetBudget, type DatasetBudget, type ExperimentDataset, type ProfileRef } from './profiles';

/** Row keys: the tables' defense keys ('mat' = FTC only, 'mat-so' = FTC+SO, …). */
export type RowKey = DefenseKey;

export interface RowTemplate {
  key: RowKey;
  /** display name, e.g. 'MAT (SO+BIBO)' */
  label: string;
  method: Method;
  /** trains with an inner maximisation (PGD inside every step): ~10× the cost of natural training */
  innerMax: boolean;
  /** method options besides the inner-max budget */
  options: TrainingObjectiveOptions;
}

/**
 * The rows. MAT variants set α (SO weight) and β (BIBO weight) of Eq. 9 to 0 or 1 (the paper's appendix
 * with its weights is missing; 1 is Eq. 9 unweighted). TRADES uses β = 1 on MNIST, 6 on CIFAR-10 (the
 * objective's dataset preset). MMC is Pang et al. (2020)'s adversarially trained MMC (AT-MMC, centers of
 * norm 10): the MMC numbers the paper quotes in Table 3 (55 % PGD at 8/255) are AT-MMC's.
 */
export const ROWS: Readonly<Record<RowKey, RowTemplate>> = {
  natural: { key: 'natural', label: 'Natural', method: 'natural', innerMax: false, options: {} },
  at: { key: 'at', label: 'AT', method: 'at', innerMax: true, options: {} },
  trades: { key: 'trades', label: 'TRADES', method: 'trades', innerMax: true, options: {} },
  mat: { key: 'mat', label: 'MAT (none)', method: 'mat', innerMax: false, options: { alpha: 0, beta: 0 } },
  'mat-so': { key: 'mat-so', label: 'MAT (SO)', method: 'mat', innerMax: false, options: { alpha: 1, beta: 0 } },
  'mat-bibo': { key: 'mat-bibo', label: 'MAT (BIBO)', method: 'mat', innerMax: true, options: { alpha: 0, beta: 1 } },
  'mat-so-bibo': { key: 'mat-so-bibo', label: 'MAT (SO+BIBO)', method: 'mat', innerMax: true, options: { alpha: 1, beta: 1 } },
  mmc: { key: 'mmc', label: 'MMC', method: 'mmc', innerMax: true, options: { adversarial: true } },
};

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
/** Figure 2's curves: Natural, TRADES and the MAT variants. */
export const FIGURE2_ROW_KEYS = ['natural', 'trades', 'mat', 'mat-bibo', 'mat-so', 'mat-so-bibo'] as const satisfies readonly RowKey[];

/** Checks a row key (RangeError naming the valid ones). */
export function parseRowKey(name: string): RowKey {
  if (Object.prototype.hasOwnProperty.call(ROWS, name)) return name as RowKey;
  throw new RangeError(`unknown row '${name}'; valid rows: ${Object.keys(ROWS).join(', ')}`);
}

/** The SO / BIBO markers of a row as the paper prints them ('O' used, 'X' not, '-' n/a). */
export function rowMarkers(row: RowKey): { so: string; bibo: string } {
  const d = DEFENSES[row];
  return { so: d.so, bibo: d.bibo };
}

/** The training configuration of `row` under a budget. */
export function rowConfigForBudget(row: RowKey, dataset: ExperimentDataset, budget: DatasetBudget): TrainRunConfig {
  const t = ROWS[parseRowKey(row)];
  const b = budget.train;
  const methodOptions: TrainingObjectiveOptions = { ...t.options };
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

/**
 * Which row a training configuration is (for `mat analyze` on any run folder): by method, and for MAT by
 * which of α / β are non-zero (defaults α = β = 1). Undefined for configurations no row describes.
 */
export function rowOfConfig(config: Pick<TrainRunConfig, 'method' | 'methodOptions'>): RowKey | undefined {
  const o = config.methodOptions ?? {};
  switch (config.method) {
    case 'natural':
    case 'at':
    case 'trades':
      return config.method;
    case 'mmc':
      return 'mmc';
    case 'mat': {
      const so = (o.alpha ?? 1) > 0, bibo = (o.beta ?? 1) > 0;
      return so ? (bibo ? 'mat-so-bibo' : 'mat-so') : bibo ? 'mat-bibo' : 'mat';
    }
    default:
      return undefined;
  }
}
