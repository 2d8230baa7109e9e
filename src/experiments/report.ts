/**
 * From step results to the paper's tables and figures: the src/tables builders (our numbers beside the
 * paper's), narrowed to the dataset that was run, and the src/charts specs. Plain data in, DataFrames and
 * Vega-Lite specs out — notebooks only display what these return.
 *
 * The paper reports CIFAR-10 and MNIST; a Fashion-MNIST run fills the MNIST columns renamed
 * 'Fashion-MNIST …' and keeps the paper's MNIST numbers beside them as the nearest reference.
 */
import type { DataFrame } from 'danfojs';
import { ablationBarsSpec, accuracyCurveSpec, DODGE_NOTE, PAPER_MARK_NOTE, tsneScatterSpec, type AccuracyPoint, type AblationBar, type ChartSpec } from '../charts';
import { datasetEntry } from '../data';
import { accuracyInterval, meanAndMedian } from '../eval';
import type { TrainRunResults } from '../run/config';
import {
  adaptiveAttackTable, columnDecimals, cosineTable, matchRateTable, mmcComparisonTable, PAPER_SUFFIX, PAPER_TABLE1, PAPER_TABLE2, PAPER_TABLE3,
  PAPER_TABLE4, PAPER_TABLE5, robustnessTable,
  type AdaptiveAttackResults, type CosineResults, type MatchRateResults, type MmcComparisonResults, type PaperValue, type RobustnessResults,
} from '../tables';
import { cellMarks, setCellMarks, setColumnDecimals, type CellMark } from '../tables/format';
import { DATASETS as PAPER_DATASET_COLUMNS } from '../tables/paper-numbers';
import { newDataFrame } from '../tables/frame';
import { adaptivePgdKey, autoAttackStandardColumns, epsilonLabel, headlineAttacks, minimizationSteps, mmcComparisonSteps, sweepSteps, tablePgdStep } from './eval-suites';
import type { EvalOutcome, FixedEpsilonOutcome, MinimizationOutcome } from './evaluate-step';
import type { FeatureAnalysis } from './feature-step';
import { datasetBudget, type DatasetBudget, type ExperimentDataset, type ProfileRef } from './profiles';
import { ROWS, TABLE2_ROW_KEYS, TABLE3_ROW_KEYS, TABLE4_ROW_KEYS, TABLE5_ROW_KEYS, FIGURE2_ROW_KEYS, type RowKey } from './rows';

/** What the pipeline knows about one row. */
export interface RowResults {
  train?: TrainRunResults;
  /** evaluation outcomes by step key */
  evaluation?: Record<string, EvalOutcome>;
  features?: FeatureAnalysis;
  /** the model's label when it is a variant of the row ("MAT (SO+BIBO), α = 0.5"); default the row's */
  label?: string;
  /** the run folder the model was found in or trained into */
  runDir?: string;
}

/** The label a row's results are shown with: the variant's, else the row's. */
export const rowLabel = (results: ExperimentResults, row: RowKey): string => results[row]?.label ?? ROWS[row].label;

export type ExperimentResults = Partial<Record<RowKey, RowResults>>;

/** The paper's dataset column a dataset's numbers go in (its registry entry says). */
export function paperDatasetColumn(dataset: ExperimentDataset): 'MNIST' | 'CIFAR10' {
  return datasetEntry(dataset).paper.column;
}

/** How our columns are named for a dataset ('MNIST', 'CIFAR10', 'Fashion-MNIST'). */
export function datasetTitle(dataset: ExperimentDataset): string {
  return datasetEntry(dataset).paper.title;
}

/** A DataFrame from columns and rows, with display decimals. */
export function frameOf(columns: string[], rows: unknown[][], decimals: Record<string, number> = {}): DataFrame {
  const clean = rows.map((r) => r.map((v) => (v === undefined || v === null ? NaN : v)));
  return setColumnDecimals(newDataFrame(clean, columns), decimals);
}

function frameRows(df: DataFrame): unknown[][] {
  const raw = df.values as unknown;
  return (raw as unknown[][]).map((r) => (Array.isArray(r) ? [...r] : [r]));
}

/**
 * Keeps the columns of one dataset (plus the unprefixed ones: Defense, SO, BIBO, Data Type, …) and renames
 * ours to the dataset's title where it differs from its paper column (Fashion-MNIST); `rename` maps
 * further column names (ours only).
 */
export function focusOnDataset(df: DataFrame, dataset: ExperimentDataset, rename: Record<string, string> = {}): DataFrame {
  const prefix = paperDatasetColumn(dataset);
  const title = datasetTitle(dataset);
  const others = PAPER_DATASET_COLUMNS.filter((c) => c !== prefix);
  const columns = (df.columns as string[]).map(String);
  const keep = columns.map((c, j) => [c, j] as const).filter(([c]) => !others.some((o) => c.startsWith(o)));
  const decimals = columnDecimals(df);
  const rows = frameRows(df);
  const names = keep.map(([c]) => {
    let name = rename[c] ?? c;
    if (title !== prefix && !c.endsWith(PAPER_SUFFIX) && c.startsWith(prefix)) name = title + name.slice(prefix.length);
    return name;
  });
  const dec: Record<string, number> = {};
  keep.forEach(([c], i) => { if (decimals[c] !== undefined) dec[names[i]] = decimals[c]; });
  return frameOf(names, rows.map((r) => keep.map(([, j]) => r[j])), dec);
}

/** Appends one row (values by column name; missing ones stay empty). */
export function appendRow(df: DataFrame, row: Record<string, unknown>): DataFrame {
  const columns = (df.columns as string[]).map(String);
  return frameOf(columns, [...frameRows(df), columns.map((c) => row[c])], { ...columnDecimals(df) });
}

