import * as path from 'node:path';
import {
  ALL_ROW_KEYS, datasetBudget, EXPERIMENT_DATASETS, experimentDir, formatSeconds, parseExperimentDataset, parseProfileName, parseRowKey,
  planReproduction, PROFILES, PROFILE_NAMES, reproduce, reproductionGrid, resultsLocation,
} from '../experiments';
import { EXECUTOR_FLAGS, EXECUTOR_HELP, executorOptions, statusOfGrid, submitAndReport } from './grid-commands';
import { parseFlags, type CommandContext, type FlagSpec } from './args';
import { BACKEND_NAMES } from '../backend';

export const REPRODUCE_HELP = `mat reproduce — the whole paper on one dataset: train every Table 2 row plus MMC, run the attacks of
Tables 2–4 and Figure 2, analyse the features behind Tables 1 and 5 and Figure 1, and write a summary.
Every step is cached under the results root (interrupt and re-run to resume; finished steps are reused).

  --profile P          ${PROFILE_NAMES.join(' | ')} (default cpu)
${PROFILE_NAMES.map((p) => `                         ${p}: ${PROFILES[p].description}`).join('\n')}
  --dataset NAME       ${EXPERIMENT_DATASETS.join(' | ')} (default mnist; cifar10 with --profile ${PROFILE_NAMES.filter((p) => PROFILES[p].datasets.cifar10).join(' | ')}, from $MAT_CIFAR10_DIR)
  --rows A,B,…         only these rows (${ALL_ROW_KEYS.join(', ')})
  --skip-features      skip the feature analyses (Tables 1 and 5, Figure 1)
  --autoattack-standard  also run AutoAttack's standard suite: FAB-T at the L∞ ε on what the headline's
                       seven attacks left, and APGD-CE → APGD-T → FAB-T → Square at the dataset's L2
                       radius (MNIST 2, Fashion-MNIST 0.67, CIFAR-10 0.5); without it, shown where cached
  --plan               only list what is cached and what would be computed, with estimated times
  --results-root DIR   where results are written (default runs/, env MAT_RESULTS_ROOT); cached
                       results are looked up in data/results/ first
  --backend NAME       ${BACKEND_NAMES.join(' | ')}
${EXECUTOR_HELP}  --status             the grid submitted with these flags: each cell done / running / pending / failed

Writes <root>/<profile>/<dataset>/summary.{json,md}, one CSV per table and the figures as SVG.
`;

export const REPRODUCE_FLAGS: FlagSpec = {
  profile: { type: 'string' }, dataset: { type: 'string' }, rows: { type: 'string' }, 'skip-features': { type: 'boolean' }, plan: { type: 'boolean' },
  'autoattack-standard': { type: 'boolean' },
  'results-root': { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean' }, status: { type: 'boolean' }, ...EXECUTOR_FLAGS,
};

export async function reproduceCommand(argv: string[], ctx: CommandContext = {}): Promise<void> {
  const v = parseFlags(argv, REPRODUCE_FLAGS, 'reproduce');
  const profile = parseProfileName(String(v.profile ?? 'cpu'));
  const dataset = parseExperimentDataset(String(v.dataset ?? 'mnist'));
  datasetBudget(profile, dataset); // fails early for e.g. cifar10 in the cpu profile
  const rows = v.rows === undefined ? undefined : String(v.rows).split(',').filter((s) => s.trim()).map((s) => parseRowKey(s.trim()));
  const slurm = executorOptions(v);
  const results = resultsLocation(v['results-root'] === undefined ? {} : { root: path.resolve(String(v['results-root'])) });
  if (v.status === true || slurm) {
    const grid = reproductionGrid(profile, dataset, { rows, skipFeatures: v['skip-features'] === true, results });
    if (v.status === true) return statusOfGrid(grid, results);
    return submitAndReport(grid, results, slurm!);
  }
  await ctx.startBackend?.();
  process.stderr.write(`reproduce: profile ${profile}, dataset ${dataset}, results in ${results.writeRoot} (lookup: ${results.readRoots.join(', ')})\n`);
  if (v.plan === true) {
    const plan = await planReproduction(profile, dataset, { rows, skipFeatures: v['skip-features'] === true, autoattackStandard: v['autoattack-standard'] === true, results });
    process.stdout.write(`${plan.describe()}\n`);
    return;
  }
  const started = Date.now();
  const { summary } = await reproduce(profile, dataset, {
    rows, skipFeatures: v['skip-features'] === true, autoattackStandard: v['autoattack-standard'] === true, results, progressSeconds: 15,
    onProgress: (e) => process.stderr.write(`  ${e.message}\n`),
    onStep: (line) => process.stderr.write(`${line}\n`),
  });
  for (const [name, md] of Object.entries(summary.tables)) process.stdout.write(`\n${name}\n\n${md}`);
  const dir = experimentDir(results.writeRoot, profile, dataset);
  const computed = summary.steps.filter((s) => !s.cached).length;
  process.stdout.write(`\n${summary.steps.length} steps (${computed} computed) in ${formatSeconds((Date.now() - started) / 1000)}; ` +
    `summary: ${path.join(dir, 'summary.md')}\n`);
}
