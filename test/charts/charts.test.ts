import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ablationBarsSpec,
  accuracyCurveSpec,
  chartMimeBundle,
  compileToVega,
  displayChart,
  DisplayDataContent,
  renderSvg,
  renderSvgWithLog,
  tslabDisplaySink,
  TsnePoint,
  tsneScatterSpec,
} from '../../src/charts';
import { countMarks } from './svg-marks';

const points: TsnePoint[] = Array.from({ length: 24 }, (_, i) => ({
  x: Math.cos(i),
  y: Math.sin(i * 1.3),
  set: i < 14 ? 'clean' : 'adversarial',
  label: i % 4,
  predicted: (i + (i >= 14 ? 1 : 0)) % 4,
}));

type Row = { set: string; colour: string; label: string; predicted: string };
const rowsOf = (spec: object): Row[] => (spec as { data: { values: Row[] } }).data.values;

test('Figure 1 scatter: clean circles by prediction; triangles by label (a) or prediction (b); one symbol per point', async () => {
  for (const adversarialColor of ['label', 'predicted'] as const) {
    const spec = tsneScatterSpec(points, { adversarialColor, classNames: ['zero', 'one', 'two', 'three'] });
    const rows = rowsOf(spec);
    for (const r of rows) {
      const expected = r.set === 'clean' || adversarialColor === 'predicted' ? r.predicted : r.label;
      assert.equal(r.colour, expected);
    }
    assert.ok(rows.findIndex((r) => r.set === 'adversarial') > rows.map((r) => r.set).lastIndexOf('clean'), 'clean drawn first');
    const { svg, warnings } = await renderSvgWithLog(spec);
    assert.deepEqual(warnings, []);
    assert.deepEqual(countMarks(svg), { symbol: points.length });
    const shapes = [...svg.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/g)][0][1];
    // triangle-up paths and circle paths (arcs) differ: count the circles
    assert.equal((shapes.match(/<path[^>]*d="M[^"]*A/g) ?? []).length, 14);
  }
  assert.throws(() => tsneScatterSpec(points, { adversarialColor: 'true' as 'label' }), RangeError);
});

