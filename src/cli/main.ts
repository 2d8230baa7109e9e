#!/usr/bin/env node
/**
 * `mat` — the workbench's command line: train, eval, bench, demo (npm start), analyze, reproduce.
 * Only this file and ./args load at start: a command's module (TensorFlow.js, danfojs, …) is imported when
 * that command runs, and the backend starts only after the command parsed its flags, so `mat --help` and a
 * bad flag answer at once.
 */
import { UsageError, type CommandContext } from './args';
import { parsePrecision } from '../backend/precision';

interface LoadedCommand { run(argv: string[], ctx: CommandContext): Promise<void>; help: string }
interface Command { summary: string; load(): Promise<LoadedCommand> }

const COMMANDS: Record<string, Command> = {
  train: { summary: 'train a model (natural, at, trades, mmc, mat)', load: async () => { const m = await import('./train-command'); return { run: m.trainCommand, help: m.TRAIN_HELP }; } },
  eval: {
    summary: 'evaluate a trained model (clean accuracy, attacks)',
    load: async () => { const m = await import('./eval-command'); return { run: (argv, ctx) => m.evalCommand(argv, { out: process.stdout, err: process.stderr, ...ctx }), help: m.EVAL_HELP }; },
  },
  bench: { summary: 'throughput of training and PGD steps, beside PyTorch', load: async () => { const m = await import('./bench-command'); return { run: m.benchCommand, help: m.BENCH_HELP }; } },
  demo: { summary: 'the main job of `npm start`', load: async () => { const m = await import('./demo-command'); return { run: m.demoCommand, help: m.DEMO_HELP }; } },
  analyze: { summary: 'feature analysis of a run: Tables 1 and 5, Figure 1', load: async () => { const m = await import('./analyze-command'); return { run: m.analyzeCommand, help: m.ANALYZE_HELP }; } },
  reproduce: { summary: 'train, attack and analyse every row of a profile', load: async () => { const m = await import('./reproduce-command'); return { run: m.reproduceCommand, help: m.REPRODUCE_HELP }; } },
  ablate: { summary: 'train and attack variants of a row over settings and seeds', load: async () => { const m = await import('./ablate-command'); return { run: m.ablateCommand, help: m.ABLATE_HELP }; } },
  cell: { summary: 'run one cell of a grid manifest (a SLURM array task)', load: async () => { const m = await import('./grid-commands'); return { run: m.cellCommand, help: m.CELL_HELP }; } },
  merge: { summary: "render a grid's tables and report from the results root", load: async () => { const m = await import('./grid-commands'); return { run: m.mergeCommand, help: m.MERGE_HELP }; } },
  status: { summary: "a grid's cells: done / running / pending / failed", load: async () => { const m = await import('./grid-commands'); return { run: (argv) => m.statusCommand(argv), help: m.STATUS_HELP }; } },
  'reproduction-doc': {
    summary: "refill REPRODUCTION.md's tables from data/results",
    load: async () => { const m = await import('./reproduction-doc-command'); return { run: m.reproductionDocCommand, help: m.REPRODUCTION_DOC_HELP }; },
  },
};

const USAGE = `usage: mat <command> [flags]   (mat <command> --help for its flags)

${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`).join('\n')}

every command also takes --backend NAME and --precision fp32|tf32 (TF32 on CUDA; default fp32, README "Precision")
`;

/** --backend is shared by every command (each command's flags accept it). */
function backendFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--backend' || a.startsWith('--backend='));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
}

/**
 * --precision fp32|tf32 is shared by every command too, and taken out of its flags here: it becomes MAT_PRECISION,
 * so evaluation workers and bench children started by the command inherit it.
 */
export function takePrecisionFlag(argv: string[]): string[] {
  const i = argv.findIndex((a) => a === '--precision' || a.startsWith('--precision='));
  if (i < 0) return argv;
  const inline = argv[i].includes('=');
  const value = inline ? argv[i].split('=')[1] : argv[i + 1];
  if (!value || value.startsWith('--')) throw new RangeError('--precision needs a value (fp32 or tf32)');
  process.env.MAT_PRECISION = parsePrecision(value, '--precision');
  return [...argv.slice(0, i), ...argv.slice(i + (inline ? 1 : 2))];
}

/** How to get each native backend when it was skipped (README "Backends" has the details). */
const HOW_TO_GET: Record<string, string> = {
  'node-gpu': 'npm i @tensorflow/tfjs-node-gpu, CUDA', 'torch-cuda': 'a CUDA libtorch', node: 'npm i @tensorflow/tfjs-node',
  torch: 'apt-get install libtorch-dev g++ && npm install',
};

/** One line naming the native backends that were skipped, why, and how to get them; '' when none was. */
export function skippedNativeLine(skipped: ReadonlyArray<{ name: string; reason: string }>): string {
  const native = skipped.filter((s) => s.name in HOW_TO_GET);
  if (native.length === 0) return '';
  const why = (r: string) => (/Cannot find module/.test(r) ? 'not installed' : r.length > 40 ? `${r.slice(0, 37)}…` : r);
  return `skipped native backends (README "Backends"): ${native.map((s) => `${s.name}: ${why(s.reason)} → ${HOW_TO_GET[s.name]}`).join('; ')}\n`;
}

/** Starts the backend (forced by --backend or MAT_BACKEND, else the fastest that works) and prints which. */
function backendStarter(argv: string[], name: string): () => Promise<void> {
  let started = false;
  return async () => {
    if (started) return;
    started = true;
    const { describeBackend, initBackend, parseBackendName } = await import('../backend');
    const forced = backendFlag(argv);
    const info = await initBackend({ prefer: forced === undefined ? undefined : parseBackendName(forced, `mat ${name} --backend`) });
    process.stderr.write(`${describeBackend(info)}\n${forced === undefined ? skippedNativeLine(info.skipped) : ''}`);
  };
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...flags] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { process.stdout.write(USAGE); return name ? 0 : 1; }
  const command = COMMANDS[name];
  if (!command) { process.stderr.write(`mat: unknown command '${name}'\n\n${USAGE}`); return 2; }
  try {
    const rest = takePrecisionFlag(flags);
    const loaded = await command.load();
    if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(loaded.help); return 0; }
    await loaded.run(rest, { startBackend: backendStarter(rest, name) });
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof RangeError) { process.stderr.write(`mat ${name}: ${err.message}\n`); return 2; }
    // Ctrl-C: the job saved its progress and already printed how to resume (io/interrupt.ts)
    if ((err as Error).name === 'InterruptedError') return 130;
    process.stderr.write(`mat ${name}: ${(err as Error).message}\n`);
    if (process.env.MAT_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    const exitCode = (err as { exitCode?: unknown }).exitCode;
    return typeof exitCode === 'number' && Number.isInteger(exitCode) && exitCode > 0 ? exitCode : 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
