/**
 * The SLURM executor: a grid becomes one `sbatch --array` job per stage (train → evaluate / features,
 * chained with `--dependency=afterok`) and a merge job that renders the tables, figures and report.
 * SLURM does the scheduling; this file only writes the grid's folder and calls sbatch / squeue / scancel.
 *
 * `<results root>/<profile>/<dataset>/grids/<name>/` holds:
 *   grid.json            the grid (what the merge renders) and every submission's job ids and array indices
 *   <stage>.jsonl        the manifest: one cell per line; array task I runs line I (`mat cell --manifest F --index I`)
 *   <stage>.sbatch       the job script (forwards SIGUSR1/SIGTERM to the task, requeues it after a time-limit checkpoint)
 *   merge.sbatch         the merge job (`mat merge --grid grid.json`)
 *   tasks/<stage>-<I>.json  each task's last state (running, done, failed with its error, interrupted)
 *   logs/                every task's stdout + stderr (`<job name>-<array job>_<index>.out`)
 * Re-submitting the same grid submits only the cells that are not complete and cancels the grid's earlier
 * jobs that have not started; a cell that is still running elsewhere is submitted too and waits for it (cell lock).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../../io/json';
import { projectRoot } from '../../io/paths';
import type { StepOptions } from '../progress';
import { resultsLocation } from '../results-root';
import { CELL_STAGES, cellComplete, gridDir, stageCells, type CellStage, type Grid, type GridCell } from './cells';

/** What a user sets for their cluster (`mat reproduce --executor slurm --partition gpu --gres gpu:1 …`). */
export interface SlurmOptions {
  partition?: string;
  /** per task, e.g. '4:00:00' */
  time?: string;
  /** e.g. 'gpu:1' (train and evaluate tasks; the merge job asks for none) */
  gres?: string;
  cpusPerTask?: number;
  /** tasks of one array running at once (`--array=…%K`) */
  maxParallel?: number;
  account?: string;
  /** seconds before the time limit at which a task is told to checkpoint and requeue (default 120) */
  signalSeconds?: number;
  /** training tasks also checkpoint every this many steps (default: the trainer's every 10 minutes) */
  checkpointEvery?: number;
  /** `--backend` for every task (default: the task's own choice, or $MAT_BACKEND) */
  backend?: string;
}

export interface GridSubmission {
  submitted: string;
  /** job id per stage (absent: nothing to do in that stage) and of the merge job */
  jobs: Partial<Record<CellStage | 'merge', string>>;
  /** manifest lines submitted per stage */
  indices: Partial<Record<CellStage, number[]>>;
  slurm: SlurmOptions;
}

/** grid.json */
export interface GridRecord extends Grid {
  kind: 'grid';
  /** write root and read roots the tasks use */
  results: { root: string; readRoots: string[] };
  submissions: GridSubmission[];
}

export const GRID_FILE = 'grid.json';
/** exit status of a task that checkpointed and stopped on a signal (EX_TEMPFAIL) */
export const INTERRUPTED_EXIT = 75;

/** Runs a SLURM client (sbatch, squeue, scancel); its stdout. Tests may swap it. */
export type SlurmRunner = (command: string, args: string[]) => string;
export const runSlurm: SlurmRunner = (command, args) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Whether SLURM's clients are here and a controller answers. */
export function slurmAvailable(run: SlurmRunner = runSlurm): boolean {
  try { run('sinfo', ['-h', '-o', '%P']); return true; } catch { return false; }
}

/** Reads a grid's record (`<grid folder>/grid.json`, or the file itself). */
export function readGridRecord(file: string): GridRecord {
  const f = fs.existsSync(file) && fs.statSync(file).isDirectory() ? path.join(file, GRID_FILE) : file;
  const rec = readJsonFile<GridRecord>(f, { check: (v) => ((v as GridRecord)?.kind === 'grid' ? undefined : "not a grid record (kind 'grid')") });
  if (rec === undefined) throw new RangeError(`${f}: no such grid (submit one with --executor slurm)`);
  return rec;
}

const shellQuote = (s: string) => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

function cliCommand(): string[] {
  return [process.execPath, path.join(projectRoot(), 'dist', 'src', 'cli', 'main.js')];
}

