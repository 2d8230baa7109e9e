/** Runs the PyTorch peer benchmark (bench/torch_smallcnn.py) when Debian's python3-torch is present. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { projectRoot } from '../run/paths';

export interface TorchPeerResult { version: string; threads: number; trainImagesPerSecond: number; pgdStepImagesPerSecond: number }

export function runTorchPeer(threads = 2, python = '/usr/bin/python3'): TorchPeerResult | { unavailable: string } {
  const script = path.join(projectRoot(), 'bench', 'torch_smallcnn.py');
  if (!fs.existsSync(python)) return { unavailable: `${python} not found` };
  try {
    const out = execFileSync(python, [script, String(threads)], { stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 }).toString();
    const m = /torch (\S+) threads=(\d+) train_img_s=(\d+) pgd_step_img_s=(\d+)/.exec(out);
    if (!m) return { unavailable: `unexpected output: ${out.trim()}` };
    return { version: m[1], threads: Number(m[2]), trainImagesPerSecond: Number(m[3]), pgdStepImagesPerSecond: Number(m[4]) };
  } catch (err) {
    const msg = (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
    return { unavailable: /No module named 'torch'/.test(msg) ? 'python3-torch is not installed (apt-get install python3-torch)' : msg.trim().split('\n').pop()! };
  }
}
