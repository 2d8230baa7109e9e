/**
 * What the workbench knows about a dataset, in one place: its shape and classes, how its files are found
 * and loaded, its L∞ threat model (the evaluation attack and the training inner maximisations), TRADES' β,
 * the default architecture and where its numbers go in the paper's tables. Every consumer (CLI, profiles,
 * objectives, attack presets, reports) asks the registry (registry.ts); nothing tests a dataset's name.
 */
import type { LinfBudget } from '../threat/linf-ball';
import type { Dataset, DatasetSplit } from './dataset';

/** Static facts about a dataset, available without loading it. */
export interface DatasetInfo<N extends string = string> {
  name: N;
  shape: readonly [number, number, number];
  numClasses: number;
  classNames: readonly string[];
  /** examples per split in the official release */
  sizes: Record<DatasetSplit, number>;
}

/** The L∞ threat model of a dataset. Every number has its reason in the dataset's file. */
export interface ThreatModel {
  /** the evaluation PGD (and the `preset` of the L∞ attacks): ε, step size, steps */
  attack: LinfBudget;
  /** training's inner maximisations: Madry-style (AT, AT-MMC: uniform start) and TRADES-style (TRADES, BIBO) */
  innerMax: { madry: LinfBudget; trades: LinfBudget };
  /** the L2 radius of the fixed-ε L2 evaluation (AutoAttack standard under L2; images in [0, 1]) */
  l2Epsilon: number;
}

export interface DatasetEntry<N extends string = string> {
  info: DatasetInfo<N>;
  /** resolves the files of a split (throws DatasetError naming what is missing) */
  files(split: DatasetSplit, dir?: string): Promise<string[]>;
  load(split: DatasetSplit, files: string[]): Promise<Dataset>;
  threatModel: ThreatModel;
  /** TRADES' robust weight β (1/λ in Eq. 1) */
  tradesBeta: number;
  /** architecture a run uses when none is given (a name of models/registry.ts) */
  defaultArch: string;
  /** the paper's column its numbers go in, and how our own columns are titled */
  paper: { column: 'MNIST' | 'CIFAR10'; title: string };
  /** Figure 2's radii (the ε-sweep) */
  sweepEpsilons: readonly number[];
  /** charts show ε in grey levels (ε × 255) rather than as a fraction */
  epsilonInGreyLevels: boolean;
}

/** `from, from + by, …, ≤ to`, each rounded to 6 decimals (0.1 stays 0.1). */
export function epsilonRange(from: number, to: number, by: number): number[] {
  const out: number[] = [];
  for (let i = 0; from + i * by <= to + 1e-12; i++) out.push(Number((from + i * by).toFixed(6)));
  return out;
}
