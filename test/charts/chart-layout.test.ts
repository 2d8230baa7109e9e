/** Chart layout flaws of issue 23: marks inside the axes, labels clear of paper ticks, opaque legends, dodged curves. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ablationBarsSpec, ablationCurveSpec, accuracyCurveSpec, renderSvg, tsneScatterSpec, type AblationBar } from '../../src/charts';

type Datum = { value: number; lower: number | null; upper: number | null; paper: number | null; labelAt: number; labelTop: number; inside: boolean; labelText: string; flag: string };
const dataOf = (spec: unknown): Datum[] => (spec as { data: { values: Datum[] } }).data.values;
/** The one y domain every layer of a bars spec shares. */
const yDomain = (spec: unknown): [number, number] => {
  const domains = new Set((spec as { layer: Array<{ encoding: { y: { scale: { domain: [number, number] } } } }> }).layer.map((l) => JSON.stringify(l.encoding.y.scale.domain)));
  assert.equal(domains.size, 1, 'one shared y domain');
  return JSON.parse([...domains][0]);
};

// the MNIST Table 2 L2 chart of the cpu profile, in short: the DDN paper value 6.103 is far above every bar
const l2Bars: AblationBar[] = [
  { defense: 'Natural', metric: 'C&W', value: 1.68, lower: 1.58, upper: 1.79, paper: 0.69 },
  { defense: 'AT', metric: 'C&W', value: 3.18, lower: 2.8, upper: 3.58, paper: 0.76 },
  { defense: 'TRADES', metric: 'C&W', value: 3.13, lower: 2.8, upper: 3.46, paper: 0.35 },
  { defense: 'MAT (BIBO)', metric: 'DDN', value: 2.23, lower: 2.06, upper: 2.41, paper: 6.103 },
  { defense: 'MAT (SO)', metric: 'C&W', value: 2.37, lower: 2.25, upper: 2.5, paper: 0.42 },
];

test('bars: the value axis holds every paper value and interval end with a margin (no tick on the frame)', () => {
  const spec = ablationBarsSpec(l2Bars, { valueFormat: '' });
  const [lo, hi] = yDomain(spec);
  assert.equal(lo, 0);
  assert.ok(hi > 6.103 * 1.02, `top ${hi} leaves room above the 6.103 paper tick`);
  // percents: a paper value or an interval at 100 % stays inside too
  const pct = ablationBarsSpec([{ defense: 'A', metric: 'Clean', value: 0.99, lower: 0.985, upper: 1, paper: 1 }, { defense: 'B', metric: 'Clean', value: 0.5 }]);
  assert.ok(yDomain(pct)[1] > 1.02, `percent top ${yDomain(pct)[1]}`);
  // an explicit domain narrower than the data is widened, not clipped
  assert.ok(yDomain(ablationBarsSpec(l2Bars, { valueFormat: '', valueDomain: [0, 4] }))[1] > 6.103);
});

test('bars: a value label never crosses its paper tick or error bar (inside the bar where it fits, else above)', () => {
  const spec = ablationBarsSpec(l2Bars, { valueFormat: '' });
  const [lo, hi] = yDomain(spec);
  const unit = (hi - lo) / 260; // data units per px at the default height
  for (const d of dataOf(spec)) {
    const start = d.labelAt + 4 * unit, end = d.labelTop; // text runs from dx = 4 px above its anchor
    if (d.paper !== null) assert.ok(end <= d.paper - 1.5 * unit || start >= d.paper + 1.5 * unit, `${d.labelText}: [${start}, ${end}] crosses the paper tick ${d.paper}`);
    if (d.inside) assert.ok(end <= (d.lower ?? d.value), `${d.labelText} inside its bar, below the error bar`);
    else assert.ok(start >= (d.upper ?? d.value), `${d.labelText} above its bar and error bar`);
    assert.ok(end < hi, `${d.labelText} inside the frame`);
  }
  // TRADES C&W: the paper tick at 0.35 would cross a label at the bar's foot, so the label starts above it, inside the bar
  const trades = dataOf(spec).find((d) => d.labelText === '3.13')!;
  assert.ok(trades.inside && trades.labelAt > 0.35, JSON.stringify(trades));
});