/** The job script of a stage's array task. */
export function taskScript(manifest: string, options: SlurmOptions): string {
  const cmd = [...cliCommand(), 'cell', '--manifest', manifest, '--index'].map(shellQuote).join(' ') + ' "$SLURM_ARRAY_TASK_ID"' +
    (options.checkpointEvery ? ` --checkpoint-every ${options.checkpointEvery}` : '') + (options.backend ? ` --backend ${shellQuote(options.backend)}` : '');
  return `#!/bin/bash
# written by mat (src/experiments/executor/slurm-executor.ts): one cell of ${path.basename(manifest)} per array task
cd ${shellQuote(projectRoot())} || exit 1
# one compute thread per CPU SLURM gave the task (not one per core of the node)
export OMP_NUM_THREADS="\${SLURM_CPUS_PER_TASK:-1}"
export MAT_TORCH_THREADS="\${MAT_TORCH_THREADS:-\${SLURM_CPUS_PER_TASK:-1}}" MAT_WASM_THREADS="\${MAT_WASM_THREADS:-\${SLURM_CPUS_PER_TASK:-1}}"
requeue=0
${cmd} &
child=$!
# SIGUSR1 (--signal=B:USR1@…, before the time limit): the task checkpoints and stops; then it is requeued
trap 'requeue=1; kill -USR1 $child 2>/dev/null' USR1
# SIGTERM (scancel, preemption): the task checkpoints and stops; a re-submission resumes it
trap 'kill -TERM $child 2>/dev/null' TERM
wait $child; rc=$?
while kill -0 $child 2>/dev/null; do wait $child; rc=$?; done
if [ "$rc" -eq ${INTERRUPTED_EXIT} ] && [ "$requeue" -eq 1 ]; then
  echo "mat: checkpointed before the time limit; requeueing $SLURM_JOB_ID"
  scontrol requeue "$SLURM_JOB_ID"
fi
exit $rc
`;
}

function mergeScript(gridFile: string, options: SlurmOptions): string {
  const cmd = [...cliCommand(), 'merge', '--grid', gridFile].map(shellQuote).join(' ') + (options.backend ? ` --backend ${shellQuote(options.backend)}` : '');
  return `#!/bin/bash
# written by mat: renders the grid's tables, figures and report from the results root (computes nothing)
cd ${shellQuote(projectRoot())} || exit 1
exec ${cmd}
`;
}

/** `0,2-3` from [0, 2, 3] */
export function arraySpec(indices: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j] + 1) j++;
    parts.push(i === j ? String(indices[i]) : `${indices[i]}-${indices[j]}`);
    i = j;
  }
  return parts.join(',');
}

function commonFlags(o: SlurmOptions, withGres: boolean): string[] {
  return [
    ...(o.partition ? [`--partition=${o.partition}`] : []), ...(o.time ? [`--time=${o.time}`] : []),
    ...(o.account ? [`--account=${o.account}`] : []), ...(o.cpusPerTask ? [`--cpus-per-task=${o.cpusPerTask}`] : []),
    ...(withGres && o.gres ? [`--gres=${o.gres}`] : []),
  ];
}

const jobIdOf = (parsable: string) => parsable.trim().split(';')[0];

export interface SubmitResult {
  dir: string;
  record: GridRecord;
  submission: GridSubmission;
  /** cells already complete (not submitted) */
  complete: number;
  /** jobs of earlier submissions cancelled (not started) */
  cancelled: string[];
}

/**
 * Writes the grid's folder and submits its incomplete cells: one array job per stage with work, chained
 * with afterok, and the merge job after all of them. Returns the job ids.
 */
