/** The paper's charts from step results: intervals with their n, paper values, rows without a value named, Table 3 split. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  datasetBudget, minimizationSteps, mmcComparisonSteps, table2Charts, table3Frames, table5Chart, tablePgdStep, timedPart,
  type ExperimentResults, type FixedEpsilonOutcome, type MinimizationOutcome,
} from '../../src/experiments';
import { wilsonInterval } from '../../src/eval';

type ChartValue = { defense: string; metric: string; value: number; lower: number | null; upper: number | null; paper: number | null; n: number | null };
const valuesOf = (spec: unknown): ChartValue[] => (spec as { data: { values: ChartValue[] } }).data.values;
const subtitleOf = (spec: unknown): string => [(spec as { title: { subtitle: string | string[] } }).title.subtitle].flat().join('\n');

const fixedOutcome = (robust: number, examples: number): FixedEpsilonOutcome => ({
  kind: 'fixed-epsilon', examples, cleanAccuracy: 1, robustAccuracy: robust / examples,
  robust: '1'.repeat(robust) + '0'.repeat(examples - robust), warnings: [], seconds: 0,
});
const minimizationOutcome = (l2: Array<number | null>): MinimizationOutcome => {
  const found = l2.filter((v): v is number => v !== null);
  return {
    kind: 'minimization', examples: l2.length, attacked: l2.length, successRate: found.length / l2.length,
    meanL2: found.length ? found.reduce((s, v) => s + v, 0) / found.length : (null as unknown as number),
    medianL2: NaN, l2, warnings: [], seconds: 0,
  } as MinimizationOutcome;
};

test('Table 2 charts: Wilson intervals with their n, the paper beside ours, an MMC without adversarials named', () => {
  const budget = datasetBudget('cpu', 'mnist');
  const [cw, ddn] = minimizationSteps(budget);
  const pgd = tablePgdStep(budget).key;
  const train = (acc: number) => ({ metrics: { cleanTestAccuracy: acc, testExamples: 10_000 } }) as never;
  const results: ExperimentResults = {
    natural: { train: train(0.99), evaluation: { [pgd]: fixedOutcome(0, 500), [cw.key]: minimizationOutcome([1, 2, 3]), [ddn.key]: minimizationOutcome([1, 1]) } },
    mmc: { train: train(0.11), evaluation: { [pgd]: fixedOutcome(67, 500), [cw.key]: minimizationOutcome([null, null]), [ddn.key]: minimizationOutcome([null]) } },
  };
  const { accuracy, norms } = table2Charts(results, budget, 'mnist');
  const acc = valuesOf(accuracy);
  const naturalPgd = acc.find((v) => v.defense === 'Natural' && v.metric === 'PGD-40')!;
  assert.equal(naturalPgd.value, 0);
  assert.equal(naturalPgd.n, 500);
  assert.ok(Math.abs(naturalPgd.upper! - wilsonInterval(0, 500).upper) < 1e-12 && naturalPgd.upper! > 0, 'a zero accuracy still has an interval');
  assert.equal(naturalPgd.paper, 0.0019, "the paper's 0.19 %");
  assert.equal(acc.find((v) => v.defense === 'Natural' && v.metric === 'Clean')!.n, 10_000);
  assert.equal(acc.find((v) => v.defense === 'MMC' && v.metric === 'Clean')!.paper, null, 'no paper Table 2 value for MMC');
  assert.match(subtitleOf(accuracy), /clean: n = 10,000; PGD-40: n = 500; error bars: Wilson 95 % interval/);
  const l2 = valuesOf(norms);
  assert.deepEqual(l2.map((v) => `${v.defense} ${v.metric}`), ['Natural C&W', 'Natural DDN']);
  const natCw = l2[0];
  assert.equal(natCw.value, 2);
  assert.ok(natCw.lower! < 2 && natCw.upper! > 2 && Math.abs(natCw.upper! - 2 - 1.959963984540054 / Math.sqrt(3)) < 1e-9, 'mean ± 1.96 s/√k');
  assert.equal(natCw.paper, 0.687);
  assert.match(subtitleOf(norms), /no adversarial found, so no bar: MMC C&W \(0 of 2 attacked\), MMC DDN \(0 of 1 attacked\)/);
  assert.match(JSON.stringify(norms), /mean L2 distance \(pixels in \[0, 1\]\)/);
  // Fashion-MNIST has no paper numbers of its own: no paper markers on its charts
  assert.ok(valuesOf(table2Charts(results, budget, 'fashion-mnist').accuracy).every((v) => v.paper === null));
});

test('Table 3 frames: ours hold only our dataset, the paper frame only its CIFAR-10 numbers', () => {
  const budget = datasetBudget('cpu', 'mnist');
  const steps = mmcComparisonSteps(budget);
  const results: ExperimentResults = {
    mmc: { train: { metrics: { cleanTestAccuracy: 0.9 } } as never, evaluation: Object.fromEntries(steps.map((s) => [s.spec.key, fixedOutcome(100, 200)])) },
  };
  const { ours, paper } = table3Frames(results, budget, 'mnist');
  const oursColumns = (ours.columns as string[]).map(String);
  assert.equal(oursColumns[0], 'Defense');
  assert.ok(oursColumns.slice(1).every((c) => c === 'Clean' || /ε=0\.[36]$/.test(c)), oursColumns.join(', '));
  assert.ok(oursColumns.every((c) => !c.includes('(paper)') && !c.includes('/255')));
  const paperColumns = (paper.columns as string[]).map(String);
  assert.ok(paperColumns.includes('PGD10-tar ε=8/255') && paperColumns.every((c) => !c.includes('(paper)')), paperColumns.join(', '));
  assert.ok(oursColumns.length + paperColumns.length - 2 < 20 && oursColumns.length < 12);
});

test('Table 5 chart: dots with ± std on an axis fitted to the data, not −1..1', () => {
  const features = (mean: number, std: number) => ({ examples: 300, cosine: { Clean: { mean, std }, PGD: { mean: mean - 0.05, std } } }) as never;
  const spec = table5Chart({ mat: { features: features(0.99, 0.01) }, 'mat-so': { features: features(0.97, 0.02) } }, 'mnist');
  const values = valuesOf(spec);
  assert.deepEqual(values.map((v) => [v.lower, v.upper].map((x) => Math.round(x! * 1000) / 1000)), [[0.98, 1], [0.93, 0.95], [0.95, 0.99], [0.9, 0.94]]);
  const domain = JSON.stringify(spec).match(/"domain":\[([-\d.e]+),([-\d.e]+)\]/)!;
  assert.ok(Number(domain[1]) > 0.7 && Number(domain[2]) <= 1.1, `fitted: ${domain[0]}`);
  assert.match(subtitleOf(spec), /± 1 std over classes/);
});

test("the training table says when a row's time covers only the part after a resume", () => {
  assert.equal(timedPart({}), 'the whole run');
  assert.match(timedPart({ resumedFrom: { epoch: 0, batch: 303 } }), /only the part after a resume \(in epoch 1, after 303 batches\)/);
});
