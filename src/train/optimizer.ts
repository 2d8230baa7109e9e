import * as tf from '@tensorflow/tfjs';

export const OPTIMIZER_NAMES = ['sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface OptimizerOptions {
  /** 'sgd' = SGD with momentum (TRADES' choice for MNIST: lr 0.01, momentum 0.9) */
  name?: OptimizerName;
  learningRate?: number;
  momentum?: number;
}

export function createOptimizer({ name = 'sgd', learningRate = 0.01, momentum = 0.9 }: OptimizerOptions = {}): tf.Optimizer {
  switch (name) {
    case 'sgd': return tf.train.momentum(learningRate, momentum);
    case 'adam': return tf.train.adam(learningRate);
    default: throw new RangeError(`unknown optimizer '${name as string}' (choose one of ${OPTIMIZER_NAMES.join(', ')})`);
  }
}

/** Changes the learning rate of a live optimizer (tfjs exposes a setter only on SGD/momentum). */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const o = optimizer as unknown as { learningRate: number; setLearningRate?: (lr: number) => void };
  if (typeof o.setLearningRate === 'function') o.setLearningRate(learningRate); // SGD, momentum: cached −lr scalar
  else o.learningRate = learningRate; // Adam reads the field on every step
}

/**
 * Piecewise-constant schedule: the base rate, multiplied by `gamma` at each epoch in `milestones`
 * (TRADES MNIST decays ×0.1 at epochs 55, 75, 90 of 100). Epochs are 0-based.
 */
export function stepSchedule(base: number, milestones: number[] = [], gamma = 0.1): (epoch: number) => number {
  return (epoch) => base * gamma ** milestones.filter((m) => epoch >= m).length;
}
