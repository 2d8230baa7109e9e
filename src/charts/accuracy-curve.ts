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
  /** draw the models side by side along ε (within {@link DODGE_SHARE} of the smallest ε gap), so identical curves stay visible; default true */
  dodge?: boolean;
}

/** Share of the smallest gap between two ε that the dodged models span together. */
export const DODGE_SHARE = 0.35;

/** How a subtitle says that the models are dodged. */
export const DODGE_NOTE = 'models drawn slightly apart along ε so coinciding curves stay visible';

/**
 * Figure 2: robust accuracy vs PGD ε, one line per model told apart by colour, dash and marker shape (so
 * overlapping curves stay distinguishable, in greyscale too), with an error bar per point where the point
 * carries an interval; y as percent.
 */
export function accuracyCurveSpec(points: readonly AccuracyPoint[], options: AccuracyCurveOptions = {}): ChartSpec {
  const { epsilonMultiplier = 1, width = 440, height = 300, accuracyTitle = 'robust accuracy' } = options;
  const { epsilonTitle = epsilonMultiplier === 255 ? 'ε × 255 (L∞, pixels in [0, 255])' : epsilonMultiplier === 1 ? 'ε (L∞, pixels in [0, 1])' : `ε × ${epsilonMultiplier} (L∞)` } = options;
  const models = [...new Set(points.map((p) => p.model))];
  // dodge: each model drawn a little beside the others along x (the tooltip keeps the true ε), so models
  // whose curves coincide (several at ≈ 100 %) stay visible side by side instead of one hiding the rest
  const eps = [...new Set(points.map((p) => p.epsilon * epsilonMultiplier))].sort((a, b) => a - b);
  const gaps = eps.slice(1).map((e, i) => e - eps[i]).filter((g) => g > 0);
  const minGap = gaps.length ? Math.min(...gaps) : 1;
  const { dodge = true } = options;
  const step = dodge && models.length > 1 ? (DODGE_SHARE * minGap) / (models.length - 1) : 0;
  const shift = (model: string) => (models.indexOf(model) - (models.length - 1) / 2) * step;
  const values = points.map((p) => ({
    model: p.model, epsilon: p.epsilon * epsilonMultiplier, plotEpsilon: p.epsilon * epsilonMultiplier + shift(p.model), accuracy: p.accuracy,
    lower: p.lower ?? null, upper: p.upper ?? null, n: p.n ?? null,
  }));
  const half = step * ((models.length - 1) / 2 + 1);
  const xDomain = eps.length ? [eps[0] - half, eps[eps.length - 1] + half] : undefined;
  const series = (range: readonly unknown[]) => ({ domain: models, range: models.map((_, i) => range[i % range.length]) });
  const legend = { title: 'model', symbolStrokeWidth: 2, symbolSize: 120, symbolOpacity: 1 };
  const color = { field: 'model', type: 'nominal' as const, title: 'model', scale: { domain: models }, legend };
  const x = { field: 'plotEpsilon', type: 'quantitative' as const, title: epsilonTitle, ...(xDomain ? { scale: { domain: xDomain, nice: false, zero: false } } : {}) };
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
        // a thin white outline keeps a marker readable where it overlaps another model's
        mark: { type: 'point' as const, filled: true, size: 60, opacity: 1, stroke: 'white', strokeWidth: 0.7 },
        encoding: { y, shape: { field: 'model', type: 'nominal' as const, title: 'model', scale: series(SERIES_SHAPES), legend }, tooltip },
      },
    ],
  } as ChartSpec;
}
