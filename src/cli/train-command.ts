import * as path from 'node:path';
import { DATASETS, DATASET_NAMES, type DatasetName } from '../data';
import { METHODS, METHOD_NAMES, type OptionSpec, type TrainingObjectiveOptions } from '../methods';
import { ARCH_NAMES, type Arch } from '../models';
import { defaultRunName, type TrainRunConfig, type TrainRunResults } from '../run/config';
import { runTraining } from '../run/train-run';
import { OPTIMIZER_NAMES } from '../train/optimizer';
import { choiceFlag, numberFlag, numberListFlag, parseFlags, UsageError, type CommandContext, type FlagSpec } from './args';
import { JobProgress } from './job-progress';
import { ProgressBar } from './progress';
import { BACKEND_NAMES } from '../backend';

/** Each method option exposed as a flag: flag → the methods using it (with their spec) and the option's name. */
function methodFlags(): Map<string, { option: keyof TrainingObjectiveOptions; methods: Array<{ method: string; spec: OptionSpec }> }> {
  const flags = new Map<string, { option: keyof TrainingObjectiveOptions; methods: Array<{ method: string; spec: OptionSpec }> }>();
  for (const method of METHOD_NAMES) {
    for (const [option, spec] of Object.entries(METHODS[method].options) as Array<[keyof TrainingObjectiveOptions, OptionSpec]>) {
      for (const flag of [spec.flag, spec.alias]) {
        if (flag === undefined) continue;
        const entry = flags.get(flag) ?? { option, methods: [] };
        entry.methods.push({ method, spec });
        flags.set(flag, entry);
      }
    }
  }
  return flags;
}
const METHOD_FLAGS = methodFlags();

/** `--flag X   AT/TRADES: help; MAT: other help` lines, from the method registry's option schemas. */
function methodFlagHelp(): string {
  return [...METHOD_FLAGS].map(([flag, { option, methods }]) => {
    const byHelp = new Map<string, string[]>();
    for (const { method, spec } of methods) byHelp.set(spec.help, [...(byHelp.get(spec.help) ?? []), METHODS[method as keyof typeof METHODS].label]);
    const alias = methods.every((m) => m.spec.alias === flag) ? ` (alias of --${methods[0].spec.flag})` : '';
    const text = [...byHelp].map(([help, labels]) => `${labels.join('/')}: ${help}`).join('; ') + alias;
    return `  ${`--${flag} ${option === 'steps' ? 'N' : 'X'}`.padEnd(22)} ${text}`;
  }).join('\n');
}

export const TRAIN_HELP = `mat train — train one model (${METHOD_NAMES.map((m) => METHODS[m].label).join(', ')}) with checkpoints and resume

  --dataset NAME         ${DATASET_NAMES.join(' | ')} (default mnist)
  --arch NAME            ${ARCH_NAMES.join(' | ')} (default: the dataset's, ${DATASET_NAMES.map((d) => `${d} ${DATASETS[d].defaultArch}`).join(', ')})
  --method NAME          ${METHOD_NAMES.join(' | ')} (default natural)
${methodFlagHelp()}
  --feature-dim D        width of the feature layer φ (architecture default)
  --depth N --width K    WideResNet depth (6n+4) and widen factor
  --epochs N             (default 1)
  --batch-size N         (default 128)
  --optimizer NAME       ${OPTIMIZER_NAMES.join(' | ')} (default sgd = SGD with momentum 0.9)
  --lr R                 learning rate (default 0.01)
  --momentum M           (default 0.9)
  --lr-milestones E,..   multiply the rate by 0.1 at these epochs (0-based, increasing integers)
  --seed N               data order, subsets, initialisation, dropout masks, random starts (default 0);
                         same seed + same backend = bit-identical runs, resumed or not
  --train-subset N       train on a seeded subset of N examples
  --test-subset N        evaluate on a seeded subset of N test examples
  --max-steps N          stop after N optimizer steps in total (smoke runs; --resume continues past it)
  --checkpoint-every N   also checkpoint every N steps inside an epoch (default: every 10 minutes)
  --run-dir DIR          run folder (default runs/<dataset>-<arch>-<method>[-options]); one writer at a time
  --resume               continue the newest complete checkpoint in the run folder
  --backend NAME         ${BACKEND_NAMES.join(' | ')} (default: fastest available; env MAT_BACKEND)
`;

