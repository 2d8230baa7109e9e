import { seededRandom } from '../../src/analysis/random';
import { gaussian } from '../../src/data/rng';

/** Isotropic Gaussian blobs: `perClass` points around each of `k` random centers (spread `spread`). */
export function gaussianBlobs(k: number, perClass: number, dim: number, seed: number, spread = 0.3, centerScale = 10): {
  rows: number[][];
  labels: number[];
  centers: number[][];
} {
  const r = seededRandom(seed);
  const gauss = (): number => gaussian(r);
  const centers = Array.from({ length: k }, () => Array.from({ length: dim }, () => gauss() * centerScale));
  const rows: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < k * perClass; i++) {
    const c = i % k;
    rows.push(centers[c].map((v) => v + gauss() * spread));
    labels.push(c);
  }
  return { rows, labels, centers };
}
