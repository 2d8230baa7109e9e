/**
 * Advisory lock files for writers that share a folder (cluster tasks on one results root): `<name>.lock`
 * is created exclusively (O_EXCL, atomic on local and NFS v3+ file systems) and names its holder (pid,
 * host, time). A lock whose holder died is taken over: on the same host when its pid is gone, from another
 * host when it has not been refreshed for `staleMs` (holders of long locks refresh it every `staleMs / 4`).
 * Waiting polls; nothing here spins a CPU.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface FileLockHolder { pid: number; host: string; started: string; purpose: string }

export interface FileLock {
  readonly file: string;
  release(): void;
}

export interface FileLockOptions {
  /** what the holder does (shown to waiters) */
  purpose?: string;
  /** give up after this many ms (default: wait forever) */
  timeoutMs?: number;
  /** a lock of another host not refreshed for this long is stale (default 120 s) */
  staleMs?: number;
  /** poll interval (default 100 ms) */
  pollMs?: number;
  /** hears about waiting and stale locks taken over */
  notice?: (message: string) => void;
}

export class FileLockTimeout extends Error {
  constructor(readonly file: string, readonly holder: FileLockHolder | undefined) {
    super(`${file}: still held${holder ? ` by pid ${holder.pid} on ${holder.host} (${holder.purpose}, since ${holder.started})` : ''}`);
    this.name = 'FileLockTimeout';
  }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (err) { return (err as NodeJS.ErrnoException).code === 'EPERM'; }
}

function readHolder(file: string): { text: string; holder?: FileLockHolder; mtimeMs: number } | undefined {
  try {
    const text = fs.readFileSync(file, 'utf8');
    const mtimeMs = fs.statSync(file).mtimeMs;
    try {
      const h = JSON.parse(text) as FileLockHolder;
      return Number.isSafeInteger(h.pid) && typeof h.host === 'string' ? { text, holder: h, mtimeMs } : { text, mtimeMs };
    } catch { return { text, mtimeMs }; }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** One attempt: the lock, or the holder seen (undefined holder: an unreadable or vanished lock). */
function tryLock(file: string, purpose: string, staleMs: number, notice?: (m: string) => void): FileLock | { holder?: FileLockHolder } {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const me: FileLockHolder = { pid: process.pid, host: os.hostname(), started: new Date().toISOString(), purpose };
  let fd: number;
  try {
    fd = fs.openSync(file, 'wx');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const seen = readHolder(file);
    if (seen === undefined) return {};
    const h = seen.holder;
    const age = Date.now() - seen.mtimeMs;
    const stale = h === undefined ? age > 2000 : h.host === me.host ? !alive(h.pid) : age > staleMs;
    if (!stale) return { holder: h };
    // take over unless someone else did between our read and now
    if (readHolder(file)?.text === seen.text) {
      fs.rmSync(file, { force: true });
      notice?.(`took over the stale lock ${file}${h ? ` (pid ${h.pid} on ${h.host}: ${h.purpose})` : ''}`);
    }
    return {};
  }
  fs.writeSync(fd, JSON.stringify(me) + '\n');
  fs.closeSync(fd);
  let held = true;
  const refresh = setInterval(() => { try { const t = new Date(); fs.utimesSync(file, t, t); } catch { /* released */ } }, Math.max(1000, staleMs / 4));
  refresh.unref();
  const release = () => {
    if (!held) return;
    held = false;
    clearInterval(refresh);
    process.removeListener('exit', release);
    if (readHolder(file)?.holder?.pid === me.pid) fs.rmSync(file, { force: true });
  };
  process.on('exit', release);
  return { file, release };
}

const isLock = (x: FileLock | { holder?: FileLockHolder }): x is FileLock => 'release' in x;

/** Takes `file` as a lock, waiting (polling) while another live process holds it. */
export async function acquireFileLock(file: string, options: FileLockOptions = {}): Promise<FileLock> {
  const started = Date.now();
  let told = false;
  for (;;) {
    const r = tryLock(file, options.purpose ?? process.argv.slice(1).join(' '), options.staleMs ?? 120_000, options.notice);
    if (isLock(r)) return r;
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) throw new FileLockTimeout(file, r.holder);
    if (!told && r.holder) { told = true; options.notice?.(`waiting for ${file} (pid ${r.holder.pid} on ${r.holder.host}: ${r.holder.purpose})`); }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 100));
  }
}

const sleeper = new Int32Array(new SharedArrayBuffer(4));

/** Runs `fn` holding `file` (synchronous: for short read-merge-write sections), waiting while it is held. */
export function withFileLockSync<T>(file: string, fn: () => T, options: FileLockOptions = {}): T {
  const started = Date.now();
  for (;;) {
    const r = tryLock(file, options.purpose ?? 'merging a record', options.staleMs ?? 120_000, options.notice);
    if (isLock(r)) {
      try { return fn(); } finally { r.release(); }
    }
    if (options.timeoutMs !== undefined && Date.now() - started > options.timeoutMs) throw new FileLockTimeout(file, r.holder);
    Atomics.wait(sleeper, 0, 0, options.pollMs ?? 20);
  }
}
