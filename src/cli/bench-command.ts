import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  assertSameWrn, benchSweep, best, measureThroughput, type BackendBenchResult, type PeerEntry, type StepCost, type SweepResult,
  type TorchWrnPeerResult,
} from '../bench';
import { WRN_CPU_DEFAULT } from '../models';
import { backendInfo, describeBackend, fallbackCounts, loadTorchAddon, resetFallbackCounts } from '../backend';
import { provenance } from '../io/provenance';
import { writeJsonAtomic } from '../io/json';
import { numberFlag, parseFlags, UsageError, type CommandContext, type FlagSpec } from './args';

export const BENCH_HELP = `mat bench — SmallCNN (batch 128, MNIST shape) train-step and PGD-step img/s for each of our backends and
the PyTorch peer (Debian python3-torch) at every thread count, each configuration in its own process; the ratios
compare the best setting of each side.

  --backends LIST    our backends to measure (default: torch and wasm, those that start here)
  --threads LIST     thread counts to try on every side (default 1..cores, e.g. 1,2)
  --samples N        timed samples per figure (default 5; median and spread are reported)
  --iterations N     steps per sample (default 10)
  --batch N          SmallCNN batch (default 128; 8 shows the host's cost per kernel, where the host dominates)
  --no-torch         skip the PyTorch peer
  --wrn              also measure the WideResNet CPU default (WRN-16-1, batch 32, CIFAR shape): train step and
                     input-gradient step, beside PyTorch's (bench/torch_wrn.py; parameter counts must match)
  --out FILE         write every figure as JSON

On torch backends each line also gives, per step, the native kernels, device→host readbacks (the bench's loop
reads its loss once a step) and host→device uploads, and the µs spent outside ATen's ops (TF.js' engine,
JavaScript, N-API: the host cost that bounds a GPU) and inside them.
`;

export const BENCH_FLAGS: FlagSpec = {
  samples: { type: 'string' }, iterations: { type: 'string' }, batch: { type: 'string' }, threads: { type: 'string' }, 'no-torch': { type: 'boolean' },
  wrn: { type: 'boolean' }, out: { type: 'string' }, backend: { type: 'string' }, backends: { type: 'string' },
  child: { type: 'boolean' }, help: { type: 'boolean' },
};

/** batch of the SmallCNN figures unless --batch says otherwise (PyTorch's peer measures this one) */
export const SMALLCNN_BATCH = 128;

/** batch of the WRN figures (tfjs and PyTorch) */
export const WRN_BATCH = 32;

function intList(value: unknown, flag: string): number[] {
  const list = String(value).split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new UsageError(`--${flag} must be a comma-separated list of positive integers, got '${value}'`);
  return list;
}

export async function benchCommand(argv: string[], ctx: CommandContext = {}): Promise<void> {
  const v = parseFlags(argv, BENCH_FLAGS, 'bench');
  if (v.help) { process.stdout.write(BENCH_HELP); return; }
  const samples = numberFlag(v, 'samples', { integer: true, min: 1 }) ?? 5;
  const iterations = numberFlag(v, 'iterations', { integer: true, min: 1 }) ?? 10;
  const batch = numberFlag(v, 'batch', { integer: true, min: 1 }) ?? SMALLCNN_BATCH;
  // the parent only spawns one measuring process per configuration: only a child starts a backend
  if (v.child) { await ctx.startBackend?.(); process.stdout.write(`${JSON.stringify(benchThisProcess(samples, iterations, Boolean(v.wrn), batch))}\n`); return; }

  const cores = os.cpus().length;
  const threads = v.threads === undefined ? Array.from({ length: cores }, (_, i) => i + 1) : intList(v.threads, 'threads');
  const backends = v.backends === undefined ? defaultBackends() : String(v.backends).split(',').map((s) => s.trim());
  const wrn = v.wrn ? { ...WRN_CPU_DEFAULT, batchSize: WRN_BATCH } : undefined;
  // the PyTorch peer measures batch 128 only: at another batch there is nothing to compare with
  const noTorch = Boolean(v['no-torch']) || batch !== SMALLCNN_BATCH;
  process.stdout.write(`bench: ${backends.join(', ')}${noTorch ? '' : ' and PyTorch'} at ${threads.join(', ')} thread(s) on ${cores} cores; ` +
    `SmallCNN batch ${batch}${wrn ? `, WRN-${wrn.depth}-${wrn.width} batch ${WRN_BATCH}` : ''}\n`);
  const result = benchSweep({
    backends, threads, samples, iterations, wrn, noTorch, batch,
    onResult: (r) => process.stdout.write(formatEntry(r)),
  });
  for (const r of result.ours) {
    const peerWrn = result.peer.find((p) => p.wrn && !('unavailable' in p.wrn))?.wrn as TorchWrnPeerResult | undefined;
    if (r.wrn && peerWrn) assertSameWrn({ name: r.wrn.modelName, ...r.wrn }, peerWrn); // throws: figures not comparable
  }
  process.stdout.write(formatSummary(result));
  if (v.out) {
    fs.mkdirSync(path.dirname(String(v.out)), { recursive: true });
    writeJsonAtomic(String(v.out), { kind: 'bench-sweep', ...result, provenance: provenance() });
  }
}

/** torch where its addon is built, then wasm */
function defaultBackends(): string[] {
  return 'error' in loadTorchAddon() ? ['wasm'] : ['torch', 'wasm'];
}

