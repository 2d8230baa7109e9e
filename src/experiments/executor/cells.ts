/**
 * A grid as independent cells: what `reproduce` and `ablate` do, listed as one cell per unit of work —
 * train one configuration, evaluate one model with one attack suite (or an ablation's attacks), analyse
 * one model's features — each named by its cache key (the run folder `<row>-<config hash>` plus the step)
 * and listing the cells it needs first (evaluation and features after their training). An executor runs
 * the cells (local-executor.ts: in this process, as `reproduce` / `ablate` always did; slurm-executor.ts:
 * as job arrays) and then the grid's merge, which renders the tables, figures and report from the cache.
 *
 * Every cell runs through the same cached steps (`ensureTrained`, `ensureEvaluated`, `ensureFeatureAnalysis`),
 * so a cell run anywhere writes exactly the files the local run writes, and a complete cell is skipped.
 */
import * as path from 'node:path';
import { acquireFileLock } from '../../io/file-lock';
import {
  ablate, ablationName, ablationStepSpecs, ablationVariants, DEFAULT_ABLATION_ATTACKS, parseAblationAttack, writeAblationCharts,
  type AblationAttackName, type AblationSpec,
} from '../ablation';
import type { StepResult } from '../cache';
import type { EvalSuiteName } from '../eval-suites';
import { ensureEvaluated, ensureEvaluatedSteps } from '../evaluate-step';
import { ensureFeatureAnalysis } from '../feature-step';
import { PipelinePlan } from '../plan';
import { datasetBudget, profileDefinition, type ExperimentDataset, type ProfileName } from '../profiles';
import type { StepOptions } from '../progress';
import { reproduce, rowWork } from '../reproduce';
import { experimentDir, resultsLocation, type ResultsLocation } from '../results-root';
import { ALL_ROW_KEYS, type RowKey } from '../rows';
import { variantConfig, variantDirs, variantLabel, type RunRef } from '../run-variant';
import { ensureTrained, type TrainStepOptions } from '../train-step';

export type CellStage = 'train' | 'evaluate' | 'features';
/** Stages in the order they run (each waits for the one before only where a cell names it in `after`). */
export const CELL_STAGES: readonly CellStage[] = ['train', 'evaluate', 'features'];

/** One unit of work: plain JSON (a manifest line). */
export interface GridCell {
  /** the cache key: `<stage> <run folder>[ <suite>]`, e.g. 'evaluate natural-3f2a9c0d1b2e robustness' */
  id: string;
  stage: CellStage;
  profile: ProfileName;
  dataset: ExperimentDataset;
  /** the model: a row or a variant */
  ref: RunRef;
  /** 'MAT (SO+BIBO), α = 0.5, seed 1' */
  label: string;
  /** the run folder, relative to the write root (`<profile>/<dataset>/<row>-<hash>`) */
  runFolder: string;
  /** evaluate cells: one suite of a reproduction … */
  suite?: EvalSuiteName;
  /** … or an ablation's attacks */
  attacks?: AblationAttackName[];
  /** ids of the cells that must be complete first */
  after: string[];
}

/** What the grid renders once its cells are done. */
export type GridWork =
  | { kind: 'reproduce'; profile: ProfileName; dataset: ExperimentDataset; rows: RowKey[]; skipFeatures: boolean }
  | { kind: 'ablation'; spec: AblationSpec & { profile: ProfileName } };

export interface Grid {
  /** folder name under `<profile>/<dataset>/grids/`: 'reproduce' or 'ablation-<name>' */
  name: string;
  work: GridWork;
  cells: GridCell[];
}

function cellBase(ref: RunRef, profile: ProfileName, dataset: ExperimentDataset, location: ResultsLocation) {
  const def = profileDefinition(profile);
  const dirs = variantDirs(location, def.name, dataset, ref, variantConfig(ref, def, dataset));
  return { profile: def.name as ProfileName, dataset, ref, label: variantLabel(ref, def, dataset), runFolder: path.relative(location.writeRoot, dirs.write) };
}

const trainId = (runFolder: string) => `train ${path.basename(runFolder)}`;

/** The cells of `mat reproduce`: train every row, evaluate each with its suites, analyse the feature rows. */
export function reproductionGrid(profile: ProfileName, dataset: ExperimentDataset, options: { rows?: readonly RowKey[]; skipFeatures?: boolean; results?: StepOptions['results'] } = {}): Grid {
  const location = resultsLocation(options.results);
  const def = profileDefinition(profile);
  datasetBudget(def, dataset);
  const name = def.name as ProfileName;
  const rows = [...(options.rows ?? ALL_ROW_KEYS)];
  const skipFeatures = options.skipFeatures === true;
  const cells: GridCell[] = [];
  const bases = rows.map((row) => ({ row, base: cellBase(row, name, dataset, location) }));
  for (const { base } of bases) cells.push({ ...base, id: trainId(base.runFolder), stage: 'train', after: [] });
  for (const { row, base } of bases) {
    for (const suite of rowWork(row).suites) {
      cells.push({ ...base, id: `evaluate ${path.basename(base.runFolder)} ${suite}`, stage: 'evaluate', suite, after: [trainId(base.runFolder)] });
    }
  }
  for (const { row, base } of bases) {
    if (skipFeatures || !rowWork(row).features) continue;
    cells.push({ ...base, id: `features ${path.basename(base.runFolder)}`, stage: 'features', after: [trainId(base.runFolder)] });
  }
  return { name: 'reproduce', work: { kind: 'reproduce', profile: name, dataset, rows, skipFeatures }, cells: dedupe(cells) };
}

