import type * as Danfo from 'danfojs';
import type { DataFrame } from 'danfojs';
import { setColumnDecimals } from './format';

let danfo: typeof Danfo | undefined;

/**
 * A DataFrame of rows under column names. danfojs is loaded on the first call, not at import: it takes ≈ 1.5 s
 * to load, which every grid task (`mat cell`: train or attack one cell, no table) would otherwise pay.
 */
export function newDataFrame(rows: unknown[][], columns: string[]): DataFrame {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  danfo ??= require('danfojs') as typeof Danfo;
  return new danfo.DataFrame(rows, { columns });
}

/** Options shared by the paper-table builders. */
export interface PaperTableOptions {
  /** add the paper's reported number in a column "<name> (paper)" right after each of ours; default true */
  paper?: boolean;
}

export const PAPER_SUFFIX = ' (paper)';

/** One output column: header, per-row values, display decimals. */
export interface ColumnSpec {
  name: string;
  values: unknown[];
  decimals?: number;
}

/** Assembles a DataFrame from columns (in order) and registers their display precision. */
export function buildFrame(columns: readonly ColumnSpec[]): DataFrame {
  const n = columns[0]?.values.length ?? 0;
  const rows = Array.from({ length: n }, (_, i) => columns.map((c) => normalise(c.values[i])));
  const df = newDataFrame(rows, columns.map((c) => c.name));
  const decimals: Record<string, number> = {};
  for (const c of columns) if (c.decimals !== undefined) decimals[c.name] = c.decimals;
  return setColumnDecimals(df, decimals);
}

function normalise(v: unknown): unknown {
  return v === undefined || v === null ? NaN : v;
}

/** Checks that every key of `given` is allowed (RangeError otherwise). */
export function checkKeys(table: string, given: object | undefined, allowed: readonly string[]): void {
  for (const k of Object.keys(given ?? {})) {
    if (!allowed.includes(k)) throw new RangeError(`${table}: unknown key '${k}' (expected one of ${allowed.join(', ')})`);
  }
}

/** fraction in [0, 1] → percent; undefined stays missing. Throws on values outside [0, 1]. */
export function percent(table: string, v: number | undefined): number {
  if (v === undefined || Number.isNaN(v)) return NaN;
  if (v < 0 || v > 1) throw new RangeError(`${table}: expected a fraction in [0, 1], got ${v} (pass rates/accuracies as fractions)`);
  return Number((v * 100).toPrecision(12)); // no 99.31000000000002 artefacts
}
