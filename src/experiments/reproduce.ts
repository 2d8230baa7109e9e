/**
 * The whole reproduction for one profile and dataset: train every row (Table 2's seven plus MMC), run
 * the attacks of Tables 2–4 and Figure 2, analyse the features behind Tables 1 and 5 and Figure 1, and
 * write a summary (JSON + Markdown tables + SVG figures) under `<root>/<profile>/<dataset>/`. Every step
 * is cached, so an interrupted reproduction resumes where it stopped.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderSvg, type ChartSpec } from '../charts';
import { datasetInfo } from '../data';
import { interruptible } from '../io/interrupt';
import { provenance, type Provenance } from '../io/provenance';
import { toCsv, toMarkdown } from '../tables';
import { writeJsonAtomic } from '../io/json';
import type { EvalSuiteName } from './eval-suites';
import { ensureEvaluated } from './evaluate-step';
import { NotCachedError } from './cache';
import { ensureFeatureAnalysis } from './feature-step';
import type { DataFrame } from 'danfojs';
import { datasetBudget, profileDefinition, type DatasetBudget, type ExperimentDataset, type ProfileRef } from './profiles';
import { describeStep, formatSeconds, type StepOptions } from './progress';
import {
  attackSummaryFrame, autoAttackStandardFrame, figure1Specs, figure2Frame, figure2Spec, table1Frame, table2Charts, table2Frame, table3Chart, table3Frame, table4Chart, table4Frame,
  table5Chart, table5Frame, type ExperimentResults,
} from './report';
import { experimentDir, resultsLocation } from './results-root';
import {
  ALL_ROW_KEYS, FEATURE_ROW_KEYS, FIGURE2_ROW_KEYS, ROWS, TABLE1_ROW_KEYS, TABLE3_ROW_KEYS, type RowKey,
} from './rows';
import { applyKnobsToRun } from './knobs';
import { PipelinePlan, planFirst } from './plan';
import { variantLabel, type RunRef } from './run-variant';
import { ensureTrained } from './train-step';

/**
 * Which suites and analyses each row gets. The AutoAttack-standard suite (FAB-T at L∞, the L2 cascade) is
 * computed only when asked for (`autoattackStandard`); otherwise it is optional: its results are shown
 * where they are cached, and nothing is computed for it.
 */
export function rowWork(row: RowKey, options: { autoattackStandard?: boolean } = {}): { suites: EvalSuiteName[]; optionalSuites: EvalSuiteName[]; features: boolean } {
  // every row gets the adaptive suite (PGD, adaptive PGD, APGD-CE/DLR): the attack summary covers all rows
  const suites: EvalSuiteName[] = ['robustness', 'adaptive'];
  const optionalSuites: EvalSuiteName[] = [];
  (options.autoattackStandard ? suites : optionalSuites).push('autoattack-standard');
  if ((FIGURE2_ROW_KEYS as readonly string[]).includes(row)) suites.push('epsilon-sweep');
  if ((TABLE3_ROW_KEYS as readonly string[]).includes(row)) suites.push('mmc-comparison');
  const features = (FEATURE_ROW_KEYS as readonly string[]).includes(row);
  return { suites, optionalSuites, features };
}

/** One line per step of the summary. */
export interface StepLog { row: RowKey; step: string; cached: boolean; seconds: number; file: string }

export interface EnsureRowsOptions extends StepOptions {
  /** evaluation suites run on every row (default none), or per row */
  suites?: readonly EvalSuiteName[] | ((row: RowKey) => readonly EvalSuiteName[]);
  /** suites whose results are loaded where cached, never computed (skipped when missing, and in plans) */
  optionalSuites?: (row: RowKey) => readonly EvalSuiteName[];
  /** feature analysis (Tables 1, 5, Figure 1) on every row (default false), or per row */
  features?: boolean | ((row: RowKey) => boolean);
  /** called after every step with a line saying whether it was cached or computed */
  onStep?: (line: string, log: StepLog) => void;
  /** the model each row stands for (default the row itself): e.g. the notebooks' α / β / seed knobs */
  variant?: (row: RowKey) => RunRef;
}

