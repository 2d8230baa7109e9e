import { checkLabels, countClasses, DenseMatrix, MatrixLike, toDense } from './matrix';

/**
 * Feature-clustering statistics of paper §4.5 / Table 5: the cosine similarity of each feature vector
 * φ(x) to the center of its *predicted* class, cos(φ, μ^(ŷ)) = φ·μ / (‖φ‖‖μ‖) (§3.1). "For each class,
 * the mean and standard deviation were computed to quantify the level of clustering within class and
 * over different classes": we average within each predicted class, then report the mean ± std of the
 * per-class means over classes (the table's "mean ± std").
 */

export interface CosineOptions {
  /** layout of `centers`: 'rows' (default; L × d, one center per row) or 'columns' (d × L, e.g. a
   *  'centers' head kernel from `Classifier.headKernel()`) */
  centerLayout?: 'rows' | 'columns';
  /** delta degrees of freedom of the std over classes; default 0 (population std, numpy's default) */
  ddof?: number;
}

export interface ClassCosine {
  /** class index */
  readonly cls: number;
  /** samples predicted as this class */
  readonly count: number;
  /** mean cosine of those samples to the class center (NaN when count = 0) */
  readonly mean: number;
  /** std of those samples' cosines (population; NaN when count = 0) */
  readonly std: number;
}

export interface CosineStats {
  /** cos(φ_i, μ^(ŷ_i)) per sample (NaN for a zero feature vector) */
  readonly perSample: Float64Array;
  /** one entry per class 0..L−1 */
  readonly perClass: readonly ClassCosine[];
  /** mean over classes (that have predictions) of the per-class means — Table 5's value */
  readonly mean: number;
  /** std over those classes of the per-class means — Table 5's ± */
  readonly std: number;
  /** number of classes that had at least one prediction (the classes averaged over) */
  readonly classesUsed: number;
}

/** cos(a, b); NaN if either is the zero vector. */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new RangeError(`length mismatch: ${a.length} vs ${b.length}`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? NaN : ab / Math.sqrt(aa * bb);
}

/** Class centers as an L × d dense matrix from either layout. */
function centersAsRows(centers: MatrixLike, layout: 'rows' | 'columns'): DenseMatrix {
  const m = toDense(centers);
  if (layout === 'rows') return m;
  if (layout !== 'columns') throw new RangeError(`unknown centerLayout: ${String(layout)} (use 'rows' or 'columns')`);
  const t = new Float64Array(m.data.length);
  for (let i = 0; i < m.rows; i++) for (let j = 0; j < m.cols; j++) t[j * m.rows + i] = m.data[i * m.cols + j];
  return { data: t, rows: m.cols, cols: m.rows };
}

/** cos(φ_i, μ^(ŷ_i)) for every row of `features`. */
export function cosineToPredictedCenter(
  features: MatrixLike,
  predictions: ArrayLike<number>,
  centers: MatrixLike,
  options: Pick<CosineOptions, 'centerLayout'> = {},
): Float64Array {
  const f = toDense(features);
  const c = centersAsRows(centers, options.centerLayout ?? 'rows');
  if (f.rows > 0 && f.cols !== c.cols) throw new RangeError(`feature dimension ${f.cols} does not match center dimension ${c.cols}`);
  checkLabels(predictions, f.rows, 'predictions', c.rows);
  const out = new Float64Array(f.rows);
  for (let i = 0; i < f.rows; i++) {
    const k = predictions[i];
    out[i] = cosineSimilarity(f.data.subarray(i * f.cols, (i + 1) * f.cols), c.data.subarray(k * c.cols, (k + 1) * c.cols));
  }
  return out;
}

/** Table 5 statistics for one model and one data set (clean or adversarial features). */
export function cosineStats(
  features: MatrixLike,
  predictions: ArrayLike<number>,
  centers: MatrixLike,
  options: CosineOptions = {},
): CosineStats {
  const { ddof = 0 } = options;
  const perSample = cosineToPredictedCenter(features, predictions, centers, options);
  const numClasses = centersAsRows(centers, options.centerLayout ?? 'rows').rows;
  const perClass: ClassCosine[] = [];
  for (let k = 0; k < numClasses; k++) {
    const vals: number[] = [];
    for (let i = 0; i < perSample.length; i++) if (predictions[i] === k) vals.push(perSample[i]);
    perClass.push({ cls: k, count: vals.length, mean: mean(vals), std: std(vals, 0) });
  }
  const used = perClass.filter((c) => c.count > 0).map((c) => c.mean);
  return { perSample, perClass, mean: mean(used), std: std(used, ddof), classesUsed: used.length };
}

/** Per-class mean feature vectors (L × d), e.g. as "class centers" for models without preset centers. */
export function classMeans(features: MatrixLike, labels: ArrayLike<number>, numClasses?: number): DenseMatrix {
  const f = toDense(features);
  const L = numClasses ?? countClasses(labels);
  checkLabels(labels, f.rows, 'labels', L);
  const sum = new Float64Array(L * f.cols);
  const n = new Float64Array(L);
  for (let i = 0; i < f.rows; i++) {
    const k = labels[i];
    n[k]++;
    for (let j = 0; j < f.cols; j++) sum[k * f.cols + j] += f.data[i * f.cols + j];
  }
  for (let k = 0; k < L; k++) for (let j = 0; j < f.cols; j++) sum[k * f.cols + j] = n[k] > 0 ? sum[k * f.cols + j] / n[k] : NaN;
  return { data: sum, rows: L, cols: f.cols };
}

function mean(v: readonly number[]): number {
  if (v.length === 0) return NaN;
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

function std(v: readonly number[], ddof: number): number {
  if (v.length - ddof <= 0) return NaN;
  const m = mean(v);
  let s = 0;
  for (const x of v) s += (x - m) * (x - m);
  return Math.sqrt(s / (v.length - ddof));
}
