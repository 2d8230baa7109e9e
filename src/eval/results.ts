/**
 * The evaluation results file: plain JSON that tables and notebooks read, and that a re-run resumes from.
 * Per-sample outcomes are kept (see sample-codes.ts), so any accuracy can be recomputed from the file.
 */
import * as fs from 'node:fs';
import type { Dataset } from '../data';
import type { Provenance } from '../io/provenance';
import type { AttackStepSpec, EvaluationPlan } from './plan';
import { BROKEN, countCode, ROBUST, SKIPPED, checkCodes } from './sample-codes';
import { meanAndMedian } from './stats';
import type { SanityReport } from './sanity';

/** One attack step's stored state. */
export interface StepRecord {
  spec: AttackStepSpec;
  /** per-sample codes ('1' robust, '0' broken, '-' not attacked, '?' pending) */
  codes: string;
  /** minimisation attacks: ‖x' − x‖₂ of each successful adversarial (null elsewhere) */
  l2?: Array<number | null>;
  status: 'partial' | 'done';
  /** wall time spent on this step, summed over resumed sessions */
  seconds: number;
  /** fixed-ε: largest distance by which the attack's raw output left B∞(x, ε) ∩ [0,1] (it is projected) */
  maxViolation: number;
}

/** Robust accuracy after one fixed-ε step (fractions of all evaluated examples). */
export interface FixedStepSummary {
  key: string;
  attack: string;
  epsilon: number;
  /** examples this step attacked */
  attacked: number;
  /** of those, how many it broke */
  broken: number;
  /** accuracy after this step at this ε: clean-correct and not broken by this or any earlier step (worst case so far) */
  accuracyAfter: number;
  /** this attack's own accuracy, when it attacked every clean-correct example (first in a cascade, or independent mode) */
  standaloneAccuracy?: number;
}

export interface MinimizationSummary {
  key: string;
  attack: string;
  /** clean-correct examples attacked */
  attacked: number;
  successes: number;
  successRate: number;
  /** mean ‖x' − x‖₂ over successful adversarials (Table 2's C&W / DDN columns) */
  meanL2: number;
  medianL2: number;
}

export interface EvalSummary {
  count: number;
  cleanAccuracy: number;
  fixed: FixedStepSummary[];
  /** worst case over the fixed-ε attacks at each ε (Figure 2's accuracy-vs-ε curve) */
  sweep: Array<{ epsilon: number; accuracy: number }>;
  minimization: MinimizationSummary[];
}

/** One invocation of the evaluator on this file (a resumed evaluation has several). */
export interface EvalSession {
  startedAt: string;
  seconds: number;
  workers: number;
  backends: unknown[];
  /** os.loadavg() (1, 5, 15 min) at the start and end: the machine may be shared */
  loadavgStart: number[];
  loadavgEnd: number[];
  cpus: number;
}

export interface EvalResults {
  kind: 'eval';
  version: 1;
  /** the evaluated run (when evaluated from a run folder) */
  run?: { dir: string; dataset?: string; arch?: string; method?: string; methodSettings?: Record<string, unknown> };
  data: { name: string; split: string; count: number; fingerprint: string; sourceIndices?: number[] };
  plan: EvaluationPlan;
  clean: { codes: string; accuracy: number; seconds: number } | null;
  /** by step key, in plan order */
  steps: Record<string, StepRecord>;
  summary: EvalSummary;
  sanity?: SanityReport;
  /** every sanity-check failure and evaluator anomaly, in words (also printed by the CLI) */
  warnings: string[];
  complete: boolean;
  sessions: EvalSession[];
  provenance: Provenance;
}

