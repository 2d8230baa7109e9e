import type { DataFrame } from 'danfojs';
import { DEFENSES } from './defenses';
import { buildFrame, checkKeys, ColumnSpec, PAPER_SUFFIX, PaperTableOptions } from './frame';
import { Dataset, DATASETS, MeanStd, PAPER_TABLE5, Table5Metric, TABLE5_METRICS, Table5Row, TABLE5_ROWS } from './paper-numbers';

/** Our Table 5 numbers: mean ± std over classes of the cosine to the predicted class center
 *  (`analysis/cosineStats` results fit: they have `mean` and `std`). */
export type CosineResults = Partial<Record<Table5Row, Partial<Record<Dataset, Partial<Record<Table5Metric, MeanStd>>>>>>;

/** 'mean±std' with 3 decimals, as printed in the paper; missing → NaN */
export function formatMeanStd(v: MeanStd | undefined, decimals = 3): string | number {
  if (v === undefined || Number.isNaN(v.mean)) return NaN;
  return `${v.mean.toFixed(decimals)}±${Number.isNaN(v.std) ? '?' : v.std.toFixed(decimals)}`;
}

/**
 * Table 5: cosine similarity to the predicted class center, for the four MAT variants; columns
 * 'Defense', 'SO', 'BIBO', 'CIFAR10 Clean', 'CIFAR10 PGD', 'MNIST Clean', 'MNIST PGD' (each with its
 * "(paper)" column). Cells are the paper's "mean±std" text (the numbers are in the CosineStats).
 */
export function cosineTable(ours: CosineResults = {}, options: PaperTableOptions = {}): DataFrame {
  const { paper = true } = options;
  checkKeys('Table 5', ours, TABLE5_ROWS);
  for (const r of TABLE5_ROWS) {
    checkKeys(`Table 5 ${r}`, ours[r], DATASETS);
    for (const d of DATASETS) checkKeys(`Table 5 ${r} ${d}`, ours[r]?.[d], TABLE5_METRICS);
  }
  const columns: ColumnSpec[] = [
    { name: 'Defense', values: TABLE5_ROWS.map((r) => DEFENSES[r].defense) },
    { name: 'SO', values: TABLE5_ROWS.map((r) => DEFENSES[r].so) },
    { name: 'BIBO', values: TABLE5_ROWS.map((r) => DEFENSES[r].bibo) },
  ];
  for (const d of DATASETS) {
    for (const m of TABLE5_METRICS) {
      const name = `${d} ${m}`;
      columns.push({ name, values: TABLE5_ROWS.map((r) => formatMeanStd(ours[r]?.[d]?.[m])) });
      if (paper) columns.push({ name: name + PAPER_SUFFIX, values: TABLE5_ROWS.map((r) => formatMeanStd(PAPER_TABLE5[r][d][m])) });
    }
  }
  return buildFrame(columns);
}
