/**
 * Commands of grids run by an executor: `mat cell` (one SLURM array task), `mat merge` (the merge job),
 * `mat status` (the grid's cells: done / running / pending / failed), and the `--executor` flags that
 * `mat reproduce` and `mat ablate` share.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  describeGridStatus, gridDir, gridStatus, INTERRUPTED_EXIT, mergeGrid, readGridRecord, resultsLocation, runCell, submitGrid,
  taskRecordFile, type Grid, type GridCell, type ResultsLocation, type SlurmOptions, type TaskRecord,
} from '../experiments';
import { writeJsonAtomic } from '../io/json';
import { CancelToken, InterruptedError, interruptible } from '../io/interrupt';
import { numberFlag, parseFlags, UsageError, type CommandContext, type FlagSpec } from './args';

/** An error that ends `mat` with its own exit status (INTERRUPTED_EXIT: checkpointed, resume later). */
export class ExitError extends Error {
  constructor(message: string, readonly exitCode: number) { super(message); this.name = 'ExitError'; }
}

export const EXECUTOR_FLAGS: FlagSpec = {
  executor: { type: 'string' }, partition: { type: 'string' }, time: { type: 'string' }, gres: { type: 'string' },
  'cpus-per-task': { type: 'string' }, 'max-parallel': { type: 'string' }, account: { type: 'string' }, 'checkpoint-every': { type: 'string' },
};

export const EXECUTOR_HELP = `  --executor E         local (default: run every step here) | slurm (submit the grid as job arrays, see
                       README "Running on a cluster"); with slurm:
  --partition P --time T --gres G --cpus-per-task N --account A   passed to sbatch (gres/time per task)
  --max-parallel K     at most K tasks of an array at once (--array=…%K)
  --checkpoint-every N training tasks also checkpoint every N steps (default every 10 min and at the
                       time-limit signal)
`;

/** The executor flags: undefined for local, else the SLURM options. */
export function executorOptions(v: Record<string, unknown>): SlurmOptions | undefined {
  const executor = String(v.executor ?? 'local');
  if (executor !== 'local' && executor !== 'slurm') throw new UsageError(`--executor must be local or slurm, got '${executor}'`);
  const slurmOnly = ['partition', 'time', 'gres', 'cpus-per-task', 'max-parallel', 'account', 'checkpoint-every'].filter((k) => v[k] !== undefined);
  if (executor === 'local') {
    if (slurmOnly.length) throw new UsageError(`--${slurmOnly[0]} needs --executor slurm`);
    return undefined;
  }
  const str = (k: string) => (v[k] === undefined ? undefined : String(v[k]));
  return {
    partition: str('partition'), time: str('time'), gres: str('gres'), account: str('account'),
    cpusPerTask: numberFlag(v, 'cpus-per-task', { integer: true, min: 1 }), maxParallel: numberFlag(v, 'max-parallel', { integer: true, min: 1 }),
    checkpointEvery: numberFlag(v, 'checkpoint-every', { integer: true, min: 1 }), backend: str('backend'),
  };
}

/** Submits a grid and prints what went where. */
export async function submitAndReport(grid: Grid, results: ResultsLocation, slurm: SlurmOptions): Promise<void> {
  const r = await submitGrid(grid, { results, slurm });
  const s = r.submission;
  const jobs = Object.entries(s.jobs).map(([stage, id]) => `${stage} ${id}${s.indices[stage as keyof typeof s.indices] ? ` (${s.indices[stage as keyof typeof s.indices]!.length} tasks)` : ''}`);
  process.stdout.write(`submitted ${grid.cells.length - r.complete} of ${grid.cells.length} cells (${r.complete} complete) as ${jobs.join(', ')}` +
    `${r.cancelled.length ? `; cancelled earlier pending ${r.cancelled.join(', ')}` : ''}\n` +
    `grid: ${r.dir}\nstatus: mat status --grid ${r.dir}\n`);
}

export const CELL_HELP = `mat cell — run one cell of a grid's manifest (what each SLURM array task runs)

  --manifest F         a stage's manifest (<grid>/<stage>.jsonl: one cell per line)
  --index I            the line (0-based; $SLURM_ARRAY_TASK_ID)
  --checkpoint-every N training also checkpoints every N steps
  --backend NAME

A complete cell is skipped; a cell another process is running is waited for. SIGUSR1 / SIGTERM stop it as
Ctrl-C stops a local run: training checkpoints after its batch, an evaluation keeps its finished steps, and
the task exits with status ${INTERRUPTED_EXIT} (re-run to resume). The task's state goes to
<grid>/tasks/<stage>-<I>.json.
`;

function readManifestLine(file: string, index: number): GridCell {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim());
  if (index < 0 || index >= lines.length) throw new UsageError(`--index ${index}: ${file} has ${lines.length} cells`);
  return JSON.parse(lines[index]) as GridCell;
}

