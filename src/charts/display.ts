import { renderSvg } from './render';
import { ChartSpec } from './types';

/** The MIME bundle of one chart: SVG for static viewers, the Vega-Lite spec for live renderers. */
export interface ChartMimeBundle {
  /** static SVG: shown by nbconvert, GitHub and VS Code */
  'image/svg+xml': string;
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

/** Builds the bundle (renders the SVG). */
export async function chartMimeBundle(spec: ChartSpec): Promise<ChartMimeBundle> {
  const svg = await renderSvg(spec);
  const title = typeof spec.title === 'string' ? spec.title : 'chart';
  return {
    'image/svg+xml': svg,
    'application/vnd.vegalite.v5+json': spec,
    'text/plain': `<Vega-Lite ${title}>`,
  };
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

export interface DisplayChartOptions {
  /** where to send the display_data; default: the running tslab kernel ({@link tslabDisplaySink}) */
  sink?: DisplaySink;
}

/**
 * Shows a chart in a notebook as ONE display_data holding both 'image/svg+xml' and
 * 'application/vnd.vegalite.v5+json' (plus 'text/plain'): nbconvert/GitHub show the SVG, JupyterLab
 * renders the spec interactively. Throws outside a tslab kernel unless a `sink` is given. Returns the
 * bundle it sent.
 */
export async function displayChart(spec: ChartSpec, options: DisplayChartOptions = {}): Promise<ChartMimeBundle> {
  const sink = options.sink ?? tslabDisplaySink();
  if (sink === undefined) {
    throw new Error('displayChart: no tslab kernel found (pass options.sink, or use chartMimeBundle/renderSvg)');
  }
  const bundle = await chartMimeBundle(spec);
  sink({ data: { ...bundle }, metadata: {}, transient: {} }, false);
  return bundle;
}