const fixed = (r: RowResults | undefined, key: string): FixedEpsilonOutcome | undefined => {
  const o = r?.evaluation?.[key];
  return o?.kind === 'fixed-epsilon' ? o : undefined;
};
const minimization = (r: RowResults | undefined, key: string): MinimizationOutcome | undefined => {
  const o = r?.evaluation?.[key];
  return o?.kind === 'minimization' ? o : undefined;
};
const num = (v: number | null | undefined): number | undefined => (v === null || v === undefined || Number.isNaN(v) ? undefined : v);

/** What a table or chart puts on a number whose PGD sanity checks fired (the legend line says why). */
export const MASKING_MARK = '†';
export const MASKING_NOTE = `${MASKING_MARK} masking suspected: PGD's gradient-masking sanity checks fired (e.g. PGD at ε = 1 leaves images correct)`;

/** The ids of the sanity checks that warned on a row's table PGD (Tables 2, 4: the step that runs them); [] if none or not run. */
export function maskingSuspected(r: RowResults | undefined, budget: DatasetBudget): string[] {
  return (fixed(r, tablePgdStep(budget).key)?.sanity ?? []).filter((c) => c.status === 'warn').map((c) => c.id);
}

/** The flag of a PGD bar whose sanity checks fired (Tables 2, 4 as charts, like the tables' cells), else nothing. */
function maskingFlag(r: RowResults | undefined, budget: DatasetBudget): { flag?: string } {
  return maskingSuspected(r, budget).length ? { flag: MASKING_MARK } : {};
}

/** The subtitle line saying what the flag means, where a bar carries it. */
function maskingNote(bars: ReadonlyArray<{ flag?: string }>): string[] {
  return bars.some((b) => b.flag === MASKING_MARK) ? [MASKING_NOTE] : [];
}

/** What a paper-layout table (Tables 2, 4, 5) prints in its Defense column: the paper's name, or the variant's label ("MAT (SO+BIBO), α = 0.5"). */
export function variantDefense(results: ExperimentResults, row: RowKey): string | undefined {
  const label = results[row]?.label;
  return label === undefined || label === ROWS[row].label ? undefined : label;
}

/**
 * Gives the rows of a paper-layout frame (one row per `rows[i]`, in order) their variant labels, and marks the
 * `marked` columns of rows whose PGD sanity checks fired ({@link MASKING_MARK}; shown by `toHtml`, not in CSV).
 */
function labelAndMark(df: DataFrame, results: ExperimentResults, budget: DatasetBudget | undefined, rows: readonly RowKey[], marked: readonly string[]): DataFrame {
  const columns = (df.columns as string[]).map(String);
  const j = columns.indexOf('Defense');
  const table = frameRows(df);
  let relabelled = false;
  rows.forEach((row, i) => {
    const label = variantDefense(results, row);
    if (label !== undefined && table[i] && j >= 0) { table[i][j] = label; relabelled = true; }
  });
  const out = relabelled ? frameOf(columns, table, { ...columnDecimals(df) }) : df;
  if (!budget) return out;
  const marks: Record<string, CellMark> = { ...cellMarks(df).marks };
  rows.forEach((row, i) => {
    const checks = maskingSuspected(results[row], budget);
    if (checks.length === 0) return;
    for (const c of marked) if (columns.includes(c)) marks[`${i}:${c}`] = { mark: MASKING_MARK, title: `masking suspected: ${checks.join(', ')}` };
  });
  return Object.keys(marks).length ? setCellMarks(out, { marks, legend: MASKING_NOTE }) : out;
}

/** Inserts `${column} 95 % CI` (Wilson, as 'lo–hi' in %) after `column`, for rows with an outcome at `key`. */
function withIntervalColumn(df: DataFrame, results: ExperimentResults, rows: readonly RowKey[], column: string, key: string): DataFrame {
  const columns = (df.columns as string[]).map(String);
  const j = columns.indexOf(column);
  if (j < 0) return df;
  const table = frameRows(df).map((r, i) => {
    const o = rows[i] === undefined ? undefined : fixed(results[rows[i]], key);
    const ci = o && o.examples > 0 ? accuracyInterval(o.robustAccuracy, o.examples) : undefined;
    return [...r.slice(0, j + 1), ci ? `${(100 * ci.lower).toFixed(1)}–${(100 * ci.upper).toFixed(1)}` : undefined, ...r.slice(j + 1)];
  });
  const out = frameOf([...columns.slice(0, j + 1), `${column} 95 % CI`, ...columns.slice(j + 1)], table, { ...columnDecimals(df) });
  const { marks, legend } = cellMarks(df);
  return Object.keys(marks).length ? setCellMarks(out, { marks, legend }) : out;
}

/** Options of the paper-layout table builders for display (the CSV / REPRODUCTION.md tables use the defaults). */
export interface TableDisplayOptions {
  /** add a Wilson 95 % interval column beside each PGD accuracy; default false */
  intervals?: boolean;
}

// ---- uncertainty and paper values on the charts -------------------------------------------------------

/** What the error bars of accuracy charts are (chart subtitles say it). */
export const ACCURACY_INTERVAL_NOTE = 'error bars: Wilson 95 % interval';

/** An accuracy measured on n examples with its Wilson 95 % interval (chart fields), or just the value without n. */
export function withInterval(accuracy: number, n: number | undefined): { value: number; lower?: number; upper?: number; n?: number } {
  if (n === undefined || n <= 0) return { value: accuracy };
  const ci = accuracyInterval(accuracy, n);
  return { value: accuracy, lower: ci.lower, upper: ci.upper, n };
}

/** Mean L2 of the found adversarials with a normal 95 % interval of the mean (mean ± 1.96·s/√k over k of them). */
export function meanL2WithInterval(o: MinimizationOutcome): { value: number; lower?: number; upper?: number; n: number } | undefined {
  const l2 = ((o as { l2?: ReadonlyArray<number | null> }).l2 ?? []).filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const mean = num(o.meanL2) ?? (l2.length ? meanAndMedian(l2).mean : undefined);
  if (mean === undefined) return undefined;
  if (l2.length < 2) return { value: mean, n: l2.length };
  const sd = Math.sqrt(l2.reduce((s, v) => s + (v - mean) ** 2, 0) / (l2.length - 1));
  const half = 1.959963984540054 * sd / Math.sqrt(l2.length);
  return { value: mean, lower: Math.max(0, mean - half), upper: mean + half, n: l2.length };
}