export const TRAIN_FLAGS: FlagSpec = {
  dataset: { type: 'string' }, arch: { type: 'string' }, method: { type: 'string' },
  ...Object.fromEntries([...METHOD_FLAGS.keys()].map((flag) => [flag, { type: 'string' as const }])),
  'feature-dim': { type: 'string' }, depth: { type: 'string' }, width: { type: 'string' },
  epochs: { type: 'string' }, 'batch-size': { type: 'string' }, optimizer: { type: 'string' }, lr: { type: 'string' },
  momentum: { type: 'string' }, 'lr-milestones': { type: 'string' }, seed: { type: 'string' },
  'train-subset': { type: 'string' }, 'test-subset': { type: 'string' }, 'max-steps': { type: 'string' }, 'checkpoint-every': { type: 'string' },
  'run-dir': { type: 'string' }, resume: { type: 'boolean' }, backend: { type: 'string' }, help: { type: 'boolean' },
};

/** --lr-milestones: epochs (0-based) at which the rate drops, strictly increasing non-negative integers. */
function milestonesFlag(v: Record<string, unknown>): number[] | undefined {
  const list = numberListFlag(v, 'lr-milestones');
  if (list === undefined) return undefined;
  const bad = list.find((e, i) => !Number.isInteger(e) || e < 0 || (i > 0 && e <= list[i - 1]));
  if (bad !== undefined) throw new UsageError(`--lr-milestones must be strictly increasing epoch numbers (integers ≥ 0), got '${v['lr-milestones']}' (${bad})`);
  return list;
}

/** Turns parsed flags into a run configuration; every invalid value or combination is a UsageError. */
export function trainConfigFromFlags(v: Record<string, unknown>): TrainRunConfig {
  const method = choiceFlag(v, 'method', METHOD_NAMES) ?? 'natural';
  const dataset = choiceFlag(v, 'dataset', DATASET_NAMES as readonly DatasetName[]) ?? 'mnist';
  const arch = choiceFlag(v, 'arch', ARCH_NAMES) ?? (DATASETS[dataset].defaultArch as Arch);
  // method options: the method's schema says which flags apply, their type and range
  const methodOptions: Record<string, number> = {};
  for (const [flag, { option, methods }] of METHOD_FLAGS) {
    if (v[flag] === undefined) continue;
    const own = methods.find((m) => m.method === method);
    if (!own) {
      throw new UsageError(`--${flag} applies to --method ${methods.map((m) => m.method).join('/')} only (got --method ${method})`);
    }
    if (methodOptions[option] !== undefined) throw new UsageError(`give --${own.spec.flag} or --${own.spec.alias}, not both`);
    methodOptions[option] = numberFlag(v, flag, { integer: own.spec.type === 'integer', min: own.spec.min, max: own.spec.max }) as number;
  }
  if ((v.depth !== undefined || v.width !== undefined) && arch !== 'wrn') throw new UsageError(`--depth/--width apply to --arch wrn only (got --arch ${arch})`);
  const config: TrainRunConfig = {
    dataset, arch, method, methodOptions: methodOptions as TrainingObjectiveOptions,
    featureDim: numberFlag(v, 'feature-dim', { integer: true, min: 2 }),
    depth: numberFlag(v, 'depth', { integer: true, min: 10 }),
    width: numberFlag(v, 'width', { integer: true, min: 1 }),
    epochs: numberFlag(v, 'epochs', { integer: true, min: 1 }) ?? 1,
    batchSize: numberFlag(v, 'batch-size', { integer: true, min: 1 }) ?? 128,
    optimizer: choiceFlag(v, 'optimizer', OPTIMIZER_NAMES) ?? 'sgd',
    learningRate: numberFlag(v, 'lr', { min: 0 }) ?? 0.01,
    momentum: numberFlag(v, 'momentum', { min: 0, max: 1 }) ?? 0.9,
    lrMilestones: milestonesFlag(v),
    seed: numberFlag(v, 'seed', { integer: true }) ?? 0,
    trainSubset: numberFlag(v, 'train-subset', { integer: true, min: 1 }),
    testSubset: numberFlag(v, 'test-subset', { integer: true, min: 1 }),
    maxSteps: numberFlag(v, 'max-steps', { integer: true, min: 1 }),
  };
  for (const k of Object.keys(config) as Array<keyof TrainRunConfig>) if (config[k] === undefined) delete config[k];
  return config;
}

