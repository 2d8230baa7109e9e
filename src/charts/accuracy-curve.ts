import { ChartBaseOptions, ChartSpec, VEGA_LITE_SCHEMA } from './types';

/** One point of an accuracy-vs-ε curve (Figure 2). */
export interface AccuracyPoint {
  /** curve name, e.g. 'TRADES' or 'MAT (FTC+SO+BIBO)' */
  model: string;
  /** perturbation budget ε, in input units (e.g. 8/255) */
  epsilon: number;
  /** robust accuracy as a fraction in [0, 1] */
  accuracy: number;
}

export interface AccuracyCurveOptions extends ChartBaseOptions {
  /** ε is multiplied by this for the axis, e.g. 255 to show 8/255 as 8; default 1 */
  epsilonMultiplier?: number;
  /** x-axis title; default 'ε' (or 'ε × 255' style when a multiplier is set) */
  epsilonTitle?: string;
  /** y-axis title; default 'robust accuracy' */
  accuracyTitle?: string;
}

/** Figure 2: robust accuracy vs PGD ε, one line (with point markers) per model; y as percent. */
export function accuracyCurveSpec(points: readonly AccuracyPoint[], options: AccuracyCurveOptions = {}): ChartSpec {
  const { epsilonMultiplier = 1, width = 420, height = 300, title, accuracyTitle = 'robust accuracy' } = options;
  const { epsilonTitle = epsilonMultiplier === 1 ? 'ε' : `ε × ${epsilonMultiplier}` } = options;
  const models = [...new Set(points.map((p) => p.model))];
  const values = points.map((p) => ({ model: p.model, epsilon: p.epsilon * epsilonMultiplier, accuracy: p.accuracy }));
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title !== undefined ? { title } : {}),
    width,
    height,
    data: { values },
    mark: { type: 'line', point: { filled: true, size: 40 } },
    encoding: {
      x: { field: 'epsilon', type: 'quantitative', title: epsilonTitle },
      y: { field: 'accuracy', type: 'quantitative', title: accuracyTitle, scale: { domain: [0, 1] }, axis: { format: '.0%' } },
      color: { field: 'model', type: 'nominal', title: 'model', scale: { domain: models } },
      order: { field: 'epsilon', type: 'quantitative' },
      tooltip: [
        { field: 'model', type: 'nominal' },
        { field: 'epsilon', type: 'quantitative', title: epsilonTitle },
        { field: 'accuracy', type: 'quantitative', format: '.2%' },
      ],
    },
  };
}
