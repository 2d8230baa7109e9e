import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { DatasetError, encodeCifarRecords, loadCifar10Split, loadDataset, parseCifarBatch, resolveCifar10Dir } from '../../src/data';
import { makeTempDir, patternRecord, writeBytes, writeCifarFolder } from './fixtures';

const tmp = makeTempDir('mat-cifar-');
after(() => tmp.cleanup());

async function rejectsWith(fn: () => Promise<unknown>, file: string, problem: string, re: RegExp): Promise<void> {
  await assert.rejects(fn, (err: unknown) => {
    assert.ok(err instanceof DatasetError, `expected DatasetError, got ${String(err)}`);
    assert.equal(err.problem, problem);
    assert.ok(err.message.includes(file), `message does not name ${file}: ${err.message}`);
    assert.match(err.message, re);
    return true;
  });
}

test('CIFAR-10: channel-major records become NHWC, a known pixel lands in the right channel', async () => {
  const dir = path.join(tmp.dir, 'one');
  const cifarDir = writeCifarFolder(dir, 1, 2);
  // overwrite test_batch with records whose pixel (y=5, x=7) has R=200, G=100, B=50, elsewhere 0
  const recs = [0, 1].map((k) => {
    const rec = patternRecord(9 - k, 0);
    rec.r.fill(0);
    rec.g.fill(0);
    rec.b.fill(0);
    const p = 5 * 32 + 7;
    rec.r[p] = 200;
    rec.g[p] = 100;
    rec.b[p] = 50 + k;
    return rec;
  });
  writeBytes(path.join(cifarDir, 'test_batch.bin'), encodeCifarRecords(recs));
  const ds = await loadCifar10Split(cifarDir, 'test');
  assert.equal(ds.count, 2);
  assert.deepEqual(ds.shape, [32, 32, 3]);
  assert.deepEqual(Array.from(ds.labels), [9, 8]);
  for (let k = 0; k < 2; k++) {
    const base = k * 3072 + (5 * 32 + 7) * 3;
    assert.equal(ds.images[base], Math.fround(200 / 255), 'R channel');
    assert.equal(ds.images[base + 1], Math.fround(100 / 255), 'G channel');
    assert.equal(ds.images[base + 2], Math.fround((50 + k) / 255), 'B channel');
    let nonzero = 0;
    for (let i = k * 3072; i < (k + 1) * 3072; i++) if (ds.images[i] !== 0) nonzero++;
    assert.equal(nonzero, 3, 'only the one pixel is set');
  }
});

test('CIFAR-10: train concatenates data_batch_1..5 in order; full pattern check', async () => {
  const cifarDir = writeCifarFolder(path.join(tmp.dir, 'five'), 2, 3);
  const ds = await loadCifar10Split(cifarDir, 'train');
  assert.equal(ds.count, 10);
  assert.deepEqual(Array.from(ds.labels), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  for (let k = 0; k < 10; k++) {
    const rec = patternRecord(k, k); // writeCifarFolder uses seed = running index
    for (let p = 0; p < 1024; p += 97) {
      const o = k * 3072 + p * 3;
      assert.equal(ds.images[o], Math.fround(rec.r[p] / 255));
      assert.equal(ds.images[o + 1], Math.fround(rec.g[p] / 255));
      assert.equal(ds.images[o + 2], Math.fround(rec.b[p] / 255));
    }
  }
});

test('CIFAR-10 via loadDataset: dir may be the batches folder or its parent; env var works', async () => {
  const parent = path.join(tmp.dir, 'parent');
  const cifarDir = writeCifarFolder(parent, 1, 4);
  const a = await loadDataset('cifar10', 'test', { dir: cifarDir });
  const b = await loadDataset('cifar10', 'test', { dir: parent });
  assert.equal(a.count, 4);
  assert.equal(a, b, 'same files → same cached dataset');
  assert.deepEqual(a.classNames.slice(0, 2), ['airplane', 'automobile']);
  const old = process.env.MAT_CIFAR10_DIR;
  process.env.MAT_CIFAR10_DIR = cifarDir;
  try {
    assert.equal((await loadDataset('cifar10', 'train')).count, 5);
  } finally {
    if (old === undefined) delete process.env.MAT_CIFAR10_DIR;
    else process.env.MAT_CIFAR10_DIR = old;
  }
});

test('CIFAR-10 error: size not a multiple of 3073 names the file', async () => {
  const bytes = encodeCifarRecords([patternRecord(1, 0), patternRecord(2, 0)]);
  assert.throws(
    () => parseCifarBatch(new Uint8Array(0), 'empty.bin'),
    (e: unknown) => e instanceof DatasetError && e.problem === 'bad-record-size' && e.message.startsWith('empty.bin'),
  );
  const dir = writeCifarFolder(path.join(tmp.dir, 'bad-size'), 1, 1);
  writeFileSync(path.join(dir, 'data_batch_3.bin'), bytes.subarray(0, bytes.length - 100));
  await rejectsWith(() => loadCifar10Split(dir, 'train'), path.join(dir, 'data_batch_3.bin'), 'bad-record-size', /not a positive multiple of the 3073-byte.*1 whole records and 2973 bytes left/);
});

test('CIFAR-10 error: label out of range names the file and record', async () => {
  const dir = writeCifarFolder(path.join(tmp.dir, 'bad-label'), 1, 1);
  const f = path.join(dir, 'test_batch.bin');
  writeBytes(f, encodeCifarRecords([patternRecord(3, 0), patternRecord(10, 0)]));
  await rejectsWith(() => loadCifar10Split(dir, 'test'), f, 'label-out-of-range', /label 10 of record 1/);
});

test('CIFAR-10 error: missing batch file and missing folder', async () => {
  const dir = writeCifarFolder(path.join(tmp.dir, 'missing'), 1, 1);
  const f = path.join(dir, 'data_batch_4.bin');
  rmSync(f);
  await rejectsWith(() => loadDataset('cifar10', 'train', { dir }), f, 'missing-file', /not found/);
  const nowhere = path.join(tmp.dir, 'no-such-folder');
  await rejectsWith(() => loadDataset('cifar10', 'test', { dir: nowhere }), nowhere, 'missing-dir', /MAT_CIFAR10_DIR/);
  const old = process.env.MAT_CIFAR10_DIR;
  delete process.env.MAT_CIFAR10_DIR;
  try {
    await assert.rejects(() => resolveCifar10Dir(), (e: unknown) => e instanceof DatasetError && /options\.dir/.test(e.message));
  } finally {
    if (old !== undefined) process.env.MAT_CIFAR10_DIR = old;
  }
});

test('CIFAR-10 writer: encodeCifarRecords refuses planes of the wrong size and labels beyond a byte', () => {
  const rec = patternRecord(1, 0);
  assert.throws(() => encodeCifarRecords([rec, { ...rec, g: new Uint8Array(1000) }]), /record 1: the g plane has 1000 bytes, expected 1024/);
  assert.throws(() => encodeCifarRecords([{ ...rec, label: 256 }]), /label 256 does not fit the label byte/);
  assert.equal(encodeCifarRecords([]).length, 0);
});
