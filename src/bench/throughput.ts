/**
 * Throughput of the two operations every experiment is made of, on the SmallCNN / MNIST shape the
 * PyTorch peer (bench/torch_smallcnn.py) measures: a training step (forward + backward + SGD update,
 * training mode) and a PGD step (forward + input gradient, inference mode).
 */
import * as tf from '@tensorflow/tfjs';
import { createClassifier, type Arch } from '../models';
import { crossEntropy } from '../losses/cross-entropy';
import { createOptimizer } from '../train/optimizer';
import { resetTorchCounters, torchCounters } from '../backend';

export interface ThroughputOptions {
  arch?: Arch;
  batchSize?: number;
  /** timed repetitions per sample (default 10) and samples (default 5): we report median and spread */
  iterations?: number;
  samples?: number;
  warmup?: number;
  depth?: number;
  width?: number;
}

export interface ThroughputSample { median: number; min: number; max: number; samples: number[] }

/**
 * What one step costs the host, from the torch addon's counters over the timed steps (torch backends only).
 * The bench's own loop reads back once a step (the loss; the PGD step's gradient sum), and that read is counted.
 */
export interface StepCost {
  /** native kernels per step (each pays TF.js' engine and one N-API call) */
  kernels: number;
  /** device→host reads per step */
  readbacks: number;
  /** host→device copies per step (JavaScript numbers and arrays made into tensors) */
  uploads: number;
  /** µs per step outside ATen's ops: the TF.js engine, JavaScript and N-API (on a GPU: all the host's work but launches) */
  hostMicros: number;
  /** µs per step inside ATen's ops (on the CPU the arithmetic itself; on CUDA the launch cost) */
  atenMicros: number;
}
export interface ThroughputResult {
  arch: string;
  /** the tfjs model's name, e.g. 'wrn_16_1' */
  modelName: string;
  batchSize: number;
  /** every weight, batch-norm moving statistics included (tfjs' countParams) */
  parameters: number;
  /** trainable weights only (PyTorch's `parameters()`) */
  trainableParameters: number;
  trainImagesPerSecond: ThroughputSample;
  pgdStepImagesPerSecond: ThroughputSample;
  /** per-step host costs (torch backends) */
  trainStepCost?: StepCost;
  pgdStepCost?: StepCost;
}

function summarise(samples: number[]): ThroughputSample {
  const sorted = [...samples].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted[sorted.length - 1], samples };
}

export function measureThroughput(options: ThroughputOptions = {}): ThroughputResult {
  const { arch = 'smallcnn', batchSize = 128, iterations = 10, samples = 5, warmup = 3 } = options;
  const extra = arch === 'wrn' ? { depth: options.depth, width: options.width } : {};
  const model = createClassifier(arch, { seed: 1, ...extra });
  const shape = model.inputShape;
  const x = tf.randomUniform([batchSize, ...shape], 0, 1, 'float32', 2) as tf.Tensor4D;
  const y = tf.randomUniform([batchSize], 0, model.numClasses, 'int32', 3) as tf.Tensor1D;
  const optimizer = createOptimizer({ name: 'sgd', learningRate: 0.01, momentum: 0.9 }); // the project's (fused where the backend can)
  const vars = model.trainableVariables();
  const trainStep = () => {
    const cost = optimizer.minimize(() => crossEntropy(model.logits(x, true), y), true, vars);
    cost!.dataSync(); // wait for the backend, as a real loop reading its loss would
    cost!.dispose();
  };
  const pgdStep = () => {
    const g = tf.tidy(() => tf.grad((xa: tf.Tensor) => crossEntropy(model.logits(xa as tf.Tensor4D, false), y))(x));
    g.sum().dataSync(); // a tiny read-back forces completion without copying the gradient out
    g.dispose();
  };
  const costs: StepCost[] = [];
  const rate = (fn: () => void) => {
    for (let i = 0; i < warmup; i++) fn();
    const out: number[] = [];
    resetTorchCounters();
    let wall = 0;
    for (let s = 0; s < samples; s++) {
      const t = performance.now();
      for (let i = 0; i < iterations; i++) fn();
      const ms = performance.now() - t;
      wall += ms;
      out.push((batchSize * iterations) / (ms / 1000));
    }
    const c = torchCounters();
    const steps = samples * iterations;
    if (c) {
      costs.push({ kernels: c.kernels / steps, readbacks: c.readbacks / steps, uploads: c.uploads / steps,
        hostMicros: (wall * 1e3 - c.opSeconds * 1e6) / steps, atenMicros: (c.opSeconds * 1e6) / steps });
    }
    return summarise(out);
  };
  const trainImagesPerSecond = rate(trainStep), pgdStepImagesPerSecond = rate(pgdStep);
  const result = {
    arch: model.arch, modelName: model.model.name, batchSize, parameters: model.model.countParams(),
    trainableParameters: vars.reduce((n, v) => n + v.size, 0),
    trainImagesPerSecond, pgdStepImagesPerSecond,
    ...(costs.length === 2 ? { trainStepCost: costs[0], pgdStepCost: costs[1] } : {}),
  };
  tf.dispose([x, y]); optimizer.dispose(); model.model.dispose();
  return result;
}