/**
 * The paper's column for charts: only where the paper measured the same dataset (a Fashion-MNIST run keeps
 * the paper's MNIST numbers in its tables as the nearest reference, but a chart would read them as like for like).
 */
function chartPaperColumn(dataset: ExperimentDataset): 'MNIST' | 'CIFAR10' | undefined {
  const { column, title } = datasetEntry(dataset).paper;
  return column === title ? column : undefined;
}

/** A paper cell as a number in chart units (`scale` 0.01 for percents); '≤ 1' cells become their bound. */
function paperNumber(v: PaperValue | undefined, scale = 1): number | undefined {
  if (v === undefined) return undefined;
  return (typeof v === 'number' ? v : v.atMost) * scale;
}

/** `head` + the items as subtitle lines of at most ~`width` characters (a long single line would widen the chart). */
function wrapList(head: string, items: readonly string[], width = 100): string[] {
  const lines: string[] = [];
  let line = head;
  for (const [i, item] of items.entries()) {
    const piece = `${item}${i < items.length - 1 ? ',' : ''}`;
    if (line.length > head.length && line.length + piece.length > width) { lines.push(line.trimEnd()); line = '  '; }
    line += `${piece} `;
  }
  return items.length ? [...lines, line.trimEnd()] : [];
}

/** The sample sizes of a set of bars as subtitle text ('n = 500'), or undefined. */
function sizesNote(bars: ReadonlyArray<{ n?: number }>, what: string): string | undefined {
  const ns = [...new Set(bars.map((b) => b.n).filter((n): n is number => n !== undefined))].sort((a, b) => a - b);
  if (ns.length === 0) return undefined;
  const f = (n: number) => n.toLocaleString('en-US');
  return `${what}: n = ${ns.length === 1 ? f(ns[0]) : ns.length === 2 ? `${f(ns[0])} / ${f(ns[1])}` : `${f(ns[0])}–${f(ns[ns.length - 1])}`}`;
}

// ---- Table 1 -------------------------------------------------------------------------------------

/** Table 1: match rates of the natural (-N) and TRADES (-T) models. */
export function table1Frame(results: ExperimentResults, dataset: ExperimentDataset): DataFrame {
  const col = paperDatasetColumn(dataset);
  const ours: MatchRateResults = {};
  const n = results.natural?.features, t = results.trades?.features;
  if (n) ours[`${col}-N`] = { ...n.matchRates };
  if (t) ours[`${col}-T`] = { ...t.matchRates };
  return focusOnDataset(matchRateTable(ours), dataset);
}

/** Table 1 for one model of any method (for `mat analyze`): ours beside the paper's -N and -T columns. */
export function runMatchRateFrame(analysis: FeatureAnalysis, label: string, dataset: ExperimentDataset): DataFrame {
  const col = paperDatasetColumn(dataset);
  const sets = ['Clean', 'PGD', 'DDN'] as const;
  const ours = `${datasetTitle(dataset)} ${label}`;
  const columns = ['Data Type', ours, `${col}-N${PAPER_SUFFIX}`, `${col}-T${PAPER_SUFFIX}`];
  const rows = sets.map((s) => [s, 100 * analysis.matchRates[s], PAPER_TABLE1[`${col}-N`][s], PAPER_TABLE1[`${col}-T`][s]]);
  return frameOf(columns, rows, Object.fromEntries(columns.slice(1).map((c) => [c, 2])));
}

// ---- Table 2 -------------------------------------------------------------------------------------

/** Our Table 2 metrics of one row: clean accuracy (the run's test set), PGD accuracy, C&W / DDN mean L2. */
export function table2Metrics(r: RowResults | undefined, budget: DatasetBudget): { Clean?: number; PGD?: number; 'C&W'?: number; DDN?: number } {
  const [cw, ddn] = minimizationSteps(budget);
  return {
    Clean: r?.train?.metrics.cleanTestAccuracy,
    PGD: fixed(r, tablePgdStep(budget).key)?.robustAccuracy,
    'C&W': num(minimization(r, cw.key)?.meanL2),
    DDN: num(minimization(r, ddn.key)?.meanL2),
  };
}

/** Table 2 (the seven rows) plus an MMC row (no paper numbers: the paper has MMC only in Table 3). */
export function table2Frame(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset, options: TableDisplayOptions = {}): DataFrame {
  const col = paperDatasetColumn(dataset);
  const ours: RobustnessResults = {};
  for (const row of TABLE2_ROW_KEYS) {
    const m = table2Metrics(results[row], budget);
    const cells = Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined));
    if (Object.keys(cells).length) ours[row] = { [col]: cells };
  }
  const df = focusOnDataset(robustnessTable(ours), dataset);
  const mmc = table2Metrics(results.mmc, budget);
  const title = datasetTitle(dataset);
  const full = appendRow(df, {
    Defense: 'MMC', SO: '-', BIBO: '-',
    [`${title} Clean`]: mmc.Clean === undefined ? undefined : 100 * mmc.Clean,
    [`${title} PGD`]: mmc.PGD === undefined ? undefined : 100 * mmc.PGD,
    [`${title} C&W`]: mmc['C&W'], [`${title} DDN`]: mmc.DDN,
  });
  const rows = [...TABLE2_ROW_KEYS, 'mmc'] as const;
  const marked = labelAndMark(full, results, budget, rows, [`${title} PGD`]);
  return options.intervals ? withIntervalColumn(marked, results, rows, `${title} PGD`, tablePgdStep(budget).key) : marked;
}