export async function submitGrid(grid: Grid, options: { results?: StepOptions['results']; slurm?: SlurmOptions; run?: SlurmRunner } = {}): Promise<SubmitResult> {
  const run = options.run ?? runSlurm;
  const slurm = options.slurm ?? {};
  const location = resultsLocation(options.results);
  const dir = gridDir(grid, location);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'tasks'), { recursive: true });
  const gridFile = path.join(dir, GRID_FILE);
  const previous = fs.existsSync(gridFile) ? readGridRecord(gridFile) : undefined;
  if (previous && JSON.stringify(previous.cells.map((c) => c.id)) !== JSON.stringify(grid.cells.map((c) => c.id))) {
    // a different grid under the same name: its manifests are replaced, its jobs must not read them
    const queued = queuedJobs(previous, run);
    if (queued.length) throw new Error(`${dir} holds a different grid whose jobs ${queued.join(', ')} are still queued; scancel them or use another --name`);
  }
  // jobs of earlier submissions that have not started are replaced by this one (running ones go on)
  const cancelled = previous ? pendingJobs(previous, run) : [];
  if (cancelled.length) run('scancel', cancelled);

  const record: GridRecord = {
    kind: 'grid', name: grid.name, work: grid.work, cells: grid.cells,
    results: { root: location.writeRoot, readRoots: location.readRoots },
    submissions: previous?.submissions ?? [],
  };
  const submission: GridSubmission = { submitted: new Date().toISOString(), jobs: {}, indices: {}, slurm };
  let complete = 0;
  const K = slurm.maxParallel ? `%${slurm.maxParallel}` : '';
  const logs = path.join(dir, 'logs', '%x-%A_%a.out');
  const nameOf = (stage: string) => `mat-${grid.name}-${stage}`.slice(0, 60);
  for (const stage of CELL_STAGES) {
    const cells = stageCells(grid, stage);
    const manifest = path.join(dir, `${stage}.jsonl`);
    writeFileAtomic(manifest, cells.map((c) => JSON.stringify(c)).join('\n') + (cells.length ? '\n' : ''));
    const todo: number[] = [];
    for (const [i, c] of cells.entries()) {
      if (await cellComplete(c, { results: location })) complete++;
      else todo.push(i);
    }
    if (todo.length === 0) continue;
    const script = path.join(dir, `${stage}.sbatch`);
    writeFileAtomic(script, taskScript(manifest, slurm));
    const deps = stage === 'train' ? [] : [submission.jobs.train].filter((j): j is string => j !== undefined);
    const out = run('sbatch', [
      '--parsable', `--array=${arraySpec(todo)}${K}`, `--job-name=${nameOf(stage)}`, `--output=${logs}`,
      // a requeued task appends to its log: the lines of its earlier runs (up to the checkpoint) stay
      '--requeue', '--open-mode=append', `--signal=B:USR1@${slurm.signalSeconds ?? 120}`,
      ...(deps.length ? [`--dependency=afterok:${deps.join(':')}`, '--kill-on-invalid-dep=yes'] : []),
      ...commonFlags(slurm, true), script,
    ]);
    submission.jobs[stage] = jobIdOf(out);
    submission.indices[stage] = todo;
  }
  const stageJobs = CELL_STAGES.map((s) => submission.jobs[s]).filter((j): j is string => j !== undefined);
  writeFileAtomic(path.join(dir, 'merge.sbatch'), mergeScript(gridFile, slurm));
  // the record is complete before the merge job can read it
  record.submissions = [...record.submissions, submission];
  writeJsonAtomic(gridFile, record);
  const mergeOut = run('sbatch', [
    '--parsable', `--job-name=${nameOf('merge')}`, `--output=${path.join(dir, 'logs', '%x-%j.out')}`,
    ...(stageJobs.length ? [`--dependency=afterok:${stageJobs.join(':')}`, '--kill-on-invalid-dep=yes'] : []),
    ...commonFlags({ ...slurm, gres: undefined }, false), path.join(dir, 'merge.sbatch'),
  ]);
  submission.jobs.merge = jobIdOf(mergeOut);
  writeJsonAtomic(gridFile, record);
  return { dir, record, submission, complete, cancelled };
}

/** One line of the queue: a job, or one task of an array job. */
export interface QueueEntry {
  /** the array job's id (the job's own for a plain job) */
  arrayJobId: string;
  /** the task's index; undefined for a plain job */
  taskId?: number;
  jobId: string;
  state: string;
  reason: string;
}

/** `0-3%2`, `1,3`, `0,2-5` → indices */
export function expandTaskString(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split('%')[0].split(',')) {
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part.trim());
    if (!m) continue;
    const a = Number(m[1]), b = m[2] === undefined ? a : Number(m[2]), step = m[3] === undefined ? 1 : Number(m[3]);
    for (let i = a; i <= b; i += step) out.push(i);
  }
  return out;
}

