/**
 * The local executor: runs a grid's cells in this process, in stage order (every training, then every
 * evaluation, then the feature analyses — training first because it dominates the cost), then renders it.
 * This is what `mat reproduce` / `mat ablate` did before executors existed, and it goes through the same
 * calls (`reproduce`, `ablate`), so its outputs and cache files are unchanged.
 */
import { ablate, writeAblationCharts, type AblationOptions, type AblationResult } from '../ablation';
import { reproduce, type ReproduceOptions, type ReproduceSummary } from '../reproduce';
import type { ExperimentResults } from '../report';
import type { Grid } from './cells';

export type LocalGridResult =
  | { kind: 'reproduce'; summary: ReproduceSummary; results: ExperimentResults }
  | { kind: 'ablation'; result: AblationResult; charts: string[] };

/** Runs every cell of the grid here and writes its tables, figures and report. */
export async function runGridLocally(grid: Grid, options: ReproduceOptions & AblationOptions = {}): Promise<LocalGridResult> {
  const w = grid.work;
  if (w.kind === 'reproduce') {
    const { summary, results } = await reproduce(w.profile, w.dataset, { ...options, rows: w.rows, skipFeatures: w.skipFeatures });
    return { kind: 'reproduce', summary, results };
  }
  const result = await ablate(w.spec, options);
  return { kind: 'ablation', result, charts: await writeAblationCharts(result) };
}
