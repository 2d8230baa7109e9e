/**
 * Opening a run folder for writing: take its lock, clean what crashed writers left, and refuse to start
 * afresh over anything a previous run wrote (a checkpoint, complete or not, or results).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { holdsCheckpointData, resolveCheckpoint, CheckpointError } from '../train/checkpoint';
import { removeStaleTemporaries } from '../train/checkpoint-versions';
import { acquireRunLock, type RunLock } from './run-lock';

/** folders an older checkpoint writer left beside `checkpoint/` when it crashed mid-swap */
const LEGACY_ORPHAN = /^checkpoint\.(tmp|old)-\d+$/;
/** temporaries of atomic JSON writes (`<file>.tmp-<pid>`) */
const JSON_TEMPORARY = /^[^/]+\.json\.tmp-(\d+)$/;

/**
 * Locks `runDir` for this process and checks that it may be written: `resume` continues a complete
 * checkpoint; otherwise the folder must hold neither checkpoint data nor results. Throws naming what is
 * there; on success the caller releases the returned lock when done.
 */
export function openRunFolder(runDir: string, checkpointDir: string, options: { resume: boolean; notice?: (m: string) => void }): RunLock {
  const lock = acquireRunLock(runDir, options.notice, 'training');
  try {
    // under the lock no one else writes here: what a dead writer left can go
    const removed = removeStaleTemporaries(checkpointDir);
    for (const e of fs.readdirSync(runDir)) {
      const m = JSON_TEMPORARY.exec(e);
      if (m && Number(m[1]) !== process.pid) { fs.rmSync(path.join(runDir, e), { force: true }); removed.push(e); }
    }
    if (removed.length) options.notice?.(`removed unfinished writes of a crashed run in ${runDir}: ${removed.join(', ')}`);
    const orphans = fs.readdirSync(runDir).filter((e) => LEGACY_ORPHAN.test(e));
    if (orphans.length) {
      throw new CheckpointError(runDir, `holds ${orphans.join(', ')}, left by a crash of an older checkpoint writer; ` +
        `rename the complete one to ${path.basename(checkpointDir)} (a checkpoint.tmp-* folder is the newer) to resume, or remove them`);
    }
    if (holdsCheckpointData(checkpointDir)) {
      if (!options.resume) {
        throw new CheckpointError(checkpointDir, 'already holds a checkpoint: pass --resume to continue it, or choose another run folder');
      }
      resolveCheckpoint(checkpointDir); // names what is missing when the checkpoint is incomplete
    } else if (fs.existsSync(path.join(runDir, 'results.json'))) {
      throw new CheckpointError(runDir, 'holds results.json but no checkpoint to continue: choose another run folder, or move the results away to train afresh');
    }
    return lock;
  } catch (err) {
    lock.release();
    throw err;
  }
}
