/**
 * Text widths for Vega's layout without a canvas. Node here has no canvas package, so vega falls back to
 * 0.8 em per character — about 40 % wider than the "sans-serif" (DejaVu Sans) a browser draws — and every
 * SVG got a wide empty margin (1027 px for 658 px of content). Vega's documented hook `textMetrics.width`
 * (what vl-convert uses) takes per-character advance widths measured in Chromium (text-widths.ts).
 */
import * as vega from 'vega';
import { SANS_WIDTHS } from './text-widths';

/** em width of a character missing from the table (the table's average letter) */
const FALLBACK_EM = 0.62;

/** Width in px of `text` set in sans-serif at `fontSize` px. */
export function sansTextWidth(text: string, fontSize: number, bold = false): number {
  const table = SANS_WIDTHS[bold ? 'bold' : 'normal'];
  let em = 0;
  for (const c of text) em += table[c] ?? FALLBACK_EM;
  return em * fontSize;
}

interface TextItem { fontSize?: number | string; fontWeight?: number | string; limit?: number }

const isBold = (w: TextItem['fontWeight']) => w === 'bold' || w === 'bolder' || (w !== undefined && Number(w) >= 600);

/** The width function vega calls for a text item (its label limit caps it, as vega's own truncation does). */
function itemWidth(item: TextItem, text: unknown): number {
  const size = item.fontSize != null ? Number(item.fontSize) || 0 : 11;
  const value = text == null ? '' : String(text).trim();
  if (size <= 0 || value === '') return 0;
  const w = sansTextWidth(value, size, isBold(item.fontWeight));
  return item.limit !== undefined && item.limit > 0 ? Math.min(w, item.limit) : w;
}

/** Makes vega size text with the measured widths (idempotent; called before every render). */
export function useMeasuredTextWidths(): void {
  // exported by vega (from vega-scenegraph) but missing from its typings
  (vega as unknown as { textMetrics: { width: (item: TextItem, text: unknown) => number } }).textMetrics.width = itemWidth;
}
