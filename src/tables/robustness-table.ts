import type { DataFrame } from 'danfojs';
import { DEFENSES } from './defenses';
import { buildFrame, checkKeys, ColumnSpec, PAPER_SUFFIX, PaperTableOptions, percent } from './frame';
import { Dataset, DATASETS, PAPER_TABLE2, Table2Metric, TABLE2_METRICS, Table2Row, TABLE2_ROWS } from './paper-numbers';

/**
 * Our Table 2 numbers per defense and dataset: Clean and PGD accuracies as fractions in [0, 1];
 * C&W and DDN as the mean perturbation norm of the adversarial examples (raw).
 */
export type RobustnessResults = Partial<Record<Table2Row, Partial<Record<Dataset, Partial<Record<Table2Metric, number>>>>>>;

const IS_ACCURACY: Record<Table2Metric, boolean> = { Clean: true, PGD: true, 'C&W': false, DDN: false };

/**
 * Table 2: robustness comparison. Rows Natural, AT, TRADES and the four MAT variants (SO/BIBO
 * markers as in the paper); the paper's "CIFAR10 / MNIST" cells become two columns per metric:
 * 'CIFAR10 Clean', 'MNIST Clean', 'CIFAR10 PGD', … (each followed by its "(paper)" column).
 * Accuracies in %, norms raw.
 */
export function robustnessTable(ours: RobustnessResults = {}, options: PaperTableOptions = {}): DataFrame {
  const { paper = true } = options;
  checkKeys('Table 2', ours, TABLE2_ROWS);
  const columns: ColumnSpec[] = [
    { name: 'Defense', values: TABLE2_ROWS.map((r) => DEFENSES[r].defense) },
    { name: 'SO', values: TABLE2_ROWS.map((r) => DEFENSES[r].so) },
    { name: 'BIBO', values: TABLE2_ROWS.map((r) => DEFENSES[r].bibo) },
  ];
  for (const r of TABLE2_ROWS) {
    checkKeys(`Table 2 ${r}`, ours[r], DATASETS);
    for (const d of DATASETS) checkKeys(`Table 2 ${r} ${d}`, ours[r]?.[d], TABLE2_METRICS);
  }
  for (const m of TABLE2_METRICS) {
    const decimals = IS_ACCURACY[m] ? 2 : 3;
    for (const d of DATASETS) {
      const name = `${d} ${m}`;
      const value = (r: Table2Row): number => {
        const v = ours[r]?.[d]?.[m];
        return IS_ACCURACY[m] ? percent('Table 2', v) : v ?? NaN;
      };
      columns.push({ name, values: TABLE2_ROWS.map(value), decimals });
      if (paper) columns.push({ name: name + PAPER_SUFFIX, values: TABLE2_ROWS.map((r) => PAPER_TABLE2[r][d][m]), decimals });
    }
  }
  return buildFrame(columns);
}
