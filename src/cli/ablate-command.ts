import * as path from 'node:path';
import {
  ABLATION_ATTACKS, ABLATION_PARAMETERS, ablate, datasetBudget, DEFAULT_ABLATION_ATTACKS, EXPERIMENT_DATASETS, formatSeconds,
  parseAblationAttack, parseExperimentDataset, parseProfileName, parseRowKey, PipelinePlan, PROFILE_NAMES, resultsLocation,
  writeAblationCharts, ALL_ROW_KEYS, ablationGrid, type AblationParameterName,
} from '../experiments';
import { EXECUTOR_FLAGS, EXECUTOR_HELP, executorOptions, statusOfGrid, submitAndReport } from './grid-commands';
import { toMarkdown } from '../tables';
import { parseFlags, UsageError, type CommandContext, type FlagSpec } from './args';
import { BACKEND_NAMES } from '../backend';

export const ABLATE_HELP = `mat ablate — train variants of one row over a grid of settings and seeds, attack each, and report
accuracy vs each varied setting (mean over seeds, seed min–max, binomial 95 % interval with its n).
Every (variant, seed) is its own cached run: extending a sweep computes only the new points.

  --base ROW           the row whose variants are trained (${ALL_ROW_KEYS.join(', ')})
  --vary NAME=V1,V2,…  a setting and its values; repeat for a grid (${Object.keys(ABLATION_PARAMETERS).join(', ')})
  --seeds S1,S2,…      training seeds (default the profile's, 0)
  --attacks A,B,…      ${Object.keys(ABLATION_ATTACKS).join(', ')} (default ${DEFAULT_ABLATION_ATTACKS.join(',')}); clean accuracy always
  --name NAME          name of the stored ablation (default <base>-<settings>)
  --plan               only list what is cached and what would be computed, with estimated times
  --profile P          ${PROFILE_NAMES.join(' | ')} (default cpu)
  --dataset NAME       ${EXPERIMENT_DATASETS.join(' | ')} (default mnist)
  --results-root DIR   where results are written (default runs/, env MAT_RESULTS_ROOT); cached
                       results are looked up in data/results/ first
  --backend NAME       ${BACKEND_NAMES.join(' | ')}
${EXECUTOR_HELP}  --status             the grid submitted with these flags: each cell done / running / pending / failed

Example: mat ablate --base mat-so-bibo --vary alpha=0,0.5,1 --seeds 0,1
Writes <root>/<profile>/<dataset>/ablations/<name>.{json,csv} and one SVG chart per varied setting.
`;

export const ABLATE_FLAGS: FlagSpec = {
  base: { type: 'string' }, vary: { type: 'string', multiple: true }, seeds: { type: 'string' }, attacks: { type: 'string' },
  name: { type: 'string' }, plan: { type: 'boolean' }, profile: { type: 'string' }, dataset: { type: 'string' },
  'results-root': { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean' }, status: { type: 'boolean' }, ...EXECUTOR_FLAGS,
};

const numbers = (flag: string, text: string): number[] => text.split(',').filter((s) => s.trim()).map((s) => {
  const x = Number(s.trim());
  if (!Number.isFinite(x)) throw new UsageError(`--${flag}: '${s.trim()}' is not a number`);
  return x;
});

/** `alpha=0,0.5,1` → ['alpha', [0, 0.5, 1]] */
function parseVary(text: string): [AblationParameterName, number[]] {
  const eq = text.indexOf('=');
  if (eq < 1) throw new UsageError(`--vary expects NAME=V1,V2,… (e.g. alpha=0,0.5,1), got '${text}'`);
  const name = text.slice(0, eq).trim();
  if (!Object.prototype.hasOwnProperty.call(ABLATION_PARAMETERS, name)) {
    throw new UsageError(`--vary: cannot vary '${name}'; valid settings: ${Object.keys(ABLATION_PARAMETERS).join(', ')}`);
  }
  const values = numbers('vary', text.slice(eq + 1));
  if (values.length === 0) throw new UsageError(`--vary ${name}: no values`);
  return [name as AblationParameterName, values];
}

export async function ablateCommand(argv: string[], ctx: CommandContext = {}): Promise<void> {
  const v = parseFlags(argv, ABLATE_FLAGS, 'ablate') as Record<string, unknown>;
  if (v.base === undefined) throw new UsageError('ablate needs --base ROW (e.g. --base mat-so-bibo)');
  const varies = (v.vary as string[] | undefined) ?? [];
  if (varies.length === 0) throw new UsageError('ablate needs at least one --vary NAME=V1,V2,…');
  const vary = Object.fromEntries(varies.map(parseVary));
  const profile = parseProfileName(String(v.profile ?? 'cpu'));
  const dataset = parseExperimentDataset(String(v.dataset ?? 'mnist'));
  datasetBudget(profile, dataset);
  const spec = {
    base: parseRowKey(String(v.base)), vary, profile, dataset,
    ...(v.seeds !== undefined ? { seeds: numbers('seeds', String(v.seeds)) } : {}),
    ...(v.attacks !== undefined ? { attacks: String(v.attacks).split(',').filter((s) => s.trim()).map((s) => parseAblationAttack(s.trim())) } : {}),
    ...(v.name !== undefined ? { name: String(v.name) } : {}),
  };
  const slurm = executorOptions(v);
  const results = resultsLocation(v['results-root'] === undefined ? {} : { root: path.resolve(String(v['results-root'])) });
  if (v.status === true || slurm) {
    const grid = ablationGrid(spec, { results });
    if (v.status === true) return statusOfGrid(grid, results);
    return submitAndReport(grid, results, slurm!);
  }
  await ctx.startBackend?.();
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`${line}\n`);
  if (v.plan === true) {
    const plan = new PipelinePlan();
    await ablate(spec, { results, plan });
    process.stdout.write(`${plan.describe()}\n`);
    return;
  }
  const r = await ablate(spec, {
    results, progressSeconds: 15, onProgress: (e) => log(`  ${e.message}`), onStep: log,
    onPlan: (plan) => log(`plan:\n${plan.describe()}`),
  });
  const charts = await writeAblationCharts(r);
  process.stdout.write(`\n${toMarkdown(r.table)}\n`);
  process.stdout.write(`${r.plan.toCompute.length} steps computed, ${r.plan.cached.length} cached, in ${formatSeconds((Date.now() - started) / 1000)}; ` +
    `ablation: ${r.file}; charts: ${charts.join(', ')}\n`);
}