/** The cells of `mat ablate`: train every (variant, seed), attack each with the ablation's attacks. */
export function ablationGrid(spec: AblationSpec, options: { results?: StepOptions['results'] } = {}): Grid {
  const location = resultsLocation(options.results);
  const def = profileDefinition(spec.profile);
  const attacks = (spec.attacks ?? DEFAULT_ABLATION_ATTACKS).map(parseAblationAttack);
  const plain: AblationSpec & { profile: ProfileName } = { ...spec, profile: def.name as ProfileName, attacks };
  const cells: GridCell[] = [];
  const variants = ablationVariants(plain).map((v) => cellBase(v.variant, plain.profile, spec.dataset, location));
  for (const base of variants) cells.push({ ...base, id: trainId(base.runFolder), stage: 'train', after: [] });
  for (const base of variants) {
    cells.push({ ...base, id: `evaluate ${path.basename(base.runFolder)} ${attacks.join('+')}`, stage: 'evaluate', attacks, after: [trainId(base.runFolder)] });
  }
  return { name: `ablation-${ablationName(plain)}`, work: { kind: 'ablation', spec: plain }, cells: dedupe(cells) };
}

/** equal configurations are one run: a cell listed twice is kept once */
function dedupe(cells: GridCell[]): GridCell[] {
  const seen = new Set<string>();
  return cells.filter((c) => !seen.has(c.id) && seen.add(c.id));
}

/** The cells of one stage, in grid order (a manifest's lines). */
export const stageCells = (grid: Grid, stage: CellStage): GridCell[] => grid.cells.filter((c) => c.stage === stage);

/** The grid's folder under the write root: manifests, job scripts, task logs and task status records. */
export function gridDir(grid: Pick<Grid, 'name' | 'work'>, results?: StepOptions['results']): string {
  const location = resultsLocation(results);
  const w = grid.work;
  const [profile, dataset] = w.kind === 'reproduce' ? [w.profile, w.dataset] : [w.spec.profile, w.spec.dataset];
  return path.join(experimentDir(location.writeRoot, profile, dataset), 'grids', grid.name);
}

/** Runs the cell's cached step: in plan mode (`options.plan`) it only records what is cached. */
async function cellStep(cell: GridCell, options: TrainStepOptions): Promise<StepResult<unknown>> {
  switch (cell.stage) {
    case 'train': return ensureTrained(cell.ref, cell.profile, cell.dataset, options);
    case 'features': return ensureFeatureAnalysis(cell.ref, cell.profile, cell.dataset, options);
    case 'evaluate': {
      if (cell.suite !== undefined) return ensureEvaluated(cell.ref, cell.profile, cell.dataset, cell.suite, options);
      const budget = datasetBudget(cell.profile, cell.dataset);
      // an ablation's variants are named by the ablation itself: a notebook's knobs do not apply
      return ensureEvaluatedSteps(cell.ref, cell.profile, cell.dataset, ablationStepSpecs(cell.attacks ?? [], budget), { ...options, knobs: undefined });
    }
  }
}

/** Whether every step of the cell is cached under the results root (reads the cache; computes and estimates nothing). */
export async function cellComplete(cell: GridCell, options: Pick<StepOptions, 'results'> = {}): Promise<boolean> {
  const plan = new PipelinePlan({ estimates: false });
  await cellStep(cell, { results: options.results, plan, cachedOnly: false });
  return plan.toCompute.length === 0;
}

export interface RunCellOptions extends TrainStepOptions {
  /** hears that the cell waits for another process running the same cell */
  notice?: (message: string) => void;
}

/**
 * Runs one cell unless it is complete. Two processes given the same cell do the work once: the cell's
 * lock (`<run folder>/<stage>[-<suite>].cell.lock`) makes the second wait, and it then finds the result cached.
 */
export async function runCell(cell: GridCell, options: RunCellOptions = {}): Promise<{ skipped: boolean; result?: StepResult<unknown> }> {
  const location = resultsLocation(options.results);
  if (await cellComplete(cell, { results: location })) return { skipped: true };
  const lockName = `${cell.stage}${cell.suite ? `-${cell.suite}` : cell.attacks ? `-${cell.attacks.join('+')}` : ''}.cell.lock`;
  const lock = await acquireFileLock(path.join(location.writeRoot, cell.runFolder, lockName), { purpose: `cell ${cell.id}`, notice: options.notice });
  try {
    if (await cellComplete(cell, { results: location })) return { skipped: true };
    const result = await cellStep(cell, { ...options, results: location, plan: undefined });
    return { skipped: false, result };
  } finally {
    lock.release();
  }
}

export interface MergeOptions extends StepOptions {
  onStep?: (line: string) => void;
}

/**
 * Renders the grid from the cache, computing nothing (cachedOnly): `reproduce`'s summary, tables and
 * figures, or the ablation's record, table and charts. A missing cell fails it, listing every missing step.
 * Returns the files it wrote.
 */
export async function mergeGrid(grid: Grid, options: MergeOptions = {}): Promise<{ files: string[]; tables: Record<string, string> }> {
  const w = grid.work;
  const o = { ...options, cachedOnly: true };
  if (w.kind === 'reproduce') {
    const { summary } = await reproduce(w.profile, w.dataset, { ...o, rows: w.rows, skipFeatures: w.skipFeatures });
    const dir = experimentDir(resultsLocation(options.results).writeRoot, w.profile, w.dataset);
    return { files: summary.files.map((f) => path.join(dir, f)), tables: summary.tables };
  }
  const r = await ablate(w.spec, o);
  const charts = await writeAblationCharts(r);
  const { toMarkdown } = await import('../../tables');
  return { files: [r.file, r.file.replace(/\.json$/, '.csv'), ...charts], tables: { [r.name]: toMarkdown(r.table) } };
}
