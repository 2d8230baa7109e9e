import { ChartBaseOptions, ChartSpec, VEGA_LITE_SCHEMA } from './types';

/** One point of an ablation curve: accuracy under one attack at one value of the varied parameter. */
export interface AblationPoint {
  /** value of the varied parameter (x) */
  value: number;
  /** attack (colour), e.g. 'PGD-40', 'APGD-DLR', 'clean' */
  attack: string;
  /** the other varied settings (dash), e.g. 'β = 1'; '' when only one parameter varies */
  series: string;
  /** mean accuracy over seeds, a fraction in [0, 1] */
  mean: number;
  /** smallest and largest accuracy over the seeds (the seed spread) */
  min: number;
  max: number;
  seeds: number;
  /** binomial 95 % interval of the accuracy pooled over seeds, and the examples it pools */
  low: number;
  high: number;
  n: number;
}

export interface AblationCurveOptions extends ChartBaseOptions {
  /** x-axis title, e.g. 'α (weight of SO, Eq. 9)' */
  parameterTitle?: string;
}

/**
 * Accuracy vs a varied training setting, one line per attack (colour; dashes for the other varied
 * settings): mean over seeds with markers, the seed spread (min–max) as error bars and the binomial 95 %
 * interval of the pooled accuracy as a band.
 */
export function ablationCurveSpec(points: readonly AblationPoint[], options: AblationCurveOptions = {}): ChartSpec {
  const { parameterTitle = 'parameter', width = 420, height = 280, title } = options;
  const values = points.map((p) => ({ ...p, series: p.series || '—' }));
  const x = { field: 'value', type: 'quantitative' as const, title: parameterTitle };
  // legend symbols opaque: the legend takes its symbol from the first layer (the band, at opacity 0.15)
  const color = { field: 'attack', type: 'nominal' as const, title: 'attack', scale: { domain: [...new Set(points.map((p) => p.attack))] }, legend: { symbolOpacity: 1, symbolType: 'circle' } };
  // one y title on every layer: vega-lite would otherwise join the layers' field names into it
  const percent = { title: 'accuracy (mean over seeds)', scale: { domain: [0, 1] }, axis: { format: '.0%' } };
  const series = points.some((p) => p.series !== '');
  const seriesEncoding = series ? {
    strokeDash: { field: 'series', type: 'nominal' as const, title: 'other settings' },
    shape: { field: 'series', type: 'nominal' as const, title: 'other settings' },
  } : {};
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title ?? 'accuracy vs parameter', subtitle: 'points: mean over seeds · bars: seed min–max · band: binomial 95 % interval (pooled n)' },
    width,
    height,
    data: { values },
    layer: [
      {
        mark: { type: 'area', opacity: 0.15 },
        encoding: { x, y: { field: 'low', type: 'quantitative', ...percent }, y2: { field: 'high' }, color, detail: { field: 'series' } },
      },
      {
        mark: { type: 'errorbar', ticks: true },
        encoding: { x, y: { field: 'min', type: 'quantitative', ...percent }, y2: { field: 'max' }, color, detail: { field: 'series' } },
      },
      {
        mark: { type: 'line', point: { filled: true, size: 50 } },
        encoding: {
          x, y: { field: 'mean', type: 'quantitative', ...percent }, color, ...seriesEncoding,
          order: { field: 'value', type: 'quantitative' },
          tooltip: [
            { field: 'attack', type: 'nominal' }, { field: 'series', type: 'nominal', title: 'other settings' },
            { field: 'value', type: 'quantitative', title: parameterTitle }, { field: 'mean', type: 'quantitative', format: '.2%' },
            { field: 'min', type: 'quantitative', format: '.2%', title: 'seed min' }, { field: 'max', type: 'quantitative', format: '.2%', title: 'seed max' },
            { field: 'seeds', type: 'quantitative' }, { field: 'n', type: 'quantitative', title: 'n (pooled)' },
          ],
        },
      },
    ],
  };
}
