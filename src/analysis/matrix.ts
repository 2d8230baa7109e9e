/**
 * Plain-data feature matrices. Everything in `analysis/` takes features as one of
 *  - rows: `number[][]` or `Float32Array[]` (one row per sample), or
 *  - a flat row-major buffer with its shape, `{ data, shape: [rows, cols] }` — exactly what
 *    `{ data: await t.data(), shape: t.shape }` gives for a rank-2 tf tensor.
 */
export type MatrixLike =
  | ReadonlyArray<ArrayLike<number>>
  | { readonly data: ArrayLike<number>; readonly shape: readonly [number, number] | readonly number[] };

/** Dense row-major float64 matrix used internally. */
export interface DenseMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;
}

/** Converts any {@link MatrixLike} to a float64 row-major copy; throws RangeError on ragged/empty input. */
export function toDense(x: MatrixLike): DenseMatrix {
  if (Array.isArray(x)) {
    const rowsArr = x as ReadonlyArray<ArrayLike<number>>;
    const rows = rowsArr.length;
    const cols = rows > 0 ? rowsArr[0].length : 0;
    const data = new Float64Array(rows * cols);
    for (let i = 0; i < rows; i++) {
      const r = rowsArr[i];
      if (r.length !== cols) throw new RangeError(`ragged matrix: row ${i} has ${r.length} values, expected ${cols}`);
      for (let j = 0; j < cols; j++) data[i * cols + j] = r[j];
    }
    return { data, rows, cols };
  }
  const m = x as { data: ArrayLike<number>; shape: readonly number[] };
  if (m.shape.length !== 2) throw new RangeError(`expected a rank-2 shape, got [${m.shape.join(', ')}]`);
  const [rows, cols] = m.shape;
  if (m.data.length !== rows * cols) {
    throw new RangeError(`data has ${m.data.length} values but shape [${rows}, ${cols}] needs ${rows * cols}`);
  }
  return { data: Float64Array.from(m.data), rows, cols };
}

/** Rows `idx` of `m`, as a new dense matrix. */
export function selectRows(m: DenseMatrix, idx: ArrayLike<number>): DenseMatrix {
  const out = new Float64Array(idx.length * m.cols);
  for (let r = 0; r < idx.length; r++) {
    const src = idx[r];
    if (!(src >= 0 && src < m.rows)) throw new RangeError(`row index ${src} out of range [0, ${m.rows})`);
    out.set(m.data.subarray(src * m.cols, (src + 1) * m.cols), r * m.cols);
  }
  return { data: out, rows: idx.length, cols: m.cols };
}

/** Squared Euclidean distance between row i of a and row j of b. */
export function sqDist(a: DenseMatrix, i: number, b: DenseMatrix, j: number): number {
  const d = a.cols;
  const ao = i * d;
  const bo = j * d;
  let s = 0;
  for (let k = 0; k < d; k++) {
    const t = a.data[ao + k] - b.data[bo + k];
    s += t * t;
  }
  return s;
}

/** Checks that `labels` has `n` integer entries in [0, numClasses) (numClasses optional). */
export function checkLabels(labels: ArrayLike<number>, n: number, what: string, numClasses?: number): void {
  if (labels.length !== n) throw new RangeError(`${what}: expected ${n} entries, got ${labels.length}`);
  for (let i = 0; i < labels.length; i++) {
    const v = labels[i];
    if (!Number.isInteger(v) || v < 0 || (numClasses !== undefined && v >= numClasses)) {
      throw new RangeError(`${what}[${i}] = ${v} is not a class index${numClasses !== undefined ? ` in [0, ${numClasses})` : ''}`);
    }
  }
}

/** 1 + the largest entry of `labels` (0 for empty input). */
export function countClasses(labels: ArrayLike<number>): number {
  let m = -1;
  for (let i = 0; i < labels.length; i++) if (labels[i] > m) m = labels[i];
  return m + 1;
}
