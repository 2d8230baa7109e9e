import * as os from 'node:os';
import { AUTOATTACK_STANDARD, attackNames, autoAttackStandard, type AttackName } from '../attacks';
import { NORMS, type Norm } from '../threat';
import { backendInfo, BACKEND_NAMES } from '../backend';
import { evaluateRun, type EvalProgress, type EvalResults, type RunEvalOptions } from '../eval';
import { epsilonLabel } from '../eval/plan';
import { numberFlag, parseFlags, UsageError, type CommandContext, type FlagSpec } from './args';
import { clock, ProgressBar } from './progress';

export const EVAL_HELP = `mat eval — clean and robust accuracy of a trained model (paper §4, Tables 2–4, Figure 2)

Fixed-ε attacks run as an AutoAttack-style cascade per ε (each attack only on examples still robust; worst
case per example); C&W and DDN report success rate and mean L2 of their adversarials. Sanity checks
(ε = 1, more steps, transfer, zero gradients, softmax outputs) run on every evaluation and print warnings.
Per-example results go to a JSON file; re-running the same command resumes it.

  --run DIR            run folder (or its checkpoint folder)                                   (required)
  --attacks LIST       comma-separated, in cascade order (default pgd):
                       ${attackNames.join(', ')}
  --suite NAME         autoattack-standard: AutoAttack's standard version (${AUTOATTACK_STANDARD.map((a) => a.attack).join(' → ')},
                       its fixed hyper-parameters, cascade) instead of --attacks
  --norm NAME          threat model of the fixed-ε attacks: ${NORMS.join(' | ')} (default linf)
  --epsilons LIST      radii, e.g. 0.1,0.2,0.3 or 4/255,8/255 (default: the dataset's L∞ ε, MNIST 0.3,
                       CIFAR-10 8/255; with --norm l2 the dataset's L2 radius: MNIST 2, Fashion-MNIST 0.67,
                       CIFAR-10 0.5); several give the ε-sweep of Figure 2
  --epsilon X          one radius (the same as --epsilons X)
  --test-subset N      a seeded subset of N test examples (default: the whole test split)
  --workers N          worker threads, each with its own backend and model copy (default ${defaultWorkers()})
  --out FILE           results JSON (default <run>/eval-<attacks>-eps<ε>[-nN].json)
  --fresh              ignore an existing results file instead of resuming it
  --independent        run every attack on every clean-correct example (standalone accuracies) instead of the cascade
  --steps N            PGD / adaptive PGD steps (default: MNIST 40, CIFAR-10 20)
  --step-size X        PGD step size (default: MNIST 0.01, CIFAR-10 2/255)
  --restarts N         PGD / APGD restarts (default 1)
  --apgd-iters N       APGD iterations (default 100)
  --cw-steps N         C&W Adam steps per binary-search step (default 100; foolbox 10000)
  --cw-binary-steps N  C&W binary-search steps (default 5; foolbox 9)
  --cw-lr X            C&W Adam learning rate in tanh space (default 0.01, foolbox)
  --ddn-steps N        DDN steps (default 100)
  --batch-size N       examples per attack batch (default 250)
  --surrogate DIR      run folder of a naturally trained model: enables the transfer sanity check
  --sanity-subset N    clean-correct examples the sanity checks use (default 100)
  --sanity             strict: exit with an error when a sanity check warns
  --backend NAME       ${BACKEND_NAMES.join(' | ')}
`;

export const EVAL_FLAGS: FlagSpec = {
  run: { type: 'string' }, attacks: { type: 'string' }, suite: { type: 'string' }, norm: { type: 'string' },
  epsilon: { type: 'string' }, epsilons: { type: 'string' }, 'test-subset': { type: 'string' },
  workers: { type: 'string' }, out: { type: 'string' }, fresh: { type: 'boolean' }, independent: { type: 'boolean' },
  steps: { type: 'string' }, 'step-size': { type: 'string' }, restarts: { type: 'string' }, 'apgd-iters': { type: 'string' },
  'cw-steps': { type: 'string' }, 'cw-binary-steps': { type: 'string' }, 'cw-lr': { type: 'string' }, 'ddn-steps': { type: 'string' },
  'batch-size': { type: 'string' }, surrogate: { type: 'string' }, 'sanity-subset': { type: 'string' },
  sanity: { type: 'boolean' }, backend: { type: 'string' }, help: { type: 'boolean' },
};

