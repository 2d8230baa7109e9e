/**
 * The closing "what we got" text of notebooks 02–08, written from the results the notebook loaded — never
 * typed — so it always describes the active profile. Every number it prints is a cell of one of the
 * reproduction's tables (the frames of report.ts, the CSVs `mat reproduce` writes): each narrative returns
 * the cells it quoted (`quotes`), and a test compares them with the shipped CSVs.
 */
import * as path from 'node:path';
import type { DataFrame } from 'danfojs';
import { DEFENSES } from '../tables/defenses';
import { isMissing } from '../tables/format';
import type { AblationResult } from './ablation';
import { epsilonLabel } from './eval-suites';
import type { DatasetBudget, ExperimentDataset } from './profiles';
import {
  attackSummaryFrame, datasetTitle, figure2Frame, maskingSuspected, paperDatasetColumn, rowLabel, summaryAttackKeys, table1Frame, table2Frame,
  table3Frames, table5Frame, variantDefense, type ExperimentResults,
} from './report';
import { displayPath } from './results-root';
import { ROWS, TABLE2_ROW_KEYS, TABLE4_ROW_KEYS, TABLE5_ROW_KEYS, FIGURE2_ROW_KEYS, type RowKey } from './rows';

/** One number of a narrative: the table cell it came from and how the text prints it. */
export interface QuotedNumber {
  /** the reproduction table (its CSV file name without `.csv`, e.g. 'attack-summary') */
  table: string;
  /** the key columns identifying the row (e.g. { Defense: 'MAT (SO)' }) */
  row: Record<string, string>;
  column: string;
  /** the cell's value (table units: % for accuracies) */
  value: number;
  /** as printed in the markdown */
  text: string;
}

export interface Narrative {
  markdown: string;
  quotes: QuotedNumber[];
}

export interface NarrativeInput {
  /** what the notebook loaded (`ensureRows(…).results`) */
  results: ExperimentResults;
  budget: DatasetBudget;
  dataset: ExperimentDataset;
  /** the active profile's name, printed in the heading */
  profile: string;
  /** 08's sweeps (`mat.ablate` results), by varied setting */
  sweeps?: Partial<Record<string, AblationResult>>;
}

/** Reads cells of the notebook's own tables and remembers every one it prints. */
class Quoter {
  readonly quotes: QuotedNumber[] = [];
  constructor(private readonly frames: Record<string, DataFrame>) {}

  /** The cell of `table` in the row matching `row` (key columns), printed with `decimals`; '—' when missing. */
  cell(table: string, row: Record<string, string>, column: string, decimals = 1): string {
    const v = this.value(table, row, column);
    if (v === undefined) return '—';
    const text = v.toFixed(decimals);
    this.quotes.push({ table, row, column, value: v, text });
    return text;
  }

  /** The numeric value of a cell ('0.999±0.002' reads as 0.999), or undefined. */
  value(table: string, row: Record<string, string>, column: string): number | undefined {
    const df = this.frames[table];
    if (!df) throw new RangeError(`narrative: no table '${table}' (have ${Object.keys(this.frames).join(', ')})`);
    const columns = (df.columns as string[]).map(String);
    const j = columns.indexOf(column);
    if (j < 0) return undefined;
    const rows = (df.values as unknown[][]).map((r) => (Array.isArray(r) ? r : [r]));
    const hit = rows.find((r) => Object.entries(row).every(([k, v]) => String(r[columns.indexOf(k)]) === v));
    const cell = hit?.[j];
    if (cell === undefined || isMissing(cell)) return undefined;
    const v = typeof cell === 'number' ? cell : Number.parseFloat(String(cell));
    return Number.isFinite(v) ? v : undefined;
  }
}

/** The key columns of a row in the paper-layout tables (Tables 2, 4, 5: Defense with its SO / BIBO markers). */
function paperRow(results: ExperimentResults, row: RowKey): Record<string, string> {
  const d = DEFENSES[row];
  return { Defense: variantDefense(results, row) ?? d.defense, SO: d.so, BIBO: d.bibo };
}

const byLabel = (results: ExperimentResults, row: RowKey) => ({ Defense: rowLabel(results, row) });

/** The heading line: profile, dataset, where the results were read from. */
function heading(input: NarrativeInput, rows: readonly RowKey[]): string {
  const dirs = [...new Set(rows.map((r) => input.results[r]?.runDir).filter((d): d is string => d !== undefined).map((d) => displayPath(path.dirname(d))))];
  const from = dirs.length ? `; read from ${dirs.map((d) => `\`${d}/\``).join(', ')}` : '';
  return `**With the results of profile \`${input.profile}\`** (${datasetTitle(input.dataset)}${from}; full discussion in \`REPRODUCTION.md\`):`;
}

