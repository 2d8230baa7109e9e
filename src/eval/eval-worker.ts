/**
 * Worker-thread entry of `workerPoolExecutor`: starts its own backend, loads the run's checkpoint, then
 * answers (task, indices) requests with per-sample flags. Not part of the public API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend';
import { createDataset, tensorsAt } from '../data';
import { loadRunClassifier } from '../run/load';
import { runTaskOnBatch } from './batch-task';
import type { EvalWorkerData, WorkerReply, WorkerRequest } from './executor';

async function start(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('eval-worker must run in a worker thread');
  const init = workerData as EvalWorkerData;
  let model: Awaited<ReturnType<typeof loadRunClassifier>>['model'];
  const data = createDataset({
    name: init.name, split: 'test', images: init.images, labels: init.labels, shape: init.shape, numClasses: init.numClasses,
  });
  try {
    const backend = await initBackend({ prefer: init.backend });
    model = (await loadRunClassifier(init.runDir)).model;
    port.postMessage({ ready: true, backend } satisfies WorkerReply);
  } catch (err) {
    port.postMessage({ startError: (err as Error).message } satisfies WorkerReply);
    return;
  }
  port.on('message', async (msg: WorkerRequest) => {
    if ('close' in msg) { model.model.dispose(); port.close(); return; }
    const { x, y } = tensorsAt(data, msg.indices);
    try {
      const result = await runTaskOnBatch(model, msg.task, x, y);
      port.postMessage({ id: msg.id, result } satisfies WorkerReply);
    } catch (err) {
      port.postMessage({ id: msg.id, error: (err as Error).message } satisfies WorkerReply);
    } finally {
      tf.dispose([x, y]);
    }
  });
}

void start();
