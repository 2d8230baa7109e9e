/**
 * JSON files as every layer writes and reads them: written atomically (a temporary file renamed into
 * place, so a crash never leaves half a file), read back with a check that names the file and the problem.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A JSON file that exists but is not what the reader expects (bad JSON, wrong kind, missing fields). */
export class JsonFileError extends Error {
  constructor(readonly file: string, readonly problem: string, message = `${file}: ${problem}`) {
    super(message);
    this.name = 'JsonFileError';
  }
}

/** Writes `value` as indented JSON via a temporary file + rename, creating the folder. NaN/±Infinity become null. */
export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, JSON.stringify(value, null, 2) + '\n');
}

/** Writes text via a temporary file + rename, creating the folder: readers see the old file or the new one, never half. */
export function writeFileAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/** `value` as it reads back from a JSON file (so computed and stored results look the same). */
export function jsonRoundTrip<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

export interface ReadJsonOptions {
  /** returns a problem in words, or undefined when the value is acceptable */
  check?: (value: unknown) => string | undefined;
  /** the error to throw for an unreadable file (default JsonFileError) */
  error?: (file: string, problem: string) => Error;
}

/**
 * Reads a JSON file: undefined when it does not exist; throws (a JsonFileError naming the file, or
 * `options.error`'s) when it is not valid JSON or `options.check` reports a problem.
 */
export function readJsonFile<T>(file: string, options: ReadJsonOptions = {}): T | undefined {
  if (!fs.existsSync(file)) return undefined;
  const fail = options.error ?? ((f: string, problem: string) => new JsonFileError(f, problem));
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw fail(file, `not valid JSON (${(err as Error).message})`);
  }
  const problem = options.check?.(value);
  if (problem !== undefined) throw fail(file, problem);
  return value as T;
}
