/** The attack summary: per-example worst case over attacks on the same examples. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  attackSummaryFrame, datasetBudget, summaryAttackKeys, worstCaseAccuracy, type ExperimentResults, type FixedEpsilonOutcome,
} from '../../src/experiments';
import { toMarkdown } from '../../src/tables';

const outcome = (robust: string, sanity?: FixedEpsilonOutcome['sanity']): FixedEpsilonOutcome => ({
  kind: 'fixed-epsilon', examples: robust.length, cleanAccuracy: 1, robustAccuracy: [...robust].filter((c) => c === '1').length / robust.length,
  robust, warnings: [], seconds: 0, ...(sanity ? { sanity } : {}),
});

test('worst case counts an example robust only if every attack left it robust', () => {
  // each attack alone leaves 3 of 4 robust; together only example 0 survives
  assert.equal(worstCaseAccuracy([outcome('1110'), outcome('1101'), outcome('1011')]), 0.25);
  assert.equal(worstCaseAccuracy([outcome('1111')]), 1);
  assert.equal(worstCaseAccuracy([outcome('11'), undefined]), undefined, 'a missing attack gives no worst case');
  assert.equal(worstCaseAccuracy([outcome('11'), outcome('111')]), undefined, 'different examples give no worst case');
  assert.equal(worstCaseAccuracy([]), undefined);
});

test('attack summary: one row per trained row, accuracies in %, worst case and the warning sanity checks', () => {
  const budget = datasetBudget('cpu', 'mnist');
  const [pgd, adaptive, apgdCe, apgdDlr] = summaryAttackKeys(budget).map((a) => a.key);
  const results: ExperimentResults = {
    natural: {
      train: { metrics: { cleanTestAccuracy: 0.99 } } as never,
      evaluation: {
        [pgd]: outcome('1100', [{ id: 'large-epsilon', status: 'pass', message: '' }, { id: 'zero-gradient', status: 'warn', message: '' }]),
        [adaptive]: outcome('1100'), [apgdCe]: outcome('1010'), [apgdDlr]: outcome('1000'),
      },
    },
    mat: { train: { metrics: { cleanTestAccuracy: 0.98 } } as never, evaluation: { [pgd]: outcome('1111') } },
  };
  const df = attackSummaryFrame(results, budget, ['natural', 'at', 'mat']);
  const rows = df.values as unknown[][];
  assert.deepEqual(df.columns, ['Defense', 'Clean', 'PGD-40', 'Adaptive PGD-40', 'APGD-CE', 'APGD-DLR', 'Worst case', 'Sanity warnings']);
  assert.equal(rows.length, 2, 'rows without results are left out');
  assert.deepEqual(rows[0].slice(0, 7), ['Natural', 99, 50, 50, 50, 25, 25]);
  assert.equal(rows[0][7], 'zero-gradient');
  assert.equal(rows[1][0], 'MAT (none)');
  assert.ok(Number.isNaN(rows[1][3] as number) && Number.isNaN(rows[1][6] as number), 'missing attacks stay empty');
  assert.match(toMarkdown(df), /\| Natural \| 99\.00 \| 50\.00 \| 50\.00 \| 50\.00 \| 25\.00 \| 25\.00 \| zero-gradient \|/);
});
