/**
 * CIFAR-10 binary version (Krizhevsky, 2009): folder `cifar-10-batches-bin` with data_batch_1..5.bin
 * (train, 50 000) and test_batch.bin (10 000). Each record is 1 label byte then 3072 pixel bytes,
 * channel-major: 1024 red (row-major 32×32), 1024 green, 1024 blue. Converted here to NHWC in [0, 1].
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { type Dataset, type DatasetSplit, createDataset } from './dataset';
import { DatasetError } from './errors';
import { byteToUnit, isDirectory, isFile, readFileBytes } from './files';

export const CIFAR10_CLASS_NAMES: readonly string[] = [
  'airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck',
];
export const CIFAR10_SIDE = 32;
export const CIFAR10_CHANNELS = 3;
/** bytes of one record: 1 label + 32·32·3 pixels */
export const CIFAR10_RECORD_BYTES = 1 + CIFAR10_SIDE * CIFAR10_SIDE * CIFAR10_CHANNELS;
/** name of the folder inside the official cifar-10-binary.tar.gz */
export const CIFAR10_FOLDER = 'cifar-10-batches-bin';
/** environment variable naming the folder when options.dir is not given */
export const CIFAR10_DIR_ENV = 'MAT_CIFAR10_DIR';

/** Batch files of each split. */
export const CIFAR10_FILES: Record<DatasetSplit, readonly string[]> = {
  train: ['data_batch_1.bin', 'data_batch_2.bin', 'data_batch_3.bin', 'data_batch_4.bin', 'data_batch_5.bin'],
  test: ['test_batch.bin'],
};

/** The archive's class-name file: the 10 names, one per line, line i naming label i. */
export const CIFAR10_META_FILE = 'batches.meta.txt';

/** The text of batches.meta.txt for a list of class names. */
export function cifarMetaText(classNames: readonly string[] = CIFAR10_CLASS_NAMES): string {
  return classNames.map((name) => `${name}\n`).join('');
}

/** One CIFAR-10 record before encoding: its label and its 32×32 red, green and blue planes (row-major bytes). */
export interface CifarRecord {
  label: number;
  r: Uint8Array;
  g: Uint8Array;
  b: Uint8Array;
}

/** Encodes records in the binary batch layout parseCifarBatch reads: label byte, then R, G, B planes. */
export function encodeCifarRecords(records: readonly CifarRecord[]): Uint8Array {
  const plane = CIFAR10_SIDE * CIFAR10_SIDE;
  const out = new Uint8Array(records.length * CIFAR10_RECORD_BYTES);
  records.forEach((rec, i) => {
    for (const [name, bytes] of [['r', rec.r], ['g', rec.g], ['b', rec.b]] as const) {
      if (bytes.length !== plane) throw new RangeError(`CIFAR-10 record ${i}: the ${name} plane has ${bytes.length} bytes, expected ${plane}`);
    }
    if (!Number.isInteger(rec.label) || rec.label < 0 || rec.label > 255) {
      throw new RangeError(`CIFAR-10 record ${i}: label ${rec.label} does not fit the label byte`);
    }
    const o = i * CIFAR10_RECORD_BYTES;
    out[o] = rec.label;
    out.set(rec.r, o + 1);
    out.set(rec.g, o + 1 + plane);
    out.set(rec.b, o + 1 + 2 * plane);
  });
  return out;
}

/**
 * Writes the archive's files into `dir` (created if missing): data_batch_1..5.bin (`train[i]` is the
 * records of batch i+1), test_batch.bin and batches.meta.txt. Existing files of those names are replaced:
 * callers decide whether `dir` may be written (see synthetic-cifar10.ts). Returns the written paths.
 */
export function writeCifar10Files(dir: string, records: { train: ReadonlyArray<readonly CifarRecord[]>; test: readonly CifarRecord[] }): string[] {
  if (records.train.length !== CIFAR10_FILES.train.length) {
    throw new RangeError(`CIFAR-10 has ${CIFAR10_FILES.train.length} training batch files, got records for ${records.train.length}`);
  }
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const write = (name: string, bytes: Uint8Array | string) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    written.push(file);
  };
  CIFAR10_FILES.train.forEach((name, i) => write(name, encodeCifarRecords(records.train[i])));
  write(CIFAR10_FILES.test[0], encodeCifarRecords(records.test));
  write(CIFAR10_META_FILE, cifarMetaText());
  return written;
}

/** Parsed CIFAR batch file: labels plus the raw record bytes (validated). */
export interface CifarBatch {
  path: string;
  count: number;
  labels: Int32Array;
  bytes: Uint8Array;
}

