import { promises as fsp } from 'node:fs';
import { promisify } from 'node:util';
import * as zlib from 'node:zlib';
import { DatasetError } from './errors';

const gunzip = promisify(zlib.gunzip);

/** true when the bytes start with the gzip magic number 1f 8b */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Reads a whole file, transparently gunzipping it when it starts with the gzip magic bytes
 * (whatever its extension). Missing or unreadable files and broken gzip streams throw DatasetError.
 */
export async function readFileBytes(path: string): Promise<Uint8Array> {
  let raw: Buffer;
  try {
    raw = await fsp.readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new DatasetError(path, 'missing-file', 'file not found');
    throw new DatasetError(path, 'unreadable', `cannot read file (${code ?? String(err)})`);
  }
  if (!isGzip(raw)) return new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  try {
    const out = await gunzip(raw);
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    throw new DatasetError(
      path,
      'bad-gzip',
      `gzip data is corrupt or truncated (${(err as Error).message})`,
    );
  }
}

/** true when `path` exists and is a regular file */
export async function isFile(path: string): Promise<boolean> {
  try {
    return (await fsp.stat(path)).isFile();
  } catch {
    return false;
  }
}

/** true when `path` exists and is a directory */
export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await fsp.stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** 0..255 → [0, 1] as float32 (a lookup table: exact `v / 255` rounded once) */
const UNIT = (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) t[i] = i / 255;
  return t;
})();

/** Scales bytes to [0, 1] into `out` (from `outOffset`), or into a new Float32Array. */
export function bytesToUnit(bytes: Uint8Array, out?: Float32Array, outOffset = 0): Float32Array {
  const dst = out ?? new Float32Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) dst[outOffset + i] = UNIT[bytes[i]];
  return dst;
}

/** Scales one byte to [0, 1] exactly as bytesToUnit does. */
export function byteToUnit(b: number): number {
  return UNIT[b];
}
