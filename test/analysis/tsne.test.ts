import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tsne } from '../../src/analysis/tsne';
import { embedCleanAndAdversarial } from '../../src/analysis/feature-embedding';
import { gaussianBlobs } from './blobs';

/** Fraction of points whose k nearest neighbours in the embedding mostly share their label. */
function knnPurity(coords: Array<[number, number]>, labels: readonly number[], k = 5): number {
  let agree = 0;
  coords.forEach(([x, y], i) => {
    const near = coords
      .map(([u, v], j) => ({ j, d: (u - x) ** 2 + (v - y) ** 2 }))
      .filter((e) => e.j !== i)
      .sort((a, b) => a.d - b.d)
      .slice(0, k);
    agree += near.filter((e) => labels[e.j] === labels[i]).length / k;
  });
  return agree / coords.length;
}

const blobs = gaussianBlobs(4, 38, 20, 5, 1.0, 4); // 152 points, 4 blobs

test('t-SNE (typed engine) keeps 4 separated blobs apart: k-NN label purity > 0.9', () => {
  const res = tsne(blobs.rows, { iterations: 300, seed: 1 });
  assert.equal(res.coords.length, blobs.rows.length);
  const purity = knnPurity(res.coords, blobs.labels);
  assert.ok(purity > 0.9, `purity ${purity}`);
  // and it is really an embedding, not the collapsed 1e-4 initialisation
  const spread = Math.max(...res.coords.map(([x]) => Math.abs(x)));
  assert.ok(spread > 1, `spread ${spread}`);
});

test('t-SNE via tsne-js: same purity, seeded, Math.random restored, identical to the typed port', () => {
  const originalRandom = Math.random;
  const res = tsne(blobs.rows, { iterations: 300, seed: 1, engine: 'tsne-js' });
  assert.equal(Math.random, originalRandom);
  assert.ok(knnPurity(res.coords, blobs.labels) > 0.9);
  const typed = tsne(blobs.rows, { iterations: 300, seed: 1 });
  let maxDiff = 0;
  res.coords.forEach(([x, y], i) => (maxDiff = Math.max(maxDiff, Math.abs(x - typed.coords[i][0]), Math.abs(y - typed.coords[i][1]))));
  assert.ok(maxDiff < 1e-9, `engines differ by ${maxDiff}`);
  assert.equal(res.iterations, typed.iterations);
});

test('same seed → same embedding, other seed → different embedding', () => {
  const few = blobs.rows.slice(0, 40);
  const a = tsne(few, { iterations: 150, seed: 2 });
  const b = tsne(few, { iterations: 150, seed: 2 });
  const c = tsne(few, { iterations: 150, seed: 3 });
  assert.deepEqual(a.coords, b.coords);
  assert.notDeepEqual(a.coords, c.coords);
  assert.throws(() => tsne(few, { engine: 'umap' as 'typed' }), RangeError);
  assert.throws(() => tsne([[1, 2]]), RangeError);
});

test('clean + adversarial embedding: paired subsample, labels and predictions carried along', () => {
  const n = blobs.rows.length;
  const advRows = blobs.rows.map((r) => r.map((v) => v + 0.05));
  const advPred = blobs.labels.map((l) => (l + 1) % 4);
  const emb = embedCleanAndAdversarial(
    { features: blobs.rows, labels: blobs.labels, predictions: blobs.labels },
    { features: advRows, labels: blobs.labels, predictions: advPred },
    { maxPoints: 30, iterations: 150, seed: 4 },
  );
  assert.equal(emb.points.length, 60);
  const clean = emb.points.filter((p) => p.set === 'clean');
  const adv = emb.points.filter((p) => p.set === 'adversarial');
  assert.deepEqual(clean.map((p) => p.index), adv.map((p) => p.index));
  for (const p of adv) {
    assert.ok(p.index >= 0 && p.index < n);
    assert.equal(p.label, blobs.labels[p.index]);
    assert.equal(p.predicted, advPred[p.index]);
  }
});