/** FNV-1a over name, labels, source indices and pixel bits: identifies the evaluated examples and their order. */
export function dataFingerprint(data: Pick<Dataset, 'images' | 'labels' | 'count' | 'sourceIndices' | 'name' | 'split'>): string {
  let h = 0x811c9dc5;
  const mix = (v: number) => { h = Math.imul(h ^ v, 0x01000193) >>> 0; };
  for (const ch of `${data.name}/${data.split}/${data.count}`) mix(ch.charCodeAt(0));
  for (let i = 0; i < data.count; i++) { mix(data.labels[i]); if (data.sourceIndices) mix(data.sourceIndices[i]); }
  const bits = new Uint32Array(data.images.buffer, data.images.byteOffset, data.images.length);
  for (let i = 0; i < bits.length; i++) mix(bits[i]);
  return h.toString(16).padStart(8, '0');
}

/** Builds the summary from clean codes and step records (pure; call after every change). */
export function summarize(plan: EvaluationPlan, clean: { codes: string } | null, steps: Record<string, StepRecord>, count: number): EvalSummary {
  const cleanCodes = clean?.codes ?? '';
  const cleanOk = clean ? countCode(cleanCodes, ROBUST) : 0;
  const n = Math.max(count, 1);
  const fixed: FixedStepSummary[] = [];
  const sweep: Array<{ epsilon: number; accuracy: number }> = [];
  // alive[i]: clean-correct and not broken so far (at the current ε, with carry from smaller ε)
  let alive = Array.from(cleanCodes, (c) => c === ROBUST);
  for (const epsilon of plan.epsilons) {
    if (!plan.carryAcrossEpsilons) alive = Array.from(cleanCodes, (c) => c === ROBUST);
    const atEps = plan.fixed.filter((s) => s.epsilon === epsilon);
    let complete = atEps.length > 0;
    for (const spec of atEps) {
      const rec = steps[spec.key];
      if (!rec || rec.status !== 'done') { complete = false; break; }
      let attacked = 0, broken = 0, eligibleAll = true;
      for (let i = 0; i < count; i++) {
        const c = rec.codes[i];
        if (c === ROBUST || c === BROKEN) attacked++;
        if (c === BROKEN) { broken++; alive[i] = false; }
        if (cleanCodes[i] === ROBUST && c === SKIPPED) eligibleAll = false;
      }
      const entry: FixedStepSummary = {
        key: spec.key, attack: spec.attack, epsilon, attacked, broken, accuracyAfter: alive.filter(Boolean).length / n,
      };
      if (eligibleAll) entry.standaloneAccuracy = (cleanOk - broken) / n;
      fixed.push(entry);
    }
    if (complete) sweep.push({ epsilon, accuracy: alive.filter(Boolean).length / n });
  }
  const minimization: MinimizationSummary[] = [];
  for (const spec of plan.minimization) {
    const rec = steps[spec.key];
    if (!rec || rec.status !== 'done') continue;
    const attacked = countCode(rec.codes, ROBUST) + countCode(rec.codes, BROKEN);
    const successes = countCode(rec.codes, BROKEN);
    const { mean, median } = meanAndMedian(rec.l2 ?? []);
    minimization.push({
      key: spec.key, attack: spec.attack, attacked, successes, successRate: attacked ? successes / attacked : NaN, meanL2: mean, medianL2: median,
    });
  }
  return { count, cleanAccuracy: cleanOk / n, fixed, sweep, minimization };
}

/** Reads a results file written by `evaluate` (undefined when absent); validates its per-sample data. */
export function readEvalResults(file: string): EvalResults | undefined {
  if (!fs.existsSync(file)) return undefined;
  let r: EvalResults;
  try {
    r = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: not valid JSON (${(err as Error).message})`);
  }
  if (r?.kind !== 'eval' || r.version !== 1) throw new Error(`${file}: not an evaluation results file (kind '${r?.kind}', version ${r?.version})`);
  const n = r.data.count;
  if (r.clean) checkCodes(r.clean.codes, n, `${file} clean`);
  for (const [key, step] of Object.entries(r.steps)) {
    checkCodes(step.codes, n, `${file} step ${key}`);
    if (step.l2 && step.l2.length !== n) throw new RangeError(`${file} step ${key}: ${step.l2.length} L2 values for ${n} examples`);
  }
  return r;
}