test('accuracy-vs-ε curves: one line per model told apart by dash and marker shape, error bars, axis units', async () => {
  const eps = [0, 0.1, 0.2, 0.3];
  const models = ['Natural', 'TRADES', 'MAT'];
  const pts = models.flatMap((model, m) => eps.map((epsilon) => ({ model, epsilon, accuracy: Math.max(0, 1 - epsilon * (3 - m)) })));
  const { svg, warnings } = await renderSvgWithLog(accuracyCurveSpec(pts, { title: 'Figure 2', subtitle: 'n = 200' }));
  assert.deepEqual(warnings, []);
  assert.deepEqual(countMarks(svg), { line: 3, symbol: 12 });
  assert.match(svg, /Figure 2/);
  assert.match(svg, /n = 200/);
  assert.match(svg, /ε \(L∞, pixels in \[0, 1\]\)/);
  // three distinct dash patterns (the first solid) and three distinct marker paths
  const linePaths = [...svg.matchAll(/<g class="mark-line[^"]*"[^>]*>(.*?)<\/g>/g)].flatMap((m) => m[1].match(/<path[^>]*>/g) ?? []);
  const dashes = new Set(linePaths.map((p) => /stroke-dasharray="([^"]*)"/.exec(p)?.[1] ?? 'none'));
  assert.equal(dashes.size, 3);
  const symbols = [...svg.matchAll(/<g class="mark-symbol role-mark[^"]*"[^>]*>(.*?)<\/g>/g)][0][1];
  const shapePaths = new Set([...symbols.matchAll(/<path[^>]*d="([^"]*)"/g)].map((d) => d[1].replace(/[-\d.]+/g, '#')));
  assert.equal(shapePaths.size, 3, 'one marker shape per model');
  // with intervals: one error bar per point that has one
  const withCi = pts.map((p, i) => (i % 2 ? { ...p, lower: Math.max(0, p.accuracy - 0.05), upper: Math.min(1, p.accuracy + 0.05), n: 200 } : p));
  const ci = await renderSvgWithLog(accuracyCurveSpec(withCi));
  assert.deepEqual(ci.warnings, []);
  assert.deepEqual(countMarks(ci.svg), { rule: 6, line: 3, symbol: 12 });
  const scaled = accuracyCurveSpec([{ model: 'a', epsilon: 8 / 255, accuracy: 0.5 }], { epsilonMultiplier: 255 });
  assert.ok(Math.abs((scaled as { data: { values: Array<{ epsilon: number }> } }).data.values[0].epsilon - 8) < 1e-12);
  assert.match(await renderSvg(scaled), /ε × 255 \(L∞, pixels in \[0, 255\]\)/);
});

const texts = (svg: string): string[] => [...svg.matchAll(/<g class="mark-text role-mark[^"]*"[^>]*>(.*?)<\/g>/g)]
  .flatMap((m) => [...m[1].matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => t[1]));

test('ablation grouped bars: one rect per (dataset, defense, metric), one panel per dataset, a value label on every bar', async () => {
  const defenses = ['Natural', 'AT', 'TRADES', 'MAT', 'MAT+BIBO', 'MAT+SO', 'MAT+SO+BIBO'];
  const bars = ['CIFAR10', 'MNIST'].flatMap((dataset) =>
    defenses.flatMap((defense, i) => ['Clean', 'PGD'].map((metric) => ({ dataset, defense, metric, value: metric === 'PGD' && i === 3 ? 0 : (i + 1) / 8 }))),
  );
  const { svg, warnings } = await renderSvgWithLog(ablationBarsSpec(bars));
  assert.deepEqual(warnings, []);
  assert.equal(countMarks(svg).rect, 28);
  assert.match(svg, /CIFAR10/);
  assert.match(svg, /MNIST/);
  // a zero-height bar is still seen: its label reads 0.0%
  const labels = texts(svg);
  assert.equal(labels.length, 28);
  assert.equal(labels.filter((t) => t === '0.0%').length, 2);
  const single = await renderSvg(ablationBarsSpec(bars.filter((b) => b.dataset === 'MNIST').map(({ dataset: _d, ...b }) => b), { valueFormat: '' }));
  assert.equal(countMarks(single).rect, 14);
  assert.ok(texts(single).includes('0.00'));
});

test('ablation bars: error bars where a bar has an interval, paper lines where given, sizes in the subtitle', async () => {
  const bars = [
    { defense: 'TRADES', metric: 'PGD', value: 0.74, lower: 0.70, upper: 0.78, n: 500, paper: 0.9438 },
    { defense: 'TRADES', metric: 'Adaptive', value: 0.74, lower: 0.70, upper: 0.78, n: 500 },
    { defense: 'MAT', metric: 'PGD', value: 0, lower: 0, upper: 0.0076, n: 500, paper: 0.7679 },
    { defense: 'MAT', metric: 'Adaptive', value: 0.03 },
  ];
  const { svg, warnings } = await renderSvgWithLog(ablationBarsSpec(bars, { title: 'Table 4', subtitle: 'n = 500' }));
  assert.deepEqual(warnings, []);
  const marks = countMarks(svg);
  assert.equal(marks.rule, 3, 'one error bar per bar with an interval');
  const rectGroups = [...svg.matchAll(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/g)].map((m) => (m[1].match(/<path\b/g) ?? []).length);
  assert.deepEqual(rectGroups, [4, 2], 'four bars, then two paper lines (ticks)');
  assert.match(svg, /n = 500/);
});

test('ablation dots with a fitted axis: Table 5 style mean ± std far from zero', async () => {
  const bars = ['MAT', 'MAT+SO'].flatMap((defense) => ['Clean', 'PGD'].map((metric, j) => ({ defense, metric, value: 0.97 - 0.02 * j, lower: 0.95 - 0.02 * j, upper: 0.99 - 0.02 * j })));
  const spec = ablationBarsSpec(bars, { valueFormat: '.2f', valueDomain: 'fit', mark: 'point' });
  const { svg, warnings } = await renderSvgWithLog(spec);
  assert.deepEqual(warnings, []);
  assert.deepEqual(countMarks(svg), { symbol: 4, rule: 4 });
  const domain = JSON.stringify(spec).match(/"domain":\[([-\d.e]+),([-\d.e]+)\]/);
  assert.ok(domain && Number(domain[1]) > 0.9 && Number(domain[2]) <= 1.01, `fitted domain, got ${domain?.[0]}`);
});

test('every spec compiles to Vega', () => {
  const specs = [
    tsneScatterSpec(points),
    accuracyCurveSpec([{ model: 'a', epsilon: 0, accuracy: 1 }]),
    ablationBarsSpec([{ defense: 'MAT', metric: 'PGD', value: 0.8 }]),
  ];
  for (const s of specs) {
    const vg = compileToVega(s);
    assert.ok(Array.isArray(vg.marks) && vg.marks.length > 0);
  }
});

test('displayChart sends ONE display_data carrying SVG + Vega-Lite (+ text) to the sink', async () => {
  const sent: Array<[DisplayDataContent, boolean]> = [];
  const spec = accuracyCurveSpec([{ model: 'a', epsilon: 0, accuracy: 1 }, { model: 'a', epsilon: 1, accuracy: 0.5 }], { title: 'curve' });
  // png: false — the PNG (chromium) is covered by export.test.ts
  const bundle = await displayChart(spec, { sink: (c, u) => sent.push([c, u]), png: false });
  assert.equal(sent.length, 1);
  const [content, update] = sent[0];
  assert.equal(update, false);
  assert.deepEqual(Object.keys(content.data).sort(), ['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']);
  assert.match(content.data['image/svg+xml'] as string, /^<svg/);
  assert.equal(content.data['application/vnd.vegalite.v5+json'], spec);
  assert.deepEqual(bundle, await chartMimeBundle(spec, { png: false }));
  assert.equal(content.data['text/plain'], '<Vega-Lite chart: curve>', 'the title, not "[object Object]"');
  // outside a tslab kernel there is no writer: displayChart refuses instead of printing
  assert.equal(tslabDisplaySink(), undefined);
  await assert.rejects(displayChart(spec), /no tslab kernel/);
});
