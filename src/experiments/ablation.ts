/**
 * Ablations: train variants of one row over a grid of settings and seeds, attack each, and report accuracy
 * vs the varied setting per attack — mean over seeds, seed spread (min–max, std) and the binomial 95 %
 * interval of the accuracy pooled over seeds, with its n. Every (variant, seed) is a cached run of its own
 * (run-variant.ts), so extending a sweep computes only the new points and a re-run computes nothing.
 *
 * @example const r = await ablate({ base: 'mat-so-bibo', vary: { alpha: [0, 0.5, 1] }, seeds: [0, 1], profile: 'cpu', dataset: 'mnist' });
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { DataFrame } from 'danfojs';
import { ablationCurveSpec, renderSvg, type AblationPoint, type ChartSpec } from '../charts';
import { wilsonInterval } from '../eval/binomial-interval';
import { writeJsonAtomic } from '../io/json';
import { provenance, type Provenance } from '../io/provenance';
import { toCsv } from '../tables';
import { headlineAttack, type EvalStepSpec, type SuiteContext } from './eval-suites';
import { ensureEvaluatedSteps, type FixedEpsilonOutcome } from './evaluate-step';
import { missingStepsError, PipelinePlan } from './plan';
import { datasetBudget, profileDefinition, type DatasetBudget, type ExperimentDataset, type ProfileRef } from './profiles';
import { describeStep, type StepOptions } from './progress';
import { frameOf } from './report';
import { displayPath, experimentDir, resultsLocation } from './results-root';
import { parseRowKey, ROWS, type RowKey } from './rows';
import { variantConfig, variantLabel, type RunVariant } from './run-variant';
import { ensureTrained } from './train-step';
import { isCachedOnly } from './cache';
import { interruptible } from '../io/interrupt';
import { formatSeconds } from './progress';

/** A setting an ablation can vary: how a value changes the variant, and the axis title. */
interface AblationParameter {
  title: string;
  /** in labels and table columns */
  symbol: string;
  apply(variant: RunVariant, value: number, base: { epsilon?: number; stepSize?: number; steps?: number }): RunVariant;
}

const withOptions = (v: RunVariant, options: RunVariant['options']): RunVariant => ({ ...v, options: { ...v.options, ...options } });

/** The settings `vary` accepts. Unknown names throw a RangeError naming these. */
export const ABLATION_PARAMETERS = {
  alpha: { title: 'α (weight of SO, Eq. 9)', symbol: 'α', apply: (v, x) => withOptions(v, { alpha: x }) },
  beta: { title: 'β (weight of BIBO, Eq. 9; TRADES: its β)', symbol: 'β', apply: (v, x) => withOptions(v, { beta: x }) },
  // the step size keeps its ratio to ε, so every radius is searched alike
  epsilon: {
    title: 'inner-max ε (L∞, pixels in [0, 1])', symbol: 'inner ε',
    apply: (v, x, b) => withOptions(v, { epsilon: x, ...(b.epsilon && b.stepSize ? { stepSize: (x * b.stepSize) / b.epsilon } : {}) }),
  },
  // k steps of ε/k: every budget still reaches the surface of the ball
  steps: {
    title: 'inner-max steps (each ε / steps)', symbol: 'inner steps',
    apply: (v, x, b) => withOptions(v, { steps: x, ...(b.epsilon !== undefined ? { stepSize: b.epsilon / x } : {}) }),
  },
  epochs: { title: 'training epochs', symbol: 'epochs', apply: (v, x) => ({ ...v, epochs: x }) },
} as const satisfies Record<string, AblationParameter>;
export type AblationParameterName = keyof typeof ABLATION_PARAMETERS;

/** An attack an ablation can report: its column title and its evaluation step under a budget. */
interface AblationAttack { title(budget: DatasetBudget): string; spec(budget: DatasetBudget, context: SuiteContext): EvalStepSpec }

