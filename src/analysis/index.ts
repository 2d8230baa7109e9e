export type { MatrixLike, DenseMatrix } from './matrix';
export { toDense } from './matrix';
export { seededRandom, sampleIndices, withSeededMathRandom } from './random';
export * from './ward';
export * from './cluster-match';
export * from './tsne';
export * from './feature-embedding';
export * from './cosine';
