import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, test } from 'node:test';
import { DatasetError, loadIdxDataset, parseIdx, readIdxImages, readIdxLabels } from '../../src/data';
import { idxBytes, idxImageBytes, idxLabelBytes, makeTempDir, pixelValue, writeBytes, writeIdxSplit } from './fixtures';

const tmp = makeTempDir('mat-idx-');
after(() => tmp.cleanup());

/** asserts fn rejects with a DatasetError of `problem` whose message names `file` and matches `re` */
async function rejectsWith(fn: () => Promise<unknown>, file: string, problem: string, re: RegExp): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(err instanceof DatasetError, `expected DatasetError, got ${String(err)}`);
    assert.equal(err.problem, problem);
    assert.equal(err.path, file);
    assert.ok(err.message.includes(file), `message does not name the file: ${err.message}`);
    assert.match(err.message, re);
    return true;
  });
}

for (const gzip of [false, true]) {
  test(`IDX ${gzip ? 'gzipped' : 'plain'}: images scaled to [0,1], labels int32, shape [rows, cols, 1]`, async () => {
    const dir = path.join(tmp.dir, gzip ? 'gz' : 'plain');
    mkdirSync(dir);
    const labels = [3, 0, 9, 1, 1];
    const files = writeIdxSplit(dir, 'train', labels, { rows: 4, cols: 3, gzip });
    const ds = await loadIdxDataset({ name: 't', split: 'train', imagesPath: files.images, labelsPath: files.labels, numClasses: 10 });
    assert.equal(ds.count, 5);
    assert.deepEqual(ds.shape, [4, 3, 1]);
    assert.ok(ds.labels instanceof Int32Array);
    assert.deepEqual(Array.from(ds.labels), labels);
    assert.ok(ds.images instanceof Float32Array);
    assert.equal(ds.images.length, 5 * 12);
    for (let i = 0; i < 5; i++) {
      for (let p = 0; p < 12; p++) {
        assert.equal(ds.images[i * 12 + p], Math.fround(pixelValue(i, p) / 255), `example ${i} pixel ${p}`);
      }
    }
  });
}

test('IDX: 0 maps to 0 and 255 maps to exactly 1', async () => {
  const f = writeBytes(path.join(tmp.dir, 'extremes-idx3'), idxImageBytes(1, 1, 3, [0, 255, 51]));
  const img = await readIdxImages(f);
  assert.deepEqual(Array.from(img.pixels), [0, 255, 51]);
  const l = writeBytes(path.join(tmp.dir, 'extremes-idx1'), idxLabelBytes([2]));
  const ds = await loadIdxDataset({ name: 't', split: 'test', imagesPath: f, labelsPath: l, numClasses: 10 });
  assert.deepEqual(Array.from(ds.images), [0, 1, Math.fround(0.2)]);
});

test('IDX: gzip is detected by magic bytes, not by file name', async () => {
  const f = writeBytes(path.join(tmp.dir, 'no-gz-suffix-labels'), idxLabelBytes([1, 2, 3]), true);
  assert.deepEqual(Array.from(await readIdxLabels(f, 10)), [1, 2, 3]);
});

test('IDX error: missing file names the path', async () => {
  const f = path.join(tmp.dir, 'does-not-exist-idx3-ubyte');
  await rejectsWith(() => readIdxImages(f), f, 'missing-file', /not found/);
});

test('IDX error: truncated image data names the path and the sizes', async () => {
  const good = idxImageBytes(3, 2, 2, new Array(12).fill(7));
  const f = writeBytes(path.join(tmp.dir, 'truncated-images'), good.subarray(0, good.length - 5));
  await rejectsWith(() => readIdxImages(f), f, 'truncated', /truncated.*3×2×2 = 12.*only 7/);
});

test('IDX error: truncated header and truncated gzip stream', async () => {
  const f = writeBytes(path.join(tmp.dir, 'truncated-header'), idxImageBytes(3, 2, 2, []).subarray(0, 10));
  await rejectsWith(() => readIdxImages(f), f, 'truncated', /header/);
  const gz = gzipSync(idxLabelBytes(new Array(500).fill(1)));
  const g = path.join(tmp.dir, 'truncated.gz');
  writeFileSync(g, gz.subarray(0, gz.length - 20));
  await rejectsWith(() => readIdxLabels(g, 10), g, 'bad-gzip', /gzip/);
});

test('IDX error: extra bytes after the data are reported', async () => {
  const bytes = idxLabelBytes([1, 2]);
  const f = writeBytes(path.join(tmp.dir, 'trailing'), new Uint8Array([...bytes, 0, 0]));
  await rejectsWith(() => readIdxLabels(f, 10), f, 'trailing-bytes', /2 bytes more/);
});

test('IDX error: wrong magic number (labels file given as images, and garbage)', async () => {
  const f = writeBytes(path.join(tmp.dir, 'labels-as-images'), idxLabelBytes([1, 2]));
  await rejectsWith(() => readIdxImages(f), f, 'bad-magic', /expected 2051.*found 2049.*label file/);
  const g = writeBytes(path.join(tmp.dir, 'garbage'), new Uint8Array([0x50, 0x4b, 3, 4, 0, 0, 0, 0]));
  await rejectsWith(() => readIdxLabels(g, 10), g, 'bad-magic', /wrong magic number: expected 2049/);
});

test('IDX error: label out of range names the path, value and index', async () => {
  const f = writeBytes(path.join(tmp.dir, 'bad-labels'), idxLabelBytes([0, 1, 10, 2]));
  await rejectsWith(() => readIdxLabels(f, 10), f, 'label-out-of-range', /label 10 at index 2 .*0\.\.9/);
  assert.deepEqual(Array.from(await readIdxLabels(f, 11)), [0, 1, 10, 2]);
});

test('IDX error: image/label count mismatch names both files', async () => {
  const imgs = writeBytes(path.join(tmp.dir, 'mm-images'), idxImageBytes(3, 1, 1, [1, 2, 3]));
  const labs = writeBytes(path.join(tmp.dir, 'mm-labels'), idxLabelBytes([1, 2]));
  await rejectsWith(
    () => loadIdxDataset({ name: 't', split: 'train', imagesPath: imgs, labelsPath: labs, numClasses: 10 }),
    imgs,
    'count-mismatch',
    new RegExp(`3 images.*2 labels in ${labs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
  );
});

test('parseIdx: dims and data view; unsupported element type', () => {
  const f = parseIdx(idxBytes(2051, [2, 1, 2], [1, 2, 3, 4]), 'mem');
  assert.deepEqual(f.dims, [2, 1, 2]);
  assert.deepEqual(Array.from(f.data), [1, 2, 3, 4]);
  const floats = idxBytes(0x00000d01, [1], [0, 0, 0, 0]); // type 0x0d = float
  assert.throws(() => parseIdx(floats, 'mem.f32'), (e: unknown) => e instanceof DatasetError && e.problem === 'bad-header' && /mem\.f32/.test(e.message));
});
