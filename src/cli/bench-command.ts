import * as fs from 'node:fs';
import { assertSameWrn, measureThroughput, runTorchPeer, runTorchWrnPeer, type ThroughputResult, type TorchWrnPeerResult, type Unavailable } from '../bench';
import { WRN_CPU_DEFAULT } from '../models';
import { describeBackend, backendInfo } from '../backend';
import { provenance } from '../io/provenance';
import { writeJsonAtomic } from '../io/json';
import { numberFlag, parseFlags, type FlagSpec } from './args';

export const BENCH_HELP = `mat bench — SmallCNN (batch 128, MNIST shape) train-step and PGD-step img/s, beside PyTorch when present

  --samples N        timed samples per figure (default 5; median and spread are reported)
  --iterations N     steps per sample (default 10)
  --threads N        PyTorch threads for the peer figure (default 2)
  --no-torch         skip the PyTorch peer
  --wrn              also measure the WideResNet CPU default (WRN-16-1, batch 32, CIFAR shape): train step and
                     input-gradient step, beside PyTorch's (bench/torch_wrn.py; parameter counts must match)
  --out FILE         write the figures as JSON
  --backend NAME     node-gpu | node | wasm | cpu
`;

export const BENCH_FLAGS: FlagSpec = {
  samples: { type: 'string' }, iterations: { type: 'string' }, threads: { type: 'string' }, 'no-torch': { type: 'boolean' },
  wrn: { type: 'boolean' }, out: { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean' },
};

export async function benchCommand(argv: string[]): Promise<void> {
  const v = parseFlags(argv, BENCH_FLAGS, 'bench');
  if (v.help) { process.stdout.write(BENCH_HELP); return; }
  const samples = numberFlag(v, 'samples', { integer: true, min: 1 }) ?? 5;
  const iterations = numberFlag(v, 'iterations', { integer: true, min: 1 }) ?? 10;
  const threads = numberFlag(v, 'threads', { integer: true, min: 1 }) ?? 2;
  const info = backendInfo()!;
  process.stdout.write(`${describeBackend(info)}\n`);
  const ours = measureThroughput({ samples, iterations });
  const fmt = (s: { median: number; min: number; max: number }) => `${s.median.toFixed(0)} img/s (min ${s.min.toFixed(0)}, max ${s.max.toFixed(0)})`;
  process.stdout.write(`tfjs ${info.name}  smallcnn batch 128: train ${fmt(ours.trainImagesPerSecond)}, PGD step ${fmt(ours.pgdStepImagesPerSecond)}\n`);
  const torch = v['no-torch'] ? { unavailable: 'skipped (--no-torch)' } : runTorchPeer(threads);
  if ('unavailable' in torch) {
    process.stdout.write(`PyTorch peer: ${torch.unavailable}\n`);
  } else {
    process.stdout.write(`torch ${torch.version} (${torch.threads} threads): train ${torch.trainImagesPerSecond} img/s, PGD step ${torch.pgdStepImagesPerSecond} img/s\n`);
    process.stdout.write(`ratio tfjs/torch: train ${(ours.trainImagesPerSecond.median / torch.trainImagesPerSecond).toFixed(2)}, ` +
      `PGD step ${(ours.pgdStepImagesPerSecond.median / torch.pgdStepImagesPerSecond).toFixed(2)}\n`);
  }
  let wrn: ThroughputResult | undefined;
  let torchWrn: TorchWrnPeerResult | Unavailable | undefined;
  if (v.wrn) {
    const { depth, width } = WRN_CPU_DEFAULT;
    wrn = measureThroughput({ arch: 'wrn', depth, width, samples: 3, iterations: 2, batchSize: WRN_BATCH });
    process.stdout.write(`tfjs ${info.name}  ${wrn.arch} (${wrn.parameters} params) batch ${wrn.batchSize}: train ${fmt(wrn.trainImagesPerSecond)}, input-gradient ${fmt(wrn.pgdStepImagesPerSecond)}\n`);
    torchWrn = v['no-torch'] ? { unavailable: 'skipped (--no-torch)' } : runTorchWrnPeer({ depth, width, batchSize: WRN_BATCH, threads });
    if (!('unavailable' in torchWrn)) assertSameWrn({ name: wrn.modelName, ...wrn }, torchWrn); // throws: figures not comparable
    process.stdout.write(formatTorchWrnLines(wrn, torchWrn));
  }
  if (v.out) {
    fs.mkdirSync(require('node:path').dirname(String(v.out)), { recursive: true });
    writeJsonAtomic(String(v.out), { kind: 'bench', smallcnn: ours, torch, wrn, torchWrn, provenance: provenance() });
  }
}

/** batch of the WRN figures (tfjs and PyTorch) */
export const WRN_BATCH = 32;

/** The PyTorch WRN line and the tfjs/torch ratio line printed under the tfjs WRN line (or 'unavailable'). */
export function formatTorchWrnLines(
  wrn: Pick<ThroughputResult, 'trainImagesPerSecond' | 'pgdStepImagesPerSecond'>,
  torch: TorchWrnPeerResult | Unavailable,
): string {
  if ('unavailable' in torch) return `PyTorch WRN peer: ${torch.unavailable}\n`;
  const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : 'n/a');
  return `torch ${torch.version} (${torch.threads} threads)  ${torch.arch} (${torch.parameters} params + ${torch.bnStatistics} BN statistics) ` +
    `batch ${torch.batchSize}: train ${torch.trainImagesPerSecond} img/s, input-gradient ${torch.inputGradientImagesPerSecond} img/s\n` +
    `ratio tfjs/torch wrn: train ${ratio(wrn.trainImagesPerSecond.median, torch.trainImagesPerSecond)}, ` +
    `input-gradient ${ratio(wrn.pgdStepImagesPerSecond.median, torch.inputGradientImagesPerSecond)}\n`;
}
