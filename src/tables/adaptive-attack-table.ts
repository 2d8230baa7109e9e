import type { DataFrame } from 'danfojs';
import { DEFENSES } from './defenses';
import { buildFrame, checkKeys, ColumnSpec, PAPER_SUFFIX, PaperTableOptions, percent } from './frame';
import { Dataset, DATASETS, PAPER_TABLE4, Table4Metric, TABLE4_METRICS, Table4Row, TABLE4_ROWS } from './paper-numbers';

/** Our Table 4 robust accuracies (fractions in [0, 1]) per defense, dataset and attack. */
export type AdaptiveAttackResults = Partial<Record<Table4Row, Partial<Record<Dataset, Partial<Record<Table4Metric, number>>>>>>;

/**
 * Table 4: robust accuracy (%) under PGD and the adaptive PGD. Rows TRADES and the four MAT variants;
 * columns 'Defense', 'SO', 'BIBO', 'CIFAR10 PGD', 'CIFAR10 Adaptive-PGD', 'MNIST PGD',
 * 'MNIST Adaptive-PGD' (each with its "(paper)" column).
 */
export function adaptiveAttackTable(ours: AdaptiveAttackResults = {}, options: PaperTableOptions = {}): DataFrame {
  const { paper = true } = options;
  checkKeys('Table 4', ours, TABLE4_ROWS);
  for (const r of TABLE4_ROWS) {
    checkKeys(`Table 4 ${r}`, ours[r], DATASETS);
    for (const d of DATASETS) checkKeys(`Table 4 ${r} ${d}`, ours[r]?.[d], TABLE4_METRICS);
  }
  const columns: ColumnSpec[] = [
    { name: 'Defense', values: TABLE4_ROWS.map((r) => DEFENSES[r].defense) },
    { name: 'SO', values: TABLE4_ROWS.map((r) => DEFENSES[r].so) },
    { name: 'BIBO', values: TABLE4_ROWS.map((r) => DEFENSES[r].bibo) },
  ];
  for (const d of DATASETS) {
    for (const m of TABLE4_METRICS) {
      const name = `${d} ${m}`;
      columns.push({ name, values: TABLE4_ROWS.map((r) => percent('Table 4', ours[r]?.[d]?.[m])), decimals: 2 });
      if (paper) columns.push({ name: name + PAPER_SUFFIX, values: TABLE4_ROWS.map((r) => PAPER_TABLE4[r][d][m]), decimals: 2 });
    }
  }
  return buildFrame(columns);
}