/**
 * Trains (or reuses) every row, then runs the requested evaluation suites, then the feature analyses —
 * training first because it dominates the cost and every later step needs it. Returns what the report
 * builders take.
 *
 * @example const { results } = await ensureRows(ALL_ROW_KEYS, 'cpu', 'mnist', { suites: ['robustness'] });
 */
export async function ensureRows(rows: readonly RowKey[], profile: ProfileRef, dataset: ExperimentDataset,
  options: EnsureRowsOptions = {}): Promise<{ results: ExperimentResults; steps: StepLog[] }> {
  // one interrupt scope for all rows: Kernel → Interrupt stops the row at work, and no later row starts
  return planFirst(options, (o) => (o.plan ? ensureRowsPlanned(rows, profile, dataset, o) : interruptible(() => ensureRowsPlanned(rows, profile, dataset, o))));
}

async function ensureRowsPlanned(rows: readonly RowKey[], profile: ProfileRef, dataset: ExperimentDataset,
  options: EnsureRowsOptions): Promise<{ results: ExperimentResults; steps: StepLog[] }> {
  const def = profileDefinition(profile);
  const refOf = (row: RowKey) => applyKnobsToRun(options.variant?.(row) ?? row, options.knobs);
  const location = resultsLocation(options.results);
  const stepOptions: StepOptions = { ...options, results: location };
  for (const r of rows) if (!Object.prototype.hasOwnProperty.call(ROWS, r)) throw new RangeError(`unknown row '${r}'; valid rows: ${ALL_ROW_KEYS.join(', ')}`);
  const suitesOf = typeof options.suites === 'function' ? options.suites : () => (options.suites as readonly EvalSuiteName[] | undefined) ?? [];
  const featuresOf = typeof options.features === 'function' ? options.features : () => options.features === true;
  const steps: StepLog[] = [];
  const results: ExperimentResults = {};
  const budgetOf = () => datasetBudget(def, dataset);
  const log = (row: RowKey, step: string, r: { cached: boolean; seconds: number; file: string }) => {
    const entry: StepLog = { row, step, cached: r.cached, seconds: r.seconds, file: r.file };
    steps.push(entry);
    if (!options.plan) options.onStep?.(describeStep(`${variantLabel(refOf(row), def, dataset)} ${step}`, r), entry);
  };
  for (const row of rows) {
    const t = await ensureTrained(refOf(row), def, dataset, stepOptions);
    results[row] = { train: t.value.results, evaluation: {}, label: variantLabel(refOf(row), def, dataset), runDir: t.value.runDir };
    log(row, 'train', t);
  }
  for (const row of rows) {
    for (const suite of suitesOf(row)) {
      const e = await ensureEvaluated(refOf(row), def, dataset, suite, stepOptions);
      Object.assign(results[row]!.evaluation!, e.value);
      log(row, `evaluate ${suite}`, e);
    }
    if (options.plan || !budgetOf().eval.autoAttack) continue; // the optional suites need the AutoAttack-strength budget
    for (const suite of options.optionalSuites?.(row) ?? []) {
      if (suitesOf(row).includes(suite)) continue;
      try {
        const e = await ensureEvaluated(refOf(row), def, dataset, suite, { ...stepOptions, cachedOnly: true });
        Object.assign(results[row]!.evaluation!, e.value);
        log(row, `evaluate ${suite}`, e);
      } catch (err) {
        if (!(err instanceof NotCachedError)) throw err;
      }
    }
  }
  for (const row of rows) {
    if (!featuresOf(row)) continue;
    const f = await ensureFeatureAnalysis(refOf(row), def, dataset, stepOptions);
    results[row]!.features = f.value;
    log(row, 'features', f);
  }
  return { results, steps };
}

export interface ReproduceOptions extends StepOptions {
  /** rows to run (default all eight) */
  rows?: readonly RowKey[];
  /** skip the feature analyses (Tables 1, 5, Figure 1) */
  skipFeatures?: boolean;
  /** also compute the AutoAttack-standard suite (FAB-T at L∞, the L2 cascade); else shown only where cached */
  autoattackStandard?: boolean;
  /** called after every step (see {@link ensureRows}) */
  onStep?: (line: string, log: StepLog) => void;
}

