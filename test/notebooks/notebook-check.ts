import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The parts of an nbformat 4 notebook these checks read. */
export interface NotebookJson {
  cells: Array<{
    cell_type: string;
    source: string | string[];
    execution_count?: number | null;
    outputs?: Array<{ output_type: string; name?: string; ename?: string; evalue?: string; text?: string | string[]; data?: Record<string, unknown> }>;
  }>;
  metadata?: {
    kernelspec?: { name?: string };
    mat?: { expects?: { figures?: number; tables?: number }; ciDatasets?: string[] };
  } & Record<string, unknown>;
}

/** The kernel spec every notebook names (registered by `npm run kernel`, scripts/install-kernel.mjs). */
export const KERNEL_NAME = 'tslab-mat';

export interface Expects { figures: number; tables: number }

/** What an executed notebook contains. */
export interface NotebookReport {
  /** `ename: evalue` of each `error` output, prefixed with its cell index. */
  errors: string[];
  /** Indices of code cells that were not executed (execution_count null). */
  unexecuted: number[];
  /** Outputs carrying image/svg+xml or image/png. */
  figures: number;
  /** text/html outputs containing a <table>. */
  tables: number;
  /** Cell indices of SVG outputs without a static image/png beside them (unsigned copies would show nothing). */
  svgWithoutPng: number[];
}

const text = (v: unknown): string => (Array.isArray(v) ? v.join('') : typeof v === 'string' ? v : '');

/** `metadata.mat.expects` with missing counts as 0; throws RangeError on negative or non-numeric counts. */
export function readExpects(nb: NotebookJson): Expects {
  const e = nb.metadata?.mat?.expects ?? {};
  const out: Expects = { figures: e.figures ?? 0, tables: e.tables ?? 0 };
  for (const [k, v] of Object.entries(out)) {
    if (!Number.isInteger(v) || v < 0) throw new RangeError(`metadata.mat.expects.${k} must be a non-negative integer, got ${String(v)}`);
  }
  return out;
}

/** `metadata.mat.ciDatasets`: datasets besides its default that CI executes the notebook on (scripts/notebook-lib.mjs reads the same). */
export function readCiDatasets(nb: NotebookJson): string[] {
  const d = nb.metadata?.mat?.ciDatasets ?? [];
  if (!Array.isArray(d) || d.some((x) => typeof x !== 'string')) throw new RangeError(`metadata.mat.ciDatasets must be a list of dataset names, got ${JSON.stringify(d)}`);
  return d;
}

/** Everything the notebook printed (stream outputs), joined. */
export function printedText(nb: NotebookJson): string {
  return nb.cells.flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'stream').map((o) => text(o.text))).join('');
}

export function inspectNotebook(nb: NotebookJson): NotebookReport {
  const report: NotebookReport = { errors: [], unexecuted: [], figures: 0, tables: 0, svgWithoutPng: [] };
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== 'code') return;
    if (cell.execution_count === null || cell.execution_count === undefined) report.unexecuted.push(i);
    for (const out of cell.outputs ?? []) {
      if (out.output_type === 'error') report.errors.push(`cell ${i}: ${out.ename ?? ''}: ${out.evalue ?? ''}`);
      const data = out.data ?? {};
      if ('image/svg+xml' in data || 'image/png' in data) report.figures++;
      if ('image/svg+xml' in data && !('image/png' in data)) report.svgWithoutPng.push(i);
      if ('text/html' in data && /<table[\s>]/i.test(text(data['text/html']))) report.tables++;
    }
  });
  return report;
}

/** Code-cell sources, to tell whether an executed copy is stale against its source notebook. */
export function codeSources(nb: NotebookJson): string[] {
  return nb.cells.filter((c) => c.cell_type === 'code').map((c) => text(c.source));
}

/** Every problem with an executed notebook, as messages; empty when it passes. */
export function problems(executed: NotebookJson, source: NotebookJson): string[] {
  const out: string[] = [];
  const r = inspectNotebook(executed);
  const exp = readExpects(source);
  const kernel = source.metadata?.kernelspec?.name;
  if (kernel !== KERNEL_NAME) out.push(`metadata.kernelspec.name is ${String(kernel)}; notebooks must name ${KERNEL_NAME} (npm run kernel registers it)`);
  out.push(...r.errors.map((e) => `error output in ${e}`));
  if (r.unexecuted.length) out.push(`code cells not executed: ${r.unexecuted.join(', ')}`);
  if (r.figures < exp.figures) out.push(`expected at least ${exp.figures} figure(s) (image/svg+xml or image/png), found ${r.figures}`);
  if (r.svgWithoutPng.length) {
    out.push(`SVG figures without a static image/png in cells ${r.svgWithoutPng.join(', ')} (an unsigned copy shows no figure): ` +
      'run-notebooks renders them with chromium (bash scripts/ci-deps.sh)');
  }
  if (r.tables < exp.tables) out.push(`expected at least ${exp.tables} HTML table(s), found ${r.tables}`);
  if (JSON.stringify(codeSources(executed)) !== JSON.stringify(codeSources(source))) {
    out.push('executed copy is stale (its code differs from the source notebook): rerun npm run notebooks');
  }
  return out;
}

/** The repository root: the nearest ancestor of `from` holding package.json (works from test/ and dist/test/). */
export function projectRoot(from: string = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no package.json above ${from}`);
    dir = up;
  }
  return dir;
}

export function readNotebook(path: string): NotebookJson {
  return JSON.parse(readFileSync(path, 'utf8')) as NotebookJson;
}
