import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE_KERNEL, MOMENTUM_UPDATE_KERNEL, adamUpdate, fusedUpdateAvailable, momentumUpdate } from '../backend/fused-updates';

export const OPTIMIZER_NAMES = ['sgd', 'adam'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

export interface OptimizerOptions {
  /** 'sgd' = SGD with momentum (TRADES' choice for MNIST: lr 0.01, momentum 0.9) */
  name?: OptimizerName;
  learningRate?: number;
  momentum?: number;
}

type Slot = { originalName: string; variable: tf.Variable } | undefined;
type Gradients = Parameters<tf.MomentumOptimizer['applyGradients']>[0];

/** TF.js' slot bookkeeping, shared by both optimizers: names in order, each variable's gradient. */
function eachGradient(gradients: Gradients, fn: (name: string, i: number, value: tf.Variable, gradient: tf.Tensor | undefined) => void): void {
  const names = Array.isArray(gradients) ? gradients.map((g) => g.name) : Object.keys(gradients);
  names.forEach((name, i) => fn(name, i, tf.engine().registeredVariables[name], Array.isArray(gradients) ? gradients[i].tensor : gradients[name]));
}
const zeroSlot = (name: string, value: tf.Variable): Slot => ({ originalName: name, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) });

/**
 * TF.js' SGD with momentum, its per-variable update one kernel where the backend has it (../backend/fused-updates);
 * the same slots, names and serialization (class name 'Momentum'), so checkpoints carry over either way.
 */
class FusedMomentumOptimizer extends tf.MomentumOptimizer {
  override applyGradients(gradients: Gradients): void {
    if (!fusedUpdateAvailable(MOMENTUM_UPDATE_KERNEL)) return super.applyGradients(gradients);
    const self = this as unknown as { accumulations: Slot[]; learningRate: number; momentum: number; useNesterov: boolean; incrementIterations(): void };
    eachGradient(gradients, (name, i, value, gradient) => {
      self.accumulations[i] ??= zeroSlot(`${name}/momentum`, value);
      if (gradient == null) return;
      const accumulation = self.accumulations[i]!.variable;
      tf.tidy(() => {
        const [newValue, newAccumulation] = momentumUpdate(value, accumulation, gradient,
          { learningRate: self.learningRate, momentum: self.momentum, nesterov: self.useNesterov });
        accumulation.assign(newAccumulation);
        value.assign(newValue);
      });
    });
    self.incrementIterations();
  }
}

/** TF.js' Adam, fused the same way (class name 'Adam'). */
class FusedAdamOptimizer extends tf.AdamOptimizer {
  override applyGradients(gradients: Gradients): void {
    if (!fusedUpdateAvailable(ADAM_UPDATE_KERNEL)) return super.applyGradients(gradients);
    const self = this as unknown as { accumulatedFirstMoment: Slot[]; accumulatedSecondMoment: Slot[]; accBeta1: tf.Variable; accBeta2: tf.Variable;
      learningRate: number; beta1: number; beta2: number; epsilon: number; incrementIterations(): void };
    tf.tidy(() => {
      eachGradient(gradients, (name, i, value, gradient) => {
        self.accumulatedFirstMoment[i] ??= zeroSlot(`${name}/m`, value);
        self.accumulatedSecondMoment[i] ??= zeroSlot(`${name}/v`, value);
        if (gradient == null) return;
        const m = self.accumulatedFirstMoment[i]!.variable, v = self.accumulatedSecondMoment[i]!.variable;
        const [newValue, newM, newV] = adamUpdate(value, m, v, gradient, self.accBeta1, self.accBeta2,
          { learningRate: self.learningRate, beta1: self.beta1, beta2: self.beta2, epsilon: self.epsilon });
        m.assign(newM);
        v.assign(newV);
        value.assign(newValue);
      });
      self.accBeta1.assign(tf.mul(self.accBeta1, self.beta1));
      self.accBeta2.assign(tf.mul(self.accBeta2, self.beta2));
    });
    self.incrementIterations();
  }
}

const OPTIMIZERS: Record<OptimizerName, (o: Required<Omit<OptimizerOptions, 'name'>>) => tf.Optimizer> = {
  sgd: ({ learningRate, momentum }) => new FusedMomentumOptimizer(learningRate, momentum),
  adam: ({ learningRate }) => new FusedAdamOptimizer(learningRate, 0.9, 0.999), // tf.train.adam's defaults
};

export function createOptimizer({ name = 'sgd', learningRate = 0.01, momentum = 0.9 }: OptimizerOptions = {}): tf.Optimizer {
  const make = OPTIMIZERS[name];
  if (!make) throw new RangeError(`unknown optimizer '${name as string}' (choose one of ${OPTIMIZER_NAMES.join(', ')})`);
  return make({ learningRate, momentum });
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
