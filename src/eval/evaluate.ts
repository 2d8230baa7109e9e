/**
 * The evaluator: clean accuracy, then the plan's fixed-ε attacks as an AutoAttack-style cascade per ε
 * (each attack only on points still robust; worst case per sample), then the minimisation attacks (C&W,
 * DDN: success rate and L2 norms), then the sanity checks. Per-sample outcomes are written to a results
 * file as they come in; a re-run with the same file skips every example already decided.
 */
import * as os from 'node:os';
import type { BackendName } from '../backend';
import type { Dataset } from '../data';
import { currentSignal, interruptible, InterruptedError, yieldToEventLoop, type CancelSignal } from '../io/interrupt';
import { provenance } from '../io/provenance';
import { writeJsonAtomic } from '../io/json';
import type { EvalModel } from './batch-task';
import { inProcessExecutor, runTaskOnIndices, workerPoolExecutor, type EvalExecutor } from './executor';
import { planSteps, type AttackStepSpec, type EvaluationPlan } from './plan';
import { dataFingerprint, readEvalResults, summarize, type EvalResults, type EvalSession, type StepRecord } from './results';
import { BROKEN, PENDING, ROBUST, SKIPPED, flagsToCodes, indicesWith } from './sample-codes';
import { runSanityChecks, sanitySpec, type SanityOptions, type SanityReport } from './sanity';

export interface EvalProgress {
  phase: 'clean' | 'attack' | 'sanity';
  /** step key ('clean', 'pgd@0.3', 'sanity') */
  key: string;
  /** examples finished in this phase / to do in this session */
  done: number;
  total: number;
  /** of the finished examples of an attack step: how many it broke */
  broken?: number;
  seconds: number;
}

export interface EvaluateOptions {
  /** the model, in this thread: the whole evaluation when `workers` ≤ 1, the sanity checks' gradients otherwise */
  model: EvalModel;
  data: Dataset;
  plan: EvaluationPlan;
  /** run folder: where worker threads load the checkpoint from (required for workers > 1) */
  runDir?: string;
  /** worker threads for the attacks (default 1: everything in this thread) */
  workers?: number;
  /** backend the workers start (default: MAT_BACKEND or the usual order) */
  backend?: BackendName;
  /** results JSON: written as results come in, resumed from when it exists */
  resultsFile?: string;
  /** ignore an existing results file instead of resuming (default false) */
  fresh?: boolean;
  /** sanity-check options, or false to skip them (default {}: they run) */
  sanity?: SanityOptions | false;
  /** a naturally trained model of the same task for the transfer check */
  surrogate?: EvalModel;
  surrogateLabel?: string;
  /** metadata of the evaluated run, stored in the results */
  run?: EvalResults['run'];
  onProgress?: (p: EvalProgress) => void;
  /** minimum seconds between saves while a step runs (default 10) */
  saveEverySeconds?: number;
  /** use this executor instead of creating one (it is not closed) */
  executor?: EvalExecutor;
  /**
   * checked before each batch: when cancelled, the finished examples are saved (with `resultsFile`),
   * worker threads stop and an InterruptedError is thrown (default: the interrupt of the job this runs in)
   */
  signal?: CancelSignal;
}

/** Thrown into the batches not yet started once the signal fired. */
class BatchCancelled extends Error {}

/**
 * The executor's batches, each started only while `signal` has not fired (checked after a turn of the event
 * loop, where a SIGINT is heard): at most `parallelism` wait at the executor, so the check is made when a
 * batch would really start, not when it was queued.
 */
function stoppingOn(executor: EvalExecutor, signal: CancelSignal): EvalExecutor {
  let free = executor.parallelism;
  const waiting: Array<() => void> = [];
  const take = () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((resolve) => waiting.push(resolve)));
  const give = () => { const next = waiting.shift(); if (next) next(); else free++; };
  return {
    parallelism: executor.parallelism,
    backends: executor.backends,
    async run(task, indices) {
      await take();
      try {
        await yieldToEventLoop();
        if (signal.cancelled) throw new BatchCancelled('cancelled');
        return await executor.run(task, indices);
      } finally {
        give();
      }
    },
    close: () => executor.close(),
  };
}

const VIOLATION_TOLERANCE = 1e-5;

/**
 * Evaluates `model` on `data` under `plan` and returns (and, with `resultsFile`, saves) plain results.
 * Errors in the existing results file (a different test set) throw instead of being overwritten.
 */
export function evaluate(options: EvaluateOptions): Promise<EvalResults> {
  return interruptible((signal) => evaluateUnder({ ...options, signal: options.signal ?? signal }));
}