/** The child's measurement on the backend main() started (its threads come from MAT_*_THREADS). */
function benchThisProcess(samples: number, iterations: number, withWrn: boolean, batchSize: number): BackendBenchResult {
  const info = backendInfo()!;
  resetFallbackCounts();
  const smallcnn = measureThroughput({ samples, iterations, batchSize });
  const wrn = withWrn ? measureThroughput({ arch: 'wrn', ...WRN_CPU_DEFAULT, samples: 3, iterations: 2, batchSize: WRN_BATCH }) : undefined;
  return { backend: info.name, threads: info.threads, description: describeBackend(info), smallcnn, wrn, fallbacks: fallbackCounts() };
}

const fmt = (s: { median: number; min: number; max: number }) => `${s.median.toFixed(0)} (${s.min.toFixed(0)}–${s.max.toFixed(0)})`;

function formatEntry(r: BackendBenchResult | PeerEntry | { backend: string; threads: number; unavailable: string }): string {
  if ('unavailable' in r) return `  ${r.backend.padEnd(8)} unavailable: ${r.unavailable}\n`;
  if ('peer' in r) {
    if ('unavailable' in r.smallcnn) return `  PyTorch  unavailable: ${r.smallcnn.unavailable}\n`;
    const w = r.wrn ? ('unavailable' in r.wrn ? `; WRN unavailable: ${r.wrn.unavailable}` : `; WRN train ${r.wrn.trainImagesPerSecond}, input-gradient ${r.wrn.inputGradientImagesPerSecond}`) : '';
    return `  PyTorch ${r.smallcnn.version} ${r.threads} thread(s): SmallCNN train ${r.smallcnn.trainImagesPerSecond}, PGD step ${r.smallcnn.pgdStepImagesPerSecond} img/s${w}\n`;
  }
  const w = r.wrn ? `; WRN train ${fmt(r.wrn.trainImagesPerSecond)}, input-gradient ${fmt(r.wrn.pgdStepImagesPerSecond)}` : '';
  const fb = Object.keys(r.fallbacks).length ? `  [cpu fallbacks: ${Object.entries(r.fallbacks).map(([k, n]) => `${k}×${n}`).join(', ')}]` : '';
  const costs = [['SmallCNN', r.smallcnn] as const, ...(r.wrn ? [['WRN', r.wrn] as const] : [])]
    .flatMap(([name, t]) => [[`${name} train`, t.trainStepCost], [`${name} ${name === 'WRN' ? 'input-gradient' : 'PGD'}`, t.pgdStepCost]] as const)
    .filter(([, c]) => c !== undefined).map(([label, c]) => `    ${label} per step: ${formatCost(c!)}\n`).join('');
  return `  ${r.backend.padEnd(8)} ${r.threads} thread(s): SmallCNN train ${fmt(r.smallcnn.trainImagesPerSecond)}, PGD step ${fmt(r.smallcnn.pgdStepImagesPerSecond)} img/s${w}${fb}\n${costs}`;
}

function formatCost(c: StepCost): string {
  return `${c.kernels.toFixed(0)} kernels, ${c.readbacks.toFixed(2)} readbacks, ${c.uploads.toFixed(1)} uploads, ` +
    `host ${c.hostMicros.toFixed(0)} µs (${(c.hostMicros / Math.max(c.kernels, 1)).toFixed(1)} µs/kernel), ATen ${c.atenMicros.toFixed(0)} µs`;
}

type Figure = { ours: (r: BackendBenchResult) => number | undefined; peer: (p: PeerEntry) => number | undefined; label: string };
const FIGURES: Figure[] = [
  { label: 'SmallCNN train', ours: (r) => r.smallcnn.trainImagesPerSecond.median, peer: (p) => ('unavailable' in p.smallcnn ? undefined : p.smallcnn.trainImagesPerSecond) },
  { label: 'SmallCNN PGD step', ours: (r) => r.smallcnn.pgdStepImagesPerSecond.median, peer: (p) => ('unavailable' in p.smallcnn ? undefined : p.smallcnn.pgdStepImagesPerSecond) },
  { label: 'WRN train', ours: (r) => r.wrn?.trainImagesPerSecond.median, peer: (p) => (p.wrn && !('unavailable' in p.wrn) ? p.wrn.trainImagesPerSecond : undefined) },
  { label: 'WRN input-gradient', ours: (r) => r.wrn?.pgdStepImagesPerSecond.median, peer: (p) => (p.wrn && !('unavailable' in p.wrn) ? p.wrn.inputGradientImagesPerSecond : undefined) },
];

/** Best of each backend against PyTorch's best, one line per figure. */
export function formatSummary(result: SweepResult): string {
  const lines: string[] = ['best against best (img/s; ratio = ours / PyTorch):'];
  const backends = [...new Set(result.ours.map((r) => r.backend))];
  for (const f of FIGURES) {
    const peer = best(result.peer, f.peer);
    const cells = backends.map((b) => {
      const top = best(result.ours.filter((r) => r.backend === b), f.ours);
      if (!top) return undefined;
      const ratio = peer ? ` = ${(top.value / peer.value).toFixed(2)}×` : '';
      return `${b} ${top.value.toFixed(0)} (${top.entry.threads} t)${ratio}`;
    }).filter(Boolean);
    if (cells.length === 0) continue;
    lines.push(`  ${f.label.padEnd(19)} ${cells.join(', ')}${peer ? `  vs PyTorch ${peer.value.toFixed(0)} (${peer.entry.threads} t)` : '  (no PyTorch figure)'}`);
  }
  const fallbacks = result.ours.filter((r) => Object.keys(r.fallbacks).length > 0);
  lines.push(fallbacks.length === 0 ? '  cpu fallbacks hit in the timed steps: none' :
    `  cpu fallbacks hit in the timed steps: ${fallbacks.map((r) => `${r.backend}/${r.threads}t ${Object.keys(r.fallbacks).join(', ')}`).join('; ')}`);
  return `${lines.join('\n')}\n`;
}