const yesNo = (ok: boolean | undefined) => (ok === undefined ? '(not measured)' : ok ? '✓' : '✗');

/** The rows whose PGD sanity checks warned, as a sentence (or ''). */
function maskingSentence(results: ExperimentResults, budget: DatasetBudget, rows: readonly RowKey[]): string {
  const flagged = rows.filter((r) => results[r] && maskingSuspected(results[r], budget).length > 0);
  if (flagged.length === 0) return '';
  return `† masking suspected — PGD's sanity checks fired for ${flagged.map((r) => `${rowLabel(results, r)} (${maskingSuspected(results[r], budget).join(', ')})`).join(', ')}: ` +
    'their PGD numbers may overstate robustness (the worst case over attacks in `06-adaptive-attacks` is the number to quote).';
}

/** The markdown of `lines` (and a closing paragraph, when given) with the quotes behind it. */
function narrative(lines: string[], q: Quoter, closing = ''): Narrative {
  return { markdown: [...lines, ...(closing ? ['', closing] : [])].join('\n'), quotes: q.quotes };
}

/** 02: Table 1's match rates. */
function featureDistribution(input: NarrativeInput): Narrative {
  const { results, dataset } = input;
  const q = new Quoter({ 'table1-match-rates': table1Frame(results, dataset) });
  const col = paperDatasetColumn(dataset), title = datasetTitle(dataset);
  const name = (m: 'N' | 'T') => `${title === col ? col : title}-${m}`;
  const rate = (set: string, m: 'N' | 'T') => q.cell('table1-match-rates', { 'Data Type': set }, name(m));
  const v = (set: string, m: 'N' | 'T') => q.value('table1-match-rates', { 'Data Type': set }, name(m));
  const cleanHigh = ['N', 'T'].every((m) => (v('Clean', m as 'N') ?? 0) >= 95);
  const nGap = v('Clean', 'N') !== undefined && v('PGD', 'N') !== undefined ? v('Clean', 'N')! - v('PGD', 'N')! : undefined;
  const lines = [
    heading(input, ['natural', 'trades']),
    '',
    `- natural model: clean ${rate('Clean', 'N')} %, PGD ${rate('PGD', 'N')} %, DDN ${rate('DDN', 'N')} %; TRADES: ${rate('Clean', 'T')} / ${rate('PGD', 'T')} / ${rate('DDN', 'T')} %;`,
    `- clean match rates near 100 % (≥ 95 %): ${yesNo(v('Clean', 'N') === undefined ? undefined : cleanHigh)};`,
    `- the natural model's PGD match rate far below its clean one (more than 20 points): ${yesNo(nGap === undefined ? undefined : nGap > 20)};`,
    `- TRADES' PGD match rate above the natural model's: ${yesNo(v('PGD', 'T') === undefined || v('PGD', 'N') === undefined ? undefined : v('PGD', 'T')! > v('PGD', 'N')!)}.`,
  ];
  return narrative(lines, q);
}

/** 03: Table 2 and the sanity checks. */
function robustnessAblation(input: NarrativeInput): Narrative {
  const { results, budget, dataset } = input;
  const q = new Quoter({ 'table2-robustness': table2Frame(results, budget, dataset) });
  const title = datasetTitle(dataset);
  const rows = [...TABLE2_ROW_KEYS, 'mmc'] as const;
  const key = (r: RowKey) => paperRow(results, r);
  const pgd = (r: RowKey) => q.value('table2-robustness', key(r), `${title} PGD`);
  const dagger = (r: RowKey) => (results[r] && maskingSuspected(results[r], budget).length ? ' †' : '');
  const cells = rows.filter((r) => results[r]).map((r) =>
    `${rowLabel(results, r)} ${q.cell('table2-robustness', key(r), `${title} Clean`, 2)} / ${q.cell('table2-robustness', key(r), `${title} PGD`)}${dagger(r)}`);
  const above = (a: RowKey, b: RowKey) => (pgd(a) === undefined || pgd(b) === undefined ? undefined : pgd(a)! > pgd(b)!);
  const lines = [
    heading(input, rows),
    '',
    `- clean / PGD-${budget.eval.pgd.steps} accuracy (%) at ε = ${epsilonLabel(budget.eval.pgd.epsilon)}: ${cells.join('; ')};`,
    `- natural ≈ 0 under PGD (< 5 %): ${yesNo(pgd('natural') === undefined ? undefined : pgd('natural')! < 5)}; AT and TRADES robust (> 50 %): ` +
      `${yesNo(pgd('at') === undefined || pgd('trades') === undefined ? undefined : pgd('at')! > 50 && pgd('trades')! > 50)};`,
    `- MAT with BIBO above MAT without it: ${yesNo(above('mat-bibo', 'mat'))} (FTC alone vs +BIBO), ${yesNo(above('mat-so-bibo', 'mat-so'))} (+SO vs +SO+BIBO);`,
    `- the paper's headline, MAT (SO+BIBO) above TRADES under PGD: ${yesNo(above('mat-so-bibo', 'trades'))}${dagger('mat-so-bibo') ? ' — but its PGD number carries † (below)' : ''}.`,
  ];
  return narrative(lines, q, maskingSentence(results, budget, rows));
}

