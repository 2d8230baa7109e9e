import { ChartBaseOptions, ChartSpec, VEGA_LITE_SCHEMA } from './types';

/** One bar of a Table 2 style ablation chart. */
export interface AblationBar {
  /** x category, e.g. 'Natural', 'TRADES', 'MAT', 'MAT+SO', 'MAT+SO+BIBO' */
  defense: string;
  /** bar within the group (colour), e.g. 'Clean', 'PGD' */
  metric: string;
  value: number;
  /** optional panel, e.g. 'CIFAR10' / 'MNIST' (one column per dataset) */
  dataset?: string;
}

export interface AblationBarsOptions extends ChartBaseOptions {
  /** y-axis title; default 'accuracy' */
  valueTitle?: string;
  /** d3 format of the y axis; default '.0%' (values are fractions); use '' for raw numbers (norms) */
  valueFormat?: string;
  /** y scale domain; default [0, 1] when valueFormat is a percent format, else automatic */
  valueDomain?: [number, number];
}

/**
 * Table 2 as grouped bars: one group per defense (in input order), one bar per metric, and one
 * panel per dataset when `dataset` is set.
 */
export function ablationBarsSpec(bars: readonly AblationBar[], options: AblationBarsOptions = {}): ChartSpec {
  const { valueTitle = 'accuracy', valueFormat = '.0%', width, height = 260, title } = options;
  const { valueDomain = valueFormat.endsWith('%') ? ([0, 1] as [number, number]) : undefined } = options;
  const defenses = [...new Set(bars.map((b) => b.defense))];
  const metrics = [...new Set(bars.map((b) => b.metric))];
  const faceted = bars.some((b) => b.dataset !== undefined);
  const values = bars.map((b) => ({ defense: b.defense, metric: b.metric, value: b.value, dataset: b.dataset ?? '' }));
  const encoding = {
    x: { field: 'defense', type: 'nominal' as const, title: 'defense', sort: defenses, axis: { labelAngle: -30 } },
    xOffset: { field: 'metric', type: 'nominal' as const, sort: metrics },
    y: {
      field: 'value',
      type: 'quantitative' as const,
      title: valueTitle,
      ...(valueDomain ? { scale: { domain: valueDomain } } : {}),
      ...(valueFormat ? { axis: { format: valueFormat } } : {}),
    },
    color: { field: 'metric', type: 'nominal' as const, title: 'metric', scale: { domain: metrics } },
    tooltip: [
      { field: 'defense', type: 'nominal' as const },
      { field: 'metric', type: 'nominal' as const },
      { field: 'value', type: 'quantitative' as const, ...(valueFormat ? { format: valueFormat.replace('.0%', '.2%') } : {}) },
    ],
  };
  const size = { width: width ?? Math.max(160, 28 * defenses.length * Math.max(1, metrics.length) / 1.5), height };
  if (!faceted) {
    return { $schema: VEGA_LITE_SCHEMA, ...(title !== undefined ? { title } : {}), data: { values }, ...size, mark: 'bar', encoding };
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title !== undefined ? { title } : {}),
    data: { values },
    facet: { column: { field: 'dataset', type: 'nominal', title: null, sort: [...new Set(values.map((v) => v.dataset))] } },
    spec: { ...size, mark: 'bar', encoding },
    resolve: { scale: { y: valueDomain ? 'shared' : 'independent' } },
  };
}
