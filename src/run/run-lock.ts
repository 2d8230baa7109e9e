/**
 * One writer per run folder: `<run>/run.lock` names the process that writes the folder (pid, host,
 * start time, command). A second writer is refused with the holder named; a lock whose process has died
 * (same host, pid gone — e.g. after `kill -9`) is taken over with a notice. A lock from another host
 * cannot be checked and is never taken over.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const LOCK_FILE = 'run.lock';

export interface LockHolder {
  pid: number;
  host: string;
  started: string;
  command: string;
}

export class RunLockedError extends Error {
  constructor(readonly runDir: string, readonly holder: LockHolder | undefined, detail: string) {
    super(`${runDir} is being written by another process (${detail}); wait for it to finish or choose another run folder`);
    this.name = 'RunLockedError';
  }
}

/** The folder is locked by this very process: an earlier job (a notebook cell) still runs or is stopping. */
export class RunInUseError extends RunLockedError {
  constructor(runDir: string, holder: LockHolder, job: string) {
    super(runDir, holder, describe(holder));
    this.message = `${runDir} is in use by this process (${job}, pid ${holder.pid} on ${holder.host}, started ${holder.started}): ` +
      'an earlier cell or call is still running, or still stopping after an interrupt — wait until it prints that it stopped ' +
      '(or interrupt it: Kernel → Interrupt), then run this again';
    this.name = 'RunInUseError';
  }
}

/** folders this process holds, with what holds them: a second job of the same process is refused by name */
const heldHere = new Map<string, { holder: LockHolder; job: string }>();

export interface RunLock {
  readonly file: string;
  release(): void;
}

function describe(h: LockHolder): string {
  return `pid ${h.pid} on ${h.host}, started ${h.started}: ${h.command}`;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readHolder(file: string): { text: string; holder?: LockHolder } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    const h = JSON.parse(text) as LockHolder;
    return Number.isSafeInteger(h.pid) && typeof h.host === 'string' ? { text, holder: h } : { text };
  } catch {
    return { text }; // a lock whose writer died between create and write: empty or partial
  }
}

/**
 * Takes the lock of `runDir` (creating the folder) or throws RunLockedError (RunInUseError when this
 * process holds it already; `job` names the holder then, e.g. 'training'). `notice` hears about stale
 * locks taken over.
 */
export function acquireRunLock(runDir: string, notice: (message: string) => void = () => {}, job = 'a job'): RunLock {
  const key = path.resolve(runDir);
  const mine = heldHere.get(key);
  if (mine) throw new RunInUseError(runDir, mine.holder, mine.job);
  fs.mkdirSync(runDir, { recursive: true });
  const file = path.join(runDir, LOCK_FILE);
  const me: LockHolder = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), command: process.argv.slice(1).join(' ') };
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number;
    try {
      fd = fs.openSync(file, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const seen = readHolder(file);
      if (seen === undefined) continue; // released meanwhile
      const h = seen.holder;
      if (h === undefined) {
        // unreadable: a writer that died between creating and filling the file, unless it is filling it right now
        const age = Date.now() - fs.statSync(file).mtimeMs;
        if (age < 2000) throw new RunLockedError(runDir, undefined, `${file} is being created`);
      } else if (h.host !== me.host) {
        throw new RunLockedError(runDir, h, `${describe(h)}; another host — delete ${file} if that run is gone`);
      } else if (alive(h.pid)) {
        throw new RunLockedError(runDir, h, describe(h));
      }
      // stale: take over unless someone else did between our read and now
      if (readHolder(file)?.text !== seen.text) continue;
      fs.rmSync(file, { force: true });
      notice(`taking over the stale lock of ${runDir} (${h ? `${describe(h)} — no longer running` : 'left empty by a crashed writer'})`);
      continue;
    }
    fs.writeSync(fd, JSON.stringify(me, null, 2) + '\n');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    let held = true;
    heldHere.set(key, { holder: me, job });
    const release = () => {
      if (!held) return;
      held = false;
      heldHere.delete(key);
      process.removeListener('exit', release);
      // remove only our own lock (a stale-lock takeover after a hang must not be undone)
      if (readHolder(file)?.holder?.pid === me.pid) fs.rmSync(file, { force: true });
    };
    process.on('exit', release);
    return { file, release };
  }
  throw new RunLockedError(runDir, undefined, `${file} keeps changing`);
}