/**
 * Table 2 as bars: accuracies (Clean on the run's test set, PGD on the eval subset, each with its Wilson 95 %
 * interval) and, separately, the mean L2 of the C&W / DDN adversarials (± a 95 % interval of the mean); the
 * paper's values as markers. A row whose attack found no adversarial is named in the subtitle, not dropped silently.
 */
export function table2Charts(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset): { accuracy: ChartSpec; norms: ChartSpec } {
  const acc: AblationBar[] = [], norms: AblationBar[] = [], noNorm: string[] = [];
  const paperCol = chartPaperColumn(dataset);
  const [cwStep, ddnStep] = minimizationSteps(budget);
  const pgdLabel = `PGD-${budget.eval.pgd.steps}`;
  for (const row of [...TABLE2_ROW_KEYS, 'mmc'] as const) {
    const r = results[row];
    const m = table2Metrics(r, budget);
    const defense = rowLabel(results, row);
    const paper = paperCol && row in PAPER_TABLE2 ? PAPER_TABLE2[row as keyof typeof PAPER_TABLE2][paperCol] : undefined; // the paper's Table 2 has no MMC row
    if (m.Clean !== undefined) acc.push({ defense, metric: 'Clean', ...withInterval(m.Clean, r?.train?.metrics.testExamples), paper: paperNumber(paper?.Clean, 0.01) });
    const pgd = fixed(r, tablePgdStep(budget).key);
    if (pgd) acc.push({ defense, metric: pgdLabel, ...withInterval(pgd.robustAccuracy, pgd.examples), paper: paperNumber(paper?.PGD, 0.01), ...maskingFlag(r, budget) });
    for (const [metric, step] of [['C&W', cwStep], ['DDN', ddnStep]] as const) {
      const o = minimization(r, step.key);
      if (!o) continue;
      const l2 = meanL2WithInterval(o);
      if (l2) norms.push({ defense, metric, ...l2, paper: paperNumber(paper?.[metric]) });
      else noNorm.push(`${defense} ${metric} (0 of ${o.attacked} attacked)`);
    }
  }
  const title = datasetTitle(dataset);
  const paperNote = paperCol ? PAPER_MARK_NOTE : undefined;
  return {
    accuracy: ablationBarsSpec(acc, {
      title: `Table 2 (${title}): clean and ${pgdLabel} accuracy (ε = ${epsilonLabel(budget.eval.pgd.epsilon)}, L∞)`,
      subtitle: [[sizesNote(acc.filter((b) => b.metric === 'Clean'), 'clean'), sizesNote(acc.filter((b) => b.metric !== 'Clean'), pgdLabel), ACCURACY_INTERVAL_NOTE, paperNote]
        .filter(Boolean).join('; '), ...maskingNote(acc)],
    }),
    norms: ablationBarsSpec(norms, {
      title: `Table 2 (${title}): mean L2 distance of the C&W / DDN adversarials (lower = less robust)`,
      subtitle: [
        [sizesNote(norms, 'adversarials found'), 'error bars: 95 % interval of the mean', paperNote].filter(Boolean).join('; '),
        ...wrapList('no adversarial found, so no bar: ', noNorm),
      ],
      valueTitle: 'mean L2 distance (pixels in [0, 1])', valueFormat: '',
    }),
  };
}

// ---- Figure 2 ------------------------------------------------------------------------------------

/** Figure 2's points: accuracy vs ε per model (ε = 0 is the clean accuracy on the same images). */
export function figure2Points(results: ExperimentResults, budget: DatasetBudget): AccuracyPoint[] {
  const points: AccuracyPoint[] = [];
  for (const row of FIGURE2_ROW_KEYS) {
    const steps = sweepSteps(budget).map((s) => ({ s, o: fixed(results[row], s.key) })).filter((x) => x.o !== undefined);
    if (steps.length === 0) continue;
    const model = rowLabel(results, row);
    const point = (epsilon: number, accuracy: number, n: number): AccuracyPoint => {
      const { value, ...ci } = withInterval(accuracy, n);
      return { model, epsilon, accuracy: value, ...ci };
    };
    points.push(point(0, steps[0].o!.cleanAccuracy, steps[0].o!.examples));
    for (const { s, o } of steps) points.push(point(s.epsilon!, o!.robustAccuracy, o!.examples));
  }
  return points;
}

export function figure2Spec(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset): ChartSpec {
  const points = figure2Points(results, budget);
  return accuracyCurveSpec(points, {
    title: `Figure 2 (${datasetTitle(dataset)}): robust accuracy vs PGD-${budget.eval.sweep.steps} ε`,
    subtitle: [[sizesNote(points, 'test images per point'), ACCURACY_INTERVAL_NOTE, 'ε = 0: clean accuracy on the same images'].filter(Boolean).join('; '),
      ...(new Set(points.map((p) => p.model)).size > 1 ? [DODGE_NOTE] : [])],
    ...(datasetEntry(dataset).epsilonInGreyLevels ? { epsilonMultiplier: 255 } : {}),
  });
}

/** Figure 2's values as a table (the paper's Appendix D, which is missing from our copy: ours only). */
export function figure2Frame(results: ExperimentResults, budget: DatasetBudget): DataFrame {
  const eps = [0, ...budget.eval.sweep.epsilons];
  const columns = ['Defense', ...eps.map((e) => (e === 0 ? 'clean' : `ε=${epsilonLabel(e)}`))];
  const byModel = new Map<string, Map<number, number>>();
  for (const p of figure2Points(results, budget)) {
    if (!byModel.has(p.model)) byModel.set(p.model, new Map());
    byModel.get(p.model)!.set(p.epsilon, p.accuracy);
  }
  const rows = [...byModel].map(([model, m]) => [model, ...eps.map((e) => (m.has(e) ? 100 * m.get(e)! : NaN))]);
  return frameOf(columns, rows, Object.fromEntries(columns.slice(1).map((c) => [c, 1])));
}

