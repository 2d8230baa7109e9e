/**
 * Throughput of the two operations every experiment is made of, on the SmallCNN / MNIST shape the
 * PyTorch peer (bench/torch_smallcnn.py) measures: a training step (forward + backward + SGD update,
 * training mode) and a PGD step (forward + input gradient, inference mode).
 */
import * as tf from '@tensorflow/tfjs';
import { createClassifier, type Arch } from '../models';
import { crossEntropy } from '../losses/cross-entropy';
import { createOptimizer } from '../train/optimizer';

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
  const rate = (fn: () => void) => {
    for (let i = 0; i < warmup; i++) fn();
    const out: number[] = [];
    for (let s = 0; s < samples; s++) {
      const t = performance.now();
      for (let i = 0; i < iterations; i++) fn();
      out.push((batchSize * iterations) / ((performance.now() - t) / 1000));
    }
    return summarise(out);
  };
  const result = {
    arch: model.arch, modelName: model.model.name, batchSize, parameters: model.model.countParams(),
    trainableParameters: vars.reduce((n, v) => n + v.size, 0),
    trainImagesPerSecond: rate(trainStep), pgdStepImagesPerSecond: rate(pgdStep),
  };
  tf.dispose([x, y]); optimizer.dispose(); model.model.dispose();
  return result;
}
