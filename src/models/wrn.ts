import * as tf from '@tensorflow/tfjs';
import { batchNormalization } from './batch-norm';
import { appendHead, type HeadOptions } from './head';
import { SeedSequence } from './init';

export interface WrnOptions extends HeadOptions {
  inputShape: [number, number, number];
  seed?: number;
  /** 6n+4 (WRN-34-10: 34; CPU default 16) */
  depth?: number;
  /** widen factor k (WRN-34-10: 10; CPU default 1) */
  width?: number;
  /** dropout inside each block between the two convs (WideResNet dropRate; TRADES: 0) */
  dropout?: number;
}

/** Default depth/width: WRN-16-1 (about 0.18 M parameters), small enough for CPU runs. */
export const WRN_CPU_DEFAULT = { depth: 16, width: 1 } as const;
/** The paper's / TRADES' CIFAR-10 network. */
export const WRN_34_10 = { depth: 34, width: 10 } as const;

/**
 * WideResNet (Zagoruyko & Komodakis 2016) as in TRADES' `models/wideresnet.py`: conv3×3(16) →
 * 3 groups of n = (depth−4)/6 pre-activation BasicBlocks with 16k, 32k, 64k channels (strides 1, 2, 2)
 * → BN-ReLU → global average pool (TRADES: avg_pool 8 on 32×32, the same thing) → 'features' →
 * 'logits'. Our only change is the extra linear 'features' layer (default featureDim 64k) in front of
 * the classifier, so φ is a learned linear map of the pooled features.
 * Batch norm uses PyTorch's momentum 0.1 (Keras momentum 0.9) and ε 1e-5; `features(x, false)` uses the
 * moving statistics, `features(x, true)` the batch statistics and updates the moving ones.
 * Stride-2 convs use TF 'same' padding (pads bottom/right), PyTorch pads 1 on both sides: same shapes.
 */
export function buildWideResNet(opts: WrnOptions): tf.LayersModel {
  const depth = opts.depth ?? WRN_CPU_DEFAULT.depth;
  const k = opts.width ?? WRN_CPU_DEFAULT.width;
  if (!Number.isInteger(depth) || depth < 10 || (depth - 4) % 6 !== 0) {
    throw new RangeError(`WideResNet depth must be 6n+4 with n ≥ 1 (10, 16, 22, 28, 34, …), got ${depth}`);
  }
  if (!Number.isInteger(k) || k < 1) throw new RangeError(`WideResNet width must be a positive integer, got ${k}`);
  const n = (depth - 4) / 6;
  const seeds = new SeedSequence(opts.seed);
  const conv = (filters: number, kernelSize: number, strides: number) =>
    tf.layers.conv2d({
      filters,
      kernelSize,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: seeds.heNormalFanOut(),
    });
  const bnRelu = (x: tf.SymbolicTensor) => {
    const b = batchNormalization({ momentum: 0.9, epsilon: 1e-5 }).apply(x) as tf.SymbolicTensor;
    return tf.layers.activation({ activation: 'relu' }).apply(b) as tf.SymbolicTensor;
  };

  const input = tf.input({ shape: opts.inputShape });
  let h = conv(16, 3, 1).apply(input) as tf.SymbolicTensor;
  let inChannels = 16;
  const groups: Array<[number, number]> = [
    [16 * k, 1],
    [32 * k, 2],
    [64 * k, 2],
  ];
  for (const [outChannels, groupStride] of groups) {
    for (let b = 0; b < n; b++) {
      const stride = b === 0 ? groupStride : 1;
      const equalInOut = inChannels === outChannels;
      const act = bnRelu(h);
      let out = conv(outChannels, 3, stride).apply(act) as tf.SymbolicTensor;
      out = bnRelu(out);
      if (opts.dropout) out = tf.layers.dropout({ rate: opts.dropout }).apply(out) as tf.SymbolicTensor;
      out = conv(outChannels, 3, 1).apply(out) as tf.SymbolicTensor;
      // TRADES/WRN BasicBlock: identity shortcut takes the raw input; the 1×1 projection takes relu(bn(x))
      const shortcut = equalInOut ? h : (conv(outChannels, 1, stride).apply(act) as tf.SymbolicTensor);
      h = tf.layers.add().apply([shortcut, out]) as tf.SymbolicTensor;
      inChannels = outChannels;
    }
  }
  h = bnRelu(h);
  h = tf.layers.globalAveragePooling2d({}).apply(h) as tf.SymbolicTensor;
  const { logits } = appendHead(h, opts, seeds);
  return tf.model({ inputs: input, outputs: logits, name: `wrn_${depth}_${k}` });
}