/** 04: Figure 2's values. */
function epsilonCurves(input: NarrativeInput): Narrative {
  const { results, budget } = input;
  const q = new Quoter({ 'figure2-values': figure2Frame(results, budget) });
  const eps = budget.eval.sweep.epsilons;
  const train = budget.eval.pgd.epsilon, last = Math.max(...eps);
  const atTrain = eps.includes(train) ? `ε=${epsilonLabel(train)}` : undefined;
  const lastCol = `ε=${epsilonLabel(last)}`;
  const rows = FIGURE2_ROW_KEYS.filter((r) => results[r]);
  const curves = rows.map((r) => `${rowLabel(results, r)} ${q.cell('figure2-values', byLabel(results, r), 'clean')}` +
    `${atTrain ? ` → ${q.cell('figure2-values', byLabel(results, r), atTrain)}` : ''} → ${q.cell('figure2-values', byLabel(results, r), lastCol)}`);
  // a curve still high at the largest ε (beyond the training ε) is the masking signature of 03's sanity checks
  const flat = rows.filter((r) => (q.value('figure2-values', byLabel(results, r), lastCol) ?? 0) > 50 && last > train);
  const lines = [
    heading(input, rows),
    '',
    `- accuracy (%) clean${atTrain ? ` → at the training ε = ${epsilonLabel(train)}` : ''} → at ε = ${epsilonLabel(last)}: ${curves.join('; ')};`,
    flat.length
      ? `- still above 50 % at ε = ${epsilonLabel(last)}, beyond the training ε — the gradient-masking signature, not robustness: ${flat.map((r) => rowLabel(results, r)).join(', ')}.`
      : `- every curve falls below 50 % by ε = ${epsilonLabel(last)}.`,
  ];
  return narrative(lines, q);
}

/** 05: Table 3 (ours). */
function mmcComparison(input: NarrativeInput): Narrative {
  const { results, budget, dataset } = input;
  const ours = table3Frames(results, budget, dataset).ours;
  const q = new Quoter({ 'table3-mmc-comparison': ours });
  const columns = (ours.columns as string[]).map(String).filter((c) => c.startsWith('PGD'));
  const long = columns.filter((c) => c.startsWith(`PGD${budget.eval.mmc.longSteps}-`));
  const rows = (['natural', 'at', 'mmc', 'mat-so-bibo'] as const).filter((r) => results[r]);
  const key = (r: RowKey) => ({ Defense: DEFENSES[r].defense });
  const cells = rows.map((r) => `${DEFENSES[r].defense} ${long.map((c) => q.cell('table3-mmc-comparison', key(r), c)).join(' / ')}`);
  const tarAbove = rows.filter((r) => long.filter((c) => c.includes('-tar')).every((c) => {
    const un = c.replace('-tar', '-un');
    const t = q.value('table3-mmc-comparison', key(r), c), u = q.value('table3-mmc-comparison', key(r), un);
    return t !== undefined && u !== undefined && t >= u;
  }));
  const lines = [
    heading(input, rows),
    '',
    `- accuracy (%) under ${long.join(' / ')}: ${cells.join('; ')};`,
    `- targeted PGD leaves at least as much as untargeted for: ${tarAbove.map((r) => DEFENSES[r].defense).join(', ') || 'none'}` +
      `${tarAbove.length < rows.length ? ` — not for ${rows.filter((r) => !tarAbove.includes(r)).map((r) => DEFENSES[r].defense).join(', ')}: an untargeted gradient that vanishes (masking) is the usual cause` : ''}.`,
  ];
  return narrative(lines, q, maskingSentence(results, budget, rows));
}

