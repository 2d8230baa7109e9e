import { sansTextWidth } from './text-metrics';
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
  /** a mark printed after the value label, e.g. '†' for a sanity check that fired (the subtitle says what it means) */
  flag?: string;
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

/** A number as the label format would print it (for label sizes only; vega prints the label itself). */
function formatted(v: number, format: string): string {
  const m = /^\.(\d+)([f%])$/.exec(format);
  if (!m) return Number(v.toPrecision(4)).toString();
  return m[2] === '%' ? `${(100 * v).toFixed(Number(m[1]))}%` : v.toFixed(Number(m[1]));
}

/** Label font size in px, its offset from its anchor, and the clearance kept to error bars and paper ticks. */
const LABEL_FONT = 9, LABEL_DX = 4, CLEARANCE_PX = 3;
/** Half the thickness of the paper tick in px. */
const TICK_HALF_PX = 1.5;

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

interface PlacedValue { value: number; lower: number | null; upper: number | null; paper: number | null; labelText: string }

/**
 * Where a bar's value label starts (data units) and whether it sits inside the bar (white) or above it (dark):
 * at the bar's foot when it fits there clear of the paper tick and the error bar, else just above the paper
 * tick inside the bar, else above the bar and its error bar, else above the paper tick too. `unit` = data
 * units per px.
 */
function placeLabel(v: PlacedValue, base: number, unit: number): { labelAt: number; inside: boolean; labelTop: number } {
  const len = (LABEL_DX + sansTextWidth(v.labelText, LABEL_FONT)) * unit, gap = CLEARANCE_PX * unit;
  const tick = v.paper === null ? null : [v.paper - TICK_HALF_PX * unit - gap, v.paper + TICK_HALF_PX * unit + gap] as const;
  const clearOfTick = (start: number) => tick === null || start + len <= tick[0] || start + LABEL_DX * unit >= tick[1];
  const insideTop = Math.min(v.value, v.lower ?? v.value) - gap; // below the bar's top and its error bar
  for (const start of [base, ...(tick ? [tick[1] - LABEL_DX * unit] : [])]) {
    if (start >= base && start + len <= insideTop && clearOfTick(start)) return { labelAt: start, inside: true, labelTop: start + len };
  }
  const top = Math.max(v.value, v.upper ?? v.value);
  const start = clearOfTick(top) ? top : Math.max(top, tick![1] - LABEL_DX * unit);
  return { labelAt: start, inside: false, labelTop: start + len };
}

/**
 * Table 2 style grouped bars: one group per defense (in input order), one bar (or dot) per metric, one panel
 * per dataset when `dataset` is set; error bars where a bar carries an interval, the paper's value as a black
 * line across our bar where given, and the value printed on each bar (with its `flag`, e.g. '†') so a zero is
 * still seen. The value axis always spans every value, interval end, paper value and label, so no mark meets
 * or crosses the frame.
 */
