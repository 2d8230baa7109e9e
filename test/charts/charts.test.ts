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

test('accuracy-vs-ε curves: one line per model, one point per measurement', async () => {
  const eps = [0, 0.1, 0.2, 0.3];
  const models = ['Natural', 'TRADES', 'MAT'];
  const pts = models.flatMap((model, m) => eps.map((epsilon) => ({ model, epsilon, accuracy: Math.max(0, 1 - epsilon * (3 - m)) })));
  const { svg, warnings } = await renderSvgWithLog(accuracyCurveSpec(pts, { title: 'Figure 2' }));
  assert.deepEqual(warnings, []);
  assert.deepEqual(countMarks(svg), { line: 3, symbol: 12 });
  assert.match(svg, /Figure 2/);
  const scaled = accuracyCurveSpec([{ model: 'a', epsilon: 8 / 255, accuracy: 0.5 }], { epsilonMultiplier: 255 });
  assert.ok(Math.abs((scaled as { data: { values: Array<{ epsilon: number }> } }).data.values[0].epsilon - 8) < 1e-12);
});

test('ablation grouped bars: one rect per (dataset, defense, metric), one panel per dataset', async () => {
  const defenses = ['Natural', 'AT', 'TRADES', 'MAT', 'MAT+BIBO', 'MAT+SO', 'MAT+SO+BIBO'];
  const bars = ['CIFAR10', 'MNIST'].flatMap((dataset) =>
    defenses.flatMap((defense, i) => ['Clean', 'PGD'].map((metric) => ({ dataset, defense, metric, value: (i + 1) / 8 }))),
  );
  const { svg, warnings } = await renderSvgWithLog(ablationBarsSpec(bars));
  assert.deepEqual(warnings, []);
  assert.deepEqual(countMarks(svg), { rect: 28 });
  assert.match(svg, /CIFAR10/);
  assert.match(svg, /MNIST/);
  const single = await renderSvg(ablationBarsSpec(bars.filter((b) => b.dataset === 'MNIST').map(({ dataset: _d, ...b }) => b), { valueFormat: '' }));
  assert.deepEqual(countMarks(single), { rect: 14 });
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
  const bundle = await displayChart(spec, { sink: (c, u) => sent.push([c, u]) });
  assert.equal(sent.length, 1);
  const [content, update] = sent[0];
  assert.equal(update, false);
  assert.deepEqual(Object.keys(content.data).sort(), ['application/vnd.vegalite.v5+json', 'image/svg+xml', 'text/plain']);
  assert.match(content.data['image/svg+xml'] as string, /^<svg/);
  assert.equal(content.data['application/vnd.vegalite.v5+json'], spec);
  assert.deepEqual(bundle, await chartMimeBundle(spec));
  // outside a tslab kernel there is no writer: displayChart refuses instead of printing
  assert.equal(tslabDisplaySink(), undefined);
  await assert.rejects(displayChart(spec), /no tslab kernel/);
});