export interface ReproduceSummary {
  kind: 'reproduce';
  profile: string;
  dataset: ExperimentDataset;
  rows: RowKey[];
  /** each row's run folder, relative to the experiment folder (`<row>-<config hash>`, or `<row>` for older results) */
  runFolders: Partial<Record<RowKey, string>>;
  steps: StepLog[];
  /** every table as Markdown (ours beside the paper's) */
  tables: Record<string, string>;
  /** files written next to the summary */
  files: string[];
  seconds: number;
  provenance: Provenance;
}

/** Headings of the reproduction's tables, by file name. */
export const TABLE_TITLES: Readonly<Record<string, string>> = {
  'attack-summary': 'Attack summary — clean, PGD, adaptive PGD, APGD and the per-example worst case (ours only)',
  'autoattack-standard': "AutoAttack standard — FAB-T at L∞ and AutoAttack's L2 cascade (ours only)",
  'table1-match-rates': 'Table 1 — match rates',
  'table2-robustness': 'Table 2 — robustness',
  'figure2-values': 'Figure 2 — accuracy vs ε (values)',
  'table3-mmc-comparison': 'Table 3 — comparison with MMC',
  'table4-adaptive': 'Table 4 — adaptive attacks',
  'table5-cosine': 'Table 5 — cosine to the predicted class center',
};

/** Tables written only where their optional suite has results (`mat reproduce --autoattack-standard`). */
export const OPTIONAL_TABLES: readonly string[] = ['autoattack-standard'];

/** Every table of a reproduction, by file name (ours beside the paper's; the attack summary is ours only). */
export function reproductionFrames(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset,
  rows: readonly RowKey[] = ALL_ROW_KEYS): Record<string, DataFrame> {
  const autoattack = autoAttackStandardFrame(results, budget, rows);
  return {
    'attack-summary': attackSummaryFrame(results, budget, rows),
    ...(autoattack ? { 'autoattack-standard': autoattack } : {}),
    'table1-match-rates': table1Frame(results, dataset),
    'table2-robustness': table2Frame(results, budget, dataset),
    'figure2-values': figure2Frame(results, budget),
    'table3-mmc-comparison': table3Frame(results, budget, dataset),
    'table4-adaptive': table4Frame(results, budget, dataset),
    'table5-cosine': table5Frame(results, dataset),
  };
}

/** Every figure of a reproduction by file name (without .svg): Figures 1 (natural and TRADES) and 2, and the tables' charts. */
export function reproductionFigures(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset): Record<string, ChartSpec> {
  const figures: Record<string, ChartSpec> = { 'figure2-epsilon-curves': figure2Spec(results, budget, dataset) };
  const classNames = datasetInfo(dataset).classNames;
  for (const row of TABLE1_ROW_KEYS) {
    const features = results[row]?.features;
    if (!features) continue;
    const f1 = figure1Specs(features, ROWS[row].label, classNames);
    figures[`figure1a-${row}-by-label`] = f1.a;
    figures[`figure1b-${row}-by-prediction`] = f1.b;
  }
  const t2 = table2Charts(results, budget, dataset);
  Object.assign(figures, {
    'table2-accuracy': t2.accuracy, 'table2-l2-distance': t2.norms, 'table3-mmc-comparison': table3Chart(results, budget, dataset),
    'table4-adaptive': table4Chart(results, budget, dataset), 'table5-cosine': table5Chart(results, dataset),
  });
  return figures;
}

/** What `reproduce` would do, computing nothing: every step cached or to compute, with its estimated time. */
export async function planReproduction(profile: ProfileRef, dataset: ExperimentDataset, options: Omit<ReproduceOptions, 'plan'> = {}): Promise<PipelinePlan> {
  const plan = new PipelinePlan();
  await ensureRows([...(options.rows ?? ALL_ROW_KEYS)], profileDefinition(profile), dataset, {
    ...options, plan,
    suites: (row) => rowWork(row, options).suites, optionalSuites: (row) => rowWork(row, options).optionalSuites,
    features: (row) => !options.skipFeatures && rowWork(row).features,
  });
  return plan;
}

