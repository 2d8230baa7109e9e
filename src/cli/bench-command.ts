import * as fs from 'node:fs';
import { measureThroughput, runTorchPeer } from '../bench';
import { describeBackend, backendInfo } from '../backend';
import { provenance } from '../run/provenance';
import { writeJsonAtomic } from '../run/train-run';
import { numberFlag, parseFlags, type FlagSpec } from './args';

export const BENCH_HELP = `mat bench — SmallCNN (batch 128, MNIST shape) train-step and PGD-step img/s, beside PyTorch when present

  --samples N        timed samples per figure (default 5; median and spread are reported)
  --iterations N     steps per sample (default 10)
  --threads N        PyTorch threads for the peer figure (default 2)
  --no-torch         skip the PyTorch peer
  --wrn              also measure the WideResNet CPU default (forward+backward)
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
  const wrn = v.wrn ? measureThroughput({ arch: 'wrn', samples: 3, iterations: 2, batchSize: 32 }) : undefined;
  if (wrn) process.stdout.write(`tfjs ${info.name}  ${wrn.arch} (${wrn.parameters} params) batch 32: train ${fmt(wrn.trainImagesPerSecond)}, input-gradient ${fmt(wrn.pgdStepImagesPerSecond)}\n`);
  if (v.out) {
    fs.mkdirSync(require('node:path').dirname(String(v.out)), { recursive: true });
    writeJsonAtomic(String(v.out), { kind: 'bench', smallcnn: ours, torch, wrn, provenance: provenance() });
  }
}
