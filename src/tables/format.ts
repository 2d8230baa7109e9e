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

/** A mark on one cell (e.g. '†'), with the hover text saying why. */
export interface CellMark { mark: string; title: string }

/** Marks by `${rowIndex}:${column}`, and the legend line explaining them (printed under an HTML table). */
export interface CellMarks { marks: Readonly<Record<string, CellMark>>; legend?: string }

/**
 * Cell marks travel with a frame like its decimals: `toHtml` prints them beside the value and the legend
 * under the table; CSV and Markdown exports leave them out (their cells stay plain numbers).
 */
const MARKS = new WeakMap<object, CellMarks>();

export function setCellMarks(df: DataFrame, marks: CellMarks): DataFrame {
  MARKS.set(df, marks);
  return df;
}

/** The marks registered for `df` (none if none). */
export function cellMarks(df: DataFrame): CellMarks {
  return MARKS.get(df) ?? { marks: {} };
}
