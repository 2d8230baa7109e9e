import { test } from 'node:test';
import assert from 'node:assert/strict';
import { agnes, Cluster } from 'ml-hclust';
import { canonicalLabels, cutTree, wardLinkage, WardVariant } from '../../src/analysis/ward';
import { seededRandom } from '../../src/analysis/random';

function randomRows(n: number, d: number, seed: number): number[][] {
  const r = seededRandom(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => r() * 2 - 1));
}

/** ml-hclust's partition into k clusters, labels canonicalised like ours. */
function referenceCut(tree: Cluster, n: number, k: number): Int32Array {
  const labels = new Int32Array(n);
  tree.group(k).children.forEach((c, ci) => {
    for (const leaf of c.indices()) labels[leaf] = ci;
  });
  return canonicalLabels(labels);
}

function referenceHeights(tree: Cluster): number[] {
  const h: number[] = [];
  tree.traverse((c) => {
    if (!c.isLeaf) h.push(c.height);
  });
  return h.sort((a, b) => a - b);
}

const VARIANT_TO_ML_HCLUST: Record<WardVariant, 'ward' | 'ward2'> = { 'ward.D2': 'ward2', 'ward.D': 'ward' };

for (const variant of ['ward.D2', 'ward.D'] as const) {
  test(`NN-chain ${variant} equals ml-hclust agnes('${VARIANT_TO_ML_HCLUST[variant]}') on random inputs`, () => {
    for (const [n, d, seed] of [[12, 2, 1], [40, 3, 2], [60, 8, 3], [90, 5, 4]] as const) {
      const x = randomRows(n, d, seed);
      const ours = wardLinkage(x, { variant });
      const ref = agnes(x, { method: VARIANT_TO_ML_HCLUST[variant] });
      assert.equal(ours.merges.length, n - 1);
      const hOurs = ours.merges.map((m) => m.height);
      const hRef = referenceHeights(ref);
      for (let i = 0; i < hOurs.length; i++) {
        assert.ok(Math.abs(hOurs[i] - hRef[i]) <= 1e-9 * Math.max(1, hRef[i]), `n=${n} height ${i}: ${hOurs[i]} vs ${hRef[i]}`);
      }
      for (const k of [1, 2, 3, 5, 10, n]) {
        assert.deepEqual(cutTree(ours, k), referenceCut(ref, n, k), `n=${n} k=${k}`);
      }
    }
  });
}

test('merges are monotone, sizes add up, node ids follow the scipy convention', () => {
  const x = randomRows(50, 4, 7);
  const { n, merges } = wardLinkage(x);
  const sizeOf = (id: number): number => (id < n ? 1 : merges[id - n].size);
  merges.forEach((m, i) => {
    if (i > 0) assert.ok(m.height >= merges[i - 1].height);
    assert.ok(m.a < m.b && m.b < n + i);
    assert.equal(m.size, sizeOf(m.a) + sizeOf(m.b));
  });
  assert.equal(merges[merges.length - 1].size, n);
});

test('two far-apart groups split at k=2; flat input shape works; bad inputs throw', () => {
  const data = new Float32Array([0, 0, 0.1, 0, 0, 0.1, 10, 10, 10.1, 10, 10, 10.2]);
  const labels = cutTree(wardLinkage({ data, shape: [6, 2] }), 2);
  assert.deepEqual([...labels], [0, 0, 0, 1, 1, 1]);
  assert.throws(() => wardLinkage([[1], [2]], { variant: 'ward3' as WardVariant }), RangeError);
  assert.throws(() => cutTree(wardLinkage([[1], [2]]), 3), RangeError);
  assert.throws(() => wardLinkage([[1, 2], [3]]), RangeError);
});
