import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from './batch-norm';
import { appendHead, type HeadOptions } from './head';
import { SeedSequence } from './init';

export interface VggOptions extends HeadOptions {
  inputShape: [number, number, number];
  seed?: number;
  /** filters per block; each block is two 3×3 'same' convs + BN + ReLU, then 2×2 max-pool */
  blocks?: number[];
  /** width of the hidden fully connected layer before 'features' */
  hidden?: number;
  dropout?: number;
}

/**
 * A small VGG-style MNIST network. The paper says only that its MNIST model is "VGG Net"
 * (Simonyan & Zisserman 2015), without details; our choice (documented, not the paper's):
 * three blocks [conv3×3-BN-ReLU ×2, maxpool 2] with 32, 64, 128 filters (28→14→7→3),
 * flatten → FC 256 ReLU → dropout 0.5 → 'features' (linear, default 256) → 'logits'.
 * 651,306 weights for 28×28×1 (incl. batch-norm moving statistics). Batch norm (momentum 0.9,
 * ε 1e-5, PyTorch's defaults; our choice, untested against a BN-free variant) is there to ease
 * optimisation; `features(x, false)` uses the moving statistics.
 */
export function buildVgg(opts: VggOptions): tf.LayersModel {
  const seeds = new SeedSequence(opts.seed);
  const input = tf.input({ shape: opts.inputShape });
  let h: tf.SymbolicTensor = input;
  for (const filters of opts.blocks ?? [32, 64, 128]) {
    for (let i = 0; i < 2; i++) {
      h = tf.layers
        .conv2d({ filters, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: seeds.heNormal() })
        .apply(h) as tf.SymbolicTensor;
      h = batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(h) as tf.SymbolicTensor;
      h = tf.layers.activation({ activation: 'relu' }).apply(h) as tf.SymbolicTensor;
    }
    h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  }
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .dense({ units: opts.hidden ?? 256, activation: 'relu', kernelInitializer: seeds.linearDefault() })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: opts.dropout ?? 0.5 }).apply(h) as tf.SymbolicTensor;
  const { logits } = appendHead(h, opts, seeds);
  return tf.model({ inputs: input, outputs: logits, name: 'vgg' });
}