function defaultWorkers(): number {
  return Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
}

/** --attacks: known names only, no duplicates. */
export function attackListFlag(values: Record<string, unknown>): string[] | undefined {
  const raw = values.attacks;
  if (raw === undefined) return undefined;
  const names = String(raw).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0) throw new UsageError(`--attacks needs at least one attack (${attackNames.join(', ')})`);
  for (const n of names) {
    if (!(attackNames as string[]).includes(n)) throw new UsageError(`--attacks: unknown attack '${n}' (choose from ${attackNames.join(', ')})`);
  }
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new UsageError(`--attacks lists '${dup}' twice`);
  return names;
}

/** Evaluation suites `mat eval --suite` knows. */
export const EVAL_COMMAND_SUITES = ['autoattack-standard'] as const;

/** --norm: a threat model name. */
export function normFlag(values: Record<string, unknown>): Norm {
  const raw = values.norm === undefined ? 'linf' : String(values.norm);
  if (!(NORMS as readonly string[]).includes(raw)) throw new UsageError(`--norm: unknown norm '${raw}' (choose from ${NORMS.join(', ')})`);
  return raw as Norm;
}

/** --epsilons (or --epsilon): numbers or fractions a/b, each in [0, 1] under L∞ (≥ 0 under L2). */
export function epsilonListFlag(values: Record<string, unknown>, norm: Norm = 'linf'): number[] | undefined {
  if (values.epsilon !== undefined && values.epsilons !== undefined) throw new UsageError('give --epsilon or --epsilons, not both');
  const raw = values.epsilons ?? values.epsilon;
  if (raw === undefined) return undefined;
  const parts = String(raw).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (parts.length === 0) throw new UsageError(`--epsilons needs at least one value, got '${raw}'`);
  return parts.map((p) => {
    const m = /^([0-9.]+)\s*\/\s*([0-9.]+)$/.exec(p);
    const v = m ? Number(m[1]) / Number(m[2]) : p === '' ? NaN : Number(p);
    if (!Number.isFinite(v) || v < 0 || (norm === 'linf' && v > 1)) {
      throw new UsageError(`--epsilons: '${p}' is not a number in ${norm === 'linf' ? '[0, 1] (e.g. 0.3 or 8/255)' : '[0, ∞) (e.g. 2)'}`);
    }
    return v;
  });
}

function attackOptionsFromFlags(v: Record<string, unknown>): Partial<Record<AttackName, Record<string, unknown>>> {
  const steps = numberFlag(v, 'steps', { integer: true, min: 1 });
  const stepSize = numberFlag(v, 'step-size', { min: 0 });
  const restarts = numberFlag(v, 'restarts', { integer: true, min: 1 });
  const apgdIters = numberFlag(v, 'apgd-iters', { integer: true, min: 1 });
  const cwSteps = numberFlag(v, 'cw-steps', { integer: true, min: 1 });
  const cwBinary = numberFlag(v, 'cw-binary-steps', { integer: true, min: 1 });
  const cwLr = numberFlag(v, 'cw-lr', { min: 1e-9 });
  const ddnSteps = numberFlag(v, 'ddn-steps', { integer: true, min: 1 });
  const def = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, x]) => x !== undefined));
  const pgdLike = def({ steps, stepSize, restarts });
  const apgd = def({ nIter: apgdIters, restarts });
  const out: Partial<Record<AttackName, Record<string, unknown>>> = {
    pgd: pgdLike, 'adaptive-pgd': pgdLike, 'apgd-ce': apgd, 'apgd-dlr': apgd, 'apgd-t': apgd, 'apgd-adaptive': apgd,
    'cw-l2': def({ steps: cwSteps, binarySearchSteps: cwBinary, learningRate: cwLr }), ddn: def({ steps: ddnSteps }),
  };
  return Object.fromEntries(Object.entries(out).filter(([, o]) => Object.keys(o as object).length > 0));
}

