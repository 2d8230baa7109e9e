import * as tf from '@tensorflow/tfjs';

/**
 * The Max-Mahalanobis centers (Eq. 3; generation algorithm of Pang et al. 2018, the paper's Appendix B):
 * L vectors of norm C in R^D whose pairwise cosines are all −1/(L−1), the vertices of a regular simplex,
 * which minimise the largest pairwise inner product. Recurrence (in float64, on unit vectors):
 * μ1 = e1; for k ≥ 2: μk[j] = −(1/(L−1) + μk·μj) / μj[j] for j < k, μk[k] = sqrt(1 − ‖μk‖²);
 * then every vector is scaled to norm C. Only the first L coordinates are ever non-zero
 * (μL[L] is 0 up to rounding: the simplex spans L−1 dimensions).
 * @returns L rows of D numbers
 * @throws RangeError if L < 2, D < L, C ≤ 0 or a size is not an integer
 */
export function maxMahalanobisCenterRows(numClasses: number, dim: number, norm = 10): number[][] {
  const L = numClasses;
  if (!Number.isInteger(L) || L < 2) throw new RangeError(`Max-Mahalanobis centers need numClasses L ≥ 2, got ${L}`);
  if (!Number.isInteger(dim) || dim < L) {
    throw new RangeError(`Max-Mahalanobis centers need dim D ≥ numClasses L (= ${L}), got D = ${dim}`);
  }
  if (!(norm > 0) || !Number.isFinite(norm)) throw new RangeError(`center norm C must be a positive number, got ${norm}`);
  const mu: number[][] = Array.from({ length: L }, () => new Array<number>(dim).fill(0));
  mu[0][0] = 1;
  const dot = (a: number[], b: number[], upTo: number) => {
    let s = 0;
    for (let i = 0; i < upTo; i++) s += a[i] * b[i];
    return s;
  };
  for (let k = 1; k < L; k++) {
    for (let j = 0; j < k; j++) {
      mu[k][j] = -(1 / (L - 1) + dot(mu[k], mu[j], j)) / mu[j][j];
    }
    mu[k][k] = Math.sqrt(Math.max(0, 1 - dot(mu[k], mu[k], k)));
  }
  return mu.map((row) => row.map((v) => v * norm));
}

/** {@link maxMahalanobisCenterRows} as a float32 tensor [L, D] (the caller disposes it). */
export function maxMahalanobisCenters(numClasses: number, dim: number, norm = 10): tf.Tensor2D {
  return tf.tensor2d(maxMahalanobisCenterRows(numClasses, dim, norm));
}
