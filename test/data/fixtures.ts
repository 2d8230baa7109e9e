/** Tiny dataset files in the exact on-disk formats, written into temp folders for the data tests. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { CIFAR10_FOLDER, writeCifar10Files, type CifarRecord } from '../../src/data/cifar10';

/** A fresh temp folder; call the returned cleanup when done. */
export function makeTempDir(prefix = 'mat-data-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** IDX bytes: big-endian magic then dims, then data. */
export function idxBytes(magic: number, dims: number[], data: ArrayLike<number>): Uint8Array {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return new Uint8Array(Buffer.concat([header, Buffer.from(Array.from(data))]));
}

export function idxImageBytes(count: number, rows: number, cols: number, pixels: ArrayLike<number>): Uint8Array {
  return idxBytes(2051, [count, rows, cols], pixels);
}

export function idxLabelBytes(labels: ArrayLike<number>): Uint8Array {
  return idxBytes(2049, [labels.length], labels);
}

/** Writes bytes, gzipped when asked; returns the path. */
export function writeBytes(file: string, bytes: Uint8Array, gzip = false): string {
  writeFileSync(file, gzip ? gzipSync(bytes) : bytes);
  return file;
}

/** Deterministic pixel pattern for example i, pixel p (0..255). */
export function pixelValue(i: number, p: number): number {
  return (i * 37 + p * 11) % 256;
}

/**
 * Writes an MNIST-style split (train-images-idx3-ubyte / train-labels-idx1-ubyte or the t10k files)
 * of `labels.length` images of rows×cols into `dir`.
 */
export function writeIdxSplit(
  dir: string,
  split: 'train' | 'test',
  labels: number[],
  options: { rows?: number; cols?: number; gzip?: boolean } = {},
): { images: string; labels: string } {
  const { rows = 4, cols = 3, gzip = false } = options;
  const prefix = split === 'train' ? 'train' : 't10k';
  const pixels: number[] = [];
  for (let i = 0; i < labels.length; i++) for (let p = 0; p < rows * cols; p++) pixels.push(pixelValue(i, p));
  const ext = gzip ? '.gz' : '';
  return {
    images: writeBytes(path.join(dir, `${prefix}-images-idx3-ubyte${ext}`), idxImageBytes(labels.length, rows, cols, pixels), gzip),
    labels: writeBytes(path.join(dir, `${prefix}-labels-idx1-ubyte${ext}`), idxLabelBytes(labels), gzip),
  };
}

/** A record whose pixel p has R = (p + seed) % 256, G = (3p + seed) % 256, B = (7p + seed) % 256. */
export function patternRecord(label: number, seed: number): CifarRecord {
  const r = new Uint8Array(1024);
  const g = new Uint8Array(1024);
  const b = new Uint8Array(1024);
  for (let p = 0; p < 1024; p++) {
    r[p] = (p + seed) % 256;
    g[p] = (3 * p + seed) % 256;
    b[p] = (7 * p + seed) % 256;
  }
  return { label, r, g, b };
}

/**
 * Writes a cifar-10-batches-bin folder inside `parent` with `perBatch` records in each of the five train
 * batches and `testCount` in test_batch.bin; labels cycle 0..9. Returns the folder path.
 */
export function writeCifarFolder(parent: string, perBatch = 2, testCount = 3): string {
  const dir = path.join(parent, CIFAR10_FOLDER);
  let k = 0;
  const train = Array.from({ length: 5 }, () => Array.from({ length: perBatch }, () => patternRecord(k % 10, k++)));
  const test = Array.from({ length: testCount }, (_, i) => patternRecord((i + 3) % 10, 100 + i));
  writeCifar10Files(dir, { train, test });
  return dir;
}
