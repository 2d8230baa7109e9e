import * as vega from 'vega';
import { compile } from 'vega-lite';
import { useMeasuredTextWidths } from './text-metrics';
import { ChartSpec } from './types';

/** Vega-Lite → Vega spec (vega-lite 5.23's compiler). Compiler warnings go to `logger` (default: dropped). */
export function compileToVega(spec: ChartSpec, logger: vega.LoggerInterface = vega.logger(vega.None, undefined, () => undefined)): vega.Spec {
  return compile(spec, { logger }).spec;
}

export interface RenderOptions {
  /** SVG scale factor; default 1 */
  scale?: number;
}

/**
 * Renders a Vega-Lite spec to an SVG string headlessly (Vega View with renderer 'none' → toSVG). No
 * canvas or browser needed. Data must be inline (all builders here inline it); nothing is fetched.
 * Vega's warnings are collected, not printed (the library never prints); a Vega error rejects.
 * PNG output is not offered: Vega rasterises through the native `canvas` package, which this
 * project does not install.
 */
export async function renderSvg(spec: ChartSpec, options: RenderOptions = {}): Promise<string> {
  return (await renderSvgWithLog(spec, options)).svg;
}

/** {@link renderSvg}, also returning the warnings Vega logged while rendering. */
export async function renderSvgWithLog(spec: ChartSpec, options: RenderOptions = {}): Promise<{ svg: string; warnings: string[] }> {
  const { scale = 1 } = options;
  const warnings: string[] = [];
  const errors: string[] = [];
  const handler = (method: string, _level: string, input: readonly unknown[]): void => {
    (method === 'error' ? errors : warnings).push(Array.from(input, String).join(' ')); // input is an arguments object
  };
  const logger = vega.logger(vega.Warn, undefined, handler as Parameters<typeof vega.logger>[2]);
  useMeasuredTextWidths();
  const view = new vega.View(vega.parse(compileToVega(spec, logger)), { renderer: 'none', logger });
  try {
    const svg = await view.toSVG(scale);
    if (errors.length > 0) throw new Error(`vega: ${errors.join('; ')}`);
    return { svg, warnings };
  } finally {
    view.finalize();
  }
}
