import { ChartBaseOptions, ChartSpec, SERIES_DASHES, SERIES_SHAPES, titleOf, VEGA_LITE_SCHEMA } from './types';

/** One point of an accuracy-vs-ε curve (Figure 2). */
export interface AccuracyPoint {
  /** curve name, e.g. 'TRADES' or 'MAT (FTC+SO+BIBO)' */
  model: string;
  /** perturbation budget ε, in input units (e.g. 8/255) */
  epsilon: number;
  /** robust accuracy as a fraction in [0, 1] */
  accuracy: number;
  /** interval around the accuracy (e.g. Wilson 95 %), drawn as an error bar when both are given */
  lower?: number;
  upper?: number;
  /** test examples behind the accuracy (shown in the tooltip) */
  n?: number;
}

export interface AccuracyCurveOptions extends ChartBaseOptions {
  /** ε is multiplied by this for the axis, e.g. 255 to show 8/255 as 8; default 1 */
  epsilonMultiplier?: number;
  /** x-axis title; default 'ε (L∞, pixels in [0, 1])', or '… in [0, 255]' with a multiplier of 255 */
  epsilonTitle?: string;
  /** y-axis title; default 'robust accuracy' */
  accuracyTitle?: string;
}

/**
 * Figure 2: robust accuracy vs PGD ε, one line per model told apart by colour, dash and marker shape (so
 * overlapping curves stay distinguishable, in greyscale too), with an error bar per point where the point
 * carries an interval; y as percent.
 */
export function accuracyCurveSpec(points: readonly AccuracyPoint[], options: AccuracyCurveOptions = {}): ChartSpec {
  const { epsilonMultiplier = 1, width = 440, height = 300, accuracyTitle = 'robust accuracy' } = options;
  const { epsilonTitle = epsilonMultiplier === 255 ? 'ε × 255 (L∞, pixels in [0, 255])' : epsilonMultiplier === 1 ? 'ε (L∞, pixels in [0, 1])' : `ε × ${epsilonMultiplier} (L∞)` } = options;
  const models = [...new Set(points.map((p) => p.model))];
  const values = points.map((p) => ({
    model: p.model, epsilon: p.epsilon * epsilonMultiplier, accuracy: p.accuracy,
    lower: p.lower ?? null, upper: p.upper ?? null, n: p.n ?? null,
  }));
  const series = (range: readonly unknown[]) => ({ domain: models, range: models.map((_, i) => range[i % range.length]) });
  const legend = { title: 'model', symbolStrokeWidth: 2, symbolSize: 120 };
  const color = { field: 'model', type: 'nominal' as const, title: 'model', scale: { domain: models }, legend };
  const x = { field: 'epsilon', type: 'quantitative' as const, title: epsilonTitle };
  const y = { field: 'accuracy', type: 'quantitative' as const, title: accuracyTitle, scale: { domain: [0, 1] }, axis: { format: '.0%' } };
  const tooltip = [
    { field: 'model', type: 'nominal' as const },
    { field: 'epsilon', type: 'quantitative' as const, title: epsilonTitle },
    { field: 'accuracy', type: 'quantitative' as const, format: '.2%' },
    { field: 'lower', type: 'quantitative' as const, title: '95 % interval from', format: '.2%' },
    { field: 'upper', type: 'quantitative' as const, title: 'to', format: '.2%' },
    { field: 'n', type: 'quantitative' as const, title: 'test examples' },
  ];
  const hasIntervals = values.some((v) => v.lower !== null && v.upper !== null);
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...titleOf(options),
    width,
    height,
    data: { values },
    encoding: { x, color },
    layer: [
      ...(hasIntervals ? [{
        transform: [{ filter: 'datum.lower !== null && datum.upper !== null' }],
        mark: { type: 'rule' as const, strokeWidth: 1.5, opacity: 0.7 },
        encoding: { y: { field: 'lower', type: 'quantitative' as const, scale: { domain: [0, 1] } }, y2: { field: 'upper' } },
      }] : []),
      {
        mark: { type: 'line' as const, strokeWidth: 2 },
        encoding: { y, strokeDash: { field: 'model', type: 'nominal' as const, title: 'model', scale: series(SERIES_DASHES), legend }, order: { field: 'epsilon', type: 'quantitative' as const } },
      },
      {
        mark: { type: 'point' as const, filled: true, size: 60, opacity: 1 },
        encoding: { y, shape: { field: 'model', type: 'nominal' as const, title: 'model', scale: series(SERIES_SHAPES), legend }, tooltip },
      },
    ],
  } as ChartSpec;
}
