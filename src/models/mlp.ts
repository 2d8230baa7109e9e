import * as tf from '@tensorflow/tfjs';
import { appendHead, type HeadOptions } from './head';
import { SeedSequence } from './init';

export interface MlpOptions extends HeadOptions {
  inputShape: [number, number, number];
  seed?: number;
  /** hidden ReLU layer width */
  hidden?: number;
}

/**
 * Not in the paper: flatten → Dense(hidden, ReLU) → 'features' → 'logits'. A tiny, fast model for
 * tests, demos and smoke runs of the training loop (no dropout, no batch norm, so deterministic).
 */
export function buildMlp(opts: MlpOptions): tf.LayersModel {
  const seeds = new SeedSequence(opts.seed);
  const input = tf.input({ shape: opts.inputShape });
  let h = tf.layers.flatten().apply(input) as tf.SymbolicTensor;
  h = tf.layers
    .dense({ units: opts.hidden ?? 32, activation: 'relu', kernelInitializer: seeds.linearDefault() })
    .apply(h) as tf.SymbolicTensor;
  const { logits } = appendHead(h, opts, seeds);
  return tf.model({ inputs: input, outputs: logits, name: 'mlp' });
}
