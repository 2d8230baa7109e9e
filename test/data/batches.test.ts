import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { before, test } from 'node:test';
import { batches, createDataset, epochOrder, numBatches, tensorsAt, toTensors, type Dataset } from '../../src/data';
import { useTestBackend } from '../helpers/backend';

before(async () => {
  await useTestBackend();
});

/** 23 examples of 2×2×3; image i is filled with i/100 + channel/1000, label i % 5 */
function toyDataset(count = 23): Dataset {
  const size = 12;
  const images = new Float32Array(count * size);
  for (let i = 0; i < count; i++) for (let p = 0; p < size; p++) images[i * size + p] = i / 100 + (p % 3) / 1000;
  const labels = Int32Array.from({ length: count }, (_, i) => i % 5);
  return createDataset({ name: 'toy', split: 'train', images, labels, shape: [2, 2, 3], numClasses: 5 });
}

test('batches: every index exactly once per epoch; tensors match the typed arrays', () => {
  const ds = toyDataset();
  for (const shuffle of [false, true]) {
    const seen: number[] = [];
    const sizes: number[] = [];
    for (const b of batches(ds, { batchSize: 5, shuffle, seed: 3 })) {
      assert.deepEqual(b.x.shape, [b.indices.length, 2, 2, 3]);
      assert.equal(b.x.dtype, 'float32');
      assert.equal(b.y.dtype, 'int32');
      const xs = b.x.dataSync();
      const ys = b.y.dataSync();
      b.indices.forEach((i, j) => {
        assert.equal(ys[j], ds.labels[i]);
        assert.deepEqual(Array.from(xs.subarray(j * 12, (j + 1) * 12)), Array.from(ds.images.subarray(i * 12, (i + 1) * 12)));
      });
      seen.push(...b.indices);
      sizes.push(b.indices.length);
      tf.dispose([b.x, b.y]);
    }
    assert.deepEqual(sizes, [5, 5, 5, 5, 3]);
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
    if (!shuffle) assert.deepEqual(seen, Array.from({ length: 23 }, (_, i) => i));
    else assert.notDeepEqual(seen, Array.from({ length: 23 }, (_, i) => i));
  }
});

test('batches: dropLast drops the short batch; numBatches agrees', () => {
  const ds = toyDataset();
  const got = [...batches(ds, { batchSize: 5, dropLast: true, seed: 1 })];
  assert.equal(got.length, 4);
  assert.equal(numBatches(23, 5, true), 4);
  assert.equal(numBatches(23, 5), 5);
  for (const b of got) {
    assert.equal(b.indices.length, 5);
    tf.dispose([b.x, b.y]);
  }
  assert.equal(new Set(got.flatMap((b) => Array.from(b.indices))).size, 20);
  assert.throws(() => [...batches(ds, { batchSize: 0 })], RangeError);
});

test('epoch order: same seed + epoch → same order; other epoch or seed → different', () => {
  const a = epochOrder(1000, { seed: 7, epoch: 3 });
  assert.deepEqual(a, epochOrder(1000, { seed: 7, epoch: 3 }));
  assert.notDeepEqual(a, epochOrder(1000, { seed: 7, epoch: 4 }));
  assert.notDeepEqual(a, epochOrder(1000, { seed: 8, epoch: 3 }));
});

test('batches: a resumed run (startBatch) sees exactly the remaining batches of that epoch', () => {
  const ds = toyDataset();
  const opts = { batchSize: 4, seed: 11, epoch: 2 };
  const full = [...batches(ds, opts)];
  const resumed = [...batches(ds, { ...opts, startBatch: 3 })];
  assert.equal(resumed.length, full.length - 3);
  resumed.forEach((b, k) => {
    assert.equal(b.batchIndex, k + 3);
    assert.deepEqual(b.indices, full[k + 3].indices);
  });
  for (const b of [...full, ...resumed]) tf.dispose([b.x, b.y]);
});

test('batches: memory stays flat when the caller disposes each batch', () => {
  const ds = toyDataset(200);
  const before = tf.memory().numTensors;
  let n = 0;
  for (const { x, y } of batches(ds, { batchSize: 16, seed: 0 })) {
    assert.ok(tf.memory().numTensors <= before + 2);
    tf.dispose([x, y]);
    n++;
  }
  assert.equal(n, 13);
  assert.equal(tf.memory().numTensors, before);
});

test('toTensors and tensorsAt: ranges and chosen indices, as copies', () => {
  const ds = toyDataset();
  const { x, y } = toTensors(ds, { start: 20 });
  assert.deepEqual(x.shape, [3, 2, 2, 3]);
  assert.deepEqual(Array.from(y.dataSync()), [0, 1, 2]);
  assert.equal(x.dataSync()[0], ds.images[20 * 12]);
  const all = toTensors(ds);
  assert.deepEqual(all.x.shape, [23, 2, 2, 3]);
  const picked = tensorsAt(ds, [4, 0]);
  assert.deepEqual(Array.from(picked.y.dataSync()), [4, 0]);
  assert.equal(picked.x.dataSync()[12], ds.images[0]);
  assert.throws(() => toTensors(ds, { start: 5, end: 30 }), RangeError);
  assert.throws(() => tensorsAt(ds, [23]), RangeError);
  tf.dispose([x, y, all.x, all.y, picked.x, picked.y]);
});

test('batches over real-shaped data build float32 NHWC tensors of the dataset shape', () => {
  const ds = createDataset({
    name: 'rgb',
    split: 'test',
    images: new Float32Array(3 * 32 * 32 * 3).fill(0.5),
    labels: Int32Array.from([1, 2, 3]),
    shape: [32, 32, 3],
    numClasses: 10,
  });
  const [b] = [...batches(ds, { batchSize: 8, shuffle: false })];
  assert.deepEqual(b.x.shape, [3, 32, 32, 3]);
  assert.equal(tf.tidy(() => b.x.max().dataSync()[0]), 0.5);
  tf.dispose([b.x, b.y]);
});