/** The attacks `attacks` accepts (the Table 2 / Table 4 steps, so the rows' cached evaluations are reused). */
export const ABLATION_ATTACKS = {
  pgd: { title: (b) => `PGD-${b.eval.pgd.steps}`, spec: (b, c) => headlineAttack(b, 'pgd').spec(c) },
  'adaptive-pgd': { title: (b) => `adaptive PGD-${b.eval.pgd.steps}`, spec: (b, c) => headlineAttack(b, 'adaptive-pgd').spec(c) },
  'apgd-ce': { title: () => 'APGD-CE', spec: (b, c) => headlineAttack(b, 'apgd-ce').spec(c) },
  'apgd-dlr': { title: () => 'APGD-DLR', spec: (b, c) => headlineAttack(b, 'apgd-dlr').spec(c) },
} as const satisfies Record<string, AblationAttack>;
export type AblationAttackName = keyof typeof ABLATION_ATTACKS;

export const DEFAULT_ABLATION_ATTACKS: readonly AblationAttackName[] = ['pgd', 'apgd-dlr'];

/** Title of the clean accuracy in tables and charts (measured on the attacks' examples). */
export const CLEAN = 'clean';

export interface AblationSpec {
  /** the row whose variants are trained, e.g. 'mat-so-bibo' */
  base: RowKey;
  /** values of each varied setting; the grid of all combinations is trained */
  vary: Partial<Record<AblationParameterName, readonly number[]>>;
  /** settings changed in every variant (e.g. { epochs: 2 }), applied before the varied ones */
  fixed?: Partial<Record<AblationParameterName, number>>;
  /** training seeds (default: the budget's) */
  seeds?: readonly number[];
  /** attacks reported beside the clean accuracy (default PGD and APGD-DLR) */
  attacks?: readonly AblationAttackName[];
  profile: ProfileRef;
  dataset: ExperimentDataset;
  /** name of the stored ablation (default `<base>-<varied settings>`) */
  name?: string;
}

export interface AblationOptions extends StepOptions {
  /** hears the plan (what is cached, what will be computed, at what cost) before anything is computed */
  onPlan?: (plan: PipelinePlan) => void;
  /** one line per (variant, seed) saying whether it was cached or computed */
  onStep?: (line: string) => void;
  /**
   * with cachedOnly: report the (variant, seed) points that are cached and list the others in `missing`
   * (with their cost) instead of failing — for notebooks on shipped results
   */
  partial?: boolean;
}

/** One (variant, seed, attack) measurement. */
export interface AblationRun {
  label: string;
  settings: Record<string, number>;
  seed: number;
  attack: string;
  accuracy: number;
  /** examples attacked (the seeded subset) and how many stayed correct */
  n: number;
  correct: number;
  /** the run's folder and its evaluation file */
  runDir: string;
  evaluationFile: string;
}

/** One (variant, attack) cell aggregated over seeds. */
export interface AblationRow {
  label: string;
  settings: Record<string, number>;
  attack: string;
  mean: number;
  /** standard deviation over seeds (0 with one seed), min and max */
  std: number;
  min: number;
  max: number;
  seeds: number;
  /** pooled over seeds: examples, and the binomial 95 % interval (Wilson) */
  n: number;
  low: number;
  high: number;
}

export interface AblationResult {
  name: string;
  runs: AblationRun[];
  rows: AblationRow[];
  /** one row per (variant, attack): the settings, mean ± spread, n and interval (accuracies in %) */
  table: DataFrame;
  /** accuracy vs each varied setting, per attack */
  charts: Partial<Record<AblationParameterName, ChartSpec>>;
  /** what was cached and what was computed, with the estimated cost */
  plan: PipelinePlan;
  /** `partial` under cachedOnly: the steps of the points left out (not cached), with their cost */
  missing: PipelinePlan['steps'];
  /** the stored record (`<write root>/<profile>/<dataset>/ablations/<name>.json`) */
  file: string;
}

function parseParameter(name: string): AblationParameterName {
  if (Object.prototype.hasOwnProperty.call(ABLATION_PARAMETERS, name)) return name as AblationParameterName;
  throw new RangeError(`cannot vary '${name}'; valid settings: ${Object.keys(ABLATION_PARAMETERS).join(', ')}`);
}

/** Checks an attack name (RangeError naming the valid ones). */
export function parseAblationAttack(name: string): AblationAttackName {
  if (Object.prototype.hasOwnProperty.call(ABLATION_ATTACKS, name)) return name as AblationAttackName;
  throw new RangeError(`unknown ablation attack '${name}'; valid attacks: ${Object.keys(ABLATION_ATTACKS).join(', ')}`);
}

