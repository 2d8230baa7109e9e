/**
 * Numbered checkpoint versions that survive `kill -9` at any instant. A checkpoint folder holds
 *
 *   v000007/              the newest committed version (model.json, weights.bin, …, state.json)
 *   .v000008.tmp-<pid>/   a version being written (never read; removed once its writer is gone)
 *
 * A commit writes every file of the new version into its temporary folder, fsyncs them and the folder,
 * renames the folder to its number (the commit point), fsyncs the parent, and only then deletes older
 * versions. Whatever instant a crash hits, the newest `vNNNNNN` folder is a complete checkpoint and the
 * previous one is still there until a newer one exists.
 *
 * Runs written before versions existed keep their files directly in the checkpoint folder ("flat"); they
 * are read as one version and replaced by the first commit.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const VERSION = /^v(\d{6,})$/;
const TEMPORARY = /^\.v(\d{6,})\.tmp-(\d+)$/;
/** files that make a folder a readable checkpoint */
export const REQUIRED_FILES = ['model.json', 'state.json'];
/** every file a checkpoint may hold (also the flat layout's files) */
export const CHECKPOINT_FILES = ['model.json', 'weights.bin', 'optimizer.json', 'optimizer.bin', 'state.json'];

/** the folder name of version n */
export const versionName = (n: number): string => `v${String(n).padStart(6, '0')}`;

function entries(root: string): string[] {
  try {
    return fs.readdirSync(root);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

function isComplete(dir: string): boolean {
  return REQUIRED_FILES.every((f) => fs.existsSync(path.join(dir, f)));
}

/** Committed version numbers, newest first. */
export function committedVersions(root: string): number[] {
  return entries(root).map((e) => VERSION.exec(e)).filter((m): m is RegExpExecArray => m !== null)
    .map((m) => Number(m[1])).sort((a, b) => b - a);
}

/**
 * The folder holding the newest complete checkpoint under `root` (a version folder, or `root` itself for
 * the flat layout), or undefined when there is none.
 */
export function currentVersionDir(root: string): string | undefined {
  for (const n of committedVersions(root)) {
    const dir = path.join(root, versionName(n));
    if (isComplete(dir)) return dir;
  }
  return isComplete(root) ? root : undefined;
}

/**
 * Everything under `root` that belongs to a checkpoint (committed versions and flat files), whether or
 * not it is complete. Temporaries of unfinished commits are not checkpoint data.
 */
export function checkpointData(root: string): string[] {
  return entries(root).filter((e) => VERSION.test(e) || CHECKPOINT_FILES.includes(e));
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Removes temporaries left by commits whose writer died. Returns the names removed. */
export function removeStaleTemporaries(root: string): string[] {
  const stale = entries(root).filter((e) => {
    const m = TEMPORARY.exec(e);
    return m !== null && !processAlive(Number(m[2]));
  });
  for (const e of stale) fs.rmSync(path.join(root, e), { recursive: true, force: true });
  return stale;
}

/** fsync of a file or folder (folders: so that renames and new entries in them are durable). */
export function fsyncPath(p: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(p, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    // some platforms (Windows) cannot open or fsync folders; the rename stays atomic there
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Writes a file and forces it to disk before returning. */
export function writeFileDurable(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Fault-injection seam for the crash test: with MAT_CHECKPOINT_TRACE=<ms> every commit phase is
 * announced on stderr and followed by a pause of <ms>, so a test can SIGKILL the process inside it.
 */
function phase(name: string): void {
  const pause = process.env.MAT_CHECKPOINT_TRACE;
  if (pause === undefined) return;
  fs.writeSync(2, `checkpoint-commit ${name}\n`);
  const ms = Number(pause);
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Commits a new version: `write` fills a fresh temporary folder (with writeFileDurable), which then
 * becomes the newest version. Returns the committed folder.
 */
export async function commitVersion(root: string, write: (dir: string) => Promise<void>): Promise<string> {
  fs.mkdirSync(root, { recursive: true });
  removeStaleTemporaries(root);
  const taken = entries(root).map((e) => VERSION.exec(e) ?? TEMPORARY.exec(e)).filter((m) => m !== null).map((m) => Number(m![1]));
  const next = Math.max(0, ...taken) + 1;
  const tmp = path.join(root, `.${versionName(next)}.tmp-${process.pid}`);
  fs.mkdirSync(tmp);
  phase('writing');
  await write(tmp);
  fsyncPath(tmp);
  phase('written');
  const final = path.join(root, versionName(next));
  fs.renameSync(tmp, final);
  fsyncPath(root);
  phase('committed');
  // the new version is durable: older versions and flat files may go
  for (const n of committedVersions(root)) if (n < next) fs.rmSync(path.join(root, versionName(n)), { recursive: true, force: true });
  phase('pruned-versions');
  for (const f of CHECKPOINT_FILES) fs.rmSync(path.join(root, f), { force: true });
  phase('done');
  return final;
}
