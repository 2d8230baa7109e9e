/**
 * Crash test: `mat train` (SmallCNN with dropout, a tiny MNIST subset) is SIGKILLed at ≥ 20 random
 * instants — during start-up, at every phase of a checkpoint commit, between steps — and resumed with
 * `--resume` each time; the final checkpoint and results must be bit-identical to an uninterrupted run
 * with the same seed on the same backend.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createRng } from '../../src/data/rng';
import { currentVersionDir } from '../../src/train/checkpoint-versions';

const CLI = path.resolve(__dirname, '../../src/cli/main.js');
// 128 examples / 16 per batch = 8 steps an epoch, 6 epochs, a checkpoint after every step
const TRAIN = ['train', '--arch', 'smallcnn', '--train-subset', '128', '--test-subset', '64', '--batch-size', '16',
  '--epochs', '6', '--lr', '0.05', '--seed', '14', '--checkpoint-every', '1', '--resume'];
const PHASES = ['writing', 'written', 'committed', 'pruned-versions', 'done'];
const KILLS = 20;

interface Attempt { code: number | null; signal: NodeJS.Signals | null; stderr: string; lastPhase?: string; killedInCommit: boolean }

/**
 * Runs one training process. `plan` decides when to kill it: on the k-th announcement of a commit phase
 * (the child pauses there), a delay after the first finished commit, or a delay after start.
 */
function attempt(runDir: string, plan?: { phase?: string; nth?: number; afterFirstCommitMs?: number; afterStartMs?: number }): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...TRAIN, '--run-dir', runDir], {
      env: { ...process.env, MAT_CHECKPOINT_TRACE: plan ? '25' : '0' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '', buffered = '', seen = 0, lastPhase: string | undefined, killedInCommit = false, killed = false;
    const kill = (inCommit: boolean) => {
      if (killed) return;
      killed = true; killedInCommit = inCommit;
      child.kill('SIGKILL');
    };
    let timer: NodeJS.Timeout | undefined;
    if (plan?.afterStartMs !== undefined) timer = setTimeout(() => kill(false), plan.afterStartMs);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk; buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        const m = /^checkpoint-commit (\S+)$/.exec(line);
        if (!m) continue;
        lastPhase = m[1];
        if (plan?.phase === m[1] && ++seen === plan.nth) kill(m[1] !== 'done');
        if (m[1] === 'done' && plan?.afterFirstCommitMs !== undefined && timer === undefined) {
          timer = setTimeout(() => kill(false), plan.afterFirstCommitMs);
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stderr, lastPhase, killedInCommit });
    });
  });
}

const withoutTimings = (history: Record<string, unknown>[]) => history.map(({ seconds, imagesPerSecond, ...rest }) => rest);

function finalState(runDir: string) {
  const version = currentVersionDir(path.join(runDir, 'checkpoint'));
  assert.ok(version, `${runDir}: no complete checkpoint`);
  const read = (f: string) => fs.readFileSync(path.join(version, f));
  const state = JSON.parse(read('state.json').toString());
  const results = JSON.parse(fs.readFileSync(path.join(runDir, 'results.json'), 'utf8'));
  return {
    weights: read('weights.bin'), optimizer: read('optimizer.bin'),
    state: { ...state, history: withoutTimings(state.history) },
    results: { config: results.config, metrics: results.metrics, history: withoutTimings(results.history), steps: state.step },
  };
}

test('kill -9 at ≥ 20 random instants (inside checkpoint commits too), resume each time: bit-identical to an uninterrupted run', { timeout: 240_000 }, async () => {
  const started = performance.now();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mat-crash-'));
  const reference = path.join(root, 'reference');
  const ref = await attempt(reference);
  assert.equal(ref.code, 0, `uninterrupted run failed:\n${ref.stderr}`);

  const crashed = path.join(root, 'crashed');
  const seed = Number(process.env.MAT_CRASH_SEED ?? 14);
  const rng = createRng(seed);
  const log: string[] = [];
  let kills = 0, inCommit = 0, takeovers = 0;
  for (let i = 0; kills < KILLS; i++) {
    assert.ok(i < 3 * KILLS, `only ${kills} kills landed in ${i} attempts:\n${log.join('\n')}`);
    const mode = rng.int(10);
    const plan = mode === 0 ? { afterStartMs: 100 + rng.int(1400) }
      : mode < 7 ? { phase: PHASES[rng.int(PHASES.length)], nth: 1 + rng.int(2) }
        : { afterFirstCommitMs: rng.int(120) };
    const a = await attempt(crashed, plan);
    if (/taking over the stale lock/.test(a.stderr)) takeovers++;
    log.push(`attempt ${i}: ${JSON.stringify(plan)} → ${a.signal ?? `exit ${a.code}`} (last phase ${a.lastPhase ?? 'none'})`);
    if (a.signal === 'SIGKILL') {
      kills++;
      if (a.killedInCommit) inCommit++;
      continue;
    }
    assert.equal(a.code, 0, `attempt ${i} failed:\n${a.stderr}\n${log.join('\n')}`);
    assert.fail(`the run finished after only ${kills} kills (make it longer):\n${log.join('\n')}`);
  }
  const last = await attempt(crashed);
  assert.equal(last.code, 0, `final resume failed:\n${last.stderr}\n${log.join('\n')}`);
  assert.ok(inCommit >= 5, `only ${inCommit} kills landed inside a commit:\n${log.join('\n')}`);
  assert.ok(takeovers >= 1, 'no stale lock was taken over');

  const want = finalState(reference), got = finalState(crashed);
  assert.ok(want.weights.equals(got.weights), `weights differ after ${kills} kills:\n${log.join('\n')}`);
  assert.ok(want.optimizer.equals(got.optimizer), 'optimizer state differs');
  assert.deepEqual(got.state, want.state);
  assert.deepEqual(got.results, want.results);
  // nothing left behind: one version, no temporaries, no lock
  assert.deepEqual(fs.readdirSync(path.join(crashed, 'checkpoint')).length, 1);
  assert.ok(!fs.existsSync(path.join(crashed, 'run.lock')), 'run.lock left behind');
  process.stderr.write(`# crash test: ${kills} kills (${inCommit} inside commits, ${takeovers} stale locks taken over), ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  fs.rmSync(root, { recursive: true, force: true });
});