export function ablationBarsSpec(bars: readonly AblationBar[], options: AblationBarsOptions = {}): ChartSpec {
  const { valueTitle = 'accuracy', valueFormat = '.0%', height = 260, mark = 'bar' } = options;
  const { valueLabels = mark === 'bar' } = options;
  const percent = valueFormat.endsWith('%');
  const defenses = [...new Set(bars.map((b) => b.defense))];
  const metrics = [...new Set(bars.map((b) => b.metric))];
  const faceted = bars.some((b) => b.dataset !== undefined);
  const format = labelFormat(valueFormat);
  const values = bars.map((b) => ({
    defense: b.defense, metric: b.metric, value: b.value, dataset: b.dataset ?? '',
    lower: b.lower ?? null, upper: b.upper ?? null, paper: b.paper ?? null, n: b.n ?? null, flag: b.flag ?? '',
    labelText: `${formatted(b.value, format)}${b.flag ? ` ${b.flag}` : ''}`,
  }));
  // the data's extent: values, interval ends and paper values (a tick or error bar at the very edge of the
  // frame reads as clipped: the 6.103 DDN paper value once sat on the top border)
  const ends = values.flatMap((v) => [v.value, v.lower, v.upper, v.paper]).filter((x): x is number => x !== null && Number.isFinite(x));
  const dataMax = Math.max(0, ...ends);
  let domain: [number, number];
  if (options.valueDomain === 'fit') domain = fittedDomain(values, percent);
  else if (options.valueDomain) domain = [options.valueDomain[0], Math.max(options.valueDomain[1], dataMax)];
  else if (percent) domain = [0, Math.max(1, dataMax)];
  else domain = [Math.min(0, ...ends), dataMax > 0 ? dataMax : 1];
  // labels: placed in data units at the scale the chart will have; the axis grows to hold the highest
  // (two passes: growing the axis shrinks the labels' extent in data units)
  // a margin above the highest value, interval end or paper tick, so none sits on the frame
  let top = mark === 'bar' ? domain[1] + 0.04 * (domain[1] - domain[0]) : domain[1];
  let labelled = values.map((v) => ({ ...v, labelAt: v.value, inside: false, labelTop: v.value }));
  if (valueLabels) {
    for (let pass = 0; pass < 2; pass++) {
      const unit = (top - domain[0]) / height;
      labelled = values.map((v) => ({ ...v, ...placeLabel(v, domain[0], unit) }));
      top = Math.max(top, ...labelled.map((v) => v.labelTop + CLEARANCE_PX * unit));
    }
  }
  const scaleDomain = [domain[0], top];
  const axis = {
    ...(valueFormat ? { format: valueFormat } : {}),
    ...(percent && mark === 'bar' ? { values: [0, 0.2, 0.4, 0.6, 0.8, 1].filter((t) => t >= domain[0] && t <= domain[1]) } : {}),
  };
  const y = (field: string) => ({
    field, type: 'quantitative' as const, title: valueTitle,
    scale: { domain: scaleDomain, zero: mark === 'bar', nice: false },
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
    ...(values.some((v) => v.flag) ? [{ field: 'flag', type: 'nominal' as const, title: 'flag' }] : []),
  ];
  const shared = {
    x: { field: 'defense', type: 'nominal' as const, title: 'defense', sort: defenses, axis: { labelAngle: -30 } },
    xOffset: { field: 'metric', type: 'nominal' as const, sort: metrics, scale: { paddingInner: 0.08 } },
  };
  const color = { field: 'metric', type: 'nominal' as const, title: 'metric', scale: { domain: metrics }, legend: { symbolOpacity: 1 } };
  // the paper's value: a black line across the bar (drawn over the bars, under the dots so a dot on it shows)
  const paperLayer = values.some((v) => v.paper !== null) ? [{
    transform: [{ filter: 'datum.paper !== null' }],
    mark: { type: 'tick' as const, color: 'black', thickness: 2 * TICK_HALF_PX, opacity: 1 },
    encoding: { y: y('paper') },
  }] : [];
  const layer = [
    ...(mark === 'point' ? paperLayer : []),
    mark === 'bar'
      ? { mark: { type: 'bar' as const }, encoding: { y: y('value'), color, tooltip } }
      : { mark: { type: 'point' as const, filled: true, size: 70, opacity: 1 }, encoding: { y: y('value'), color, tooltip } },
    ...(values.some((v) => v.lower !== null && v.upper !== null) ? [{
      transform: [{ filter: 'datum.lower !== null && datum.upper !== null' }],
      mark: { type: 'rule' as const, strokeWidth: 1.5, color: mark === 'bar' ? '#222' : undefined },
      encoding: { y: y('lower'), y2: { field: 'upper' }, ...(mark === 'bar' ? {} : { color }) },
    }] : []),
    // value labels, upright along the bar: inside it (white) where they fit clear of the paper tick and the
    // error bar, else above it (dark) — so a label never meets either, and a zero still reads '0.0%'
    ...(valueLabels ? (['inside', 'above'] as const).filter((where) => labelled.some((v) => v.inside === (where === 'inside'))).map((where) => ({
      transform: [{ filter: where === 'inside' ? 'datum.inside' : '!datum.inside' }],
      mark: { type: 'text' as const, angle: 270, align: 'left' as const, baseline: 'middle' as const, dx: LABEL_DX, fontSize: LABEL_FONT,
        color: where === 'inside' ? 'white' : '#333' },
      encoding: { y: y('labelAt'), text: { field: 'labelText', type: 'nominal' as const } },
    })) : []),
    // without value labels (dots), a flag is printed right of its dot
    ...(!valueLabels && values.some((v) => v.flag) ? [{
      transform: [{ filter: "datum.flag !== ''" }],
      mark: { type: 'text' as const, align: 'left' as const, baseline: 'middle' as const, dx: 6, fontSize: 11, fontWeight: 'bold' as const, color: '#b00' },
      encoding: { y: y('value'), text: { field: 'flag', type: 'nominal' as const } },
    }] : []),
    ...(mark === 'bar' ? paperLayer : []),
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
    resolve: { scale: { y: 'shared' } },
  } as ChartSpec;
}
