/**
 * A one-line progress bar for the CLI: redrawn in place on a TTY, printed as plain lines at most every
 * `plainEverySeconds` otherwise (logs, CI, notebooks).
 */
export class ProgressBar {
  private lastPlain = 0;
  private readonly started = Date.now();
  constructor(private readonly label: string, private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr, private readonly plainEverySeconds = 15) {}

  update(done: number, fields: Record<string, string | number> = {}): void {
    const frac = this.total > 0 ? Math.min(1, done / this.total) : 0;
    const elapsed = (Date.now() - this.started) / 1000;
    const eta = frac > 0 ? elapsed * (1 - frac) / frac : NaN;
    const info = Object.entries(fields).map(([k, v]) => `${k} ${typeof v === 'number' ? format(v) : v}`).join('  ');
    const counts = `${done}/${this.total}`;
    if (this.stream.isTTY) {
      const width = 24, filled = Math.round(frac * width);
      const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
      this.stream.write(`\r${this.label} ${bar} ${counts}  ${info}  ETA ${clock(eta)}\x1b[K`);
    } else if (done >= this.total || Date.now() - this.lastPlain > this.plainEverySeconds * 1000) {
      this.lastPlain = Date.now();
      this.stream.write(`${this.label} ${counts} (${(100 * frac).toFixed(0)}%)  ${info}  ETA ${clock(eta)}\n`);
    }
  }

  done(message = ''): void {
    if (this.stream.isTTY) this.stream.write(`\r\x1b[K`);
    if (message) this.stream.write(`${message}\n`);
  }
}

function format(v: number): string {
  if (Number.isInteger(v)) return String(v);
  return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(4);
}

export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.round(seconds), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(r).padStart(2, '0')}` : `${m}:${String(r).padStart(2, '0')}`;
}
