import { ChartBaseOptions, ChartSpec, titleOf, VEGA_LITE_SCHEMA } from './types';

/** One bar of a Table 2 style ablation chart. */
export interface AblationBar {
  /** x category, e.g. 'Natural', 'TRADES', 'MAT', 'MAT+SO', 'MAT+SO+BIBO' */
  defense: string;
  /** bar within the group (colour), e.g. 'Clean', 'PGD' */
  metric: string;
  value: number;
  /** optional panel, e.g. 'CIFAR10' / 'MNIST' (one column per dataset) */
  dataset?: string;
  /** interval around the value (a binomial interval, mean ± std, …), drawn as an error bar when both are set */
  lower?: number;
  upper?: number;
  /** the paper's value for the same cell, drawn as a black line across our bar ({@link PAPER_MARK_NOTE}) */
  paper?: number;
  /** sample size behind the value (shown in the tooltip) */
  n?: number;
}

export interface AblationBarsOptions extends ChartBaseOptions {
  /** y-axis title with its unit; default 'accuracy' */
  valueTitle?: string;
  /** d3 format of the y axis; default '.0%' (values are fractions); use '' for raw numbers (norms) */
  valueFormat?: string;
  /**
   * y scale domain; default [0, 1] for a percent format, else from zero to the data. 'fit' spans the data
   * (values, intervals, paper values) with a margin — use it with `mark: 'point'`, where no bar has to start at 0.
   */
  valueDomain?: [number, number] | 'fit';
  /** 'bar' (default) or 'point' (a dot with its error bar: for values far from zero, e.g. cosines near 1) */
  mark?: 'bar' | 'point';
  /** print each value above its bar (keeps zero-height bars visible); default true for bars */
  valueLabels?: boolean;
}

/** How a chart's subtitle names the paper markers of {@link ablationBarsSpec}. */
export const PAPER_MARK_NOTE = "black line: the paper's value";

/** d3 format of a value label: one decimal more than the axis for percents, 2 decimals for raw numbers. */
const labelFormat = (axis: string) => (axis.endsWith('%') ? '.1%' : axis === '' ? '.2f' : axis);

/** [lo, hi] covering every value, interval end and paper value, with a 10 % margin (inside [0, 1] for percents). */
function fittedDomain(values: ReadonlyArray<{ value: number; lower: number | null; upper: number | null; paper: number | null }>, percent: boolean): [number, number] {
  const all = values.flatMap((v) => [v.value, v.lower, v.upper, v.paper]).filter((x): x is number => x !== null && Number.isFinite(x));
  if (all.length === 0) return [0, 1];
  let lo = Math.min(...all), hi = Math.max(...all);
  const pad = Math.max((hi - lo) * 0.1, 1e-3);
  lo -= pad; hi += pad;
  if (percent) { lo = Math.max(0, lo); hi = Math.min(1, hi); }
  return [lo, hi];
}

/**
 * Table 2 style grouped bars: one group per defense (in input order), one bar (or dot) per metric, one panel
 * per dataset when `dataset` is set; error bars where a bar carries an interval, the paper's value as a black
 * line across our bar where given, and the value printed above each bar so a zero is still seen.
 */
