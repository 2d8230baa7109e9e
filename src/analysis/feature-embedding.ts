import { checkLabels, MatrixLike, selectRows, toDense } from './matrix';
import { sampleIndices } from './random';
import { tsne, TsneOptions } from './tsne';

/** Feature rows with each sample's true label and the model's prediction. */
export interface LabelledFeatures {
  features: MatrixLike;
  labels: ArrayLike<number>;
  predictions: ArrayLike<number>;
}

export type PointSet = 'clean' | 'adversarial';

/** One t-SNE point of Figure 1 (plain data, what `charts/tsneScatterSpec` draws). */
export interface EmbeddedPoint {
  x: number;
  y: number;
  set: PointSet;
  /** row of the sample in its input set */
  index: number;
  /** true label */
  label: number;
  /** model's predicted class */
  predicted: number;
}

export interface FeatureEmbeddingOptions extends TsneOptions {
  /**
   * samples taken from each set (seeded, `seed`); default 500, i.e. up to 1,000 points embedded
   * (1,000 iterations on 1,000 points: ~30 s with the 'typed' engine, ~9 min with 'tsne-js').
   * When both sets have the same number of rows they are taken as pairs (adversarial row i is the
   * attack on clean row i), and the same rows are drawn from both.
   */
  maxPoints?: number;
}

export interface FeatureEmbedding {
  points: EmbeddedPoint[];
  kl: number;
  iterations: number;
}

/** Figure 1: one joint 2-D t-SNE of a subsample of clean and adversarial features. */
export function embedCleanAndAdversarial(
  clean: LabelledFeatures,
  adversarial: LabelledFeatures,
  options: FeatureEmbeddingOptions = {},
): FeatureEmbedding {
  const { maxPoints = 500, seed = 0 } = options;
  const c = toDense(clean.features);
  const a = toDense(adversarial.features);
  if (c.cols !== a.cols && c.rows > 0 && a.rows > 0) throw new RangeError(`feature dimensions differ: ${c.cols} vs ${a.cols}`);
  for (const [name, s, m] of [['clean', clean, c], ['adversarial', adversarial, a]] as const) {
    checkLabels(s.labels, m.rows, `${name}.labels`);
    checkLabels(s.predictions, m.rows, `${name}.predictions`);
  }
  const ci = sampleIndices(c.rows, maxPoints, seed);
  const ai = a.rows === c.rows ? ci : sampleIndices(a.rows, maxPoints, seed + 1);
  const cs = selectRows(c, ci);
  const as = selectRows(a, ai);
  const data = new Float64Array((cs.rows + as.rows) * c.cols);
  data.set(cs.data, 0);
  data.set(as.data, cs.data.length);
  const res = tsne({ data, shape: [cs.rows + as.rows, c.cols] }, { ...options, seed });
  const points: EmbeddedPoint[] = [];
  ci.forEach((row, r) => {
    const [x, y] = res.coords[r];
    points.push({ x, y, set: 'clean', index: row, label: clean.labels[row], predicted: clean.predictions[row] });
  });
  ai.forEach((row, r) => {
    const [x, y] = res.coords[cs.rows + r];
    points.push({ x, y, set: 'adversarial', index: row, label: adversarial.labels[row], predicted: adversarial.predictions[row] });
  });
  return { points, kl: res.kl, iterations: res.iterations };
}