/** Runs (or reuses) every step and writes summary.json / summary.md, tables as CSV and figures as SVG. */
export async function reproduce(profile: ProfileRef, dataset: ExperimentDataset, options: ReproduceOptions = {}): Promise<{ summary: ReproduceSummary; results: ExperimentResults }> {
  if (options.plan) throw new RangeError('reproduce computes and writes a summary; to only plan it, call planReproduction');
  const started = performance.now();
  const prov = provenance();
  const def = profileDefinition(profile);
  const budget = datasetBudget(def, dataset);
  const location = resultsLocation(options.results);
  const rows = [...(options.rows ?? ALL_ROW_KEYS)];
  const { results, steps: logs } = await ensureRows(rows, def, dataset, {
    ...options, results: location,
    suites: (row) => rowWork(row, options).suites, optionalSuites: (row) => rowWork(row, options).optionalSuites,
    features: (row) => !options.skipFeatures && rowWork(row).features,
  });
  const steps = logs.map((l) => ({ ...l, file: path.relative(location.writeRoot, l.file) }));

  const dir = experimentDir(location.writeRoot, def.name, dataset);
  fs.mkdirSync(dir, { recursive: true });
  const frames = reproductionFrames(results, budget, dataset, rows);
  const files: string[] = [];
  const tables: Record<string, string> = {};
  for (const [name, df] of Object.entries(frames)) {
    tables[name] = toMarkdown(df);
    fs.writeFileSync(path.join(dir, `${name}.csv`), toCsv(df));
    files.push(`${name}.csv`);
  }
  const svgs = reproductionFigures(results, budget, dataset);
  for (const [name, spec] of Object.entries(svgs)) {
    fs.writeFileSync(path.join(dir, `${name}.svg`), await renderSvg(spec));
    files.push(`${name}.svg`);
  }
  const summary: ReproduceSummary = {
    kind: 'reproduce', profile: def.name, dataset, rows,
    runFolders: Object.fromEntries(rows.map((row) => [row, path.relative(dir, results[row]?.runDir ?? path.join(dir, row))])), steps, tables, files: [...files, 'summary.json', 'summary.md'],
    seconds: (performance.now() - started) / 1000, provenance: prov,
  };
  writeJsonAtomic(path.join(dir, 'summary.json'), summary);
  fs.writeFileSync(path.join(dir, 'summary.md'), summaryMarkdown(summary));
  return { summary, results };
}

/** The summary as a Markdown report. */
export function summaryMarkdown(s: ReproduceSummary): string {
  const computed = s.steps.filter((x) => !x.cached);
  const lines = [
    `# MAT reproduction — profile \`${s.profile}\`, dataset \`${s.dataset}\``,
    '',
    `${s.steps.length} steps (${computed.length} computed, ${s.steps.length - computed.length} cached) in ${formatSeconds(s.seconds)}; ` +
      `commit ${s.provenance.commit.slice(0, 12)}${s.provenance.dirty ? ' (dirty)' : ''}, ${s.provenance.backend?.name ?? 'unknown'} backend, ${s.provenance.cpus}.`,
    '',
    "Our numbers sit beside the paper's (\"(paper)\" columns). Accuracies in %, C&W / DDN as mean L2 norms.",
    '',
  ];
  for (const [name, md] of Object.entries(s.tables)) lines.push(`## ${TABLE_TITLES[name] ?? name}`, '', md);
  lines.push('## Steps', '', '| row | step | cached | seconds | file |', '|---|---|---|---:|---|');
  for (const x of s.steps) lines.push(`| ${x.row} | ${x.step} | ${x.cached ? 'yes' : 'no'} | ${x.seconds.toFixed(1)} | ${x.file} |`);
  return lines.join('\n') + '\n';
}
