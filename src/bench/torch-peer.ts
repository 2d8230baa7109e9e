/**
 * Runs the PyTorch peer benchmarks (bench/torch_smallcnn.py, bench/torch_wrn.py) when Debian's python3-torch
 * is present, and parses the one line each prints.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../run/paths';

export interface TorchPeerResult { version: string; threads: number; trainImagesPerSecond: number; pgdStepImagesPerSecond: number }

/** bench/torch_wrn.py: the WideResNet of src/models/wrn.ts, train step and input-gradient step */
export interface TorchWrnPeerResult {
  version: string;
  threads: number;
  /** e.g. 'wrn_16_1' (tfjs' model name) */
  arch: string;
  batchSize: number;
  /** trainable parameters (PyTorch's `parameters()`) */
  parameters: number;
  /** batch-norm running mean + variance elements (tfjs counts them as non-trainable weights) */
  bnStatistics: number;
  trainImagesPerSecond: number;
  inputGradientImagesPerSecond: number;
}

export type Unavailable = { unavailable: string };

/** Parses bench/torch_smallcnn.py's line; undefined when the output has none. */
export function parseTorchSmallCnnLine(out: string): TorchPeerResult | undefined {
  const m = /torch (\S+) threads=(\d+) train_img_s=(\d+) pgd_step_img_s=(\d+)/.exec(out);
  if (!m) return undefined;
  return { version: m[1], threads: Number(m[2]), trainImagesPerSecond: Number(m[3]), pgdStepImagesPerSecond: Number(m[4]) };
}

/** Parses bench/torch_wrn.py's line; undefined when the output has none. */
export function parseTorchWrnLine(out: string): TorchWrnPeerResult | undefined {
  const m =
    /torch (\S+) threads=(\d+) arch=(wrn_\d+_\d+) batch=(\d+) params=(\d+) bn_stats=(\d+) train_img_s=(\d+) input_grad_img_s=(\d+)/.exec(out);
  if (!m) return undefined;
  return {
    version: m[1], threads: Number(m[2]), arch: m[3], batchSize: Number(m[4]), parameters: Number(m[5]),
    bnStatistics: Number(m[6]), trainImagesPerSecond: Number(m[7]), inputGradientImagesPerSecond: Number(m[8]),
  };
}

function runPeerScript<T>(script: string, args: string[], parse: (out: string) => T | undefined, python: string): T | Unavailable {
  const file = path.join(projectRoot(), 'bench', script);
  if (!fs.existsSync(python)) return { unavailable: `${python} not found` };
  try {
    const out = execFileSync(python, [file, ...args], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 }).toString();
    return parse(out) ?? { unavailable: `unexpected output from ${script}: ${out.trim()}` };
  } catch (err) {
    const msg = (err as { stderr?: Buffer }).stderr?.toString() || String(err);
    return { unavailable: /No module named 'torch'/.test(msg) ? 'python3-torch is not installed (apt-get install python3-torch)' : msg.trim().split('\n').pop()! };
  }
}

export function runTorchPeer(threads = 2, python = '/usr/bin/python3'): TorchPeerResult | Unavailable {
  return runPeerScript('torch_smallcnn.py', [String(threads)], parseTorchSmallCnnLine, python);
}

export interface TorchWrnOptions { depth: number; width: number; batchSize: number; threads?: number; python?: string }

export function runTorchWrnPeer(o: TorchWrnOptions): TorchWrnPeerResult | Unavailable {
  const args = [o.threads ?? 2, o.depth, o.width, o.batchSize].map(String);
  return runPeerScript('torch_wrn.py', args, parseTorchWrnLine, o.python ?? '/usr/bin/python3');
}

/**
 * Throws unless the PyTorch WRN is the tfjs one: same model name and batch, same trainable parameter count,
 * and the same total once PyTorch's BN running statistics are added (tfjs' countParams includes them).
 */
export function assertSameWrn(
  tfjs: { name: string; batchSize: number; parameters: number; trainableParameters: number },
  torch: TorchWrnPeerResult,
): void {
  const problems: string[] = [];
  if (tfjs.name !== torch.arch) problems.push(`architecture tfjs ${tfjs.name} vs torch ${torch.arch}`);
  if (tfjs.batchSize !== torch.batchSize) problems.push(`batch tfjs ${tfjs.batchSize} vs torch ${torch.batchSize}`);
  if (tfjs.trainableParameters !== torch.parameters) {
    problems.push(`trainable parameters tfjs ${tfjs.trainableParameters} vs torch ${torch.parameters}`);
  }
  if (tfjs.parameters !== torch.parameters + torch.bnStatistics) {
    problems.push(`all weights tfjs ${tfjs.parameters} vs torch ${torch.parameters} + ${torch.bnStatistics} BN statistics`);
  }
  if (problems.length > 0) {
    throw new Error(`bench/torch_wrn.py does not build the tfjs WideResNet (${problems.join('; ')}): its figures are not comparable`);
  }
}