/** The grid's points: one settings record per combination, in the order the values are given. */
function grid(vary: AblationSpec['vary']): Array<Record<string, number>> {
  let points: Array<Record<string, number>> = [{}];
  for (const [name, values] of Object.entries(vary)) {
    parseParameter(name);
    if (!Array.isArray(values) || values.length === 0) throw new RangeError(`vary.${name} needs at least one value`);
    for (const x of values) if (typeof x !== 'number' || !Number.isFinite(x)) throw new RangeError(`vary.${name}: ${String(x)} is not a number`);
    points = points.flatMap((p) => values.map((x) => ({ ...p, [name]: x })));
  }
  return points;
}

/** The variants of an ablation, one per (grid point, seed). */
export function ablationVariants(spec: AblationSpec): Array<{ settings: Record<string, number>; seed: number; variant: RunVariant }> {
  const base = parseRowKey(spec.base);
  const budget = datasetBudget(spec.profile, spec.dataset);
  const baseOptions = variantConfig(base, spec.profile, spec.dataset).methodOptions ?? {};
  const seeds = spec.seeds ?? [budget.train.seed];
  if (seeds.length === 0) throw new RangeError('seeds needs at least one seed');
  return grid(spec.vary).flatMap((settings) => seeds.map((seed) => {
    let variant: RunVariant = { row: base };
    for (const [name, x] of Object.entries({ ...spec.fixed, ...settings })) variant = ABLATION_PARAMETERS[name as AblationParameterName].apply(variant, x, baseOptions);
    // the budget's seed is the row's default: leaving it out keeps the row's own identity
    if (seed !== budget.train.seed) variant = { ...variant, seed };
    variantConfig(variant, spec.profile, spec.dataset); // validates options for the base's method
    return { settings, seed, variant };
  }));
}

/** The evaluation steps of one ablation variant: its attacks' specs under the budget (what each variant is attacked with). */
export function ablationStepSpecs(attacks: readonly AblationAttackName[], budget: DatasetBudget): (context: SuiteContext) => EvalStepSpec[] {
  return (context) => attacks.map((a) => ABLATION_ATTACKS[a].spec(budget, context));
}

/** The name an ablation is stored under (`spec.name`, default `<base>-<varied settings>`). */
export const ablationName = (spec: AblationSpec) => spec.name ?? `${spec.base}-${Object.keys(spec.vary).join('-')}`;

/**
 * Trains and attacks every variant of the ablation (cached ones are read), then aggregates. With `plan`
 * (or cachedOnly) it plans first: `onPlan` hears every step; cachedOnly fails listing all missing ones.
 */