async function evaluateUnder(options: EvaluateOptions & { signal: CancelSignal }): Promise<EvalResults> {
  const { model, data, plan, signal } = options;
  const started = performance.now();
  const prov = provenance();
  const session: EvalSession = {
    startedAt: prov.startedAt, seconds: 0, workers: 1, backends: [], loadavgStart: os.loadavg(), loadavgEnd: [], cpus: os.cpus().length,
  };
  const fingerprint = dataFingerprint(data);
  const previous = options.resultsFile && !options.fresh ? readEvalResults(options.resultsFile) : undefined;
  if (previous && (previous.data.fingerprint !== fingerprint || previous.data.count !== data.count)) {
    throw new Error(`${options.resultsFile} holds results for a different test set (${previous.data.count} examples, ` +
      `fingerprint ${previous.data.fingerprint}; now ${data.count}, ${fingerprint}): use another output file or start fresh`);
  }
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new RangeError(`workers must be a positive integer, got ${workers}`);
  if (workers > 1 && !options.runDir && !options.executor) throw new RangeError('workers > 1 need runDir (each worker loads the checkpoint)');
  const sanityOptions = options.sanity === false ? false : options.sanity ?? {};
  if (sanityOptions !== false) sanitySpec(plan, sanityOptions); // validate before any work

  const steps: Record<string, StepRecord> = {};
  let clean: EvalResults['clean'] = null;
  let sanity: SanityReport | undefined;
  const warnings: string[] = [];
  const n = data.count;
  const results = (): EvalResults => ({
    kind: 'eval', version: 1, ...(options.run ? { run: options.run } : {}),
    data: {
      name: data.name, split: data.split, count: n, fingerprint,
      ...(data.sourceIndices && data.sourceIndices.length === n ? { sourceIndices: Array.from(data.sourceIndices) } : {}),
    },
    plan, clean, steps, summary: summarize(plan, clean, steps, n), ...(sanity ? { sanity } : {}),
    warnings: [...warnings, ...(sanity?.warnings ?? [])],
    complete: false,
    sessions: [...(previous?.sessions ?? []), { ...session, seconds: (performance.now() - started) / 1000, loadavgEnd: os.loadavg() }],
    provenance: prov,
  });
  let lastSave = 0;
  const save = (force = false) => {
    if (!options.resultsFile) return;
    const now = performance.now();
    if (!force && now - lastSave < (options.saveEverySeconds ?? 10) * 1000) return;
    lastSave = now;
    writeJsonAtomic(options.resultsFile, results());
  };

  const owned = options.executor ??
    (workers > 1 ? await workerPoolExecutor(data, { workers, runDir: options.runDir as string, backend: options.backend }) : inProcessExecutor(model, data));
  const executor = stoppingOn(owned, signal);
  session.workers = executor.parallelism;
  session.backends = [...executor.backends];
  let running = 'clean';
  try {
    // clean accuracy
    if (previous?.clean) {
      clean = previous.clean;
    } else {
      const t = performance.now();
      const all = Int32Array.from({ length: n }, (_, i) => i);
      let done = 0;
      const r = await runTaskOnIndices(executor, { kind: 'clean' }, all, Math.max(plan.batchSize, 500), (b) => {
        done += b.length;
        options.onProgress?.({ phase: 'clean', key: 'clean', done, total: n, seconds: (performance.now() - t) / 1000 });
      });
      const codes = flagsToCodes(r.correct);
      clean = { codes, accuracy: indicesWith(codes, ROBUST).length / Math.max(n, 1), seconds: (performance.now() - t) / 1000 };
      save(true);
    }
    const cleanCodes = clean.codes;
    const cleanOk = Array.from(cleanCodes, (c) => c === ROBUST);

    const runStep = async (spec: AttackStepSpec, eligible: boolean[]) => {
      const old = previous?.steps[spec.key];
      const reuse = old !== undefined && JSON.stringify(old.spec) === JSON.stringify(spec);
      const codes: string[] = new Array(n);
      const l2: Array<number | null> | undefined = spec.kind === 'minimization' ? new Array(n).fill(null) : undefined;
      for (let i = 0; i < n; i++) {
        const prev = reuse ? old.codes[i] : undefined;
        codes[i] = !eligible[i] ? SKIPPED : prev === ROBUST || prev === BROKEN ? prev : PENDING;
        if (l2 && reuse && codes[i] === BROKEN) l2[i] = old.l2?.[i] ?? null;
      }
      const rec: StepRecord = {
        spec, codes: codes.join(''), ...(l2 ? { l2 } : {}), status: 'partial', seconds: reuse ? old.seconds : 0,
        maxViolation: reuse ? old.maxViolation : 0,
      };
      steps[spec.key] = rec;
      const todo = indicesWith(codes, PENDING);
      running = spec.key;
      const t = performance.now();
      let done = 0, broken = 0;
      await runTaskOnIndices(executor, { kind: 'attack', step: spec }, todo, plan.batchSize, (batch, r) => {
        batch.forEach((i, j) => {
          const ok = r.success?.[j] === 1;
          codes[i] = ok ? BROKEN : ROBUST;
          if (ok) broken++;
          if (l2) l2[i] = ok && Number.isFinite(r.l2?.[j]) ? (r.l2 as Float32Array)[j] : null;
        });
        done += batch.length;
        rec.codes = codes.join('');
        rec.maxViolation = Math.max(rec.maxViolation, r.maxViolation ?? 0);
        rec.seconds = (reuse ? old.seconds : 0) + (performance.now() - t) / 1000;
        options.onProgress?.({ phase: 'attack', key: spec.key, done, total: todo.length, broken, seconds: (performance.now() - t) / 1000 });
        save();
      });
      rec.codes = codes.join('');
      rec.status = 'done';
      rec.seconds = (reuse ? old.seconds : 0) + (performance.now() - t) / 1000;
      if (rec.maxViolation > VIOLATION_TOLERANCE) {
        warnings.push(`${spec.key}: the attack returned points up to ${rec.maxViolation.toExponential(2)} outside B(x, ε) ∩ [0,1] (${spec.norm ?? 'linf'}); ` +
          'they were projected onto it before classification');
      }
      save(true);
      return codes;
    };

    // fixed-ε cascade, ε ascending
    let alive = [...cleanOk];
    const worstCase = new Map<number, boolean[]>();
    for (const epsilon of plan.epsilons) {
      if (!plan.carryAcrossEpsilons) alive = [...cleanOk];
      for (const spec of plan.fixed.filter((s) => s.epsilon === epsilon)) {
        const codes = await runStep(spec, plan.mode === 'cascade' ? [...alive] : cleanOk);
        codes.forEach((c, i) => { if (c === BROKEN) alive[i] = false; });
      }
      worstCase.set(epsilon, [...alive]);
    }
    for (const spec of plan.minimization) await runStep(spec, cleanOk);

    // sanity checks
    if (sanityOptions !== false) {
      const spec = sanitySpec(plan, sanityOptions, options.surrogate ? options.surrogateLabel ?? 'surrogate' : null);
      const old = previous?.sanity;
      if (old && JSON.stringify(old.spec) === JSON.stringify(spec) && Array.isArray(old.indices)) {
        sanity = old;
      } else {
        running = 'sanity';
        options.onProgress?.({ phase: 'sanity', key: 'sanity', done: 0, total: 1, seconds: 0 });
        sanity = await runSanityChecks({
          model, data, plan, cleanCodes, executor, worstCaseAt: (e) => worstCase.get(e),
          stepCodes: (key) => (steps[key]?.status === 'done' && JSON.stringify(steps[key].spec) === JSON.stringify(spec.base) ? steps[key].codes : undefined),
          surrogate: options.surrogate, surrogateLabel: options.surrogateLabel,
        }, sanityOptions);
        options.onProgress?.({ phase: 'sanity', key: 'sanity', done: 1, total: 1, seconds: sanity.seconds });
      }
    }
  } catch (err) {
    if (!signal.cancelled) throw err;
    // keep every finished example: a re-run with the same results file skips them
    save(true);
    throw new InterruptedError(`evaluation stopped in ${running}` +
      (options.resultsFile ? `; the finished examples are saved in ${options.resultsFile}` : ''),
    options.resultsFile ? 'run it again to continue where it stopped' : 'run it again to redo the unfinished step');
  } finally {
    // worker threads are terminated mid-batch: after an interrupt no thread keeps computing
    if (!options.executor) await executor.close();
  }
  const final = results();
  final.complete = true;
  if (options.resultsFile) writeJsonAtomic(options.resultsFile, final);
  return final;
}

/** Names of the steps of a plan that a results file has finished (for a "resuming: …" message). */
export function finishedSteps(results: EvalResults | undefined, plan: EvaluationPlan): string[] {
  if (!results) return [];
  return planSteps(plan).filter((s) => {
    const r = results.steps[s.key];
    return r && r.status === 'done' && JSON.stringify(r.spec) === JSON.stringify(s);
  }).map((s) => s.key);
}
