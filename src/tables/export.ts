import type { DataFrame } from 'danfojs';
import { cellMarks, columnDecimals, isMissing } from './format';

export interface ExportOptions {
  /**
   * decimals for numbers: one number for every column or a per-column map. Default: the precision the
   * table builder registered for each column (the paper's), else up to 3 decimals with trailing zeros
   * trimmed.
   */
  decimals?: number | Readonly<Record<string, number>>;
  /** text for a missing value (undefined/null/NaN); default '' in CSV, '—' in Markdown and HTML */
  missing?: string;
}

interface Grid {
  columns: string[];
  rows: unknown[][];
  numeric: boolean[];
}

function grid(df: DataFrame): Grid {
  const columns = (df.columns as string[]).map(String);
  const raw = df.values as unknown;
  const rows: unknown[][] = columns.length === 0 ? [] : (raw as unknown[][]).map((r) => (Array.isArray(r) ? r : [r]));
  const numeric = columns.map((_, j) => rows.some((r) => typeof r[j] === 'number' && !Number.isNaN(r[j])) &&
    rows.every((r) => typeof r[j] === 'number' || isMissing(r[j])));
  return { columns, rows, numeric };
}

function formatter(df: DataFrame, options: ExportOptions, missingDefault: string): (v: unknown, column: string) => string {
  const registered = columnDecimals(df);
  const { missing = missingDefault, decimals } = options;
  return (v, column) => {
    if (isMissing(v)) return missing;
    if (typeof v !== 'number') return String(v);
    const d = typeof decimals === 'number' ? decimals : decimals?.[column] ?? registered[column];
    if (d !== undefined) return v.toFixed(d);
    if (Number.isInteger(v)) return String(v);
    return String(Number(v.toFixed(3)));
  };
}

/**
 * CSV (RFC 4180: comma-separated, CRLF-free "\n" line ends, fields with comma/quote/newline quoted).
 * Numbers are written at full precision unless `decimals` is given; missing values as ''.
 */
export function toCsv(df: DataFrame, options: ExportOptions = {}): string {
  const { columns, rows } = grid(df);
  const { missing = '', decimals } = options;
  const quote = (s: string): string => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const cell = (v: unknown, c: string): string => {
    if (isMissing(v)) return missing;
    if (typeof v === 'number') {
      const d = typeof decimals === 'number' ? decimals : decimals?.[c];
      return d === undefined ? String(v) : v.toFixed(d);
    }
    return String(v);
  };
  const lines = [columns.map(quote).join(',')];
  for (const r of rows) lines.push(r.map((v, j) => quote(cell(v, columns[j]))).join(','));
  return lines.join('\n') + '\n';
}

/** GitHub-flavoured Markdown pipe table; numeric columns right-aligned, '|' escaped. */
export function toMarkdown(df: DataFrame, options: ExportOptions = {}): string {
  const { columns, rows, numeric } = grid(df);
  const fmt = formatter(df, options, '—');
  const esc = (s: string): string => s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const out = [line(columns.map(esc)), line(numeric.map((n) => (n ? '---:' : ':---')))];
  for (const r of rows) out.push(line(r.map((v, j) => esc(fmt(v, columns[j])))));
  return out.join('\n') + '\n';
}

export interface HtmlOptions extends ExportOptions {
  /** <caption> text; default none */
  caption?: string;
}

/** A self-contained HTML <table> (escaped; numeric columns right-aligned) for notebook display. */
export function toHtml(df: DataFrame, options: HtmlOptions = {}): string {
  const { columns, rows, numeric } = grid(df);
  const fmt = formatter(df, options, '—');
  const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  const align = (j: number): string => (numeric[j] ? ' style="text-align:right"' : ' style="text-align:left"');
  const parts = ['<table class="mat-table">'];
  if (options.caption !== undefined) parts.push(`<caption>${esc(options.caption)}</caption>`);
  parts.push(`<thead><tr>${columns.map((c, j) => `<th${align(j)}>${esc(c)}</th>`).join('')}</tr></thead>`);
  parts.push('<tbody>');
  const { marks, legend } = cellMarks(df);
  const marked = (i: number, j: number): string => {
    const m = marks[`${i}:${columns[j]}`];
    return m ? `&nbsp;<span class="mat-mark" title="${esc(m.title)}" style="color:#b00020;font-weight:bold">${esc(m.mark)}</span>` : '';
  };
  rows.forEach((r, i) => parts.push(`<tr>${r.map((v, j) => `<td${align(j)}>${esc(fmt(v, columns[j]))}${marked(i, j)}</td>`).join('')}</tr>`));
  parts.push('</tbody>');
  if (legend && Object.keys(marks).length) parts.push(`<tfoot><tr><td colspan="${columns.length}" style="text-align:left">${esc(legend)}</td></tr></tfoot>`);
  parts.push('</table>');
  return parts.join('\n');
}
