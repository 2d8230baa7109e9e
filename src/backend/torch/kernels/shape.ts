/** Kernels that move or pick data: reshape, transpose, pad, slices, concatenation, gather, one-hot, select. */
import * as tf from '@tensorflow/tfjs';
import { DTYPE_CODES, type NativeDType } from '../native';
import { axesOf, kernel, type TorchKernel } from './define';
import { Unsupported } from './unsupported';

function dtypeCode(dtype: unknown): number {
  const code = DTYPE_CODES[dtype as NativeDType];
  if (code === undefined) throw new Unsupported(`dtype ${dtype}`);
  return code;
}

export const shapeKernels: TorchKernel[] = [
  kernel('Reshape', ({ x }, { shape }, b) => {
    const resolved = tf.util.inferFromImplicitShape(shape as number[], tf.util.sizeFromShape(x!.shape));
    return b.run1('reshape', [x!], resolved);
  }),
  kernel('ExpandDims', ({ input }, { dim }, b) => {
    const rank = input!.shape.length;
    const axis = (dim as number) < 0 ? rank + 1 + (dim as number) : (dim as number);
    return b.run1('reshape', [input!], [...input!.shape.slice(0, axis), 1, ...input!.shape.slice(axis)]);
  }),
  kernel('Identity', ({ x }, _attrs, b) => {
    b.incRef(x!.dataId);
    return { dataId: x!.dataId, shape: x!.shape, dtype: x!.dtype };
  }),
  kernel('Cast', ({ x }, { dtype }, b) => b.run1('cast', [x!], [dtypeCode(dtype)])),
  kernel('Transpose', ({ x }, { perm }, b) => b.run1('transpose', [x!], perm as number[])),
  kernel('PadV2', ({ x }, { paddings, constantValue }, b) =>
    b.run1('pad', [x!], [constantValue as number, ...(paddings as Array<[number, number]>).flat()])),
  kernel('Slice', ({ x }, { begin, size }, b) => {
    const [start, length] = tf.slice_util.parseSliceParams(x as tf.Tensor, begin as number[], size as number[]);
    tf.slice_util.assertParamsValid(x as tf.Tensor, start, length);
    return b.run1('slice', [x!], [...start, ...length]);
  }),
  kernel('StridedSlice', ({ x }, attrs, b) => {
    const info = tf.slice_util.sliceInfo(x!.shape, attrs.begin as number[], attrs.end as number[], attrs.strides as number[],
      attrs.beginMask as number, attrs.endMask as number, attrs.ellipsisMask as number, attrs.newAxisMask as number,
      attrs.shrinkAxisMask as number);
    if (info.strides.some((s) => s <= 0)) throw new Unsupported('non-positive strides');
    const [sliced] = b.run('stridedSlice', [x!], [x!.shape.length, ...info.begin, ...info.end, ...info.strides]);
    const out = b.run1('reshape', [sliced], info.finalShape);
    b.disposeData(sliced.dataId);
    return out;
  }),
  kernel('Concat', (inputs, { axis }, b) => {
    const tensors = Object.values(inputs) as tf.TensorInfo[];
    const $axis = axesOf(axis as number, tensors[0].shape.length)[0];
    return b.run1('concat', tensors, [$axis]);
  }),
  kernel('Pack', (inputs, { axis }, b) => {
    const tensors = Object.values(inputs) as tf.TensorInfo[];
    return b.run1('pack', tensors, [axesOf(axis as number, tensors[0].shape.length + 1)[0]]);
  }),
  kernel('Unpack', ({ value }, { axis }, b) => b.run('unpack', [value!], [axesOf(axis as number, value!.shape.length)[0]])),
  kernel('SplitV', ({ x }, { numOrSizeSplits, axis }, b) => {
    const $axis = axesOf(axis as number, x!.shape.length)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, numOrSizeSplits as number | number[], $axis);
    return b.run('split', [x!], [$axis, ...sizes]);
  }),
  kernel('Tile', ({ x }, { reps }, b) => b.run1('tile', [x!], reps as number[])),
  kernel('Reverse', ({ x }, { dims }, b) => b.run1('reverse', [x!], axesOf(dims as number[], x!.shape.length))),
  kernel('GatherV2', ({ x, indices }, { axis, batchDims }, b) => {
    if (batchDims) throw new Unsupported('batchDims');
    return b.run1('gather', [x!, indices!], [axesOf(axis as number, x!.shape.length)[0]]);
  }),
  kernel('OneHot', ({ indices }, { depth, onValue, offValue, dtype }, b) =>
    b.run1('oneHot', [indices!], [depth as number, onValue as number, offValue as number, dtypeCode(dtype)])),
  kernel('Select', ({ condition, t, e }, _attrs, b) => b.run1('select', [condition!, t!, e!])),
  kernel('Fill', (_inputs, { shape, value, dtype }, b) => {
    if (typeof value === 'string') throw new Unsupported('string fill');
    return b.run1('fill', [], [dtypeCode(dtype ?? 'float32'), value as number, ...(shape as number[])]);
  }),
];
