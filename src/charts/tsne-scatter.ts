import { ChartBaseOptions, ChartSpec, VEGA_LITE_SCHEMA } from './types';

/** One embedded feature vector (plain data; `analysis/embedCleanAndAdversarial` returns these). */
export interface TsnePoint {
  x: number;
  y: number;
  set: 'clean' | 'adversarial';
  /** true label */
  label: number;
  /** predicted class */
  predicted: number;
}

export interface TsneScatterOptions extends ChartBaseOptions {
  /**
   * what colours the adversarial triangles: 'label' = Figure 1 (a), true labels; 'predicted' =
   * Figure 1 (b), predicted classes. Clean points are always coloured by predicted class. Default 'label'.
   */
  adversarialColor?: 'label' | 'predicted';
  /** display name per class index (legend); default the index */
  classNames?: readonly string[];
  /** area of a clean circle in px² (triangles get twice it); default 30 */
  pointSize?: number;
}

const ADVERSARIAL_COLOR: Record<'label' | 'predicted', keyof TsnePoint> = { label: 'label', predicted: 'predicted' };

/**
 * Figure 1: t-SNE of clean features (circles, coloured by predicted class) and adversarial
 * features (triangles, coloured by true label (a) or predicted class (b)). One point mark, clean
 * points drawn first so the triangles stay visible.
 */
export function tsneScatterSpec(points: readonly TsnePoint[], options: TsneScatterOptions = {}): ChartSpec {
  const { adversarialColor = 'label', classNames, pointSize = 30, width = 420, height = 420, title } = options;
  const advField = ADVERSARIAL_COLOR[adversarialColor];
  if (advField === undefined) throw new RangeError(`unknown adversarialColor: ${String(adversarialColor)} (use 'label' or 'predicted')`);
  const name = (c: number): string => classNames?.[c] ?? String(c);
  const ordered = [...points.filter((p) => p.set === 'clean'), ...points.filter((p) => p.set === 'adversarial')];
  const values = ordered.map((p) => ({
    x: p.x,
    y: p.y,
    set: p.set,
    label: name(p.label),
    predicted: name(p.predicted),
    colour: name(p.set === 'clean' ? p.predicted : (p[advField] as number)),
    area: p.set === 'clean' ? pointSize : 2 * pointSize,
  }));
  const classes = [...new Set(ordered.flatMap((p) => [p.label, p.predicted]))].sort((a, b) => a - b).map(name);
  const colourTitle = adversarialColor === 'label' ? ['clean: predicted class', 'adversarial: true label'] : 'predicted class';
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...(title !== undefined ? { title } : {}),
    width,
    height,
    data: { values },
    mark: { type: 'point', filled: true, opacity: 0.85 },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: 't-SNE 1', scale: { zero: false }, axis: { labels: false, ticks: false } },
      y: { field: 'y', type: 'quantitative', title: 't-SNE 2', scale: { zero: false }, axis: { labels: false, ticks: false } },
      color: {
        field: 'colour',
        type: 'nominal',
        title: colourTitle,
        scale: { domain: classes, scheme: 'category10' },
        legend: { titleLimit: 400, symbolOpacity: 1 }, // the points are at 0.85; their legend stays opaque
      },
      shape: {
        field: 'set',
        type: 'nominal',
        title: 'data',
        scale: { domain: ['clean', 'adversarial'], range: ['circle', 'triangle-up'] },
        legend: { symbolOpacity: 1 },
      },
      // triangles drawn twice the area of circles so adversarial points stay visible
      size: { field: 'area', type: 'quantitative', scale: null, legend: null },
      tooltip: [
        { field: 'set', type: 'nominal' },
        { field: 'label', type: 'nominal', title: 'true label' },
        { field: 'predicted', type: 'nominal', title: 'predicted' },
      ],
    },
  };
}