// ---- Table 3 -------------------------------------------------------------------------------------

/**
 * Table 3: targeted / untargeted PGD at the paper's two radii (scaled to the dataset). Our columns are
 * renamed to the ε and step counts actually used (e.g. 'PGD10-tar ε=0.3' on MNIST); the paper's keep
 * their CIFAR-10 names.
 */
export function table3Frame(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset): DataFrame {
  const ours: MmcComparisonResults = {};
  const columns = mmcComparisonSteps(budget);
  for (const row of TABLE3_ROW_KEYS) {
    const r = results[row];
    const cells: Record<string, number> = {};
    if (r?.train) cells.Clean = r.train.metrics.cleanTestAccuracy;
    for (const c of columns) {
      const o = fixed(r, c.spec.key);
      if (o) cells[c.column] = o.robustAccuracy;
    }
    if (Object.keys(cells).length) ours[row] = cells as MmcComparisonResults[typeof row];
  }
  const rename: Record<string, string> = {};
  for (const c of columns) {
    const [name] = c.column.split(' ');
    const kind = name.replace(/^PGD\d+/, '');
    rename[c.column] = `PGD${c.spec.options.steps}${kind} ε=${epsilonLabel(c.spec.epsilon!)}`;
  }
  return focusOnDataset(mmcComparisonTable(ours), dataset, rename);
}

/**
 * Table 3 split by dataset: `ours` holds our columns only (the dataset that was run), `paper` the paper's
 * CIFAR-10 numbers only (its Table 3 has no MNIST column), so neither is a mixed 19-column table.
 */
export function table3Frames(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset): { ours: DataFrame; paper: DataFrame } {
  const df = table3Frame(results, budget, dataset);
  const columns = (df.columns as string[]).map(String);
  const rows = frameRows(df);
  const decimals = columnDecimals(df);
  const pick = (keep: (c: string) => boolean, rename: (c: string) => string) => {
    const idx = columns.map((c, j) => [c, j] as const).filter(([c]) => c === 'Defense' || keep(c));
    const names = idx.map(([c]) => rename(c));
    const dec = Object.fromEntries(idx.filter(([c]) => decimals[c] !== undefined).map(([c], i) => [names[i], decimals[c]]));
    return frameOf(names, rows.map((r) => idx.map(([, j]) => r[j])), dec);
  };
  return {
    ours: pick((c) => !c.endsWith(PAPER_SUFFIX), (c) => c),
    paper: pick((c) => c.endsWith(PAPER_SUFFIX), (c) => c.endsWith(PAPER_SUFFIX) ? c.slice(0, -PAPER_SUFFIX.length) : c),
  };
}

/** Table 3 as bars with Wilson 95 % intervals; the paper's values beside ours only on CIFAR-10 (the only dataset it reports). */
export function table3Chart(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset): ChartSpec {
  const bars: AblationBar[] = [];
  const samePaper = chartPaperColumn(dataset) === 'CIFAR10'; // the paper's Table 3 is CIFAR-10 only
  for (const row of TABLE3_ROW_KEYS) {
    for (const c of mmcComparisonSteps(budget)) {
      const o = fixed(results[row], c.spec.key);
      const [name] = c.column.split(' ');
      const metric = `${name.replace(/^PGD\d+/, `PGD${c.spec.options.steps}`)} ε=${epsilonLabel(c.spec.epsilon!)}`;
      const paper = samePaper ? paperNumber(PAPER_TABLE3[row][c.column as keyof (typeof PAPER_TABLE3)[typeof row]], 0.01) : undefined;
      if (o) bars.push({ defense: rowLabel(results, row), metric, ...withInterval(o.robustAccuracy, o.examples), paper });
    }
  }
  return ablationBarsSpec(bars, {
    title: `Table 3 (${datasetTitle(dataset)}): accuracy under targeted (tar) / untargeted (un) PGD, L∞`,
    subtitle: [sizesNote(bars, 'test images'), ACCURACY_INTERVAL_NOTE, samePaper ? PAPER_MARK_NOTE : "the paper's Table 3 is CIFAR-10 only: no paper markers"]
      .filter(Boolean).join('; '),
  });
}

// ---- Table 4 -------------------------------------------------------------------------------------

/** The key of APGD on the defence's own objective when the budget runs it (Table 4's stronger adaptive column). */
function apgdAdaptiveKey(budget: DatasetBudget): string | undefined {
  return headlineAttacks(budget).find((a) => a.id === 'apgd-adaptive')?.key;
}

/** Title of Table 4's extra column: APGD (100 iterations, restarts) on the defence's own objective (ours only). */
export const TABLE4_APGD_COLUMN = 'APGD-adaptive';

/**
 * Table 4: PGD vs adaptive PGD (same budget: the paper's protocol) for TRADES and the MAT variants; where the
 * budget runs it, APGD on the same objective beside them (ours only: the paper has no such column).
 */
export function table4Frame(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset, options: TableDisplayOptions = {}): DataFrame {
  const title = datasetTitle(dataset);
  const marked = labelAndMark(table4ApgdFrame(results, budget, dataset), results, budget, TABLE4_ROW_KEYS, [`${title} PGD`]);
  if (!options.intervals) return marked;
  const pgd = withIntervalColumn(marked, results, TABLE4_ROW_KEYS, `${title} PGD`, tablePgdStep(budget).key);
  return withIntervalColumn(pgd, results, TABLE4_ROW_KEYS, `${title} Adaptive-PGD`, adaptivePgdKey(budget));
}

function table4ApgdFrame(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset): DataFrame {
  const frame = table4PaperProtocolFrame(results, budget, dataset);
  const key = apgdAdaptiveKey(budget);
  if (key === undefined) return frame;
  const values = TABLE4_ROW_KEYS.map((row) => {
    const o = fixed(results[row], key);
    return o === undefined ? undefined : 100 * o.robustAccuracy;
  });
  const columns = [...(frame.columns as string[]).map(String), `${datasetTitle(dataset)} ${TABLE4_APGD_COLUMN}`];
  const rows = frameRows(frame).map((r, i) => [...r, values[i]]);
  return frameOf(columns, rows, { ...columnDecimals(frame), [columns[columns.length - 1]]: 2 });
}

