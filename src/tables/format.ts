import type { DataFrame } from 'danfojs';

/**
 * Display precision travels with the DataFrames the builders here create (a WeakMap from frame to
 * per-column decimals), so exporters print the paper's precision without being told. A frame made
 * any other way — or derived from one with danfojs operations — falls back to the exporter default.
 */
const FORMATS = new WeakMap<object, Readonly<Record<string, number>>>();

export function setColumnDecimals(df: DataFrame, decimals: Readonly<Record<string, number>>): DataFrame {
  FORMATS.set(df, decimals);
  return df;
}

/** The per-column decimals a builder registered for `df` (empty if none). */
export function columnDecimals(df: DataFrame): Readonly<Record<string, number>> {
  return FORMATS.get(df) ?? {};
}

/** True for a cell with no value (undefined, null, NaN). */
export function isMissing(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v));
}
