/**
 * IDX files (the MNIST / Fashion-MNIST format, LeCun et al.): a big-endian header
 * `00 00 <type> <ndims>` followed by ndims uint32 sizes, then the raw data. Only unsigned-byte data
 * (type 0x08) is supported, which is what image (magic 2051) and label (magic 2049) files use.
 * Files may be gzipped or plain; gzip is detected by its magic bytes, not the file name.
 */
import { DatasetError } from './errors';
import { readFileBytes } from './files';

/** magic number of an IDX image file: ubyte, 3 dimensions (count, rows, cols) */
export const IDX_IMAGES_MAGIC = 2051;
/** magic number of an IDX label file: ubyte, 1 dimension (count) */
export const IDX_LABELS_MAGIC = 2049;

/** A parsed IDX file. */
export interface IdxFile {
  path: string;
  magic: number;
  dims: number[];
  /** the raw unsigned bytes after the header (a view, not a copy) */
  data: Uint8Array;
}

function describeMagic(magic: number): string {
  const hex = `0x${magic.toString(16).padStart(8, '0')}`;
  if (magic === IDX_IMAGES_MAGIC) return `${magic} (${hex}, an IDX image file)`;
  if (magic === IDX_LABELS_MAGIC) return `${magic} (${hex}, an IDX label file)`;
  return `${magic} (${hex})`;
}

/**
 * Parses IDX bytes. `path` is only used in error messages. With `expectedMagic`, a different magic
 * number is an error (bad-magic); the data size must match the header exactly (truncated /
 * trailing-bytes otherwise).
 */
export function parseIdx(bytes: Uint8Array, path: string, expectedMagic?: number): IdxFile {
  if (bytes.length < 4) {
    throw new DatasetError(path, 'truncated', `file has only ${bytes.length} bytes, too short for an IDX header`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (expectedMagic !== undefined && magic !== expectedMagic) {
    throw new DatasetError(
      path,
      'bad-magic',
      `wrong magic number: expected ${describeMagic(expectedMagic)} but found ${describeMagic(magic)}`,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new DatasetError(path, 'bad-magic', `not an IDX file: magic number ${describeMagic(magic)}`);
  }
  const type = bytes[2];
  const ndims = bytes[3];
  if (type !== 0x08) {
    throw new DatasetError(path, 'bad-header', `unsupported IDX element type 0x${type.toString(16)} (only unsigned byte 0x08)`);
  }
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new DatasetError(
      path,
      'truncated',
      `file truncated: the header declares ${ndims} dimensions (${headerBytes} header bytes) but the file has ${bytes.length} bytes`,
    );
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = dims.reduce((a, b) => a * b, 1);
  const present = bytes.length - headerBytes;
  if (present < expected) {
    throw new DatasetError(
      path,
      'truncated',
      `file truncated: header says ${dims.join('×')} = ${expected} data bytes but only ${present} are present`,
    );
  }
  if (present > expected) {
    throw new DatasetError(
      path,
      'trailing-bytes',
      `file has ${present - expected} bytes more than its header (${dims.join('×')} = ${expected} data bytes) says`,
    );
  }
  return { path, magic, dims, data: bytes.subarray(headerBytes) };
}

/** Reads and parses an IDX file (gzipped or plain). */
export async function readIdxFile(path: string, expectedMagic?: number): Promise<IdxFile> {
  return parseIdx(await readFileBytes(path), path, expectedMagic);
}

/** Raw images from an IDX image file: `pixels` is count×rows×cols bytes, row-major. */
export interface IdxImages {
  path: string;
  count: number;
  rows: number;
  cols: number;
  pixels: Uint8Array;
}

/** Reads an IDX image file (magic 2051). */
export async function readIdxImages(path: string): Promise<IdxImages> {
  const f = await readIdxFile(path, IDX_IMAGES_MAGIC);
  if (f.dims.length !== 3) {
    throw new DatasetError(path, 'bad-header', `an image file needs 3 dimensions, header has ${f.dims.length}`);
  }
  const [count, rows, cols] = f.dims;
  return { path, count, rows, cols, pixels: f.data };
}

/**
 * Reads an IDX label file (magic 2049) and checks every label is < numClasses.
 * Returns the labels as int32 (what tf sparse labels want).
 */
export async function readIdxLabels(path: string, numClasses: number): Promise<Int32Array> {
  const f = await readIdxFile(path, IDX_LABELS_MAGIC);
  if (f.dims.length !== 1) {
    throw new DatasetError(path, 'bad-header', `a label file needs 1 dimension, header has ${f.dims.length}`);
  }
  const out = new Int32Array(f.data.length);
  for (let i = 0; i < f.data.length; i++) {
    const v = f.data[i];
    if (v >= numClasses) {
      throw new DatasetError(
        path,
        'label-out-of-range',
        `label ${v} at index ${i} is out of range (expected 0..${numClasses - 1})`,
      );
    }
    out[i] = v;
  }
  return out;
}