export async function cellCommand(argv: string[], ctx: CommandContext = {}): Promise<void> {
  const v = parseFlags(argv, { manifest: { type: 'string' }, index: { type: 'string' }, 'checkpoint-every': { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean' } }, 'cell');
  if (v.manifest === undefined || v.index === undefined) throw new UsageError('cell needs --manifest F --index I');
  const manifest = path.resolve(String(v.manifest));
  const index = numberFlag(v, 'index', { integer: true, min: 0 })!;
  const cell = readManifestLine(manifest, index);
  const dir = path.dirname(manifest);
  const record = readGridRecord(dir);
  const results = resultsLocation({ root: record.results.root, readRoots: record.results.readRoots });
  const jobId = process.env.SLURM_ARRAY_JOB_ID ? `${process.env.SLURM_ARRAY_JOB_ID}_${process.env.SLURM_ARRAY_TASK_ID}` : process.env.SLURM_JOB_ID;
  const taskFile = taskRecordFile(dir, cell.stage, index);
  const note = (state: TaskRecord['state'], error?: string) => writeJsonAtomic(taskFile, {
    state, cell: cell.id, ...(jobId ? { jobId } : {}), host: os.hostname(), pid: process.pid, at: new Date().toISOString(), ...(error ? { error } : {}),
  } satisfies TaskRecord);
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // the time-limit signal (USR1) and scancel's SIGTERM stop the task the way Ctrl-C stops a local run: the
  // job's token is cancelled, training checkpoints after its batch and an attack after its batch (finished
  // steps are stored), and the InterruptedError below marks the task interrupted
  const token = new CancelToken();
  const onSignal = (signal: string) => {
    log(`cell: ${signal}: ${cell.stage === 'train' ? 'checkpointing after the current batch' : 'stopping after the current batch (finished steps are stored)'}`);
    token.cancel(signal);
  };
  process.on('SIGUSR1', () => onSignal('SIGUSR1'));
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  note('running');
  log(`cell ${index} of ${path.basename(manifest)}: ${cell.id} (${cell.label})${jobId ? `, job ${jobId}` : ''} on ${os.hostname()}`);
  await ctx.startBackend?.();
  try {
    const checkpointEvery = numberFlag(v, 'checkpoint-every', { integer: true, min: 1 });
    const r = await interruptible(() => runCell(cell, {
      results, progressSeconds: 15, onProgress: (e) => log(`  ${e.message}`), notice: log, hooks: { checkpointEvery },
    }), token);
    note(r.skipped ? 'skipped' : 'done');
    log(r.skipped ? `cell ${cell.id}: complete already, skipped` : `cell ${cell.id}: done in ${r.result!.seconds.toFixed(1)} s → ${r.result!.file}`);
  } catch (err) {
    if (err instanceof InterruptedError) {
      note('interrupted');
      throw new ExitError(`${cell.id}: ${err.message}`, INTERRUPTED_EXIT);
    }
    note('failed', (err as Error).message.split('\n')[0]);
    throw err;
  }
}

export const MERGE_HELP = `mat merge — render a grid's tables, figures and report from the results root (the grid's merge job)

  --grid F             the grid's grid.json (or its folder)
  --backend NAME

Computes nothing: a cell that is not complete fails it, listing every missing step.
`;

export async function mergeCommand(argv: string[], ctx: CommandContext = {}): Promise<void> {
  const v = parseFlags(argv, { grid: { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean' } }, 'merge');
  if (v.grid === undefined) throw new UsageError('merge needs --grid F');
  const record = readGridRecord(path.resolve(String(v.grid)));
  const results = resultsLocation({ root: record.results.root, readRoots: record.results.readRoots });
  await ctx.startBackend?.();
  const r = await mergeGrid(record, { results, onProgress: (e) => process.stderr.write(`  ${e.message}\n`) });
  for (const [name, md] of Object.entries(r.tables)) process.stdout.write(`\n${name}\n\n${md}`);
  process.stdout.write(`\nmerged ${record.cells.length} cells: ${r.files.join(', ')}\n`);
}

export const STATUS_HELP = `mat status — a grid's cells: done / running / pending / failed / interrupted / not queued

  --grid DIR           the grid's folder (printed at submission: <root>/<profile>/<dataset>/grids/<name>)
  --json               as JSON

Done is read from the results root (whatever ran the cell); running and pending from squeue; failed and
interrupted from the task's record (<grid>/tasks/). Re-submit the same command to run what is not done.
`;

export async function statusCommand(argv: string[]): Promise<void> {
  const v = parseFlags(argv, { grid: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean' } }, 'status');
  if (v.grid === undefined) throw new UsageError('status needs --grid DIR');
  await printStatus(path.resolve(String(v.grid)), v.json === true);
}

export async function printStatus(dir: string, json: boolean): Promise<void> {
  const s = await gridStatus(dir);
  if (json) process.stdout.write(JSON.stringify(s.cells.map((c) => ({ id: c.cell.id, stage: c.cell.stage, label: c.cell.label, state: c.state, job: c.job, detail: c.detail })), null, 2) + '\n');
  else process.stdout.write(describeGridStatus(s));
}

/** `mat reproduce --status`: the status of the grid the same flags would submit. */
export async function statusOfGrid(grid: Grid, results: ResultsLocation): Promise<void> {
  await printStatus(gridDir(grid, results), false);
}
