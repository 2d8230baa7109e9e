/**
 * Convolutions, pooling and matrix products. Geometry (TensorFlow's SAME / VALID padding, which may be
 * asymmetric) comes from tfjs' own conv_util, so the native side only receives explicit numbers.
 */
import * as tf from '@tensorflow/tfjs';
import { kernel, type TorchKernel } from './define';
import { Unsupported } from './unsupported';

type Conv2DInfo = tf.backend_util.Conv2DInfo;

/** strideH, strideW, dilationH, dilationW, padTop, padBottom, padLeft, padRight: the `Window` of native/ops.cc */
function windowArgs(info: Conv2DInfo): number[] {
  const p = info.padInfo;
  return [info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth, p.top, p.bottom, p.left, p.right];
}

function requireNhwc(dataFormat: unknown): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC' && dataFormat !== 'channelsLast') throw new Unsupported(`data format ${dataFormat}`);
}

type Pad = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function convInfo(inShape: number[], filterShape: number[], attrs: tf.NamedAttrMap): Conv2DInfo {
  requireNhwc(attrs.dataFormat);
  return tf.backend_util.computeConv2DInfo(
    inShape as [number, number, number, number], filterShape as [number, number, number, number],
    attrs.strides as [number, number], (attrs.dilations ?? 1) as [number, number], attrs.pad as Pad,
    attrs.dimRoundingMode as Rounding);
}

/** activation codes of native/ops.cc */
const ACTIVATIONS: Record<string, number> = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, sigmoid: 5, prelu: 6 };
function activationCode(name: unknown): number {
  const code = ACTIVATIONS[(name as string | undefined) ?? 'linear'];
  if (code === undefined) throw new Unsupported(`activation ${name}`);
  return code;
}

function poolInfo(x: tf.TensorInfo, attrs: tf.NamedAttrMap): Conv2DInfo {
  const info = tf.backend_util.computePool2DInfo(
    x.shape as [number, number, number, number], attrs.filterSize as [number, number], attrs.strides as [number, number],
    1, attrs.pad as Pad, attrs.dimRoundingMode as Rounding);
  return info;
}

function poolArgs(info: Conv2DInfo): number[] {
  return [...windowArgs(info), info.filterHeight, info.filterWidth];
}

export const convolutionKernels: TorchKernel[] = [
  kernel('Conv2D', ({ x, filter }, attrs, b) => b.run1('conv2d', [x!, filter!], windowArgs(convInfo(x!.shape, filter!.shape, attrs)))),
  kernel('FusedConv2D', ({ x, filter, bias, preluActivationWeights }, attrs, b) => {
    const act = activationCode(attrs.activation);
    const inputs = [x!, filter!, ...(bias ? [bias] : []), ...(act === ACTIVATIONS.prelu ? [preluActivationWeights!] : [])];
    const args = [...windowArgs(convInfo(x!.shape, filter!.shape, attrs)), bias ? 1 : 0, act, (attrs.leakyreluAlpha as number) ?? 0.2];
    return b.run1('conv2d', inputs, args);
  }),
  kernel('Conv2DBackpropInput', ({ dy, filter }, attrs, b) => {
    const inShape = attrs.inputShape as number[];
    return b.run1('conv2dBackpropInput', [dy!, filter!], [...windowArgs(convInfo(inShape, filter!.shape, attrs)), ...inShape]);
  }),
  kernel('Conv2DBackpropFilter', ({ x, dy }, attrs, b) => {
    const filterShape = attrs.filterShape as number[];
    return b.run1('conv2dBackpropFilter', [x!, dy!], [...windowArgs(convInfo(x!.shape, filterShape, attrs)), ...filterShape]);
  }),
  kernel('MaxPool', ({ x }, attrs, b) => b.run1('maxPool', [x!], poolArgs(poolInfo(x!, attrs)))),
  kernel('MaxPoolGrad', ({ dy, input, output }, attrs, b) => b.run1('maxPoolGrad', [dy!, input!, output!], poolArgs(poolInfo(input!, attrs)))),
  kernel('AvgPool', ({ x }, attrs, b) => {
    const info = poolInfo(x!, attrs);
    if (info.padInfo.top !== info.padInfo.bottom || info.padInfo.left !== info.padInfo.right) throw new Unsupported('asymmetric padding');
    return b.run1('avgPool', [x!], poolArgs(info));
  }),
  kernel('AvgPoolGrad', ({ dy, input }, attrs, b) => {
    const info = poolInfo(input!, attrs);
    if (info.padInfo.top !== info.padInfo.bottom || info.padInfo.left !== info.padInfo.right) throw new Unsupported('asymmetric padding');
    return b.run1('avgPoolGrad', [dy!, input!], poolArgs(info));
  }),
  kernel('BatchMatMul', ({ a, b: other }, { transposeA, transposeB }, b) =>
    b.run1('matMul', [a!, other!], [transposeA ? 1 : 0, transposeB ? 1 : 0])),
  kernel('_FusedMatMul', ({ a, b: other, bias, preluActivationWeights }, attrs, b) => {
    const act = activationCode(attrs.activation);
    const inputs = [a!, other!, ...(bias ? [bias] : []), ...(act === ACTIVATIONS.prelu ? [preluActivationWeights!] : [])];
    return b.run1('matMul', inputs, [attrs.transposeA ? 1 : 0, attrs.transposeB ? 1 : 0, bias ? 1 : 0, act, (attrs.leakyreluAlpha as number) ?? 0.2]);
  }),
  kernel('FusedBatchNorm', ({ x, mean, variance, offset, scale }, { varianceEpsilon }, b) =>
    b.run1('batchNorm', [x!, mean!, variance!, ...(offset ? [offset] : []), ...(scale ? [scale] : [])],
      [varianceEpsilon as number, offset ? 1 : 0, scale ? 1 : 0])),
];