const numberOf = (v: unknown): number | undefined =>
  typeof v === 'number' ? v : v && typeof v === 'object' && (v as { set?: boolean }).set !== false && typeof (v as { number?: unknown }).number === 'number' ? (v as { number: number }).number : undefined;

/**
 * The queue's entries for the given jobs: from `squeue --json` (SLURM ≥ 21.08), else from
 * `squeue -h -r -o` (every SLURM). Pending array tasks are listed one per index.
 */
export function queueEntries(jobIds: readonly string[], run: SlurmRunner = runSlurm): QueueEntry[] {
  if (jobIds.length === 0) return [];
  const wanted = new Set(jobIds);
  try {
    const data = JSON.parse(run('squeue', ['--json'])) as { jobs?: Array<Record<string, unknown>> };
    const out: QueueEntry[] = [];
    for (const j of data.jobs ?? []) {
      const jobId = String(numberOf(j.job_id) ?? j.job_id);
      const arrayJob = numberOf(j.array_job_id);
      const arrayJobId = arrayJob ? String(arrayJob) : jobId;
      if (!wanted.has(arrayJobId)) continue;
      const state = Array.isArray(j.job_state) ? String(j.job_state[0]) : String(j.job_state);
      const reason = String(j.state_reason ?? '');
      const task = numberOf(j.array_task_id);
      if (task !== undefined) out.push({ arrayJobId, taskId: task, jobId, state, reason });
      else if (typeof j.array_task_string === 'string' && j.array_task_string !== '') {
        for (const t of expandTaskString(j.array_task_string)) out.push({ arrayJobId, taskId: t, jobId: `${arrayJobId}_${t}`, state, reason });
      } else out.push({ arrayJobId, jobId, state, reason });
    }
    return out;
  } catch {
    // no --json (older SLURM, or its serializer plugin missing): one line per array task
    const text = run('squeue', ['-h', '-r', '-o', '%A|%F|%K|%T|%r']);
    return text.split('\n').filter((l) => l.trim()).flatMap((line) => {
      const [jobId, arrayJobId, task, state, reason] = line.split('|');
      const id = arrayJobId && arrayJobId !== 'N/A' && arrayJobId !== '0' ? arrayJobId : jobId;
      if (!wanted.has(id)) return [];
      const t = Number(task);
      return [{ arrayJobId: id, taskId: task === 'N/A' || !Number.isFinite(t) ? undefined : t, jobId, state, reason }];
    });
  }
}

/** Queue states of a task that has not ended (squeue also lists ended jobs for MinJobAge seconds). */
export const ACTIVE_STATES: ReadonlySet<string> = new Set(['PENDING', 'RUNNING', 'CONFIGURING', 'COMPLETING', 'REQUEUED', 'REQUEUE_HOLD', 'REQUEUE_FED', 'RESIZING', 'SUSPENDED', 'STOPPED', 'SIGNALING']);

const allJobs = (rec: GridRecord) => rec.submissions.flatMap((s) => Object.values(s.jobs).filter((j): j is string => j !== undefined));

function queuedJobs(rec: GridRecord, run: SlurmRunner): string[] {
  return [...new Set(queueEntries(allJobs(rec), run).filter((e) => ACTIVE_STATES.has(e.state)).map((e) => e.arrayJobId))];
}

/** Jobs (or array tasks) of a grid that have not started yet. */
function pendingJobs(rec: GridRecord, run: SlurmRunner): string[] {
  return [...new Set(queueEntries(allJobs(rec), run).filter((e) => e.state === 'PENDING').map((e) => e.jobId))];
}

/** A task's last word on its cell: `tasks/<stage>-<index>.json`. */
export interface TaskRecord {
  state: 'running' | 'done' | 'skipped' | 'failed' | 'interrupted';
  cell: string;
  jobId?: string;
  host: string;
  pid: number;
  at: string;
  error?: string;
}

export const taskRecordFile = (dir: string, stage: CellStage, index: number) => path.join(dir, 'tasks', `${stage}-${index}.json`);