export async function ablate(spec: AblationSpec, options: AblationOptions = {}): Promise<AblationResult> {
  const def = profileDefinition(spec.profile);
  const budget = datasetBudget(def, spec.dataset);
  const attacks = (spec.attacks ?? DEFAULT_ABLATION_ATTACKS).map(parseAblationAttack);
  if (attacks.length === 0) throw new RangeError('attacks needs at least one attack');
  for (const name of Object.keys(spec.fixed ?? {})) parseParameter(name);
  const variants = ablationVariants(spec);
  const location = resultsLocation(options.results);
  const specsOf = ablationStepSpecs(attacks, budget);
  const name = ablationName(spec);
  const file = path.join(experimentDir(location.writeRoot, def.name, spec.dataset), 'ablations', `${name}.json`);

  // the sweep names its models itself: a notebook's knobs (in `progress`) do not apply to them
  options = { ...options, knobs: undefined };
  const plan = options.plan ?? new PipelinePlan();
  const ready: typeof variants = [];
  for (const v of variants) {
    const own = new PipelinePlan();
    await ensureEvaluatedSteps(v.variant, def, spec.dataset, specsOf, { ...options, results: location, plan: own });
    for (const s of own.steps) plan.add(s);
    if (own.toCompute.length === 0) ready.push(v);
  }
  options.onPlan?.(plan);
  if (options.plan) return { name, runs: [], rows: [], table: frameOf([], []), charts: {}, plan, missing: [], file };
  const cachedOnly = isCachedOnly(options);
  if (plan.toCompute.length > 0 && cachedOnly && !options.partial) throw missingStepsError(plan);
  const missing = cachedOnly ? plan.toCompute : [];

  const runs: AblationRun[] = [];
  const todo = cachedOnly ? ready : variants;
  // the sweep's ETA: the plan's estimate of what is left, scaled by how the finished points compared with theirs
  const estimateOf = (v: (typeof variants)[number]) => plan.toCompute.filter((s) => s.subject === variantLabel(v.variant, def, spec.dataset))
    .reduce((t, s) => t + (s.estimatedSeconds ?? 0), 0);
  const estimates = todo.map(estimateOf);
  let estimatedDone = 0, spent = 0;
  await interruptible(async () => { for (const [k, v] of todo.entries()) {
    const t0 = performance.now();
    const trained = await ensureTrained(v.variant, def, spec.dataset, { ...options, results: location });
    const e = await ensureEvaluatedSteps(v.variant, def, spec.dataset, specsOf, { ...options, results: location });
    const label = variantLabel(v.variant, def, spec.dataset);
    const computed = !(e.cached && trained.cached);
    if (computed) { spent += (performance.now() - t0) / 1000; estimatedDone += estimates[k]; }
    const left = estimates.slice(k + 1).reduce((t, x) => t + x, 0);
    const scale = estimatedDone > 0 ? spent / estimatedDone : 1;
    const eta = left > 0 ? ` · sweep ETA ≈ ${formatSeconds(left * scale)}${estimatedDone > 0 ? ` (estimates × ${scale.toFixed(2)}, as measured so far)` : ''}` : '';
    options.onStep?.(`[${k + 1} of ${todo.length}] ${describeStep(label, { ...e, cached: !computed })}${eta}`);
    const context = { method: trained.value.results.objective.method, settings: trained.value.results.objective.settings };
    const first = e.value[specsOf(context)[0].key] as FixedEpsilonOutcome;
    const common = { label, settings: v.settings, seed: v.seed, runDir: trained.value.runDir, evaluationFile: e.file };
    runs.push({ ...common, attack: CLEAN, accuracy: first.cleanAccuracy, n: first.examples, correct: Math.round(first.cleanAccuracy * first.examples) });
    for (const a of attacks) {
      const o = e.value[ABLATION_ATTACKS[a].spec(budget, context).key] as FixedEpsilonOutcome;
      runs.push({ ...common, attack: ABLATION_ATTACKS[a].title(budget), accuracy: o.robustAccuracy, n: o.examples, correct: Math.round(o.robustAccuracy * o.examples) });
    }
  } });
  const rows = aggregateAblation(runs);
  const result: AblationResult = {
    name, runs, rows, table: ablationFrame(rows, Object.keys(spec.vary) as AblationParameterName[]), charts: rows.length ? ablationCharts(rows, spec) : {}, plan, missing, file,
  };
  // a partial result is shown, never stored as the ablation
  if (missing.length === 0) writeAblationRecord(result, spec, def.name);
  return result;
}

/** Aggregates measurements over seeds: one row per (settings, attack), in first-seen order. */
export function aggregateAblation(runs: readonly AblationRun[]): AblationRow[] {
  const groups = new Map<string, AblationRun[]>();
  for (const r of runs) {
    const key = JSON.stringify([r.settings, r.attack]);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()].map((g) => {
    const acc = g.map((r) => r.accuracy);
    const mean = acc.reduce((s, x) => s + x, 0) / acc.length;
    const std = acc.length > 1 ? Math.sqrt(acc.reduce((s, x) => s + (x - mean) ** 2, 0) / (acc.length - 1)) : 0;
    const n = g.reduce((s, r) => s + r.n, 0);
    const { lower: low, upper: high } = wilsonInterval(g.reduce((s, r) => s + r.correct, 0), n);
    // the label without the seed: the variant the row aggregates
    const label = g[0].label.replace(/, seed \d+/, '');
    return { label, settings: g[0].settings, attack: g[0].attack, mean, std, min: Math.min(...acc), max: Math.max(...acc), seeds: g.length, n, low, high };
  });
}

