/**
 * REPRODUCTION.md's numbers come from the shipped results, never from typing: the document holds generated
 * blocks
 *
 *     <!-- generated: cpu/mnist table2-robustness -->
 *     | … the table … |
 *     <!-- end generated -->
 *
 * that `mat reproduction-doc` refills from `data/results/<profile>/<dataset>/` without training or attacking
 * anything (a missing result is an error), and that a test compares with the same results.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonFile } from '../io/json';
import { toMarkdown } from '../tables';
import { ablationFrame, type AblationParameterName, type AblationRecord } from './ablation';
import { ensureRows, reproductionFrames, rowWork } from './reproduce';
import { formatSeconds } from './progress';
import { datasetBudget, parseExperimentDataset, parseProfileName, type ExperimentDataset, type ProfileName } from './profiles';
import type { ExperimentResults } from './report';
import { experimentDir, SHIPPED_RESULTS_ROOT, resultsLocation } from './results-root';
import { ALL_ROW_KEYS, ROWS, parseRowKey, type RowKey } from './rows';

/** One generated block: `<!-- generated: PROFILE/DATASET NAME -->` … `<!-- end generated -->`. */
const BLOCK = /<!-- generated: ([\w-]+)\/([\w-]+) ([\w-]+) -->\n([\s\S]*?)<!-- end generated -->/g;

export interface GeneratedBlock { profile: ProfileName; dataset: ExperimentDataset; name: string; content: string }

/** The generated blocks of a document, in order (names are checked when they are filled). */
export function generatedBlocks(doc: string): GeneratedBlock[] {
  return [...doc.matchAll(BLOCK)].map((m) => ({
    profile: parseProfileName(m[1]), dataset: parseExperimentDataset(m[2]), name: m[3], content: m[4],
  }));
}

/**
 * The rows a shipped reproduction holds: those its summary.json lists (a reproduction shipped stage by stage
 * lists the rows finished so far), else every row.
 */
export function shippedRows(profile: ProfileName, dataset: ExperimentDataset, root: string = SHIPPED_RESULTS_ROOT): RowKey[] {
  const file = path.join(experimentDir(resultsLocation({ root, readRoots: [root] }).writeRoot, profile, dataset), 'summary.json');
  if (!fs.existsSync(file)) return [...ALL_ROW_KEYS];
  const summary = readJsonFile<{ rows?: unknown }>(file, { check: (v) => (Array.isArray((v as { rows?: unknown })?.rows) ? undefined : 'a summary without rows') })!;
  return (summary.rows as string[]).map(parseRowKey);
}

/** The shipped rows' results of a profile and dataset read from `root` (default data/results/); nothing is computed. */
export async function loadShippedResults(profile: ProfileName, dataset: ExperimentDataset, root: string = SHIPPED_RESULTS_ROOT): Promise<ExperimentResults> {
  const location = resultsLocation({ root, readRoots: [root] });
  const { results } = await ensureRows(shippedRows(profile, dataset, root), profile, dataset, {
    results: location, cachedOnly: true,
    suites: (row) => rowWork(row).suites, optionalSuites: (row) => rowWork(row).optionalSuites, features: (row) => rowWork(row).features,
  });
  return results;
}

/** Where each row's compute time went (training, attacks, feature analysis), from the stored records. */
export function computeTimeTable(results: ExperimentResults): string {
  const lines = ['| Row | training | attacks | features | total |', '|---|---:|---:|---:|---:|'];
  let sum = 0;
  for (const row of ALL_ROW_KEYS) {
    const r = results[row];
    if (!r) continue;
    const train = r.train?.timings.totalSeconds ?? 0;
    const attacks = Object.values(r.evaluation ?? {}).reduce((s, o) => s + o.seconds, 0);
    const f = r.features?.seconds;
    const features = f ? f.features + f.ward + f.tsne : 0;
    const total = train + attacks + features;
    sum += total;
    lines.push(`| ${ROWS[row].label} | ${formatSeconds(train)} | ${formatSeconds(attacks)} | ${formatSeconds(features)} | ${formatSeconds(total)} |`);
  }
  lines.push(`| **all rows** | | | | **${formatSeconds(sum)}** |`);
  return lines.join('\n') + '\n';
}

/** The content of every block name for one profile and dataset: the reproduction's tables plus `compute-time`. */
export function blockContents(results: ExperimentResults, profile: ProfileName, dataset: ExperimentDataset): Record<string, string> {
  const frames = reproductionFrames(results, datasetBudget(profile, dataset), dataset);
  const out: Record<string, string> = {};
  for (const [name, df] of Object.entries(frames)) out[name] = toMarkdown(df);
  out['compute-time'] = computeTimeTable(results);
  return out;
}

/** One block per shipped ablation (`ablation-<name>`: its table), read from `<root>/<profile>/<dataset>/ablations/`. */
export function ablationBlockContents(profile: ProfileName, dataset: ExperimentDataset, root: string = SHIPPED_RESULTS_ROOT): Record<string, string> {
  const dir = path.join(experimentDir(resultsLocation({ root, readRoots: [root] }).writeRoot, profile, dataset), 'ablations');
  const out: Record<string, string> = {};
  for (const f of fs.existsSync(dir) ? fs.readdirSync(dir).filter((x) => x.endsWith('.json')).sort() : []) {
    const record = readJsonFile<AblationRecord>(path.join(dir, f), {
      check: (v) => ((v as Partial<AblationRecord>)?.kind === 'ablation' && Array.isArray((v as AblationRecord).rows) ? undefined : 'not an ablation record'),
    })!;
    out[`ablation-${record.name}`] = toMarkdown(ablationFrame(record.rows, Object.keys(record.vary) as AblationParameterName[]));
  }
  return out;
}

/**
 * Refills every generated block of `doc` from the results under `root`. Unknown block names throw a
 * RangeError naming the valid ones. Returns the new text and how many blocks changed.
 */
export async function refreshReproductionDoc(doc: string, root: string = SHIPPED_RESULTS_ROOT): Promise<{ text: string; blocks: number; changed: string[] }> {
  const cache = new Map<string, Record<string, string>>();
  const blocks = generatedBlocks(doc);
  for (const b of blocks) {
    const id = `${b.profile}/${b.dataset}`;
    if (!cache.has(id)) {
      cache.set(id, { ...blockContents(await loadShippedResults(b.profile, b.dataset, root), b.profile, b.dataset), ...ablationBlockContents(b.profile, b.dataset, root) });
    }
  }
  const changed: string[] = [];
  const text = doc.replace(BLOCK, (whole, profile: string, dataset: string, name: string, content: string) => {
    const contents = cache.get(`${profile}/${dataset}`)!;
    const fresh = contents[name];
    if (fresh === undefined) throw new RangeError(`REPRODUCTION block '${name}': unknown; valid: ${Object.keys(contents).join(', ')}`);
    if (fresh !== content) changed.push(`${profile}/${dataset} ${name}`);
    return `<!-- generated: ${profile}/${dataset} ${name} -->\n${fresh}<!-- end generated -->`;
  });
  return { text, blocks: blocks.length, changed };
}