/** 06: Table 4 and the attack summary. */
function adaptiveAttacks(input: NarrativeInput): Narrative {
  const { results, budget } = input;
  const q = new Quoter({ 'attack-summary': attackSummaryFrame(results, budget, TABLE4_ROW_KEYS) });
  const attacks = summaryAttackKeys(budget).map((a) => a.column);
  const pgdCol = attacks[0], adaptiveCol = attacks.find((c) => c.startsWith('Adaptive'));
  const rows = TABLE4_ROW_KEYS.filter((r) => results[r]);
  const v = (r: RowKey, c: string) => q.value('attack-summary', byLabel(results, r), c);
  const cells = rows.map((r) => `${rowLabel(results, r)} ${q.cell('attack-summary', byLabel(results, r), pgdCol)}` +
    `${adaptiveCol ? ` → ${q.cell('attack-summary', byLabel(results, r), adaptiveCol)}` : ''} (worst case ${q.cell('attack-summary', byLabel(results, r), 'Worst case')})`);
  const collapsed = rows.filter((r) => {
    const p = v(r, pgdCol), w = v(r, 'Worst case');
    return p !== undefined && w !== undefined && p - w > 30;
  });
  const lines = [
    heading(input, rows),
    '',
    `- accuracy (%) PGD → ${adaptiveCol ?? 'adaptive PGD'} (per-example worst case over ${attacks.length} attacks): ${cells.join('; ')};`,
    `- more than 30 points lost from PGD to the worst case (PGD overstated robustness): ${collapsed.map((r) => rowLabel(results, r)).join(', ') || 'none'}.`,
  ];
  return narrative(lines, q, maskingSentence(results, budget, rows));
}

/** 07: Table 5. */
function featureClustering(input: NarrativeInput): Narrative {
  const { results, dataset } = input;
  const q = new Quoter({ 'table5-cosine': table5Frame(results, dataset) });
  const title = datasetTitle(dataset);
  const rows = TABLE5_ROW_KEYS.filter((r) => results[r]?.features);
  const clean = (r: RowKey) => q.value('table5-cosine', paperRow(results, r), `${title} Clean`);
  const adv = (r: RowKey) => q.value('table5-cosine', paperRow(results, r), `${title} PGD`);
  const cells = rows.map((r) => `${rowLabel(results, r)} ${q.cell('table5-cosine', paperRow(results, r), `${title} Clean`, 3)} → ${q.cell('table5-cosine', paperRow(results, r), `${title} PGD`, 3)}`);
  const measured = rows.filter((r) => clean(r) !== undefined && adv(r) !== undefined);
  const lines = [
    heading(input, rows),
    '',
    `- cosine clean → PGD (mean over classes): ${cells.join('; ')};`,
    `- (i) every clean cosine ≥ 0.95: ${yesNo(measured.length ? measured.every((r) => clean(r)! >= 0.95) : undefined)}; ` +
      `(ii) PGD lowers it by more than 0.05 for: ${measured.filter((r) => clean(r)! - adv(r)! > 0.05).map((r) => rowLabel(results, r)).join(', ') || 'none'}.`,
  ];
  return narrative(lines, q);
}

/** 08: the sweeps' tables (mean over seeds with the pooled 95 % interval). */
function ablations(input: NarrativeInput): Narrative {
  const sweeps = Object.entries(input.sweeps ?? {}).filter((e): e is [string, AblationResult] => e[1] !== undefined);
  const frames = Object.fromEntries(sweeps.map(([name, s]) => [`ablation-${name}`, s.table]));
  const q = new Quoter(frames);
  const lines = [`**With the results of profile \`${input.profile}\`** (${datasetTitle(input.dataset)}):`, ''];
  for (const [name, s] of sweeps) {
    if (s.rows.length === 0) { lines.push(`- ${name}: no cached point in this profile (see the "not cached" lines above for what it would compute).`); continue; }
    const cells = s.rows.map((r) => {
      const row = { Model: r.label, Attack: r.attack };
      return `${r.label} ${r.attack} ${q.cell(`ablation-${name}`, row, 'Accuracy (%)')} (${q.cell(`ablation-${name}`, row, '95 % CI low (%)')}–${q.cell(`ablation-${name}`, row, '95 % CI high (%)')})`;
    });
    lines.push(`- ${name}, accuracy (%) mean over seeds (pooled 95 % interval): ${cells.join('; ')}${s.missing.length ? `; ${s.missing.length} step(s) not cached` : ''}.`);
  }
  if (sweeps.length === 0) lines.push('- no sweep was run.');
  return narrative(lines, q);
}

/** The narrative of each notebook (by its number). */
export const NARRATIVES = {
  '02': featureDistribution,
  '03': robustnessAblation,
  '04': epsilonCurves,
  '05': mmcComparison,
  '06': adaptiveAttacks,
  '07': featureClustering,
  '08': ablations,
} as const satisfies Record<string, (input: NarrativeInput) => Narrative>;

export type NarrativeName = keyof typeof NARRATIVES;

/**
 * The closing text of a notebook from its results.
 *
 * @example tslab.display.markdown(mat.closingNarrative('03', { results, budget, dataset, profile }).markdown);
 */
export function closingNarrative(notebook: NarrativeName, input: NarrativeInput): Narrative {
  const build = NARRATIVES[notebook];
  if (build === undefined) throw new RangeError(`no narrative for notebook '${notebook}'; valid: ${Object.keys(NARRATIVES).join(', ')}`);
  return build(input);
}