export type CellState = 'done' | 'running' | 'pending' | 'failed' | 'interrupted' | 'not queued';

export interface CellStatus {
  cell: GridCell;
  index: number;
  state: CellState;
  /** job id of the task (`<array job>_<index>`) when queued or last run */
  job?: string;
  /** squeue's reason for a pending task, a failed task's error */
  detail?: string;
}

/**
 * The grid's state per cell: done when its results are in the cache (whatever ran it), else running /
 * pending as squeue says for its latest submission, else what its task last recorded (failed, interrupted),
 * else not queued.
 */
export async function gridStatus(dirOrFile: string, run: SlurmRunner = runSlurm): Promise<{ record: GridRecord; dir: string; cells: CellStatus[]; queueError?: string }> {
  const record = readGridRecord(dirOrFile);
  const location = resultsLocation({ root: record.results.root, readRoots: record.results.readRoots });
  const dir = gridDir(record, location);
  let queue: QueueEntry[] = [];
  let queueError: string | undefined;
  try { queue = queueEntries(allJobs(record), run); } catch (err) { queueError = (err as Error).message.split('\n')[0]; }
  const out: CellStatus[] = [];
  for (const stage of CELL_STAGES) {
    for (const [index, cell] of stageCells(record, stage).entries()) {
      const base = { cell, index };
      if (await cellComplete(cell, { results: location })) { out.push({ ...base, state: 'done' }); continue; }
      // the latest submission that holds this cell and still has it queued
      const jobs = record.submissions.map((s) => s.jobs[stage]).filter((j): j is string => j !== undefined);
      const q = queue.filter((e) => jobs.includes(e.arrayJobId) && e.taskId === index && ACTIVE_STATES.has(e.state))
        .sort((a, b) => (a.state === 'RUNNING' ? -1 : b.state === 'RUNNING' ? 1 : Number(b.arrayJobId) - Number(a.arrayJobId)))[0];
      const task = readJsonFile<TaskRecord>(taskRecordFile(dir, stage, index));
      if (q) {
        const state: CellState = q.state === 'RUNNING' || q.state === 'COMPLETING' ? 'running' : 'pending';
        const job = `${q.arrayJobId}_${index}`;
        // a task requeued after its time-limit checkpoint waits (BeginTime) under the same job id
        const requeued = state === 'pending' && task?.state === 'interrupted' && task.jobId === job;
        const reason = q.reason && q.reason !== 'None' ? q.reason : undefined;
        const detail = requeued ? `requeued after a checkpoint (${task.at})${reason ? `, ${reason}` : ''}` : state === 'pending' ? reason : undefined;
        out.push({ ...base, state, job, ...(detail ? { detail } : {}) });
        continue;
      }
      if (task?.state === 'failed') out.push({ ...base, state: 'failed', job: task.jobId, detail: task.error });
      else if (task?.state === 'interrupted') out.push({ ...base, state: 'interrupted', job: task.jobId, detail: 'checkpointed and stopped: re-submit to resume' });
      else if (task?.state === 'running') out.push({ ...base, state: 'failed', job: task.jobId, detail: `task ended without a word (killed?) on ${task.host}: re-submit to resume` });
      else out.push({ ...base, state: 'not queued' });
    }
  }
  return { record, dir, cells: out, ...(queueError ? { queueError } : {}) };
}

/** The status as a text table plus a count per state. */
export function describeGridStatus(s: { cells: CellStatus[]; dir: string; queueError?: string }): string {
  const rows = s.cells.map((c) => [c.cell.stage, c.cell.label + (c.cell.suite ? ` · ${c.cell.suite}` : c.cell.attacks ? ` · ${c.cell.attacks.join(', ')}` : ''), c.state, c.job ?? '', c.detail ?? '']);
  const head = ['stage', 'cell', 'state', 'job', 'detail'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => r.map((x, i) => x.padEnd(widths[i])).join('  ').trimEnd();
  const counts = new Map<string, number>();
  for (const c of s.cells) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
  return [
    `grid ${s.dir}`, line(head), ...rows.map(line), '',
    `${s.cells.length} cells: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}` + (s.queueError ? ` (squeue failed: ${s.queueError})` : ''),
  ].join('\n') + '\n';
}