/** Per-attack options of a suite with the flags' overrides on top. */
function mergeOptions(base: Partial<Record<AttackName, Record<string, unknown>>>, flags: Partial<Record<AttackName, Record<string, unknown>>>) {
  const out: Partial<Record<AttackName, Record<string, unknown>>> = { ...base };
  for (const [k, o] of Object.entries(flags) as Array<[AttackName, Record<string, unknown>]>) out[k] = { ...(out[k] ?? {}), ...o };
  return out;
}

/** Where the command writes (tests pass their own streams). */
export interface CommandIo extends CommandContext { out: NodeJS.WritableStream; err: NodeJS.WriteStream | NodeJS.WritableStream }

export async function evalCommand(argv: string[], io: CommandIo = { out: process.stdout, err: process.stderr }): Promise<void> {
  const v = parseFlags(argv, EVAL_FLAGS, 'eval');
  if (!v.run) throw new UsageError('--run DIR is required (see mat eval --help)');
  const norm = normFlag(v);
  const epsilons = epsilonListFlag(v, norm);
  let attacks = attackListFlag(v);
  let suiteOptions: Partial<Record<AttackName, Record<string, unknown>>> = {};
  if (v.suite !== undefined) {
    if (!(EVAL_COMMAND_SUITES as readonly string[]).includes(String(v.suite))) {
      throw new UsageError(`--suite: unknown suite '${String(v.suite)}' (choose from ${EVAL_COMMAND_SUITES.join(', ')})`);
    }
    if (attacks !== undefined) throw new UsageError('give --suite or --attacks, not both');
    // norm and ε come from the plan; the rest are AutoAttack's fixed values
    const cascade = autoAttackStandard(norm, 0);
    attacks = cascade.map((a) => a.attack);
    suiteOptions = Object.fromEntries(cascade.map(({ attack, options: { norm: _n, epsilon: _e, ...rest } }) => [attack, rest]));
  }
  const testSubset = numberFlag(v, 'test-subset', { integer: true, min: 1 });
  const workers = numberFlag(v, 'workers', { integer: true, min: 1, max: 64 }) ?? defaultWorkers();
  const batchSize = numberFlag(v, 'batch-size', { integer: true, min: 1 });
  const sanityExamples = numberFlag(v, 'sanity-subset', { integer: true, min: 1 });
  await io.startBackend?.();
  const options: RunEvalOptions = {
    attacks, epsilons, norm, testSubset, workers, batchSize, out: v.out === undefined ? undefined : String(v.out), fresh: v.fresh === true,
    mode: v.independent ? 'independent' : 'cascade', attackOptions: mergeOptions(suiteOptions, attackOptionsFromFlags(v)),
    // the sanity checks are L∞ PGD checks at the dataset's ε
    sanity: norm !== 'linf' ? false : sanityExamples === undefined ? {} : { examples: sanityExamples },
    surrogateRunDir: v.surrogate === undefined ? undefined : String(v.surrogate), backend: backendInfo()?.name,
  };
  let bar: ProgressBar | undefined;
  let barKey = '';
  options.onProgress = (p: EvalProgress) => {
    if (p.phase === 'sanity') {
      if (p.done === 0) { bar?.done(); bar = undefined; io.err.write('sanity checks …\n'); }
      return;
    }
    if (p.key !== barKey) { bar?.done(); bar = new ProgressBar(p.key.padEnd(14), p.total, io.err as NodeJS.WriteStream); barKey = p.key; }
    bar?.update(p.done, p.broken === undefined ? {} : { broken: p.broken });
  };
  const started = performance.now();
  const { results, file } = await evaluateRun(String(v.run), options);
  bar?.done();
  io.out.write(formatEvalReport(results, (performance.now() - started) / 1000));
  io.out.write(`\nresults: ${file}\n`);
  if (v.sanity && results.sanity && results.sanity.warnings.length > 0) {
    throw new Error(`${results.sanity.warnings.length} sanity check(s) failed (--sanity is strict)`);
  }
}

