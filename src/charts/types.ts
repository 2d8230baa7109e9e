import type { TopLevelSpec } from 'vega-lite';

/** A Vega-Lite v5 top-level spec with its data inlined (what every builder here returns). */
export type ChartSpec = TopLevelSpec;

/** Options every spec builder accepts. */
export interface ChartBaseOptions {
  /** chart title; default none */
  title?: string;
  /** plot width in px; default per chart */
  width?: number;
  /** plot height in px; default per chart */
  height?: number;
}

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';
