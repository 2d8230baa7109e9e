import { promises as fsp } from 'node:fs';
import type { Dataset } from './dataset';

interface Entry {
  signature: string;
  promise: Promise<Dataset>;
}

const entries = new Map<string, Entry>();

/** size + mtime of each file; null when one cannot be stat'ed (then nothing is cached) */
async function signatureOf(files: readonly string[]): Promise<string | null> {
  const parts: string[] = [];
  for (const f of files) {
    try {
      const s = await fsp.stat(f);
      parts.push(`${f}:${s.size}:${s.mtimeMs}`);
    } catch {
      return null;
    }
  }
  return parts.join('|');
}

/**
 * Returns the dataset cached under `key` if its files are unchanged (same size and mtime), else runs
 * `load` and caches its result. Concurrent calls share one load; failed loads are not cached.
 */
export async function cachedLoad(key: string, files: readonly string[], load: () => Promise<Dataset>): Promise<Dataset> {
  const signature = await signatureOf(files);
  if (signature === null) return load();
  const hit = entries.get(key);
  if (hit && hit.signature === signature) return hit.promise;
  const promise = load();
  entries.set(key, { signature, promise });
  promise.catch(() => {
    if (entries.get(key)?.promise === promise) entries.delete(key);
  });
  return promise;
}

/** Drops every cached dataset (frees their memory once no one else holds them). */
export function clearDatasetCache(): void {
  entries.clear();
}

/** Number of datasets currently cached. */
export function datasetCacheSize(): number {
  return entries.size;
}
