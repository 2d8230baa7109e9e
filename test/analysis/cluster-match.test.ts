import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closestClusters, matchRate, matchRates, wardFeatureClusters } from '../../src/analysis/cluster-match';
import { seededRandom } from '../../src/analysis/random';
import { gaussianBlobs } from './blobs';

const K = 5;
const blobs = gaussianBlobs(K, 80, 24, 11, 1.0);

function shuffled(v: readonly number[], seed: number): number[] {
  const r = seededRandom(seed);
  const out = [...v];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

test('consistent predictions on separated blobs: clusters = blobs, match rate 100 % for every distance', () => {
  const clusters = wardFeatureClusters(blobs.rows, blobs.labels);
  assert.equal(clusters.k, K);
  assert.deepEqual([...clusters.dominant].sort(), [0, 1, 2, 3, 4]);
  clusters.counts.forEach((row, c) => assert.equal(row[clusters.dominant[c]], 80, 'each cluster is one pure blob'));
  for (const distance of ['centroid', 'average', 'single'] as const) {
    assert.equal(matchRate(clusters, blobs.rows, blobs.labels, { distance }), 1, distance);
  }
});

test('shuffled predictions give a match rate near chance (1/k)', () => {
  const preds = shuffled(blobs.labels, 3);
  const { rates } = matchRates({ features: blobs.rows, predictions: preds }, { Clean: { features: blobs.rows, predictions: preds } });
  assert.ok(rates.Clean > 0.1 && rates.Clean < 0.4, `rate ${rates.Clean} should be near 1/${K}`);
});

test('samples moved into another cluster but predicted as before do not match (the PGD/DDN situation)', () => {
  // "adversarial" features: every second sample lands in the next blob, its prediction unchanged
  const adv = blobs.rows.map((row, i) => (i % 2 === 0 ? row : blobs.rows[(i + 1) % blobs.rows.length]));
  const { rates } = matchRates(
    { features: blobs.rows, predictions: blobs.labels },
    { Clean: { features: blobs.rows, predictions: blobs.labels }, PGD: { features: adv, predictions: blobs.labels } },
  );
  assert.equal(rates.Clean, 1);
  assert.equal(rates.PGD, 0.5);
});

test('seeded subsampling clusters maxPoints samples, reproducibly, and still assigns all rows', () => {
  const flat = { data: Float32Array.from(blobs.rows.flat()), shape: [blobs.rows.length, 24] as [number, number] };
  const a = wardFeatureClusters(flat, blobs.labels, { maxPoints: 100, seed: 7 });
  const b = wardFeatureClusters(flat, blobs.labels, { maxPoints: 100, seed: 7 });
  const c = wardFeatureClusters(flat, blobs.labels, { maxPoints: 100, seed: 8 });
  assert.equal(a.indices.length, 100);
  assert.deepEqual(a.indices, b.indices);
  assert.notDeepEqual(a.indices, c.indices);
  assert.equal(closestClusters(a, flat).length, blobs.rows.length);
  assert.equal(matchRate(a, flat, blobs.labels), 1);
});

test('k, numClasses and bad options are validated', () => {
  const two = wardFeatureClusters(blobs.rows, blobs.labels, { k: 2 });
  assert.equal(two.centroids.rows, 2);
  assert.throws(() => wardFeatureClusters(blobs.rows, blobs.labels, { numClasses: 3 }), RangeError);
  assert.throws(() => wardFeatureClusters(blobs.rows, blobs.labels.slice(1)), RangeError);
  assert.throws(() => closestClusters(two, blobs.rows, { distance: 'complete' as 'single' }), RangeError);
  assert.throws(() => closestClusters(two, [[1, 2, 3]]), RangeError);
});
