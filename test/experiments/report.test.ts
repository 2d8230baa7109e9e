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

test('attack summary: one row per trained row, accuracies in %, worst case over every headline attack with its interval, the warning sanity checks', () => {
  const budget = datasetBudget('cpu', 'mnist');
  const keys = summaryAttackKeys(budget).map((a) => a.key);
  assert.equal(keys.length, 7);
  const [pgd, adaptive, apgdCe, apgdDlr, apgdT, apgdOwn, square] = keys;
  const results: ExperimentResults = {
    natural: {
      train: { metrics: { cleanTestAccuracy: 0.99 } } as never,
      evaluation: {
        [pgd]: outcome('1100', [{ id: 'large-epsilon', status: 'pass', message: '' }, { id: 'zero-gradient', status: 'warn', message: '' }]),
        [adaptive]: outcome('1100'), [apgdCe]: outcome('1110'), [apgdDlr]: outcome('1101'),
        // only Square breaks example 0: the worst case is set by the gradient-free attack
        [apgdT]: outcome('1100'), [apgdOwn]: outcome('1100'), [square]: outcome('0100'),
      },
    },
    mat: { train: { metrics: { cleanTestAccuracy: 0.98 } } as never, evaluation: { [pgd]: outcome('1111') } },
  };
  const df = attackSummaryFrame(results, budget, ['natural', 'at', 'mat']);
  const rows = df.values as unknown[][];
  assert.deepEqual(df.columns, [
    'Defense', 'Clean', 'PGD-40', 'Adaptive PGD-40', 'APGD-CE', 'APGD-DLR', 'APGD-T', 'APGD (adaptive)', 'Square-5000',
    'Worst case', 'Worst case 95 % CI', 'n', 'Sanity warnings',
  ]);
  assert.equal(rows.length, 2, 'rows without results are left out');
  assert.deepEqual(rows[0].slice(0, 10), ['Natural', 99, 50, 50, 75, 75, 50, 50, 25, 25]);
  // Wilson 95 % for 1 of 4: 4.6 %–69.9 %
  assert.equal(rows[0][10], '4.6–69.9');
  assert.equal(rows[0][11], 4);
  assert.equal(rows[0][12], 'zero-gradient');
  assert.equal(rows[1][0], 'MAT (none)');
  assert.ok(Number.isNaN(rows[1][3] as number) && Number.isNaN(rows[1][9] as number), 'missing attacks stay empty, and so does the worst case');
  assert.match(toMarkdown(df), /\| Natural \| 99\.00 \| 50\.00 \| 50\.00 \| 75\.00 \| 75\.00 \| 50\.00 \| 50\.00 \| 25\.00 \| 25\.00 \| 4\.6–69\.9 \| 4 \| zero-gradient \|/);
  // the first reproduction's budget has no AutoAttack steps: four attacks
  assert.equal(summaryAttackKeys(datasetBudget('cpu-quick', 'mnist')).length, 4);
});
