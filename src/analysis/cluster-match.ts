import { checkLabels, countClasses, DenseMatrix, MatrixLike, selectRows, sqDist, toDense } from './matrix';
import { sampleIndices } from './random';
import { cutTree, wardLinkage, WardVariant } from './ward';

/**
 * Match rate between the closest cluster's dominant class and the model's prediction (paper §1.2,
 * Table 1):  E_x[ 1{ dom(C(x)) = f(x) } ],  C(x) = argmin_C dist(C, x),  dom(C) = argmax_i m(C)_i,
 * where m(C) counts the members of C per *predicted* class. Clusters come from Ward's hierarchical
 * clustering of the clean features, cut into k clusters.
 */

/**
 * dist(C, x), the paper leaves it open:
 *  - `'centroid'` (default): Euclidean distance to the cluster mean. Ward's criterion is centroid-based
 *    (a merge costs the growth of the within-cluster sum of squares around the means), so "closest
 *    cluster" under Ward is the closest mean; it is also O(k·d) per point.
 *  - `'average'`: mean Euclidean distance to the cluster's members (average linkage to {x}).
 *  - `'single'`: Euclidean distance to the nearest member (single linkage / 1-NN over clustered points).
 */
export type ClusterDistance = 'centroid' | 'average' | 'single';

export interface FeatureClusterOptions {
  /** number of clusters to cut the dendrogram into; default `numClasses` */
  k?: number;
  /** number of classes L; default 1 + the largest clean prediction */
  numClasses?: number;
  /** Ward variant; default 'ward.D2' (true Ward, as scipy/sklearn 'ward') */
  variant?: WardVariant;
  /**
   * at most this many clean samples are clustered (a seeded uniform subsample when there are more);
   * default 5000 — the NN-chain Ward takes ~4 s and ~100 MB for 5,000×128 (10,000 points: ~12 s,
   * ~400 MB). Match rates are still evaluated on every sample passed to {@link matchRate}.
   */
  maxPoints?: number;
  /** seed of the subsample; default 0 */
  seed?: number;
}

/** Ward clusters of clean features, with what the match rate needs. */
export interface FeatureClusters {
  readonly k: number;
  readonly numClasses: number;
  /** rows of the clean input that were clustered (all of them unless subsampled), increasing */
  readonly indices: Int32Array;
  /** the clustered feature vectors (rows `indices` of the clean input) */
  readonly points: DenseMatrix;
  /** cluster of each clustered point, in [0, k) */
  readonly assignments: Int32Array;
  /** cluster means, k × d row-major */
  readonly centroids: DenseMatrix;
  /** m(C): counts[c][i] = members of cluster c predicted as class i */
  readonly counts: number[][];
  /** dom(C): the most frequent predicted class of each cluster (ties → lowest class index) */
  readonly dominant: Int32Array;
}

/** Labelled feature set: feature rows and the model's predicted class for each row. */
export interface PredictedFeatures {
  features: MatrixLike;
  predictions: ArrayLike<number>;
}

/** Ward-clusters the clean features (`predictions` = the model's predicted classes for them). */
export function wardFeatureClusters(
  clean: MatrixLike,
  predictions: ArrayLike<number>,
  options: FeatureClusterOptions = {},
): FeatureClusters {
  const all = toDense(clean);
  const { numClasses = countClasses(predictions), variant = 'ward.D2', maxPoints = 5000, seed = 0 } = options;
  const { k = numClasses } = options;
  checkLabels(predictions, all.rows, 'predictions', numClasses);
  if (!Number.isInteger(maxPoints) || maxPoints < 1) throw new RangeError(`maxPoints must be a positive integer, got ${maxPoints}`);
  const indices = sampleIndices(all.rows, maxPoints, seed);
  const points = indices.length === all.rows ? all : selectRows(all, indices);
  if (!Number.isInteger(k) || k < 1 || k > points.rows) {
    throw new RangeError(`k must be an integer in [1, ${points.rows}] (number of clustered points), got ${k}`);
  }
  const assignments = cutTree(wardLinkage(points, { variant }), k);

  const d = points.cols;
  const centroid = new Float64Array(k * d);
  const members = new Float64Array(k);
  const counts = Array.from({ length: k }, () => new Array<number>(numClasses).fill(0));
  for (let r = 0; r < points.rows; r++) {
    const c = assignments[r];
    members[c]++;
    counts[c][predictions[indices[r]]]++;
    for (let j = 0; j < d; j++) centroid[c * d + j] += points.data[r * d + j];
  }
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) centroid[c * d + j] /= members[c];
  const dominant = Int32Array.from(counts, (row) => argmax(row));
  return { k, numClasses, indices, points, assignments, centroids: { data: centroid, rows: k, cols: d }, counts, dominant };
}

