/**
 * Best against best: every backend of ours and the PyTorch peer are measured at every thread count
 * 1..cores, each configuration in a fresh process (thread pools are fixed once a backend starts), and
 * the ratios compare each side's fastest setting. On 2-vCPU machines PyTorch's OpenMP can be 4× slower
 * at 2 threads than at 1, so comparing at one fixed count would flatter whichever side scales worse.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import type { ThroughputResult } from './throughput';
import { runTorchPeer, runTorchWrnPeer, type TorchPeerResult, type TorchWrnPeerResult, type Unavailable } from './torch-peer';

/** One configuration's figures, from `mat bench --child` */
export interface BackendBenchResult {
  backend: string;
  threads: number;
  /** e.g. 'backend torch (tfjs 4.22.0, libtorch 1.13.0 on cpu, 1 thread)' */
  description: string;
  smallcnn: ThroughputResult;
  wrn?: ThroughputResult;
  /** kernels that ran on the cpu fallback during the timed steps, with call counts */
  fallbacks: Record<string, number>;
}

export interface SweepOptions {
  backends: string[];
  threads: number[];
  samples: number;
  iterations: number;
  /** SmallCNN batch (default 128) */
  batch?: number;
  wrn?: { depth: number; width: number; batchSize: number };
  /** skip the PyTorch peer */
  noTorch?: boolean;
  /** called after each configuration, for progress lines */
  onResult?: (r: BackendBenchResult | PeerEntry | { backend: string; threads: number; unavailable: string }) => void;
}

export interface PeerEntry { peer: 'pytorch'; threads: number; smallcnn: TorchPeerResult | Unavailable; wrn?: TorchWrnPeerResult | Unavailable }

export interface SweepResult {
  ours: BackendBenchResult[];
  unavailable: Array<{ backend: string; threads: number; unavailable: string }>;
  peer: PeerEntry[];
}

/** Runs `mat bench --child` for one backend and thread count; the child prints one JSON line last. */
export function benchInChild(backend: string, threads: number, o: Pick<SweepOptions, 'samples' | 'iterations' | 'wrn' | 'batch'>): BackendBenchResult | { unavailable: string } {
  const main = path.resolve(__dirname, '..', 'cli', 'main.js');
  const args = [main, 'bench', '--child', '--backend', backend, '--samples', String(o.samples), '--iterations', String(o.iterations)];
  if (o.wrn) args.push('--wrn');
  if (o.batch !== undefined) args.push('--batch', String(o.batch));
  const env = { ...process.env, MAT_TORCH_THREADS: String(threads), MAT_WASM_THREADS: String(threads), MAT_TORCH_QUIET_FALLBACK: '1' };
  const r = spawnSync(process.execPath, args, { env, encoding: 'utf8', timeout: 1_200_000 });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) {
    const why = (r.stderr || r.stdout || String(r.error ?? '')).trim().split('\n').filter(Boolean).pop() ?? `exit ${r.status}`;
    return { unavailable: why.replace(/^mat bench: /, '') };
  }
  return JSON.parse(last) as BackendBenchResult;
}

export function benchSweep(o: SweepOptions): SweepResult {
  const result: SweepResult = { ours: [], unavailable: [], peer: [] };
  for (const backend of o.backends) {
    for (const threads of o.threads) {
      const r = benchInChild(backend, threads, o);
      if ('unavailable' in r) {
        const entry = { backend, threads, unavailable: r.unavailable };
        result.unavailable.push(entry);
        o.onResult?.(entry);
        break; // a backend that cannot start at one thread count cannot at another
      }
      result.ours.push(r);
      o.onResult?.(r);
    }
  }
  if (!o.noTorch) {
    for (const threads of o.threads) {
      const entry: PeerEntry = { peer: 'pytorch', threads, smallcnn: runTorchPeer(threads) };
      if (o.wrn) entry.wrn = runTorchWrnPeer({ ...o.wrn, threads });
      result.peer.push(entry);
      o.onResult?.(entry);
      if ('unavailable' in entry.smallcnn) break;
    }
  }
  return result;
}

/** The fastest entry by a figure; undefined when none has it. */
export function best<T>(entries: T[], figure: (e: T) => number | undefined): { entry: T; value: number } | undefined {
  let top: { entry: T; value: number } | undefined;
  for (const entry of entries) {
    const value = figure(entry);
    if (value !== undefined && (!top || value > top.value)) top = { entry, value };
  }
  return top;
}