/** The ablation table: settings, attack, mean ± std over seeds, min–max, n and the 95 % interval (in %). */
export function ablationFrame(rows: readonly AblationRow[], varied: readonly AblationParameterName[]): DataFrame {
  const columns = ['Model', ...varied.map((p) => ABLATION_PARAMETERS[p].symbol), 'Attack', 'Accuracy (%)', '± std over seeds', 'Seed min (%)', 'Seed max (%)', 'Seeds', 'n (pooled)', '95 % CI low (%)', '95 % CI high (%)'];
  const pct = (x: number) => 100 * x;
  return frameOf(columns, rows.map((r) => [
    r.label, ...varied.map((p) => r.settings[p]), r.attack, pct(r.mean), pct(r.std), pct(r.min), pct(r.max), r.seeds, r.n, pct(r.low), pct(r.high),
  ]), { 'Accuracy (%)': 1, '± std over seeds': 1, 'Seed min (%)': 1, 'Seed max (%)': 1, '95 % CI low (%)': 1, '95 % CI high (%)': 1 });
}

/** One chart per varied setting: accuracy vs that setting, per attack (the other settings as dashes). */
export function ablationCharts(rows: readonly AblationRow[], spec: Pick<AblationSpec, 'vary' | 'base' | 'dataset' | 'profile'>): Partial<Record<AblationParameterName, ChartSpec>> {
  const charts: Partial<Record<AblationParameterName, ChartSpec>> = {};
  const varied = Object.keys(spec.vary) as AblationParameterName[];
  for (const p of varied) {
    const others = varied.filter((q) => q !== p);
    const points: AblationPoint[] = rows.map((r) => ({
      value: r.settings[p], attack: r.attack, series: others.map((q) => `${ABLATION_PARAMETERS[q].symbol} = ${r.settings[q]}`).join(', '),
      mean: r.mean, min: r.min, max: r.max, seeds: r.seeds, low: r.low, high: r.high, n: r.n,
    }));
    const seeds = Math.max(...rows.map((r) => r.seeds));
    const n = rows.length ? Math.round(rows[0].n / rows[0].seeds) : 0;
    charts[p] = ablationCurveSpec(points, {
      parameterTitle: ABLATION_PARAMETERS[p].title,
      title: `${ROWS[spec.base].label} on ${spec.dataset}: accuracy vs ${ABLATION_PARAMETERS[p].symbol} (${seeds} seed${seeds === 1 ? '' : 's'}, n = ${n} per seed)`,
    });
  }
  return charts;
}

/** The stored record of an ablation: what it ran, where each run lives, and its rows. */
export interface AblationRecord {
  kind: 'ablation';
  name: string;
  profile: string;
  dataset: ExperimentDataset;
  base: RowKey;
  vary: AblationSpec['vary'];
  seeds: number[];
  attacks: string[];
  /** per (variant, seed): label, run folder and evaluation file (relative to the project root when inside it) */
  runs: Array<{ label: string; seed: number; settings: Record<string, number>; runDir: string; evaluationFile: string }>;
  rows: AblationRow[];
  /** files written beside the record (CSV table, one SVG chart per varied setting) */
  files: string[];
  provenance: Provenance;
}

function writeAblationRecord(result: AblationResult, spec: AblationSpec, profileName: string): void {
  const dir = path.dirname(result.file);
  fs.mkdirSync(dir, { recursive: true });
  const files = [`${result.name}.csv`];
  fs.writeFileSync(path.join(dir, files[0]), toCsv(result.table));
  const seen = new Set<string>();
  const runs = result.runs.filter((r) => !seen.has(r.runDir) && seen.add(r.runDir)).map((r) => ({
    label: r.label, seed: r.seed, settings: r.settings, runDir: displayPath(r.runDir), evaluationFile: displayPath(r.evaluationFile),
  }));
  const record: AblationRecord = {
    kind: 'ablation', name: result.name, profile: profileName, dataset: spec.dataset, base: spec.base, vary: spec.vary,
    seeds: [...new Set(result.runs.map((r) => r.seed))], attacks: [...new Set(result.runs.map((r) => r.attack))],
    runs, rows: result.rows, files, provenance: provenance(),
  };
  writeJsonAtomic(result.file, record);
}

/** Writes each chart as SVG beside the record (`<name>-<setting>.svg`); returns the files written. */
export async function writeAblationCharts(result: AblationResult): Promise<string[]> {
  const out: string[] = [];
  for (const [p, chart] of Object.entries(result.charts)) {
    const file = path.join(path.dirname(result.file), `${result.name}-${p}.svg`);
    fs.writeFileSync(file, await renderSvg(chart!));
    out.push(file);
  }
  return out;
}
