import type { TopLevelSpec } from 'vega-lite';

/** A Vega-Lite v5 top-level spec with its data inlined (what every builder here returns). */
export type ChartSpec = TopLevelSpec;

/** Options every spec builder accepts. */
export interface ChartBaseOptions {
  /** chart title; default none */
  title?: string;
  /** a smaller line under the title: sample sizes, what the error bars are; default none */
  subtitle?: string | string[];
  /** plot width in px; default per chart */
  width?: number;
  /** plot height in px; default per chart */
  height?: number;
}

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v5.json';

/** The spec's `title` property from title + subtitle (none when neither is set). */
export function titleOf(options: ChartBaseOptions): { title?: { text: string | string[]; subtitle?: string | string[]; anchor: 'start' } } {
  const { title, subtitle } = options;
  if (title === undefined && subtitle === undefined) return {};
  return { title: { text: title ?? '', ...(subtitle !== undefined ? { subtitle } : {}), anchor: 'start' } };
}

/** Line dashes and point shapes told apart in greyscale too: the i-th series gets the i-th of each. */
export const SERIES_DASHES: ReadonlyArray<number[]> = [[1, 0], [7, 3], [2, 2], [9, 3, 2, 3], [4, 4], [12, 2, 2, 2, 2, 2], [1, 4], [14, 4]];
export const SERIES_SHAPES: readonly string[] = ['circle', 'square', 'triangle-up', 'diamond', 'cross', 'triangle-down', 'triangle-right', 'triangle-left'];

/** `n` of every item when all agree, else a range, for a subtitle ('n = 500', 'n = 13–500'). */
export function sampleSizeText(sizes: ReadonlyArray<number | undefined>): string | undefined {
  const ns = sizes.filter((n): n is number => n !== undefined);
  if (ns.length === 0) return undefined;
  const lo = Math.min(...ns), hi = Math.max(...ns);
  const f = (v: number) => v.toLocaleString('en-US');
  return lo === hi ? `n = ${f(lo)}` : `n = ${f(lo)}–${f(hi)}`;
}