const pct = (p: number | null | undefined) => (typeof p === 'number' && Number.isFinite(p) ? `${(100 * p).toFixed(2)} %` : '–');
const num = (x: number | null | undefined, d = 3) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : '–');

/** The report `mat eval` prints: tables of plain results, sanity checks, warnings, timings. */
export function formatEvalReport(r: EvalResults, wallSeconds?: number): string {
  const s = r.summary;
  const lines: string[] = [];
  const what = r.run ? `${r.run.dataset ?? ''} ${r.run.arch ?? ''} ${r.run.method ?? ''}`.trim() : r.data.name;
  lines.push('', `${what} — ${s.count} test examples, clean accuracy ${pct(s.cleanAccuracy)}`);
  if (s.fixed.length > 0) {
    lines.push('', `| ${'attack'.padEnd(14)} | ${'ε'.padEnd(7)} | attacked | broken | accuracy after | standalone |`,
      `|${'-'.repeat(16)}|${'-'.repeat(9)}|----------|--------|----------------|------------|`);
    for (const f of s.fixed) {
      lines.push(`| ${f.attack.padEnd(14)} | ${epsilonLabel(f.epsilon).padEnd(7)} | ${String(f.attacked).padStart(8)} | ${String(f.broken).padStart(6)} | ` +
        `${pct(f.accuracyAfter).padStart(14)} | ${pct(f.standaloneAccuracy).padStart(10)} |`);
    }
    if (s.sweep.length > 0) {
      lines.push('', `worst case over ${[...new Set(s.fixed.map((f) => f.attack))].join(', ')}: ` +
        s.sweep.map((p) => `ε=${epsilonLabel(p.epsilon)} ${pct(p.accuracy)}`).join(', '));
    }
  }
  if (s.minimization.length > 0) {
    lines.push('', `| ${'attack'.padEnd(8)} | attacked | success rate | mean L2 | median L2 |`, `|----------|----------|--------------|---------|-----------|`);
    for (const m of s.minimization) {
      lines.push(`| ${m.attack.padEnd(8)} | ${String(m.attacked).padStart(8)} | ${pct(m.successRate).padStart(12)} | ${num(m.meanL2).padStart(7)} | ${num(m.medianL2).padStart(9)} |`);
    }
  }
  if (r.sanity) {
    lines.push('', `sanity checks (${r.sanity.indices.length} clean-correct examples):`);
    for (const c of r.sanity.checks) lines.push(`  ${c.status === 'pass' ? 'ok  ' : c.status === 'warn' ? 'WARN' : 'skip'} ${c.id}: ${c.message}`);
  }
  if (r.warnings.length > 0) {
    lines.push('', `WARNINGS (${r.warnings.length}):`);
    for (const w of r.warnings) lines.push(`  ! ${w}`);
  }
  const last = r.sessions[r.sessions.length - 1];
  if (last) {
    const steps = Object.values(r.steps).map((st) => `${st.spec.key} ${st.seconds.toFixed(0)} s`).join(', ');
    lines.push('', `time: ${wallSeconds === undefined ? '' : `${clock(wallSeconds)} wall this run; `}${steps}; ${last.workers} worker(s), ` +
      `${last.cpus} cores, load average ${last.loadavgStart.map((x) => x.toFixed(2)).join('/')} → ${last.loadavgEnd.map((x) => x.toFixed(2)).join('/')}`);
  }
  return lines.join('\n') + '\n';
}
