#!/usr/bin/env node
/** `mat` — the workbench's command line: the commands of COMMANDS below (`mat --help` lists them). */
import { describeBackend, initBackend, parseBackendName } from '../backend';
import { UsageError } from './args';
import { BENCH_HELP, benchCommand } from './bench-command';
import { DEMO_HELP, demoCommand } from './demo-command';
import { EVAL_HELP, evalCommand } from './eval-command';
import { TRAIN_HELP, trainCommand } from './train-command';
import { ANALYZE_HELP, analyzeCommand } from './analyze-command';
import { REPRODUCE_HELP, reproduceCommand } from './reproduce-command';
import { ABLATE_HELP, ablateCommand } from './ablate-command';
import { REPRODUCTION_DOC_HELP, reproductionDocCommand } from './reproduction-doc-command';

interface Command { run(argv: string[]): Promise<void>; help: string; summary: string }

const COMMANDS: Record<string, Command> = {
  train: { run: trainCommand, help: TRAIN_HELP, summary: 'train a model (natural, at, trades, mmc, mat)' },
  eval: { run: evalCommand, help: EVAL_HELP, summary: 'evaluate a trained model (clean accuracy, attacks)' },
  bench: { run: benchCommand, help: BENCH_HELP, summary: 'throughput of training and PGD steps, beside PyTorch' },
  demo: { run: demoCommand, help: DEMO_HELP, summary: 'the main job of `npm start`' },
  analyze: { run: analyzeCommand, help: ANALYZE_HELP, summary: 'feature analysis of a run: Tables 1 and 5, Figure 1' },
  reproduce: { run: reproduceCommand, help: REPRODUCE_HELP, summary: 'train, attack and analyse every row of a profile' },
  ablate: { run: ablateCommand, help: ABLATE_HELP, summary: 'train and attack variants of a row over settings and seeds' },
  'reproduction-doc': { run: reproductionDocCommand, help: REPRODUCTION_DOC_HELP, summary: "refill REPRODUCTION.md's tables from data/results" },
};

const USAGE = `usage: mat <command> [flags]   (mat <command> --help for its flags)

${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(16)} ${c.summary}`).join('\n')}
`;

/** --backend is shared by every command; it is read here so the backend starts before the command. */
function backendFlag(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === '--backend' || a.startsWith('--backend='));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') { process.stdout.write(USAGE); return name ? 0 : 1; }
  const command = COMMANDS[name];
  if (!command) { process.stderr.write(`mat: unknown command '${name}'\n\n${USAGE}`); return 2; }
  if (rest.includes('--help') || rest.includes('-h')) { process.stdout.write(command.help); return 0; }
  try {
    const forced = backendFlag(rest);
    const info = await initBackend({ prefer: forced === undefined ? undefined : parseBackendName(forced, '--backend') });
    process.stderr.write(`${describeBackend(info)}\n`);
    await command.run(rest);
    return 0;
  } catch (err) {
    if (err instanceof UsageError || err instanceof RangeError) { process.stderr.write(`mat ${name}: ${err.message}\n`); return 2; }
    process.stderr.write(`mat ${name}: ${(err as Error).message}\n`);
    if (process.env.MAT_DEBUG) process.stderr.write(`${(err as Error).stack}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; });
}