function table4PaperProtocolFrame(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset): DataFrame {
  const col = paperDatasetColumn(dataset);
  const pgd = tablePgdStep(budget).key, adaptive = adaptivePgdKey(budget);
  const ours: AdaptiveAttackResults = {};
  for (const row of TABLE4_ROW_KEYS) {
    const p = fixed(results[row], pgd), a = fixed(results[row], adaptive);
    const cells: Record<string, number> = {};
    if (p) cells.PGD = p.robustAccuracy;
    if (a) cells['Adaptive-PGD'] = a.robustAccuracy;
    if (Object.keys(cells).length) ours[row] = { [col]: cells };
  }
  return focusOnDataset(adaptiveAttackTable(ours), dataset);
}

export function table4Chart(results: ExperimentResults, budget: DatasetBudget, dataset: ExperimentDataset): ChartSpec {
  const pgd = tablePgdStep(budget).key, adaptive = adaptivePgdKey(budget), apgdKey = apgdAdaptiveKey(budget);
  const bars: AblationBar[] = [];
  const paperCol = chartPaperColumn(dataset);
  for (const row of TABLE4_ROW_KEYS) {
    const p = fixed(results[row], pgd), a = fixed(results[row], adaptive);
    const paper = paperCol ? PAPER_TABLE4[row][paperCol] : undefined;
    if (p) bars.push({ defense: rowLabel(results, row), metric: 'PGD', ...withInterval(p.robustAccuracy, p.examples), paper: paperNumber(paper?.PGD, 0.01), ...maskingFlag(results[row], budget) });
    if (a) bars.push({ defense: rowLabel(results, row), metric: 'Adaptive-PGD', ...withInterval(a.robustAccuracy, a.examples), paper: paperNumber(paper?.['Adaptive-PGD'], 0.01) });
    const strong = apgdKey === undefined ? undefined : fixed(results[row], apgdKey);
    if (strong) bars.push({ defense: rowLabel(results, row), metric: TABLE4_APGD_COLUMN, ...withInterval(strong.robustAccuracy, strong.examples) });
  }
  return ablationBarsSpec(bars, {
    title: `Table 4 (${datasetTitle(dataset)}): PGD-${budget.eval.pgd.steps} vs adaptive PGD-${budget.eval.pgd.steps}` +
      `${apgdKey ? ` and APGD-${budget.eval.apgd.nIter} on the same objective` : ''} (ε = ${epsilonLabel(budget.eval.pgd.epsilon)}, L∞)`,
    subtitle: [[sizesNote(bars, 'test images'), ACCURACY_INTERVAL_NOTE, paperCol ? PAPER_MARK_NOTE : undefined].filter(Boolean).join('; '), ...maskingNote(bars)],
  });
}

// ---- attack summary (ours only) --------------------------------------------------------------------

/** The fixed-ε attacks of the summary, in column order: the headline attacks of the budget (eval-suites.ts). */
export function summaryAttackKeys(budget: DatasetBudget): Array<{ column: string; key: string }> {
  return headlineAttacks(budget).map(({ column, key }) => ({ column, key }));
}

/**
 * Per-example worst case over fixed-ε outcomes on the same examples: an example counts as robust only if
 * every attack left it robust. Undefined when an outcome is missing or the outcomes cover different examples.
 */
export function worstCaseAccuracy(outcomes: ReadonlyArray<FixedEpsilonOutcome | undefined>): number | undefined {
  if (outcomes.length === 0 || outcomes.some((o) => o === undefined)) return undefined;
  const flags = outcomes.map((o) => o!.robust);
  const n = flags[0].length;
  if (n === 0 || flags.some((f) => f.length !== n)) return undefined;
  let robust = 0;
  for (let i = 0; i < n; i++) if (flags.every((f) => f[i] === '1')) robust++;
  return robust / n;
}

/**
 * The headline of a reproduction (no paper counterpart): per row, clean accuracy (full test set) and robust
 * accuracy (%) under every headline attack at the table ε on one seeded subset of n examples, the per-example
 * worst case over all of them with its Wilson 95 % interval, and the sanity checks of the PGD that warned.
 */
export function attackSummaryFrame(results: ExperimentResults, budget: DatasetBudget, rows: readonly RowKey[] = Object.keys(ROWS) as RowKey[]): DataFrame {
  const attacks = summaryAttackKeys(budget);
  const columns = ['Defense', 'Clean', ...attacks.map((a) => a.column), 'Worst case', 'Worst case 95 % CI', 'n', 'Sanity warnings'];
  const table: unknown[][] = [];
  const shown: RowKey[] = [];
  for (const row of rows) {
    const r = results[row];
    if (!r) continue;
    shown.push(row);
    const outcomes = attacks.map((a) => fixed(r, a.key));
    const pct = (v: number | undefined) => (v === undefined ? undefined : 100 * v);
    const warned = (outcomes[0]?.sanity ?? []).filter((c) => c.status === 'warn').map((c) => c.id);
    const worst = worstCaseAccuracy(outcomes);
    const n = outcomes[0]?.examples;
    const ci = worst !== undefined && n ? accuracyInterval(worst, n) : undefined;
    table.push([
      rowLabel(results, row), pct(r.train?.metrics.cleanTestAccuracy), ...outcomes.map((o) => pct(o?.robustAccuracy)),
      pct(worst), ci ? `${(100 * ci.lower).toFixed(1)}–${(100 * ci.upper).toFixed(1)}` : undefined, n,
      outcomes[0]?.sanity ? (warned.length ? warned.join(', ') : 'none') : undefined,
    ]);
  }
  const df = frameOf(columns, table, Object.fromEntries([...attacks.map((a) => a.column), 'Clean', 'Worst case'].map((c) => [c, 2])));
  return labelAndMark(df, results, budget, shown, attacks.slice(0, 1).map((a) => a.column));
}

