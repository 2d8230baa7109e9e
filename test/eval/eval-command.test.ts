import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { UsageError } from '../../src/cli/args';
import { attackListFlag, epsilonListFlag, evalCommand, normFlag } from '../../src/cli/eval-command';
import { readEvalResults } from '../../src/eval';
import { createClassifier, type Classifier } from '../../src/models';
import { saveToyRun, useEvalTestBackend } from './fixtures';

/** Runs the command with collecting streams (never touch process.stdout: node:test reports through it). */
async function run(argv: string[]): Promise<string> {
  let out = '';
  const collect = (sink: (s: string) => void) => new Writable({ write(chunk, _enc, done) { sink(String(chunk)); done(); } });
  await evalCommand(argv, { out: collect((s) => { out += s; }), err: collect(() => undefined) });
  return out;
}

describe('mat eval', () => {
  let model: Classifier;
  let runDir: string;
  before(async () => {
    await useEvalTestBackend();
    // an untrained MNIST-shaped MLP is enough to exercise the command end to end
    model = createClassifier('mlp', { inputShape: [28, 28, 1], numClasses: 10, seed: 1 });
    runDir = await saveToyRun(model, { arch: 'mlp', dataset: 'mnist', method: 'natural' });
  });
  after(() => {
    model.model.dispose();
    fs.rmSync(runDir, { recursive: true, force: true });
  });

  test('flag parsing: attacks and ε lists, with clear errors', () => {
    assert.deepEqual(attackListFlag({ attacks: 'pgd, cw-l2' }), ['pgd', 'cw-l2']);
    assert.equal(attackListFlag({}), undefined);
    assert.throws(() => attackListFlag({ attacks: 'pgd,boom' }), (e: Error) => e instanceof UsageError && /unknown attack 'boom'/.test(e.message));
    assert.throws(() => attackListFlag({ attacks: 'pgd,pgd' }), /twice/);
    assert.throws(() => attackListFlag({ attacks: ',' }), UsageError);
    assert.deepEqual(epsilonListFlag({ epsilons: '0.1,8/255' }), [0.1, 8 / 255]);
    assert.throws(() => epsilonListFlag({ epsilons: '0.1,abc' }), (e: Error) => e instanceof UsageError && /'abc'/.test(e.message));
    assert.throws(() => epsilonListFlag({ epsilons: '2' }), /in \[0, 1\]/);
    // L2 radii may exceed 1; --epsilon is one radius; --norm names a threat model
    assert.deepEqual(epsilonListFlag({ epsilon: '2' }, 'l2'), [2]);
    assert.throws(() => epsilonListFlag({ epsilon: '2', epsilons: '1' }, 'l2'), /not both/);
    assert.equal(normFlag({ norm: 'l2' }), 'l2');
    assert.equal(normFlag({}), 'linf');
    assert.throws(() => normFlag({ norm: 'l1' }), (e: Error) => e instanceof UsageError && /linf, l2/.test(e.message));
  });

  test('bad command lines are usage errors naming the flag', async () => {
    await assert.rejects(evalCommand([]), (e: Error) => e instanceof UsageError && /--run DIR is required/.test(e.message));
    await assert.rejects(evalCommand(['--run', 'x', '--suite', 'autoattack-plus']),
      (e: Error) => e instanceof UsageError && /unknown suite 'autoattack-plus'.*autoattack-standard/.test(e.message));
    await assert.rejects(evalCommand(['--run', 'x', '--suite', 'autoattack-standard', '--attacks', 'pgd']), /--suite or --attacks, not both/);
    await assert.rejects(evalCommand(['--run', 'x', '--norm', 'l3']), /unknown norm 'l3'/);
    await assert.rejects(evalCommand(['--run', runDir, '--bogus']), (e: Error) => e instanceof UsageError && /bogus/.test(e.message));
    await assert.rejects(evalCommand(['--run', runDir, '--workers', '0']), /--workers must be ≥ 1/);
    await assert.rejects(evalCommand(['--run', runDir, '--steps', '2.5']), /--steps must be an integer/);
    await assert.rejects(evalCommand(['--run', runDir, '--attacks', 'pgd,deepfool']), /unknown attack 'deepfool'/);
    await assert.rejects(evalCommand(['--run', path.join(runDir, 'nope')]), /no checkpoint/);
  });

  test('end to end: prints the tables and sanity checks, writes <run>/eval-….json, resumes', async () => {
    const argv = ['--run', runDir, '--attacks', 'fgsm,ddn', '--epsilons', '0.1,0.3', '--ddn-steps', '5', '--test-subset', '30',
      '--workers', '1', '--sanity-subset', '4', '--steps', '3'];
    const out = await run(argv);
    assert.match(out, /mnist mlp natural — 30 test examples, clean accuracy/);
    assert.match(out, /\| fgsm +\| 0\.1 /);
    assert.match(out, /\| ddn +\| +\d+ \|/);
    assert.match(out, /sanity checks \(\d+ clean-correct examples\)/);
    assert.match(out, /large-epsilon/);
    const file = path.join(runDir, 'eval-fgsm+ddn-eps0.1,0.3-n30.json');
    assert.ok(out.includes(`results: ${file}`));
    const r = readEvalResults(file)!;
    assert.equal(r.run?.method, 'natural');
    assert.deepEqual(r.plan.epsilons, [0.1, 0.3]);
    assert.equal(r.plan.minimization[0].options.steps, 5);
    assert.equal(r.complete, true);
    // second run resumes: one more session, same summary
    await run(argv);
    const again = readEvalResults(file)!;
    assert.equal(again.sessions.length, 2);
    assert.deepEqual(again.summary, r.summary);
  });
});
