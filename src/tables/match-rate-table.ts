import type { DataFrame } from 'danfojs';
import { buildFrame, checkKeys, ColumnSpec, PAPER_SUFFIX, PaperTableOptions, percent } from './frame';
import { PAPER_TABLE1, Table1Column, TABLE1_COLUMNS, Table1Row, TABLE1_ROWS } from './paper-numbers';

/** Our Table 1 numbers: per model column, the match rate of each data type as a fraction in [0, 1]
 *  (e.g. `{ 'MNIST-N': matchRates(...).rates }`). Missing entries stay empty. */
export type MatchRateResults = Partial<Record<Table1Column, Partial<Record<Table1Row, number>>>>;

/**
 * Table 1: match rates (%) of clean data and PGD / DDN adversarial examples for naturally trained (-N)
 * and TRADES-trained (-T) models. Rows Clean, PGD, DDN; columns 'Data Type', then per model ours
 * (and "<model> (paper)").
 */
export function matchRateTable(ours: MatchRateResults = {}, options: PaperTableOptions = {}): DataFrame {
  const { paper = true } = options;
  checkKeys('Table 1', ours, TABLE1_COLUMNS);
  const columns: ColumnSpec[] = [{ name: 'Data Type', values: [...TABLE1_ROWS] }];
  for (const model of TABLE1_COLUMNS) {
    checkKeys(`Table 1 ${model}`, ours[model], TABLE1_ROWS);
    columns.push({ name: model, values: TABLE1_ROWS.map((r) => percent('Table 1', ours[model]?.[r])), decimals: 2 });
    if (paper) columns.push({ name: model + PAPER_SUFFIX, values: TABLE1_ROWS.map((r) => PAPER_TABLE1[model][r]), decimals: 2 });
  }
  return buildFrame(columns);
}