const DISTANCES: Record<ClusterDistance, (cl: FeatureClusters, x: DenseMatrix, i: number) => Float64Array> = {
  centroid: (cl, x, i) => {
    const out = new Float64Array(cl.k);
    for (let c = 0; c < cl.k; c++) out[c] = sqDist(x, i, cl.centroids, c); // monotone in Euclidean
    return out;
  },
  average: (cl, x, i) => {
    const sum = new Float64Array(cl.k);
    const n = new Float64Array(cl.k);
    for (let r = 0; r < cl.points.rows; r++) {
      const c = cl.assignments[r];
      sum[c] += Math.sqrt(sqDist(x, i, cl.points, r));
      n[c]++;
    }
    for (let c = 0; c < cl.k; c++) sum[c] /= n[c];
    return sum;
  },
  single: (cl, x, i) => {
    const out = new Float64Array(cl.k).fill(Infinity);
    for (let r = 0; r < cl.points.rows; r++) {
      const c = cl.assignments[r];
      const s = sqDist(x, i, cl.points, r);
      if (s < out[c]) out[c] = s;
    }
    return out;
  },
};

export interface ClosestClusterOptions {
  /** dist(C, x); default 'centroid' (see {@link ClusterDistance}) */
  distance?: ClusterDistance;
}

/** C(x) for every row of `x`: index of the closest cluster (ties → lowest index). */
export function closestClusters(clusters: FeatureClusters, x: MatrixLike, options: ClosestClusterOptions = {}): Int32Array {
  const { distance = 'centroid' } = options;
  const dist = DISTANCES[distance];
  if (dist === undefined) throw new RangeError(`unknown cluster distance: ${String(distance)} (use 'centroid', 'average' or 'single')`);
  const m = toDense(x);
  if (m.rows > 0 && m.cols !== clusters.points.cols) {
    throw new RangeError(`feature dimension ${m.cols} does not match the clusters' ${clusters.points.cols}`);
  }
  const out = new Int32Array(m.rows);
  for (let i = 0; i < m.rows; i++) out[i] = argmin(dist(clusters, m, i));
  return out;
}

/** Match rate in [0, 1]: fraction of rows whose closest cluster's dominant class equals the prediction. */
export function matchRate(
  clusters: FeatureClusters,
  x: MatrixLike,
  predictions: ArrayLike<number>,
  options: ClosestClusterOptions = {},
): number {
  const closest = closestClusters(clusters, x, options);
  checkLabels(predictions, closest.length, 'predictions');
  if (closest.length === 0) return NaN;
  let hits = 0;
  for (let i = 0; i < closest.length; i++) if (clusters.dominant[closest[i]] === predictions[i]) hits++;
  return hits / closest.length;
}

export interface MatchRatesResult<K extends string> {
  clusters: FeatureClusters;
  /** match rate per named set, fractions in [0, 1] */
  rates: Record<K, number>;
}

/**
 * Table 1 for one model: clusters `clean` once, then the match rate of every named set, e.g.
 * `matchRates(clean, { Clean: clean, PGD: pgd, DDN: ddn })`.
 */
export function matchRates<K extends string>(
  clean: PredictedFeatures,
  sets: Record<K, PredictedFeatures>,
  options: FeatureClusterOptions & ClosestClusterOptions = {},
): MatchRatesResult<K> {
  const clusters = wardFeatureClusters(clean.features, clean.predictions, options);
  const rates = {} as Record<K, number>;
  for (const name of Object.keys(sets) as K[]) {
    rates[name] = matchRate(clusters, sets[name].features, sets[name].predictions, options);
  }
  return { clusters, rates };
}

function argmax(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}

function argmin(v: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] < v[best]) best = i;
  return best;
}
