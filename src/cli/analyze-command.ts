import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderSvg } from '../charts';
import { datasetInfo } from '../data';
import {
  datasetBudget, describeStep, ensureRunAnalysis, FEATURES_FILE, featureAnalysisSettings, figure1Specs, frameRecords, parseExperimentDataset,
  parseProfileName, ROWS, rowOfConfig, runConfig, runCosineFrame, runMatchRateFrame,
} from '../experiments';
import { toCsv, toMarkdown } from '../tables';
import { parseFlags, UsageError, type CommandContext, type FlagSpec } from './args';
import { BACKEND_NAMES } from '../backend';

export const ANALYZE_HELP = `mat analyze — feature analysis of one trained model: Table 1 (Ward match rates of clean / PGD / DDN
features), Table 5 (cosine to the predicted class center; models with a centers head) and Figure 1 (t-SNE
of clean and PGD features; (a) adversarials by true label, (b) by predicted class)

  --run DIR          run folder (results.json and/or checkpoint/)
  --profile P        smoke | cpu | gpu | paper: points, attack and t-SNE budgets (default cpu)
  --out DIR          where CSV / JSON / SVG go (default: the run folder)
  --backend NAME     ${BACKEND_NAMES.join(' | ')}

Tables print to stdout as Markdown, our numbers beside the paper's. The analysis is cached in
DIR/features-<profile>.json (a second call with the same model and profile only redraws; an analysis the
pipeline already stored in DIR/features.json with the same settings is reused).
`;

export const ANALYZE_FLAGS: FlagSpec = {
  run: { type: 'string' }, profile: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean' },
};

function writeTable(dir: string, name: string, df: Parameters<typeof toCsv>[0], written: string[]): void {
  fs.writeFileSync(path.join(dir, `${name}.csv`), toCsv(df));
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(frameRecords(df), null, 2) + '\n');
  written.push(`${name}.csv`, `${name}.json`);
}

export async function analyzeCommand(argv: string[], ctx: CommandContext = {}): Promise<void> {
  const v = parseFlags(argv, ANALYZE_FLAGS, 'analyze');
  if (!v.run) throw new UsageError('--run DIR is required');
  const runDir = path.resolve(String(v.run));
  const profile = parseProfileName(String(v.profile ?? 'cpu'));
  await ctx.startBackend?.();
  const config = runConfig(runDir);
  const dataset = parseExperimentDataset(config.dataset);
  const settings = featureAnalysisSettings(datasetBudget(profile, dataset));
  const row = rowOfConfig(config);
  const label = row ? ROWS[row].label : config.method;
  const writeFile = path.join(runDir, `features-${profile}.json`);
  const result = await ensureRunAnalysis(runDir, settings, {
    // the pipeline's own analysis of this run (same key) is reused too
    label, writeFile, readFiles: [writeFile, path.join(runDir, FEATURES_FILE)],
    onProgress: (e) => process.stderr.write(`${e.message}\n`), progressSeconds: 15,
  });
  process.stderr.write(`${describeStep(`${label} feature analysis`, result)}\n`);
  const analysis = result.value;
  const out = path.resolve(String(v.out ?? runDir));
  fs.mkdirSync(out, { recursive: true });
  const written: string[] = [];

  const t1 = runMatchRateFrame(analysis, label, dataset);
  process.stdout.write(`\nTable 1 — match rates (%) of ${analysis.examples} test images (${label}, ${dataset}):\n\n${toMarkdown(t1)}`);
  writeTable(out, 'table1-match-rates', t1, written);
  const t5 = runCosineFrame(analysis, row, dataset);
  if (t5) {
    process.stdout.write(`\nTable 5 — cosine to the predicted class center (mean ± std over classes):\n\n${toMarkdown(t5)}`);
    writeTable(out, 'table5-cosine', t5, written);
  } else {
    process.stdout.write(`\nTable 5: not applicable — a '${config.method}' model has a linear head, no class centers.\n`);
  }
  const f1 = figure1Specs(analysis, label, datasetInfo(dataset).classNames);
  for (const [name, spec] of [['figure1a-tsne-by-label', f1.a], ['figure1b-tsne-by-prediction', f1.b]] as const) {
    fs.writeFileSync(path.join(out, `${name}.svg`), await renderSvg(spec));
    written.push(`${name}.svg`);
  }
  process.stdout.write(`\nWrote ${written.join(', ')} to ${out}\n`);
}