// ---- AutoAttack standard (ours only) ---------------------------------------------------------------

/**
 * AutoAttack's standard version beside the headline, per row on the headline's examples: the L∞ worst case
 * over the seven headline attacks, the examples FAB-T then broke, the worst case over all eight with its
 * Wilson 95 % interval; and the L2 cascade at the dataset's L2 radius — robust accuracy (%) after each of
 * its attacks, the last being AutoAttack's L2 number, with its interval. Undefined when no row has it.
 */
export function autoAttackStandardFrame(results: ExperimentResults, budget: DatasetBudget, rows: readonly RowKey[] = Object.keys(ROWS) as RowKey[]): DataFrame | undefined {
  const columns = autoAttackStandardColumns(budget);
  if (columns === undefined) return undefined;
  const [fab, ...l2] = columns;
  const shown = rows.filter((row) => results[row] && fixed(results[row]!, fab.key) !== undefined);
  if (shown.length === 0) return undefined;
  const l2Eps = epsilonLabel(budget.eval.autoAttack!.l2Epsilon), linfEps = epsilonLabel(tablePgdStep(budget).epsilon!);
  const interval = (v: number | undefined, n: number | undefined) => {
    if (v === undefined || !n) return undefined;
    const ci = accuracyInterval(v, n);
    return `${(100 * ci.lower).toFixed(1)}–${(100 * ci.upper).toFixed(1)}`;
  };
  const pct = (v: number | undefined) => (v === undefined ? undefined : 100 * v);
  const header = [
    'Defense', 'Clean', `L∞ ε=${linfEps} worst case (7)`, 'FAB-T broke', `L∞ worst case (8)`, 'L∞ 95 % CI',
    ...l2.map((c, i) => (i === 0 ? `L2 ε=${l2Eps} ${c.column.slice(3)}` : `→ ${c.column.slice(3)}`)), 'L2 95 % CI', 'n',
  ];
  const table = shown.map((row) => {
    const r = results[row]!;
    const f = fixed(r, fab.key)!;
    const seven = worstCaseAccuracy(headlineAttacks(budget).map((a) => fixed(r, a.key)));
    const l2Outcomes = l2.map((c) => fixed(r, c.key));
    const last = l2Outcomes[l2Outcomes.length - 1];
    return [
      rowLabel(results, row), pct(r.train?.metrics.cleanTestAccuracy), pct(seven),
      f.attacked === undefined ? undefined : f.attacked - Math.round(f.robustAccuracy * f.examples),
      pct(f.robustAccuracy), interval(f.robustAccuracy, f.examples),
      ...l2Outcomes.map((o) => pct(o?.robustAccuracy)), interval(last?.robustAccuracy, last?.examples), f.examples,
    ];
  });
  const decimals = Object.fromEntries(header.filter((h, i) => i === 1 || i === 2 || i === 4 || (i >= 6 && i < 6 + l2.length)).map((h) => [h, 2]));
  return frameOf(header, table, decimals);
}

// ---- Table 5 -------------------------------------------------------------------------------------

/** Table 5: cosine to the predicted class center (mean ± std over classes), clean and PGD. */
export function table5Frame(results: ExperimentResults, dataset: ExperimentDataset): DataFrame {
  const col = paperDatasetColumn(dataset);
  const ours: CosineResults = {};
  for (const row of TABLE5_ROW_KEYS) {
    const c = results[row]?.features?.cosine;
    if (c) ours[row] = { [col]: { Clean: { mean: c.Clean.mean, std: c.Clean.std }, PGD: { mean: c.PGD.mean, std: c.PGD.std } } };
  }
  return labelAndMark(focusOnDataset(cosineTable(ours), dataset), results, undefined, TABLE5_ROW_KEYS, []);
}

export function table5Chart(results: ExperimentResults, dataset: ExperimentDataset): ChartSpec {
  const bars: AblationBar[] = [];
  const paperCol = chartPaperColumn(dataset);
  let examples: number | undefined;
  for (const row of [...TABLE5_ROW_KEYS, 'mmc'] as const) {
    const f = results[row]?.features;
    const c = f?.cosine;
    if (!c) continue;
    examples ??= f.examples;
    const paper = paperCol && row in PAPER_TABLE5 ? PAPER_TABLE5[row as keyof typeof PAPER_TABLE5][paperCol] : undefined;
    for (const metric of ['Clean', 'PGD'] as const) {
      const { mean, std } = c[metric];
      bars.push({ defense: rowLabel(results, row), metric, value: mean, lower: mean - std, upper: mean + std, n: f.examples, paper: paper?.[metric].mean });
    }
  }
  return ablationBarsSpec(bars, {
    title: `Table 5 (${datasetTitle(dataset)}): cosine of φ(x) to the predicted class center`,
    subtitle: [examples !== undefined ? `${examples.toLocaleString('en-US')} test images` : undefined,
      'dots: mean over classes; bars: ± 1 std over classes', paperCol ? `${PAPER_MARK_NOTE} (mean)` : undefined].filter(Boolean).join('; '),
    valueTitle: 'cosine similarity (1 = on the center)', valueFormat: '.2f', valueDomain: 'fit', mark: 'point',
  });
}

/** Table 5 for one model of any centers-head method (for `mat analyze`); undefined for linear heads. */
export function runCosineFrame(analysis: FeatureAnalysis, row: RowKey | undefined, dataset: ExperimentDataset): DataFrame | undefined {
  const c = analysis.cosine;
  if (!c) return undefined;
  if (row !== undefined && (TABLE5_ROW_KEYS as readonly string[]).includes(row)) {
    return table5Frame({ [row]: { features: analysis } }, dataset);
  }
  const fmt = (s: { mean: number; std: number }) => `${s.mean.toFixed(3)}±${s.std.toFixed(3)}`;
  const title = datasetTitle(dataset);
  return frameOf(['Defense', `${title} Clean`, `${title} PGD`], [[row ? ROWS[row].label : 'this run', fmt(c.Clean), fmt(c.PGD)]]);
}

