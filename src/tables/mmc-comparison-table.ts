import type { DataFrame } from 'danfojs';
import { DEFENSES } from './defenses';
import { buildFrame, checkKeys, ColumnSpec, PAPER_SUFFIX, PaperTableOptions, percent } from './frame';
import { PAPER_TABLE3, PaperValue, Table3Column, TABLE3_COLUMNS, Table3Row, TABLE3_ROWS } from './paper-numbers';

/** Our Table 3 accuracies (fractions in [0, 1]) per defense and column ('Clean', 'PGD10-tar ε=8/255', …). */
export type MmcComparisonResults = Partial<Record<Table3Row, Partial<Record<Table3Column, number>>>>;

/** the paper's "≤ 1" cells print as '≤1' (string cells in an otherwise numeric column) */
function paperCell(v: PaperValue): number | string {
  return typeof v === 'number' ? v : `≤${v.atMost}`;
}

/**
 * Table 3: CIFAR10 accuracy (%) compared with MMC under targeted (tar) and untargeted (un) PGD with 10
 * and 50 iterations at ε = 8/255 and 16/255. Rows Natural, AT, MMC, MAT (the total-loss model, key
 * 'mat-so-bibo'); columns 'Defense', 'Clean', 'PGD10-tar ε=8/255', … each with its "(paper)" column.
 */
export function mmcComparisonTable(ours: MmcComparisonResults = {}, options: PaperTableOptions = {}): DataFrame {
  const { paper = true } = options;
  checkKeys('Table 3', ours, TABLE3_ROWS);
  for (const r of TABLE3_ROWS) checkKeys(`Table 3 ${r}`, ours[r], TABLE3_COLUMNS);
  const columns: ColumnSpec[] = [{ name: 'Defense', values: TABLE3_ROWS.map((r) => DEFENSES[r].defense) }];
  for (const c of TABLE3_COLUMNS) {
    columns.push({ name: c, values: TABLE3_ROWS.map((r) => percent('Table 3', ours[r]?.[c])), decimals: 1 });
    if (paper) columns.push({ name: c + PAPER_SUFFIX, values: TABLE3_ROWS.map((r) => paperCell(PAPER_TABLE3[r][c])), decimals: 1 });
  }
  return buildFrame(columns);
}
