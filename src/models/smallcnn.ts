import * as tf from '@tensorflow/tfjs';
import { appendHead, type HeadOptions } from './head';
import { SeedSequence } from './init';

export interface SmallCnnOptions extends HeadOptions {
  inputShape: [number, number, number];
  seed?: number;
  /** dropout after fc1 (TRADES: 0.5) */
  dropout?: number;
}

/**
 * TRADES' MNIST SmallCNN (Zhang et al. 2019, `models/small_cnn.py`):
 * conv32-conv32-pool-conv64-conv64-pool (3×3 valid, ReLU) → fc1 200 ReLU → dropout 0.5 → fc2 → fc3.
 * Here fc2 is the layer 'features' (featureDim units, default 200) and fc3 is 'logits'.
 *
 * Deviation: TRADES applies ReLU after fc2; we keep φ = fc2 output *linear* for every method, so that
 * cosine geometry (MAT) and the MMC centers are not confined to the positive orthant. With the linear
 * head the parameter count equals TRADES' (312,202 for 28×28×1, 10 classes, featureDim 200).
 * Init follows TRADES: Kaiming-normal convs, PyTorch-default Linear, zero fc3.
 */
export function buildSmallCnn(opts: SmallCnnOptions): tf.LayersModel {
  const seeds = new SeedSequence(opts.seed);
  const input = tf.input({ shape: opts.inputShape });
  let h: tf.SymbolicTensor = input;
  const conv = (filters: number) => {
    h = tf.layers
      .conv2d({ filters, kernelSize: 3, padding: 'valid', activation: 'relu', kernelInitializer: seeds.heNormal() })
      .apply(h) as tf.SymbolicTensor;
  };
  conv(32);
  conv(32);
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  conv(64);
  conv(64);
  h = tf.layers.maxPooling2d({ poolSize: 2 }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.flatten().apply(h) as tf.SymbolicTensor;
  h = tf.layers
    .dense({ units: 200, activation: 'relu', name: 'fc1', kernelInitializer: seeds.linearDefault() })
    .apply(h) as tf.SymbolicTensor;
  h = tf.layers.dropout({ rate: opts.dropout ?? 0.5 }).apply(h) as tf.SymbolicTensor;
  const { logits } = appendHead(h, { zeroInitLinearHead: true, ...opts }, seeds);
  return tf.model({ inputs: input, outputs: logits, name: 'smallcnn' });
}
