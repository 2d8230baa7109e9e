/**
 * One call from a spec to the files a paper needs: `exportChart(spec, 'fig/table2', { formats: ['svg', 'png', 'pdf'] })`
 * writes fig/table2.svg (vega, headless), .png and .pdf (headless Chromium through scripts/svg-to-png.mjs:
 * the PDF keeps the SVG as vectors, page = figure size).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { openRasterizer, PNG_SCALE } from './rasterize';
import { renderSvg } from './render';
import { ChartSpec } from './types';

export const EXPORT_FORMATS = ['svg', 'png', 'pdf'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportChartOptions {
  /** which files; default ['svg', 'png', 'pdf'] */
  formats?: readonly ExportFormat[];
  /** PNG device pixels per CSS pixel; default 2 (print quality at the figure's size) */
  pngScale?: number;
}

/**
 * Writes `${basePath}.svg|png|pdf` (the folder is created) and returns the paths written, in `formats`
 * order. PNG and PDF need chromium: without it this throws before writing anything, saying how to get it.
 */
export async function exportChart(spec: ChartSpec, basePath: string, options: ExportChartOptions = {}): Promise<string[]> {
  const { formats = EXPORT_FORMATS, pngScale = 2 } = options;
  const bad = formats.filter((f) => !(EXPORT_FORMATS as readonly string[]).includes(f));
  if (bad.length || formats.length === 0) throw new RangeError(`exportChart: formats must be some of ${EXPORT_FORMATS.join(', ')} (got ${formats.length ? bad.join(', ') : 'none'})`);
  if (!(pngScale > 0)) throw new RangeError(`exportChart: pngScale must be > 0 (got ${pngScale})`);
  const base = basePath.replace(/\.(svg|png|pdf)$/i, '');
  const svg = await renderSvg(spec);
  const needsBrowser = formats.some((f) => f !== 'svg');
  const rasterizer = needsBrowser ? await openRasterizer(formats.includes('png') ? pngScale : PNG_SCALE) : undefined;
  try {
    const contents: Record<ExportFormat, () => Promise<string | Buffer>> = {
      svg: async () => svg,
      png: () => rasterizer!.render(svg),
      pdf: () => rasterizer!.pdf(svg),
    };
    fs.mkdirSync(path.dirname(path.resolve(base)), { recursive: true });
    const written: string[] = [];
    for (const f of formats) {
      const file = `${base}.${f}`;
      fs.writeFileSync(file, await contents[f]());
      written.push(file);
    }
    return written;
  } finally {
    await rasterizer?.close();
  }
}
