import { clock } from './progress';

/**
 * One progress line for a whole multi-phase job (the demo: train, then evaluate, per model): which model,
 * which phase, the job's percentage and its overall ETA. Work is counted in units of one forward+backward
 * pass over one image (a training image, one attack iteration on one image; a clean forward pass is ⅓),
 * so the ETA comes from the throughput measured so far over all phases. Redrawn in place on a TTY, printed
 * as a plain line at most every `plainEverySeconds` otherwise.
 */
export class JobProgress {
  private done = 0;
  private phaseDone = 0;
  private lastPlain = 0;
  private started = Date.now();
  private model = '';
  private phase = '';

  constructor(private total: number, private readonly stream: NodeJS.WriteStream = process.stderr, private readonly plainEverySeconds = 15) {}

  /** Work that turned out not to be needed (a cached model or evaluation) leaves the total, so it does not skew the rate. */
  skip(units: number): void {
    this.total = Math.max(this.done, this.total - units);
  }

  /** Starts a phase, e.g. ('Natural', 'train epoch 1/2'). */
  begin(model: string, phase: string): void {
    this.model = model;
    this.phase = phase;
    this.phaseDone = 0;
    this.draw(true);
  }

  /** The current phase has done `unitsSoFar` units in all (monotone within a phase); `detail` e.g. 'batch 12/469'. */
  update(unitsSoFar: number, detail = ''): void {
    this.done += Math.max(0, unitsSoFar - this.phaseDone);
    this.phaseDone = Math.max(this.phaseDone, unitsSoFar);
    this.draw(false, detail);
  }

  /** Prints a finished-phase message on its own line (the progress line is redrawn after it). */
  note(message: string): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.stream.write(`${message}\n`);
  }

  finish(): void {
    if (this.stream.isTTY) this.stream.write('\r\x1b[K');
  }

  /** The line as printed (also for tests). */
  line(detail = ''): string {
    const frac = this.total > 0 ? Math.min(1, this.done / this.total) : 0;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = frac > 0.005 ? (elapsed * (1 - frac)) / frac : NaN;
    return `[${this.model}] ${this.phase}${detail ? ` ${detail}` : ''} · job ${(100 * frac).toFixed(0)} % · elapsed ${clock(elapsed)} · ETA ${clock(eta)}`;
  }

  private draw(force: boolean, detail = ''): void {
    if (this.stream.isTTY) {
      this.stream.write(`\r${this.line(detail)}\x1b[K`);
    } else if (force || Date.now() - this.lastPlain > this.plainEverySeconds * 1000) {
      this.lastPlain = Date.now();
      this.stream.write(`${this.line(detail)}\n`);
    }
  }
}