/** Trains with a progress bar on stderr and a summary on stdout. */
export async function trainWithProgress(config: TrainRunConfig, runDir: string, resume: boolean, label: string = config.method,
  checkpointEvery?: number, job?: JobProgress): Promise<TrainRunResults> {
  let bar: ProgressBar | undefined;
  if (job) return trainWithJobProgress(config, runDir, resume, job, checkpointEvery);
  const results = await runTraining(config, runDir, {
    resume, checkpointEvery,
    onNotice: (m) => process.stderr.write(`${m}\n`),
    onStart: (info) => {
      const what = `${config.dataset} ${config.arch} ${config.method}: ${info.trainExamples} examples, ${info.parameters} parameters`;
      process.stderr.write(`${info.resumed ? 'resuming' : 'training'} ${what} → ${runDir}\n`);
    },
    onBatchEnd: (r) => {
      bar ??= new ProgressBar(`${label} epoch ${r.epoch + 1}/${config.epochs}`, r.batchesPerEpoch);
      const parts = Object.fromEntries(Object.entries(r.parts).filter(([k]) => k !== 'total').map(([k, x]) => [k, x]));
      bar.update(r.batch + 1, { loss: r.loss, ...(Object.keys(parts).length > 1 ? parts : {}), 'img/s': Math.round(r.imagesPerSecond) });
    },
    onEpochEnd: (r) => {
      bar?.done(`${label} epoch ${r.epoch + 1}/${config.epochs}: loss ${r.loss.toFixed(4)}, ${r.imagesPerSecond.toFixed(0)} img/s, ${r.seconds.toFixed(0)} s`);
      bar = undefined;
    },
  });
  bar?.done();
  return results;
}

/** {@link trainWithProgress} reporting to a whole-job line instead of a per-epoch bar (units: training images). */
async function trainWithJobProgress(config: TrainRunConfig, runDir: string, resume: boolean, job: JobProgress, checkpointEvery?: number): Promise<TrainRunResults> {
  return runTraining(config, runDir, {
    resume, checkpointEvery,
    onNotice: (m) => job.note(m),
    onBatchEnd: (r) => job.update((r.epoch * r.batchesPerEpoch + r.batch + 1) * config.batchSize,
      `epoch ${r.epoch + 1}/${config.epochs} batch ${r.batch + 1}/${r.batchesPerEpoch} (${Math.round(r.imagesPerSecond)} img/s)`),
    onEpochEnd: (r) => job.note(`  epoch ${r.epoch + 1}/${config.epochs}: loss ${r.loss.toFixed(4)}, ${r.imagesPerSecond.toFixed(0)} img/s, ${r.seconds.toFixed(0)} s`),
  });
}

export async function trainCommand(argv: string[], ctx: CommandContext = {}): Promise<void> {
  const v = parseFlags(argv, TRAIN_FLAGS, 'train');
  if (v.help) { process.stdout.write(TRAIN_HELP); return; }
  const config = trainConfigFromFlags(v);
  const runDir = String(v['run-dir'] ?? path.join('runs', defaultRunName(config)));
  const checkpointEvery = numberFlag(v, 'checkpoint-every', { integer: true, min: 1 });
  await ctx.startBackend?.();
  const results = await trainWithProgress(config, runDir, v.resume === true, config.method, checkpointEvery);
  process.stdout.write(`clean test accuracy ${(100 * results.metrics.cleanTestAccuracy).toFixed(2)} % on ${results.metrics.testExamples} examples` +
    ` (train ${results.timings.trainSeconds.toFixed(0)} s); results: ${path.join(runDir, 'results.json')}\n`);
}
