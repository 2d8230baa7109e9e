import { rasterizerUnavailable, svgSize, withSharedRasterizer } from './rasterize';
import { renderSvg } from './render';
import { ChartSpec } from './types';

/** The MIME bundle of one chart: SVG for static viewers, the Vega-Lite spec for live renderers. */
export interface ChartMimeBundle {
  /** static SVG: shown by nbconvert, GitHub and VS Code */
  'image/svg+xml': string;
  /**
   * the same chart as PNG (base64), where chromium is installed: Jupyter does not show SVG in an untrusted
   * notebook (a colleague's saved copy), but it does show PNG
   */
  'image/png'?: string;
  /** the spec itself: JupyterLab renders it interactively (its Vega-Lite renderer outranks SVG) */
  'application/vnd.vegalite.v5+json': ChartSpec;
  /** fallback for text-only front ends */
  'text/plain': string;
}

/** Jupyter `display_data` content: { data, metadata, transient }. */
export interface DisplayDataContent {
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  transient: Record<string, unknown>;
}

/** Where a display message goes; `update` = update_display_data instead of display_data. */
export type DisplaySink = (content: DisplayDataContent, update: boolean) => void;

/** The chart's title as one line ('chart' when it has none). */
function titleText(spec: ChartSpec): string {
  const t = (spec as { title?: unknown }).title;
  const text = typeof t === 'string' || Array.isArray(t) ? t : (t as { text?: unknown } | undefined)?.text;
  const line = Array.isArray(text) ? text.join(' ') : typeof text === 'string' ? text : '';
  return line || 'chart';
}

export interface ChartMimeBundleOptions {
  /** add an 'image/png' (headless Chromium, {@link withSharedRasterizer}): true, false, or 'auto' (default: where chromium is installed) */
  png?: boolean | 'auto';
}

/** A bundle with the notes on how it was built (why it has no PNG). */
export interface ChartMimeBundleResult { bundle: ChartMimeBundle; metadata: Record<string, unknown>; noPng?: string }

/** Builds the bundle (renders the SVG; the PNG where asked and possible) with its display metadata. */
export async function chartMimeBundleWithMetadata(spec: ChartSpec, options: ChartMimeBundleOptions = {}): Promise<ChartMimeBundleResult> {
  const { png = 'auto' } = options;
  const svg = await renderSvg(spec);
  const bundle: ChartMimeBundle = {
    'image/svg+xml': svg,
    'application/vnd.vegalite.v5+json': spec,
    'text/plain': `<Vega-Lite chart: ${titleText(spec)}>`,
  };
  const metadata: Record<string, unknown> = {};
  if (png === false) return { bundle, metadata };
  const why = await rasterizerUnavailable();
  if (why !== undefined) {
    if (png === true) throw new Error(`chartMimeBundle: no PNG: ${why}`);
    return { bundle, metadata, noPng: why };
  }
  bundle['image/png'] = (await withSharedRasterizer((r) => r.render(svg))).toString('base64');
  // the CSS size, so the 1.5× raster shows at the SVG's size (as run-notebooks.mjs writes it)
  const size = await svgSize(svg);
  if (size) metadata['image/png'] = { width: Math.round(size.width), height: Math.round(size.height) };
  return { bundle, metadata };
}

/** Builds the bundle (renders the SVG; a PNG too where chromium is installed, see {@link ChartMimeBundleOptions}). */
export async function chartMimeBundle(spec: ChartSpec, options: ChartMimeBundleOptions = {}): Promise<ChartMimeBundle> {
  return (await chartMimeBundleWithMetadata(spec, options)).bundle;
}

/**
 * tslab's kernel-side writer, or undefined outside a tslab kernel.
 *
 * tslab's public `display.raw(mime, data)` sends a display_data with a *single* MIME type, so it
 * cannot carry SVG and Vega-Lite together. Under its public API tslab keeps the kernel's writer in
 * `tslab/dist/jupyter.js` (`lastWriteDisplayData(content, update)`, set before each cell runs;
 * `display.raw` calls exactly this). We look that module up in Node's module cache — rather than
 * `require('tslab/dist/jupyter')` — so the writer is found whichever tslab copy started the kernel
 * (the project's node_modules or a global install). Relies on tslab 1.0.x internals; checked with 1.0.22.
 */
export function tslabDisplaySink(): DisplaySink | undefined {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file)) continue;
    const write = (mod?.exports as { lastWriteDisplayData?: unknown } | undefined)?.lastWriteDisplayData;
    if (typeof write === 'function') return write as DisplaySink;
  }
  return undefined;
}

export interface DisplayChartOptions extends ChartMimeBundleOptions {
  /** where to send the display_data; default: the running tslab kernel ({@link tslabDisplaySink}) */
  sink?: DisplaySink;
}

let warnedNoPng = false;

/**
 * Shows a chart in a notebook as ONE display_data holding 'image/svg+xml', 'image/png' (where chromium is
 * installed: rendered in-process by scripts/svg-to-png.mjs's rasterizer, so a notebook saved from a live
 * session shows its figures even untrusted) and 'application/vnd.vegalite.v5+json' (plus 'text/plain'):
 * nbconvert/GitHub show the SVG, JupyterLab renders the spec interactively. Without chromium it sends the
 * rest and warns once (process warning MAT_NO_PNG). Throws outside a tslab kernel unless a `sink` is given.
 * Returns the bundle it sent.
 */
export async function displayChart(spec: ChartSpec, options: DisplayChartOptions = {}): Promise<ChartMimeBundle> {
  const sink = options.sink ?? tslabDisplaySink();
  if (sink === undefined) {
    throw new Error('displayChart: no tslab kernel found (pass options.sink, or use chartMimeBundle/renderSvg)');
  }
  const { bundle, metadata, noPng } = await chartMimeBundleWithMetadata(spec, options);
  if (noPng !== undefined && !warnedNoPng) {
    warnedNoPng = true;
    process.emitWarning(`displayChart: figures carry no image/png (${noPng}); untrusted copies of this notebook will show "<Vega-Lite chart>"`, { code: 'MAT_NO_PNG' });
  }
  sink({ data: { ...bundle }, metadata, transient: {} }, false);
  return bundle;
}