/** Validates one CIFAR-10 .bin batch (record-size multiple, label range) given its bytes. */
export function parseCifarBatch(bytes: Uint8Array, filePath: string, numClasses = 10): CifarBatch {
  if (bytes.length === 0 || bytes.length % CIFAR10_RECORD_BYTES !== 0) {
    const whole = Math.floor(bytes.length / CIFAR10_RECORD_BYTES);
    throw new DatasetError(
      filePath,
      'bad-record-size',
      `size ${bytes.length} bytes is not a positive multiple of the ${CIFAR10_RECORD_BYTES}-byte CIFAR-10 record ` +
        `(1 label + 3072 pixels): ${whole} whole records and ${bytes.length - whole * CIFAR10_RECORD_BYTES} bytes left over ` +
        `(truncated file, or not a CIFAR-10 binary batch?)`,
    );
  }
  const count = bytes.length / CIFAR10_RECORD_BYTES;
  const labels = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    const v = bytes[r * CIFAR10_RECORD_BYTES];
    if (v >= numClasses) {
      throw new DatasetError(
        filePath,
        'label-out-of-range',
        `label ${v} of record ${r} is out of range (expected 0..${numClasses - 1})`,
      );
    }
    labels[r] = v;
  }
  return { path: filePath, count, labels, bytes };
}

/** Writes the records of a batch as NHWC [0,1] floats into `out`, starting at example `offset`. */
export function cifarRecordsToNhwc(batch: CifarBatch, out: Float32Array, offset: number): void {
  const plane = CIFAR10_SIDE * CIFAR10_SIDE;
  const size = plane * CIFAR10_CHANNELS;
  for (let r = 0; r < batch.count; r++) {
    const src = r * CIFAR10_RECORD_BYTES + 1;
    const dst = (offset + r) * size;
    for (let p = 0; p < plane; p++) {
      out[dst + p * 3] = byteToUnit(batch.bytes[src + p]);
      out[dst + p * 3 + 1] = byteToUnit(batch.bytes[src + plane + p]);
      out[dst + p * 3 + 2] = byteToUnit(batch.bytes[src + 2 * plane + p]);
    }
  }
}

/**
 * Finds the CIFAR-10 folder: `dir` (or $MAT_CIFAR10_DIR) itself when it holds the batch files, or its
 * `cifar-10-batches-bin` subfolder.
 */
export async function resolveCifar10Dir(dir?: string): Promise<string> {
  const given = dir ?? process.env[CIFAR10_DIR_ENV];
  if (!given) {
    throw new DatasetError(
      '(no folder given)',
      'missing-dir',
      `CIFAR-10 needs the extracted '${CIFAR10_FOLDER}' folder: pass options.dir or set ${CIFAR10_DIR_ENV}`,
    );
  }
  const abs = path.resolve(given);
  if (!(await isDirectory(abs))) {
    throw new DatasetError(
      abs,
      'missing-dir',
      `CIFAR-10 folder not found: pass options.dir or set ${CIFAR10_DIR_ENV} to the extracted '${CIFAR10_FOLDER}' folder`,
    );
  }
  const nested = path.join(abs, CIFAR10_FOLDER);
  if (!(await isFile(path.join(abs, CIFAR10_FILES.test[0]))) && (await isDirectory(nested))) return nested;
  return abs;
}

/** The batch files of a split inside a resolved folder. */
export function cifar10Paths(dir: string, split: DatasetSplit): string[] {
  return CIFAR10_FILES[split].map((f) => path.join(dir, f));
}

/** Loads a CIFAR-10 split from a resolved folder (all files read, validated, then converted). */
export async function loadCifar10Split(dir: string, split: DatasetSplit): Promise<Dataset> {
  const files = cifar10Paths(dir, split);
  for (const f of files) {
    if (!(await isFile(f))) {
      throw new DatasetError(
        f,
        'missing-file',
        `CIFAR-10 batch file not found (the ${split} split needs ${CIFAR10_FILES[split].join(', ')} in ${dir})`,
      );
    }
  }
  const parsed: CifarBatch[] = [];
  for (const f of files) parsed.push(parseCifarBatch(await readFileBytes(f), f));
  const count = parsed.reduce((a, b) => a + b.count, 0);
  const images = new Float32Array(count * CIFAR10_RECORD_BYTES - count);
  const labels = new Int32Array(count);
  let offset = 0;
  for (const b of parsed) {
    cifarRecordsToNhwc(b, images, offset);
    labels.set(b.labels, offset);
    offset += b.count;
  }
  return createDataset({
    name: 'cifar10',
    split,
    images,
    labels,
    shape: [CIFAR10_SIDE, CIFAR10_SIDE, CIFAR10_CHANNELS],
    numClasses: 10,
    classNames: CIFAR10_CLASS_NAMES,
  });
}