export function ablationBarsSpec(bars: readonly AblationBar[], options: AblationBarsOptions = {}): ChartSpec {
  const { valueTitle = 'accuracy', valueFormat = '.0%', height = 260, mark = 'bar' } = options;
  const { valueLabels = mark === 'bar' } = options;
  const percent = valueFormat.endsWith('%');
  const defenses = [...new Set(bars.map((b) => b.defense))];
  const metrics = [...new Set(bars.map((b) => b.metric))];
  const faceted = bars.some((b) => b.dataset !== undefined);
  const values = bars.map((b) => ({
    defense: b.defense, metric: b.metric, value: b.value, dataset: b.dataset ?? '',
    lower: b.lower ?? null, upper: b.upper ?? null, paper: b.paper ?? null, n: b.n ?? null,
    // labels sit above the error bar, so they never cross it
    labelAt: Math.max(b.value, b.upper ?? b.value),
  }));
  const domain = options.valueDomain === 'fit' ? fittedDomain(values, percent) : options.valueDomain ?? (percent ? [0, 1] : undefined);
  // a label fits inside a bar that spans at least a fifth of the axis
  const span = domain ?? [0, Math.max(0, ...values.flatMap((v) => [v.labelAt, v.paper ?? 0]))];
  const labelled = values.map((v) => ({ ...v, base: span[0], tall: v.value - span[0] >= 0.2 * (span[1] - span[0]) }));
  // room above the top of the axis for the labels of full bars
  const scaleDomain = domain && valueLabels ? [domain[0], domain[1] + (domain[1] - domain[0]) * 0.14] : domain;
  const axis = {
    ...(valueFormat ? { format: valueFormat } : {}),
    ...(domain && valueLabels && percent ? { values: [0, 0.2, 0.4, 0.6, 0.8, 1].filter((t) => t >= domain[0] && t <= domain[1]) } : {}),
  };
  const y = (field: string) => ({
    field, type: 'quantitative' as const, title: valueTitle,
    scale: { ...(scaleDomain ? { domain: scaleDomain } : {}), zero: mark === 'bar', nice: false },
    axis,
  });
  const fmt = valueFormat ? { format: valueFormat.replace('.0%', '.2%') } : {};
  const tooltip = [
    { field: 'defense', type: 'nominal' as const },
    { field: 'metric', type: 'nominal' as const },
    { field: 'value', type: 'quantitative' as const, ...fmt },
    { field: 'lower', type: 'quantitative' as const, title: 'interval from', ...fmt },
    { field: 'upper', type: 'quantitative' as const, title: 'to', ...fmt },
    { field: 'paper', type: 'quantitative' as const, title: 'the paper', ...fmt },
    { field: 'n', type: 'quantitative' as const, title: 'n' },
  ];
  const shared = {
    x: { field: 'defense', type: 'nominal' as const, title: 'defense', sort: defenses, axis: { labelAngle: -30 } },
    xOffset: { field: 'metric', type: 'nominal' as const, sort: metrics, scale: { paddingInner: 0.08 } },
  };
  const color = { field: 'metric', type: 'nominal' as const, title: 'metric', scale: { domain: metrics } };
  const layer = [
    mark === 'bar'
      ? { mark: { type: 'bar' as const }, encoding: { y: y('value'), color, tooltip } }
      : { mark: { type: 'point' as const, filled: true, size: 70, opacity: 1 }, encoding: { y: y('value'), color, tooltip } },
    ...(values.some((v) => v.lower !== null && v.upper !== null) ? [{
      transform: [{ filter: 'datum.lower !== null && datum.upper !== null' }],
      mark: { type: 'rule' as const, strokeWidth: 1.5, color: mark === 'bar' ? '#222' : undefined },
      encoding: { y: y('lower'), y2: { field: 'upper' }, ...(mark === 'bar' ? {} : { color }) },
    }] : []),
    // value labels, upright along the bar: inside its foot (white) when the bar is tall enough, else just
    // above it (dark) — so they never meet the error bar or the paper marker above a bar, and a zero still reads '0.0%'
    ...(valueLabels ? (['inside', 'above'] as const).filter((where) => labelled.some((v) => v.tall === (where === 'inside'))).map((where) => ({
      transform: [{ filter: where === 'inside' ? 'datum.tall' : '!datum.tall' }],
      mark: { type: 'text' as const, angle: 270, align: 'left' as const, baseline: 'middle' as const, dx: 4, fontSize: 9,
        color: where === 'inside' ? 'white' : '#333' },
      encoding: { y: where === 'inside' ? y('base') : y('labelAt'), text: { field: 'value', type: 'quantitative' as const, format: labelFormat(valueFormat) } },
    })) : []),
    // the paper's value: a black line across the bar (a label crossing a thin line stays readable)
    ...(values.some((v) => v.paper !== null) ? [{
      transform: [{ filter: 'datum.paper !== null' }],
      mark: { type: 'tick' as const, color: 'black', thickness: 2.5, opacity: 1 },
      encoding: { y: y('paper') },
    }] : []),
  ];
  const perGroup = Math.max(1, metrics.length);
  const size = { width: options.width ?? Math.max(200, 20 * defenses.length * perGroup + 14 * defenses.length), height };
  const body = { ...size, encoding: shared, layer };
  if (!faceted) return { $schema: VEGA_LITE_SCHEMA, ...titleOf(options), data: { values: labelled }, ...body } as ChartSpec;
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...titleOf(options),
    data: { values: labelled },
    facet: { column: { field: 'dataset', type: 'nominal', title: null, sort: [...new Set(values.map((v) => v.dataset))] } },
    spec: body,
    resolve: { scale: { y: domain ? 'shared' : 'independent' } },
  } as ChartSpec;
}
