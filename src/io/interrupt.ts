/**
 * Cooperative cancellation. Long jobs (training, evaluation, sweeps) run inside `interruptible`: while
 * one runs, SIGINT — Ctrl-C in a terminal, Kernel → Interrupt in Jupyter (tslab delivers it to the kernel
 * process) — cancels its token; the job checks the token between batches, checkpoints, releases its lock
 * and throws an InterruptedError that says how to resume. Nested calls (a sweep → a row → its training)
 * share the outermost token through AsyncLocalStorage, so a job started later (a re-run cell) gets a fresh
 * one. A second SIGINT in a plain process (no other listener, i.e. not a kernel) exits at once, and a SIGINT
 * while no job runs there acts as if nobody listened.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** What a job polls between batches. */
export interface CancelSignal {
  readonly cancelled: boolean;
  /** why it was cancelled ('SIGINT', a test's reason) */
  readonly reason?: string;
}

/** A job stopped by an interrupt after saving its progress; `resume` says how to continue. */
export class InterruptedError extends Error {
  constructor(readonly what: string, readonly resume: string) {
    super(`interrupted: ${what}; ${resume}`);
    this.name = 'InterruptedError';
  }
}

/** A cancellable token: `cancel()` sets it (SIGINT does for the jobs running). */
export class CancelToken implements CancelSignal {
  private why: string | undefined;
  get cancelled(): boolean { return this.why !== undefined; }
  get reason(): string | undefined { return this.why; }
  cancel(reason = 'cancelled'): void { this.why ??= reason; }
}

/** A signal that never fires (jobs run outside `interruptible`, e.g. library calls in tests). */
export const NEVER: CancelSignal = { cancelled: false };

const scope = new AsyncLocalStorage<CancelToken>();
const running = new Set<CancelToken>();
/** one line per interrupt, printed at once (a kernel's cell output shows it before the cell ends) */
let announce: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

function onSigint(): void {
  if (running.size === 0 && process.listenerCount('SIGINT') === 1) {
    // no job runs and nobody else listens (a plain process): Ctrl-C does what it does without us
    process.removeListener('SIGINT', onSigint);
    listening = false;
    process.kill(process.pid, 'SIGINT');
    return;
  }
  const fresh = [...running].filter((t) => !t.cancelled);
  if (fresh.length === 0 && running.size > 0 && process.listenerCount('SIGINT') === 1) {
    // a second Ctrl-C in a terminal while the first is still being honoured: give up waiting
    process.stderr.write('second interrupt: exiting without waiting for the checkpoint\n');
    process.exit(130);
  }
  for (const t of fresh) t.cancel('SIGINT');
  if (fresh.length) announce('interrupt received: stopping after the current batch and saving a checkpoint …');
}

let listening = false;
/**
 * Listens from the next turn of the event loop on, and stays. Not at once: a tslab cell runs its synchronous
 * part under vm's breakOnSigint watchdog, and a SIGINT listener added there leaves the process with the
 * default disposition (measured: Kernel → Interrupt then kills the kernel, exit by SIGINT).
 */
function listen(): void {
  if (listening) return;
  listening = true;
  setImmediate(() => { if (listening && !process.listeners('SIGINT').includes(onSigint)) process.on('SIGINT', onSigint); });
}

/** The token of the job this call runs in (NEVER outside `interruptible`). */
export function currentSignal(): CancelSignal {
  return scope.getStore() ?? NEVER;
}

/**
 * Runs `job` with a token SIGINT cancels (or `token`, for tests); inside a running job it joins the
 * outer job's token. An InterruptedError that ends the outermost job is also printed: in a kernel the
 * cell has already ended ("Interrupted asynchronously") when the job reaches its checkpoint.
 */
export async function interruptible<T>(job: (signal: CancelSignal) => Promise<T>, token?: CancelToken): Promise<T> {
  const outer = scope.getStore();
  if (outer && !token) return job(outer);
  const own = token ?? new CancelToken();
  running.add(own);
  listen();
  try {
    return await scope.run(own, () => job(own));
  } catch (err) {
    if (err instanceof InterruptedError && own.reason === 'SIGINT') announce(err.message);
    throw err;
  } finally {
    running.delete(own);
  }
}

/** Lets pending signals and I/O run (a job between two synchronous batches). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** For tests: where interrupt lines go (returns the previous sink). */
export function setInterruptAnnouncer(sink: (line: string) => void): (line: string) => void {
  const previous = announce;
  announce = sink;
  return previous;
}
