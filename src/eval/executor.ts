/**
 * Where evaluation batches run: in this thread (`inProcessExecutor`) or spread over worker threads
 * (`workerPoolExecutor`), each with its own TensorFlow.js backend and its own copy of the model loaded from
 * the run folder. Both take (task, dataset indices) and return per-sample flags in the same order.
 */
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { tensorsAt, type Dataset } from '../data';
import type { BackendInfo, BackendName } from '../backend';
import { runTaskOnBatch, type EvalModel, type EvalTask, type TaskResult } from './batch-task';

export interface EvalExecutor {
  /** how many batches run at once */
  readonly parallelism: number;
  /** backends of the threads doing the work */
  readonly backends: BackendInfo[] | string[];
  run(task: EvalTask, indices: Int32Array): Promise<TaskResult>;
  close(): Promise<void>;
}

/** Runs every batch here, on the current backend, with the given model. */
export function inProcessExecutor(model: EvalModel, data: Dataset): EvalExecutor {
  // one batch at a time, with a turn of the event loop in between (progress, saving, signals)
  let queue: Promise<unknown> = Promise.resolve();
  const runOne = async (task: EvalTask, indices: Int32Array): Promise<TaskResult> => {
    await new Promise((resolve) => setImmediate(resolve));
    const { x, y } = tensorsAt(data, indices);
    try {
      return await runTaskOnBatch(model, task, x, y);
    } finally {
      tf.dispose([x, y]);
    }
  };
  return {
    parallelism: 1,
    backends: [tf.getBackend()],
    run(task, indices) {
      const p = queue.then(() => runOne(task, indices));
      queue = p.catch(() => undefined);
      return p;
    },
    async close() { /* nothing owned */ },
  };
}

/** What a worker thread receives at start (structured-cloned). */
export interface EvalWorkerData {
  runDir: string;
  backend?: BackendName;
  images: Float32Array;
  labels: Int32Array;
  shape: readonly [number, number, number];
  numClasses: number;
  name: string;
}

export type WorkerRequest = { id: number; task: EvalTask; indices: Int32Array } | { id: -1; close: true };
export type WorkerReply =
  | { ready: true; backend: BackendInfo }
  | { startError: string }
  | { id: number; result: TaskResult }
  | { id: number; error: string };

export interface WorkerPoolOptions {
  /** number of worker threads (default 2) */
  workers?: number;
  /** run folder whose checkpoint each worker loads */
  runDir: string;
  /** backend each worker starts (default: MAT_BACKEND or the usual order; wasm on a CPU machine) */
  backend?: BackendName;
}

/** The worker entry script next to this file (.js when compiled, .ts under tsx). */
function workerScript(): { file: string; eval: boolean; code?: string } {
  const ext = path.extname(__filename);
  const file = path.join(__dirname, `eval-worker${ext}`);
  if (ext === '.ts') {
    // running from sources (tests, tsx): register tsx's CommonJS hook in the worker first
    return { file, eval: true, code: `require('tsx/cjs'); require(${JSON.stringify(file)});` };
  }
  return { file, eval: false };
}

/**
 * Starts `workers` threads; each initialises its own backend and loads the checkpoint of `runDir`.
 * Batches go to whichever worker is free (a queue, so uneven cascade batches balance themselves).
 */
export async function workerPoolExecutor(data: Dataset, options: WorkerPoolOptions): Promise<EvalExecutor> {
  const count = options.workers ?? 2;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`workers must be a positive integer, got ${count}`);
  const workerData: EvalWorkerData = {
    runDir: path.resolve(options.runDir), backend: options.backend, images: data.images, labels: data.labels,
    shape: data.shape, numClasses: data.numClasses, name: data.name,
  };
  const script = workerScript();
  const threads: Worker[] = [];
  const backends: BackendInfo[] = [];
  const idle: Worker[] = [];
  const waiting: Array<(w: Worker) => void> = [];
  const pending = new Map<number, { resolve: (r: TaskResult) => void; reject: (e: Error) => void }>();
  let nextId = 0;
  let failure: Error | undefined;

  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  const acquire = () => new Promise<Worker>((resolve) => {
    const w = idle.pop();
    if (w) resolve(w);
    else waiting.push(resolve);
  });

  try {
    await Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve, reject) => {
      // one compute thread per worker: the parallelism is the workers themselves (no nested wasm thread pools)
      const env = { ...process.env, MAT_WASM_THREADS: '1', MAT_TORCH_THREADS: '1' };
      const w = script.eval
        ? new Worker(script.code as string, { eval: true, workerData, env })
        : new Worker(script.file, { workerData, env });
      threads.push(w);
      w.once('error', reject);
      w.on('message', function onStart(msg: WorkerReply) {
        if ('ready' in msg) { backends.push(msg.backend); w.off('message', onStart); w.off('error', reject); resolve(); }
        else if ('startError' in msg) reject(new Error(`eval worker failed to start: ${msg.startError}`));
      });
    })));
  } catch (err) {
    await Promise.all(threads.map((w) => w.terminate()));
    throw err;
  }

  for (const w of threads) {
    w.on('message', (msg: WorkerReply) => {
      if (!('id' in msg)) return;
      const p = pending.get(msg.id);
      if (!p) return;
      pending.delete(msg.id);
      if ('error' in msg) p.reject(new Error(msg.error));
      else p.resolve(msg.result);
      release(w);
    });
    w.on('error', (err) => {
      failure = err;
      for (const p of pending.values()) p.reject(err);
      pending.clear();
    });
    idle.push(w);
  }

  return {
    parallelism: count,
    backends,
    async run(task, indices) {
      if (failure) throw failure;
      const w = await acquire();
      const id = nextId++;
      return new Promise<TaskResult>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        w.postMessage({ id, task, indices } satisfies WorkerRequest);
      });
    },
    async close() {
      await Promise.all(threads.map((w) => w.terminate()));
    },
  };
}

/**
 * Runs `task` on the examples `indices` (dataset positions), in batches of at most `batchSize` spread over
 * the executor's parallelism; returns the results in `indices` order. `onBatch` sees each finished batch
 * (its indices and result) as soon as it is done, e.g. to save progress.
 */
export async function runTaskOnIndices(
  executor: EvalExecutor,
  task: EvalTask,
  indices: ArrayLike<number>,
  batchSize: number,
  onBatch?: (batchIndices: Int32Array, result: TaskResult) => void,
): Promise<{ success: Uint8Array; correct: Uint8Array; l2: Float32Array; maxViolation: number }> {
  const n = indices.length;
  const out = { success: new Uint8Array(n), correct: new Uint8Array(n), l2: new Float32Array(n).fill(NaN), maxViolation: 0 };
  if (n === 0) return out;
  // small remainders are split evenly so every worker gets a share
  const size = Math.max(1, Math.min(batchSize, Math.ceil(n / executor.parallelism)));
  const starts: number[] = [];
  for (let s = 0; s < n; s += size) starts.push(s);
  await Promise.all(starts.map(async (start) => {
    const batch = Int32Array.from({ length: Math.min(size, n - start) }, (_, j) => indices[start + j]);
    const r = await executor.run(task, batch);
    if (r.success) out.success.set(r.success, start);
    if (r.correct) out.correct.set(r.correct, start);
    if (r.l2) out.l2.set(r.l2, start);
    out.maxViolation = Math.max(out.maxViolation, r.maxViolation ?? 0);
    onBatch?.(batch, r);
  }));
  return out;
}