// ---- Figure 1 ------------------------------------------------------------------------------------

/** Figure 1 (a) adversarial points coloured by true label, (b) by predicted class. */
export function figure1Specs(analysis: FeatureAnalysis, label: string, classNames?: readonly string[]): { a: ChartSpec; b: ChartSpec } {
  const points = analysis.embedding.points;
  return {
    a: tsneScatterSpec(points, { adversarialColor: 'label', classNames, title: `Figure 1 (a): ${label} features — adversarial by true label` }),
    b: tsneScatterSpec(points, { adversarialColor: 'predicted', classNames, title: `Figure 1 (b): ${label} features — adversarial by predicted class` }),
  };
}

/** A table as plain records (one object per row, keyed by column name) for JSON export. */
export function frameRecords(df: DataFrame): Array<Record<string, unknown>> {
  const columns = (df.columns as string[]).map(String);
  return frameRows(df).map((r) => Object.fromEntries(columns.map((c, j) => [c, typeof r[j] === 'number' && Number.isNaN(r[j]) ? null : r[j]])));
}

/** What a run's step count and training time cover: a resumed run times only the part after its resume. */
export function timedPart(r: Pick<TrainRunResults, 'resumedFrom'>): string {
  const from = r.resumedFrom;
  return from ? `only the part after a resume (in epoch ${from.epoch + 1}, after ${from.batch} batches)` : 'the whole run';
}

/** Trained runs at a glance: method settings, budget, clean accuracy, time (and whether the time covers all of it). */
export function trainSummaryFrame(runs: ReadonlyArray<{ label: string; results: TrainRunResults }>): DataFrame {
  const columns = ['model', 'method', 'settings', 'epochs', 'steps', 'train examples', 'clean acc. (%)', 'test examples', 'train s', 'steps and time cover'];
  const rows = runs.map(({ label, results: r }) => {
    const s = r.objective.settings;
    const settings = Object.entries(s).filter(([k]) => ['alpha', 'beta', 'epsilon', 'stepSize', 'steps', 'adversarial'].includes(k))
      .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`).join(' ');
    return [label, r.config.method, settings || '—', r.config.epochs, r.timings.steps, r.metrics.trainExamples,
      100 * r.metrics.cleanTestAccuracy, r.metrics.testExamples, r.timings.trainSeconds, timedPart(r)];
  });
  return frameOf(columns, rows, { 'clean acc. (%)': 2, 'train s': 1 });
}

/** A profile's budget on a dataset as a table (setting, value); the reasons are in profiles.ts. */
export function budgetFrame(profile: ProfileRef, dataset: ExperimentDataset): DataFrame {
  const b = datasetBudget(profile, dataset);
  const n = (v: number | undefined, all: string) => (v === undefined ? all : v.toLocaleString('en-US'));
  const t = b.train, e = b.eval, a = b.analysis;
  const g = (v: number) => String(Number(v.toPrecision(4)));
  const model = [b.model.arch, b.model.depth !== undefined ? `${b.model.depth}-${b.model.width}` : '', b.model.featureDim ? `φ ${b.model.featureDim}` : '']
    .filter(Boolean).join(' ');
  const rows: Array<[string, string]> = [
    ['model', model],
    ['training examples', n(t.trainSubset, 'all')],
    ['epochs (rows without / with an inner max)', `${t.epochs} / ${t.innerMaxEpochs}${t.maxSteps !== undefined ? `, at most ${t.maxSteps} steps` : ''}`],
    ['optimizer', `${t.optimizer} lr ${t.learningRate}${t.optimizer === 'sgd' ? ` momentum ${t.momentum}` : ''}, batch ${t.batchSize}` +
      (t.lrMilestones?.length ? `, ×0.1 at epochs ${t.lrMilestones.join(', ')}` : '')],
    ['inner max (AT, TRADES, BIBO, AT-MMC)', `ε ${epsilonLabel(b.innerMax.epsilon)}, ${b.innerMax.steps} steps of ${g(b.innerMax.stepSize)}`],
    ['clean accuracy on', `${n(t.testSubset, 'all')} test images`],
    ['PGD (Tables 2, 4)', `ε ${epsilonLabel(e.pgd.epsilon)}, ${e.pgd.steps} steps of ${g(e.pgd.stepSize)}, ${e.pgd.restarts} restart(s), on ${n(e.subset, 'all')} test images`],
    ['C&W / DDN (Table 2)', `C&W ${e.cw.binarySearchSteps} × ${e.cw.steps} steps, DDN ${e.ddn.steps} steps, on ${n(e.minimizationSubset, 'all')} test images`],
    ['ε sweep (Figure 2)', `${e.sweep.epsilons.map(epsilonLabel).join(', ')}; PGD-${e.sweep.steps}, step 2.5·ε/${e.sweep.steps}, on ${n(e.sweep.subset, 'all')} images`],
    ['Table 3 PGD', `${e.mmc.shortSteps} / ${e.mmc.longSteps} steps, ε 8/255 and 16/255 × ${g(e.mmc.epsilonScale)}, on ${n(e.mmc.subset, 'all')} images`],
    ['features (Tables 1, 5, Figure 1)', `${n(a.points, 'all')} test images, Ward on ≤ ${a.wardMaxPoints}, DDN ${a.ddnSteps} steps, t-SNE ${a.tsnePointsPerSet} + ${a.tsnePointsPerSet} points × ${a.tsneIterations} iterations`],
  ];
  return frameOf(['setting', 'value'], rows);
}
