/**
 * Reading files named by a manifest without trusting it: every name must resolve inside the folder
 * (no absolute paths, no `..`, no symbolic link leading out), name a regular file (not /dev/zero, a FIFO
 * or a folder), and the files' sizes must add up to what the manifest describes — all checked before a
 * byte is read.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A file a manifest names that may not be read; `file` is the name as the manifest gives it. */
export class ContainmentError extends Error {
  constructor(readonly file: string, readonly reason: string) {
    super(`${file}: ${reason}`);
    this.name = 'ContainmentError';
  }
}

/** The real path of `name` inside `dir`, or a ContainmentError saying why it may not be read. */
export function containedPath(dir: string, name: unknown): string {
  if (typeof name !== 'string' || name === '') throw new ContainmentError(String(name), 'is not a file name');
  if (path.isAbsolute(name) || path.win32.isAbsolute(name)) {
    throw new ContainmentError(name, 'is an absolute path; weight files must be named relative to the checkpoint folder');
  }
  if (name.split(/[\\/]/).includes('..')) throw new ContainmentError(name, "contains '..'; weight files must lie inside the checkpoint folder");
  const root = fs.realpathSync(dir);
  const file = path.join(root, name);
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ContainmentError(name, code === 'ENOENT' ? 'is missing' : `cannot be resolved (${code})`);
  }
  if (!real.startsWith(root + path.sep)) throw new ContainmentError(name, `is a symbolic link leading outside the checkpoint folder (to ${real})`);
  if (!fs.statSync(real).isFile()) throw new ContainmentError(name, 'is not a regular file');
  return real;
}

/**
 * Reads `names` (in order, concatenated) from inside `dir` once their total size equals
 * `expectedBytes`.
 */
export function readContainedFiles(dir: string, names: unknown[], expectedBytes: number, manifest = 'the manifest'): Buffer {
  const files = names.map((n) => ({ name: String(n), real: containedPath(dir, n) }));
  const sizes = files.map((f) => fs.statSync(f.real).size);
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total !== expectedBytes) {
    const held = files.length === 1 ? `holds ${total} bytes` : `hold ${total} bytes (${sizes.join(' + ')})`;
    throw new ContainmentError(files.map((f) => f.name).join(' + ') || '(no weight files)',
      `${held} but ${manifest} describes ${expectedBytes} (truncated or mismatched file)`);
  }
  return Buffer.concat(files.map((f) => fs.readFileSync(f.real)));
}