test('bars: a flag is printed after the value and listed in the tooltip; dots print it beside the dot', async () => {
  const spec = ablationBarsSpec([{ defense: 'MAT (SO)', metric: 'PGD', value: 0.954, flag: '†' }, { defense: 'AT', metric: 'PGD', value: 0.92 }]);
  assert.deepEqual(dataOf(spec).map((d) => d.labelText), ['95.4% †', '92.0%']);
  assert.match(await renderSvg(spec), />95\.4% †</);
  const dots = await renderSvg(ablationBarsSpec([{ defense: 'MAT', metric: 'PGD', value: 0.9, flag: '†' }], { mark: 'point', valueFormat: '.2f', valueDomain: 'fit' }));
  assert.match(dots, />†</);
});

/** The opacity of every legend symbol in a rendered SVG. */
const legendOpacities = (svg: string): number[] => [...svg.matchAll(/role-legend-symbol[^>]*>(.*?)<\/g>/g)]
  .flatMap((m) => [...m[1].matchAll(/opacity="([\d.]+)"/g)].map((o) => Number(o[1])));

test('legends are opaque: the ablation curve (band at 0.15 first), Figure 2, Figure 1 (points at 0.85) and the bars', async () => {
  const points = [0, 0.5, 1].flatMap((value) => ['clean', 'PGD-40'].map((attack) => ({ value, attack, series: '', mean: 0.5, min: 0.4, max: 0.6, seeds: 2, low: 0.45, high: 0.55, n: 1000 })));
  const curve = legendOpacities(await renderSvg(ablationCurveSpec(points)));
  assert.equal(curve.length, 2);
  assert.deepEqual(curve, [1, 1]);
  const fig2 = legendOpacities(await renderSvg(accuracyCurveSpec([0, 0.1].flatMap((epsilon) => ['A', 'B'].map((model) => ({ model, epsilon, accuracy: 0.9, lower: 0.85, upper: 0.95 }))))));
  assert.ok(fig2.length >= 2 && fig2.every((o) => o === 1), `figure 2 legend opacities ${fig2}`);
  const tsne = legendOpacities(await renderSvg(tsneScatterSpec([0, 1, 2].flatMap((i) => (['clean', 'adversarial'] as const).map((set) => ({ x: i, y: i * i, set, label: i, predicted: (i + 1) % 3 }))))));
  assert.ok(tsne.length >= 5 && tsne.every((o) => o === 1), `t-SNE legend opacities ${tsne} (its points are at 0.85)`);
  const bars = legendOpacities(await renderSvg(ablationBarsSpec(l2Bars, { valueFormat: '' })));
  assert.ok(bars.length >= 2 && bars.every((o) => o === 1), `bars legend opacities ${bars}`);
});

test('Figure 2: identical curves are dodged along ε (each model its own x), the tooltip keeps the true ε', () => {
  const models = ['Natural', 'MAT (SO)', 'MAT (SO+BIBO)'];
  const spec = accuracyCurveSpec([0, 0.1, 0.2].flatMap((epsilon) => models.map((model) => ({ model, epsilon, accuracy: 0.97 }))));
  const values = (spec as unknown as { data: { values: Array<{ model: string; epsilon: number; plotEpsilon: number }> } }).data.values;
  for (const e of [0, 0.1, 0.2]) {
    const xs = values.filter((v) => v.epsilon === e).map((v) => v.plotEpsilon);
    assert.equal(new Set(xs).size, 3, `three distinct x at ε = ${e}`);
    assert.ok(Math.max(...xs) - Math.min(...xs) <= 0.5 * 0.1, 'the dodge stays well inside the ε gap');
    assert.ok(Math.abs(xs.reduce((s, x) => s + x, 0) / 3 - e) < 1e-12, 'centred on the true ε');
  }
  const single = accuracyCurveSpec([{ model: 'a', epsilon: 0.1, accuracy: 1 }]);
  assert.equal((single as unknown as { data: { values: Array<{ plotEpsilon: number }> } }).data.values[0].plotEpsilon, 0.1, 'one model: no dodge');
});
